"""Queries behind the GUI's views: the photo grid, folders, a photo's faces with their people.

All return small plain tuples so they can run on a worker thread and cross to the GUI.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass

from faceorg.store.chunked import execute_in, rows_in


@dataclass(frozen=True)
class GridPhoto:
    id: int
    path: str
    hash: str | None
    name: str
    taken_at: float | None


@dataclass(frozen=True)
class Folder:
    id: int
    path: str
    photos: int


def photo_rows(conn: sqlite3.Connection, photo_ids: list[int]) -> list[GridPhoto]:
    """Grid rows for some photo ids, in the order given (the grid loads them a page at a time)."""
    found: dict[int, GridPhoto] = {}
    for r in rows_in(
        conn, "SELECT id, path, hash, name, COALESCE(taken_at, mtime) FROM photos WHERE id IN ({marks})", photo_ids
    ):
        found[r[0]] = GridPhoto(*r)
    return [found[int(i)] for i in photo_ids if int(i) in found]


@dataclass(frozen=True)
class PhotoDetails:
    path: str
    width: int | None
    height: int | None
    bytes: int
    taken_at: float | None  # from EXIF; None when the photo does not say


def photo_details(conn: sqlite3.Connection, photo_id: int) -> PhotoDetails | None:
    row = conn.execute("SELECT path, width, height, size, taken_at FROM photos WHERE id = ?", (photo_id,)).fetchone()
    return PhotoDetails(*row) if row else None


def photo_size(conn: sqlite3.Connection, photo_id: int) -> tuple[int, int] | None:
    row = conn.execute("SELECT width, height FROM photos WHERE id = ?", (photo_id,)).fetchone()
    return (row[0], row[1]) if row and row[0] and row[1] else None


def folders(conn: sqlite3.Connection) -> list[Folder]:
    rows = conn.execute(
        """SELECT fo.id, fo.path, COUNT(p.id) FROM folders fo
           LEFT JOIN photos p ON p.folder_id = fo.id AND p.status = 'ok'
           GROUP BY fo.id ORDER BY fo.path"""
    ).fetchall()
    return [Folder(*r) for r in rows]


def remove_folder(conn: sqlite3.Connection, folder_id: int) -> list[int]:
    """Forget a folder's photos and their faces (the files stay untouched); returns the face ids gone.
    Several statements: the caller runs it in one transaction."""
    path = conn.execute("SELECT path FROM folders WHERE id = ?", (folder_id,)).fetchone()
    if path is None:
        return []
    prefix = path[0].rstrip(os.sep) + os.sep
    photo_ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM photos WHERE folder_id = ? OR substr(path, 1, ?) = ?", (folder_id, len(prefix), prefix)
        )
    ]
    face_ids = [r[0] for r in rows_in(conn, "SELECT id FROM faces WHERE photo_id IN ({marks})", photo_ids)]
    execute_in(conn, "DELETE FROM photos WHERE id IN ({marks})", photo_ids)
    conn.execute("DELETE FROM folders WHERE id = ?", (folder_id,))
    conn.execute(
        "DELETE FROM people WHERE name IS NULL AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.person_id = people.id)"
    )
    return face_ids


@dataclass(frozen=True)
class FaceTile:
    """A face as a tile in a people view."""

    id: int
    photo_id: int
    photo_path: str
    person_id: int | None
    confirmed: bool


def person_faces(conn: sqlite3.Connection, person_id: int | None, include_background: bool = False) -> list[FaceTile]:
    """A person's faces (None: the unsorted faces, background ones only when asked), in photo order."""
    background = "" if include_background else " AND f.background = 0"
    where = (
        f"f.person_id IS NULL AND f.embedding IS NOT NULL AND f.forgotten = 0{background}"
        if person_id is None
        else "f.person_id = ?"
    )
    params = () if person_id is None else (person_id,)
    rows = conn.execute(
        f"""SELECT f.id, p.id, p.path, f.person_id, f.assigned_by = 'user'
           FROM faces f JOIN photos p ON p.id = f.photo_id
            WHERE p.status = 'ok' AND {where} ORDER BY COALESCE(p.taken_at, p.mtime), f.id""",
        params,
    ).fetchall()
    return [FaceTile(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


def face_photo_paths(conn: sqlite3.Connection, face_ids: list[int]) -> dict[int, str]:
    """face id -> the path of its photo."""
    sql = "SELECT f.id, p.path FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id IN ({marks})"
    rows = rows_in(conn, sql, face_ids)
    return {r[0]: r[1] for r in rows}


def person_names(conn: sqlite3.Connection, face_ids: list[int]) -> dict[int, str | None]:
    rows = rows_in(
        conn,
        """SELECT f.id, COALESCE(pe.name, 'Person ' || pe.id) FROM faces f
                            LEFT JOIN people pe ON pe.id = f.person_id WHERE f.id IN ({marks})""",
        face_ids,
    )
    return {r[0]: r[1] for r in rows}
