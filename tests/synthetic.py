"""A library built from synthetic embeddings with known identities: people tests that need no photos.

Each identity is a random unit vector in 128-D; its faces are that vector plus Gaussian noise,
renormalised. With `spread` 0.0125 per dimension two faces of one identity are about
128 * 0.0125^2 = 0.02 apart in cosine distance (below core.identity.LINK_DISTANCE, 0.055),
while two random identities are about 1.0 apart: the truth is unambiguous, so a clustering
that mixes or splits them is wrong, not unlucky.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from faceorg.core.face import Box, FaceRecord
from faceorg.core.photo import PhotoStatus
from faceorg.store import faces, photos
from faceorg.store.db import transaction
from faceorg.store.photos import FileFacts

DIM = 128


def identity_vectors(
    n_people: int, faces_each: int, seed: int = 0, spread: float = 0.0125
) -> tuple[np.ndarray, list[int]]:
    """(faces x 128 unit vectors, the identity of each row), identities interleaved."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_people, DIM))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    truth = [i % n_people for i in range(n_people * faces_each)]
    vectors = centres[truth] + rng.normal(scale=spread, size=(len(truth), DIM))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32), truth


def face_record(vector: np.ndarray, x: float = 10.0) -> FaceRecord:
    """A clear, frontal, large face (no background rule applies) with the given embedding."""
    return FaceRecord(
        box=Box(x, 10.0, x + 120.0, 130.0),
        score=0.999,
        landmarks=[(x + 40, 50), (x + 80, 50), (x + 60, 70), (x + 45, 95), (x + 75, 95)],
        embedding=vector,
        quality={"side_px": 120.0, "sharpness": 500.0, "yaw": 0.0},
    )


def add_photo(conn: sqlite3.Connection, path: str, vectors: list[np.ndarray]) -> list[int]:
    """One stored photo holding one face per vector; returns the face ids."""
    with transaction(conn):
        photo_id = photos.upsert(conn, FileFacts(path, 1000, 0.0, path), None, PhotoStatus.OK, face_count=len(vectors))
        return faces.replace_faces(conn, photo_id, [face_record(v, 10.0 + 200 * i) for i, v in enumerate(vectors)])


def build(conn: sqlite3.Connection, n_people: int = 6, faces_each: int = 5, seed: int = 0) -> dict[int, int]:
    """A photo per face; returns face id -> true identity."""
    vectors, truth = identity_vectors(n_people, faces_each, seed)
    known: dict[int, int] = {}
    for i, (vector, who) in enumerate(zip(vectors, truth, strict=True)):
        (face_id,) = add_photo(conn, f"/photos/{i:04d}.jpg", [vector])
        known[face_id] = who
    return known
