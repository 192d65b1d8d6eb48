"""The embeddings of faces that already belong to someone, in memory, for nearest-neighbour lookups."""

from __future__ import annotations

import sqlite3

import numpy as np

from faceorg.store import faces as face_repo
from faceorg.store.people import ELIGIBLE


class IdentityIndex:
    """Face ids, their people and their unit embeddings, growable as faces get assigned."""

    def __init__(self, face_ids: np.ndarray, person_ids: np.ndarray, vectors: np.ndarray):
        self.face_ids = face_ids.astype(np.int64)
        self.person_ids = person_ids.astype(np.int64)
        self.vectors = (
            vectors.astype(np.float32).reshape(len(face_ids), -1) if len(face_ids) else np.zeros((0, 128), np.float32)
        )

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> IdentityIndex:
        ids, vectors = face_repo.embeddings(conn, f"f.person_id IS NOT NULL AND {ELIGIBLE}")
        people = dict(conn.execute("SELECT id, person_id FROM faces WHERE person_id IS NOT NULL").fetchall())
        return cls(ids, np.array([people[int(i)] for i in ids], dtype=np.int64), vectors)

    def __len__(self) -> int:
        return len(self.face_ids)

    def add(self, face_ids: list[int], person_ids: list[int], vectors: np.ndarray | list[np.ndarray]) -> None:
        if not face_ids:
            return
        self.face_ids = np.concatenate([self.face_ids, np.asarray(face_ids, dtype=np.int64)])
        self.person_ids = np.concatenate([self.person_ids, np.asarray(person_ids, dtype=np.int64)])
        self.vectors = np.concatenate([self.vectors, np.asarray(vectors, dtype=np.float32)])

    def best_people(
        self, vectors: np.ndarray, threshold: float, excluded: list[set[int]] | None = None
    ) -> list[int | None]:
        """For each vector, the one person with a face closer than `threshold`, if exactly one
        person has such a face (one matrix product for the whole batch).

        Two people both within reach is ambiguous (siblings, a parent and child): the face
        stays unsorted for the user to decide rather than being guessed into either.
        """
        import torch

        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.vectors.shape[1] if len(self) else 128)
        if not len(self) or not len(vectors):
            return [None] * len(vectors)
        with torch.inference_mode():
            close = (torch.from_numpy(vectors) @ torch.from_numpy(self.vectors).T > 1.0 - threshold).numpy()
        found: list[int | None] = []
        for k, row in enumerate(close):
            candidates = set(self.person_ids[row].tolist()) - (excluded[k] if excluded else set())
            found.append(candidates.pop() if len(candidates) == 1 else None)
        return found
