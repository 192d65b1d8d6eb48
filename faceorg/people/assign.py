"""Incremental assignment: a new face joins an existing person when it is unambiguously close.

Closeness is the calibrated same-person distance to any face the person already has;
a face the user rejected for a person is never put back there, and a face never joins a
person who already has another face of the same photo (two faces of one photo are two people).
"""

from __future__ import annotations

import sqlite3

from faceorg.core.identity import ASSIGN_DISTANCE
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


def photo_mates(conn: sqlite3.Connection, face_ids: list[int]) -> tuple[dict[int, int], dict[int, set[int]]]:
    """(face -> its photo, face -> the people other faces of its photo belong to)."""
    photo: dict[int, int] = {}
    taken: dict[int, set[int]] = {}
    for start in range(0, len(face_ids), 900):
        chunk = face_ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        photo.update(conn.execute(f"SELECT id, photo_id FROM faces WHERE id IN ({marks})", chunk).fetchall())
        for face_id, person_id in conn.execute(
            f"""SELECT f.id, g.person_id FROM faces f JOIN faces g ON g.photo_id = f.photo_id AND g.id != f.id
                WHERE f.id IN ({marks}) AND g.person_id IS NOT NULL""",
            chunk,
        ):
            taken.setdefault(face_id, set()).add(person_id)
    return photo, taken


def assign_faces(
    conn: sqlite3.Connection, index: IdentityIndex, face_ids: list[int], threshold: float = ASSIGN_DISTANCE
) -> int:
    """Give each unsorted face among `face_ids` its one close person; returns how many were placed."""
    if not face_ids:
        return 0
    marks = ",".join(str(int(i)) for i in face_ids)
    ids, vectors = face_repo.embeddings(conn, f"f.id IN ({marks}) AND f.person_id IS NULL AND {ELIGIBLE}")
    id_list = [int(i) for i in ids]
    rejected = rejected_people(conn, id_list)
    photo, taken = photo_mates(conn, id_list)
    excluded = [rejected.get(f, set()) | taken.get(f, set()) for f in id_list]
    placed_faces, placed_people, placed_vectors = [], [], []
    best = index.best_people(vectors, threshold, excluded)
    filled: set[tuple[int, int]] = set()
    for face_id, vector, person in zip(id_list, vectors, best):
        if person is not None and (photo[face_id], person) not in filled:
            filled.add((photo[face_id], person))
            placed_faces.append(face_id)
            placed_people.append(person)
            placed_vectors.append(vector)
    for face_id, person in zip(placed_faces, placed_people):
        people.assign(conn, [face_id], person, AssignedBy.PREDICTED)
    if placed_faces:
        index.add(placed_faces, placed_people, placed_vectors)
    return len(placed_faces)
