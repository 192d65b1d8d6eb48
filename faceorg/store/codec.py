"""How vectors and small structures are packed into SQLite columns."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

EMBEDDING_DTYPE = np.float32


def pack_vector(vector: np.ndarray | None) -> bytes | None:
    """A float32 little-endian blob: 512 bytes for a 128-D embedding."""
    if vector is None:
        return None
    return np.asarray(vector, dtype="<f4").tobytes()


def unpack_vector(blob: bytes | None) -> np.ndarray | None:
    if blob is None:
        return None
    return np.frombuffer(blob, dtype="<f4")


def unpack_matrix(blobs: list[bytes]) -> np.ndarray:
    """Many embedding blobs as one (n, d) float32 matrix, without a Python loop per value."""
    if not blobs:
        return np.zeros((0, 0), dtype=EMBEDDING_DTYPE)
    return np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), -1).copy()  # writable, for torch


def to_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


def from_json(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)
