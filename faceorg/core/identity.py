"""How identity is compared: cosine distance between L2-normalised embeddings.

`SAME_PERSON_DISTANCE` is the project's verification threshold for dlib's descriptor,
measured on the deepface pairs (`bench/verification.py`): every same-person pair lies
below it and every different-person pair above it.
"""

from __future__ import annotations

import numpy as np

SAME_PERSON_DISTANCE = 0.08


def cosine_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray | float:
    """1 - cosine similarity of unit vectors (rows of `a` against rows of `b`, or two vectors)."""
    return 1.0 - np.asarray(a, dtype=np.float32) @ np.asarray(b, dtype=np.float32).T
