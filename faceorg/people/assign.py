"""Incremental assignment: a new face joins an existing person when it is unambiguously close.

Closeness is the calibrated same-person distance to any face the person already has;
a face the user rejected for a person is never put back there.
"""

from __future__ import annotations

import sqlite3

from faceorg.core.identity import LINK_DISTANCE
from faceorg.core.person import AssignedBy
from faceorg.people.index import IdentityIndex
from faceorg.store import faces as face_repo
from faceorg.store import people
from faceorg.store.chunked import rows_in
from faceorg.store.people import ELIGIBLE


def rejected_people(conn: sqlite3.Connection, face_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    sql = "SELECT face_id, person_id FROM rejections WHERE face_id IN ({marks})"
    for face_id, person_id in rows_in(conn, sql, face_ids):
        found.setdefault(face_id, set()).add(person_id)
    return found


def assign_faces(conn: sqlite3.Connection, index: IdentityIndex, face_ids: list[int],
                 threshold: float = LINK_DISTANCE) -> int:
    """Give each unsorted face among `face_ids` its one close person; returns how many were placed."""
    if not face_ids:
        return 0
    marks = ",".join(str(int(i)) for i in face_ids)
    ids, vectors = face_repo.embeddings(conn, f"f.id IN ({marks}) AND f.person_id IS NULL AND {ELIGIBLE}")
    rejected = rejected_people(conn, [int(i) for i in ids])
    placed_faces, placed_people, placed_vectors = [], [], []
    best = index.best_people(vectors, threshold, [rejected.get(face_id, set()) for face_id in ids.tolist()])
    for face_id, vector, person in zip(ids.tolist(), vectors, best):
        if person is not None:
            placed_faces.append(face_id)
            placed_people.append(person)
            placed_vectors.append(vector)
    for face_id, person in zip(placed_faces, placed_people):
        people.assign(conn, [face_id], person, AssignedBy.PREDICTED)
    if placed_faces:
        index.add(placed_faces, placed_people, placed_vectors)
    return len(placed_faces)
