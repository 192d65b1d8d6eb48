"""The people table and the face-to-person links, plain reads and writes (no policy here)."""

from __future__ import annotations

import sqlite3
import time
from typing import cast

from faceorg.core.person import AssignedBy, Person
from faceorg.store.chunked import rows_in

ELIGIBLE = "f.forgotten = 0 AND f.background = 0 AND f.embedding IS NOT NULL"
"""Faces that take part in people: analysed, not forgotten, not background."""


def _person(row: sqlite3.Row) -> Person:
    return Person(
        id=row["id"],
        name=row["name"],
        hidden=bool(row["hidden"]),
        cover_face_id=row["cover_face_id"],
        face_count=row["faces"],
        photo_count=row["photos"],
    )


_LIST = """
    SELECT pe.id, pe.name, pe.hidden, pe.cover_face_id,
           COUNT(f.id) AS faces, COUNT(DISTINCT f.photo_id) AS photos
    FROM people pe
    LEFT JOIN faces f ON f.person_id = pe.id
    LEFT JOIN photos ph ON ph.id = f.photo_id
    WHERE (f.id IS NULL OR ph.status = 'ok') {where}
    GROUP BY pe.id
"""


def all_people(
    conn: sqlite3.Connection, include_hidden: bool = True, counts: dict[int, tuple[int, int]] | None = None
) -> list[Person]:
    """Every person, named ones first by name, then the others by size.

    `counts` (person -> (faces, photos), e.g. from a `FaceIndex`) saves the counting
    pass over all faces; without it SQL counts them.
    """
    where = "" if include_hidden else "AND pe.hidden = 0"
    if counts is None:
        rows = [_person(r) for r in conn.execute(_LIST.format(where=where)).fetchall()]
    else:
        rows = [
            Person(
                id=r[0],
                name=r[1],
                hidden=bool(r[2]),
                cover_face_id=r[3],
                face_count=counts.get(r[0], (0, 0))[0],
                photo_count=counts.get(r[0], (0, 0))[1],
            )
            for r in conn.execute(f"SELECT id, name, hidden, cover_face_id FROM people pe WHERE 1 {where}")
        ]
    return sorted(rows, key=lambda p: (p.name is None, (p.name or "").lower(), -p.face_count, p.id))


def get(conn: sqlite3.Connection, person_id: int) -> Person | None:
    row = conn.execute(_LIST.format(where="AND pe.id = ?"), (person_id,)).fetchone()
    return _person(row) if row else None


def by_name(conn: sqlite3.Connection, name: str) -> Person | None:
    row = conn.execute("SELECT id FROM people WHERE name = ? COLLATE NOCASE", (name.strip(),)).fetchone()
    return get(conn, row[0]) if row else None


def create(conn: sqlite3.Connection, name: str | None = None) -> int:
    cursor = conn.execute("INSERT INTO people(name, created_at) VALUES (?, ?)", (name, time.time()))
    return int(cast(int, cursor.lastrowid))


def set_name(conn: sqlite3.Connection, person_id: int, name: str | None) -> None:
    conn.execute("UPDATE people SET name = ? WHERE id = ?", (name, person_id))


def set_hidden(conn: sqlite3.Connection, person_id: int, hidden: bool) -> None:
    conn.execute("UPDATE people SET hidden = ? WHERE id = ?", (int(hidden), person_id))


def set_cover(conn: sqlite3.Connection, person_id: int, face_id: int | None, by_user: bool) -> None:
    conn.execute(
        "UPDATE people SET cover_face_id = ?, cover_by_user = ? WHERE id = ?", (face_id, int(by_user), person_id)
    )


def delete(conn: sqlite3.Connection, person_id: int) -> None:
    conn.execute("DELETE FROM people WHERE id = ?", (person_id,))


def face_ids(conn: sqlite3.Connection, person_id: int) -> list[int]:
    """The person's faces in present photos, oldest photo first."""
    return [
        r[0]
        for r in conn.execute(
            """SELECT f.id FROM faces f JOIN photos p ON p.id = f.photo_id
           WHERE f.person_id = ? AND p.status = 'ok' ORDER BY COALESCE(p.taken_at, p.mtime), f.id""",
            (person_id,),
        )
    ]


def unsorted_face_ids(conn: sqlite3.Connection, include_background: bool = False) -> list[int]:
    eligible = ELIGIBLE.replace("f.background = 0 AND ", "") if include_background else ELIGIBLE
    return [
        r[0]
        for r in conn.execute(
            f"""SELECT f.id FROM faces f JOIN photos p ON p.id = f.photo_id
            WHERE f.person_id IS NULL AND p.status = 'ok' AND {eligible} ORDER BY f.id"""
        )
    ]


def assign(conn: sqlite3.Connection, face_ids: list[int], person_id: int | None, by: AssignedBy | None) -> None:
    conn.executemany(
        "UPDATE faces SET person_id = ?, assigned_by = ? WHERE id = ?",
        [(person_id, by.value if by else None, i) for i in face_ids],
    )


def assignments(conn: sqlite3.Connection, face_ids: list[int]) -> dict[int, tuple[int | None, str | None]]:
    found: dict[int, tuple[int | None, str | None]] = {}
    for row in rows_in(conn, "SELECT id, person_id, assigned_by FROM faces WHERE id IN ({marks})", face_ids):
        found[row[0]] = (row[1], row[2])
    return found


def reject(conn: sqlite3.Connection, face_id: int, person_id: int) -> None:
    conn.execute("INSERT OR IGNORE INTO rejections(face_id, person_id) VALUES (?, ?)", (face_id, person_id))


def rejections(conn: sqlite3.Connection) -> set[tuple[int, int]]:
    return {(r[0], r[1]) for r in conn.execute("SELECT face_id, person_id FROM rejections")}


def rejections_of(conn: sqlite3.Connection, person_id: int) -> list[int]:
    return [r[0] for r in conn.execute("SELECT face_id FROM rejections WHERE person_id = ?", (person_id,))]
