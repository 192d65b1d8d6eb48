"""Queries behind the GUI's views: the photo grid, folders, a photo's faces with their people.

All return small plain tuples so they can run on a worker thread and cross to the GUI.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass

from faceorg.core.filters import Filter
from faceorg.store.queries import face_condition

ORDERS = {
    "taken": "COALESCE(p.taken_at, p.mtime), p.id",
    "name": "p.name COLLATE NOCASE, p.id",
}


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


def grid_photos(conn: sqlite3.Connection, flt: Filter | None = None, order: str = "taken",
                folder_id: int | None = None) -> list[GridPhoto]:
    """The photos a grid shows: all present photos, or those with a face matching `flt`."""
    params: list = []
    where = ["p.status = 'ok'"]
    if folder_id is not None:
        where.append("p.folder_id = ?")
        params.append(folder_id)
    if flt is not None and not flt.is_empty:
        condition, extra = face_condition(flt)
        where.append(f"EXISTS (SELECT 1 FROM faces f WHERE f.photo_id = p.id AND {condition})")
        params.extend(extra)
    rows = conn.execute(
        f"SELECT p.id, p.path, p.hash, p.name, COALESCE(p.taken_at, p.mtime) FROM photos p "
        f"WHERE {' AND '.join(where)} ORDER BY {ORDERS[order]}", params).fetchall()
    return [GridPhoto(*r) for r in rows]


def folders(conn: sqlite3.Connection) -> list[Folder]:
    rows = conn.execute(
        """SELECT fo.id, fo.path, COUNT(p.id) FROM folders fo
           LEFT JOIN photos p ON p.folder_id = fo.id AND p.status = 'ok'
           GROUP BY fo.id ORDER BY fo.path""").fetchall()
    return [Folder(*r) for r in rows]


def remove_folder(conn: sqlite3.Connection, folder_id: int) -> list[int]:
    """Forget a folder's photos and their faces (the files stay untouched); returns the face ids gone."""
    path = conn.execute("SELECT path FROM folders WHERE id = ?", (folder_id,)).fetchone()
    if path is None:
        return []
    prefix = path[0].rstrip(os.sep) + os.sep
    photo_ids = [r[0] for r in conn.execute(
        "SELECT id FROM photos WHERE folder_id = ? OR substr(path, 1, ?) = ?", (folder_id, len(prefix), prefix))]
    marks = ",".join(str(i) for i in photo_ids) or "NULL"
    face_ids = [r[0] for r in conn.execute(f"SELECT id FROM faces WHERE photo_id IN ({marks})")]
    conn.execute(f"DELETE FROM photos WHERE id IN ({marks})")
    conn.execute("DELETE FROM folders WHERE id = ?", (folder_id,))
    conn.execute("DELETE FROM people WHERE name IS NULL AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.person_id = people.id)")
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
    where = f"f.person_id IS NULL AND f.embedding IS NOT NULL AND f.forgotten = 0{background}" if person_id is None else "f.person_id = ?"
    params = () if person_id is None else (person_id,)
    rows = conn.execute(
        f"""SELECT f.id, p.id, p.path, f.person_id, f.assigned_by = 'user' FROM faces f JOIN photos p ON p.id = f.photo_id
            WHERE p.status = 'ok' AND {where} ORDER BY COALESCE(p.taken_at, p.mtime), f.id""", params).fetchall()
    return [FaceTile(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


def attribute_names(conn: sqlite3.Connection) -> list[str]:
    """The attributes some face in the library has, for the filter bar's toggles."""
    return [r[0] for r in conn.execute("SELECT DISTINCT name FROM face_attributes ORDER BY name")]


def person_names(conn: sqlite3.Connection, face_ids: list[int]) -> dict[int, str | None]:
    if not face_ids:
        return {}
    rows = conn.execute(
        f"""SELECT f.id, COALESCE(pe.name, 'Person ' || pe.id) FROM faces f LEFT JOIN people pe ON pe.id = f.person_id
            WHERE f.id IN ({','.join('?' * len(face_ids))})""", face_ids).fetchall()
    return {r[0]: r[1] for r in rows}
