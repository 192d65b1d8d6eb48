"""Content hashes: how a renamed or moved photo is recognised as the same photo."""

from __future__ import annotations

import hashlib
from pathlib import Path


def content_hash(path: Path) -> str:
    """BLAKE2b-128 of the whole file, hex (fast, and collisions are not a practical concern)."""
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
