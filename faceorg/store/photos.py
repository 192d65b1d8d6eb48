"""The photos table: what we last saw of each file, and the state changes a scan makes."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from faceorg.core.photo import Photo, PhotoStatus

_COLUMNS = "id, path, size, mtime, hash, width, height, taken_at, status, error, face_count"


@dataclass(frozen=True)
class FileFacts:
    """What a scan learned about a file before analysing it."""

    path: str
    size: int
    mtime: float
    hash: str | None = None
    width: int | None = None
    height: int | None = None
    taken_at: float | None = None


def _photo(row: sqlite3.Row | None) -> Photo | None:
    return None if row is None else _row_photo(row)


def _row_photo(row: sqlite3.Row) -> Photo:
    return Photo(
        id=row["id"],
        path=row["path"],
        size=row["size"],
        mtime=row["mtime"],
        hash=row["hash"],
        width=row["width"],
        height=row["height"],
        taken_at=row["taken_at"],
        status=PhotoStatus(row["status"]),
        error=row["error"],
        face_count=row["face_count"],
    )


def get(conn: sqlite3.Connection, photo_id: int) -> Photo | None:
    return _photo(conn.execute(f"SELECT {_COLUMNS} FROM photos WHERE id = ?", (photo_id,)).fetchone())


def get_by_path(conn: sqlite3.Connection, path: str) -> Photo | None:
    return _photo(conn.execute(f"SELECT {_COLUMNS} FROM photos WHERE path = ?", (path,)).fetchone())


def missing_with_hash(conn: sqlite3.Connection, content_hash: str) -> Photo | None:
    """A vanished photo with this content: the file was moved or renamed."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM photos WHERE hash = ? AND status = 'missing' ORDER BY id LIMIT 1", (content_hash,)
    ).fetchone()
    return _photo(row)


def known_under(conn: sqlite3.Connection, root: str) -> dict[str, Photo]:
    """Every photo the library holds below a folder, by path."""
    prefix = root.rstrip(os.sep) + os.sep
    rows = conn.execute(f"SELECT {_COLUMNS} FROM photos WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)).fetchall()
    return {row["path"]: _row_photo(row) for row in rows}


def ensure_folder(conn: sqlite3.Connection, path: str) -> int:
    conn.execute("INSERT OR IGNORE INTO folders(path, added_at) VALUES (?, ?)", (path, time.time()))
    return int(conn.execute("SELECT id FROM folders WHERE path = ?", (path,)).fetchone()[0])


def upsert(
    conn: sqlite3.Connection,
    facts: FileFacts,
    folder_id: int | None,
    status: PhotoStatus,
    error: str | None = None,
    model_set_id: int | None = None,
    face_count: int = 0,
) -> int:
    """Insert or replace the row for `facts.path`, keeping its id; returns the id."""
    conn.execute(
        """
        INSERT INTO photos(folder_id, path, name, size, mtime, hash, width, height, taken_at,
                           status, error, model_set_id, face_count, scanned_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(path) DO UPDATE SET
            folder_id = excluded.folder_id, size = excluded.size, mtime = excluded.mtime,
            hash = excluded.hash, width = excluded.width, height = excluded.height,
            taken_at = excluded.taken_at, status = excluded.status, error = excluded.error,
            model_set_id = excluded.model_set_id, face_count = excluded.face_count,
            scanned_at = excluded.scanned_at
        """,
        (
            folder_id,
            facts.path,
            Path(facts.path).name,
            facts.size,
            facts.mtime,
            facts.hash,
            facts.width,
            facts.height,
            facts.taken_at,
            status.value,
            error,
            model_set_id,
            face_count,
            time.time(),
        ),
    )
    return int(conn.execute("SELECT id FROM photos WHERE path = ?", (facts.path,)).fetchone()[0])


def touch(conn: sqlite3.Connection, photo_id: int, size: int, mtime: float) -> None:
    """Same content, new timestamp: remember the stat so the next scan skips it cheaply."""
    conn.execute(
        "UPDATE photos SET size = ?, mtime = ?, status = CASE WHEN status = 'missing' THEN 'ok' ELSE status END "
        "WHERE id = ?",
        (size, mtime, photo_id),
    )


def move(conn: sqlite3.Connection, photo_id: int, facts: FileFacts, folder_id: int | None) -> None:
    """A renamed or moved file keeps its row, hence its faces and everything said about them."""
    conn.execute("DELETE FROM photos WHERE path = ? AND id != ?", (facts.path, photo_id))
    conn.execute(
        "UPDATE photos SET path = ?, name = ?, folder_id = ?, size = ?, mtime = ?, status = 'ok' WHERE id = ?",
        (facts.path, Path(facts.path).name, folder_id, facts.size, facts.mtime, photo_id),
    )


def mark_missing(conn: sqlite3.Connection, photo_ids: list[int]) -> None:
    conn.executemany("UPDATE photos SET status = 'missing' WHERE id = ?", [(i,) for i in photo_ids])


def delete_failed(conn: sqlite3.Connection, photo_ids: list[int]) -> None:
    """Drop failure records that no longer apply (a folder that can be listed again); never a photo's row."""
    conn.executemany("DELETE FROM photos WHERE id = ? AND status = 'failed'", [(i,) for i in photo_ids])


def failures(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [
        (r["path"], r["error"])
        for r in conn.execute("SELECT path, error FROM photos WHERE status = 'failed' ORDER BY path")
    ]
