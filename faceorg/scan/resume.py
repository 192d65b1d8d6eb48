"""Finishing what an interrupted scan left half done, at the start of the next scan or of the app.

A scan stores each photo in one transaction together with marks for the work that
follows it (`pending_grouping` for its faces, `pending_previews` for its thumbnail and
crops); the marks are cleared only when that work is done. A kill, a crash or a full
disk between the two therefore leaves marks, never a silent gap, and this module does
that work: faces never grouped are grouped, missing previews are made from the photo,
and temporary files a killed writer left in the cache are removed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from faceorg.config import Config
from faceorg.core.face import Box
from faceorg.core.paths import path_on_disk
from faceorg.people.update import after_scan
from faceorg.scan.previews import write_previews
from faceorg.store.cache import CachePaths
from faceorg.store.db import connect, file_of, transaction
from faceorg.store.lock import LibraryBusy, scan_lock
from faceorg.vision.decode import decode

TEMP_SUFFIX = ".tmp"
"""What `previews.save_jpeg` names a file while it writes it."""


@dataclass
class Resumed:
    grouped: int = 0
    people_created: int = 0
    previews: int = 0
    temp_files: int = 0


def mark_grouping(conn: sqlite3.Connection, face_ids: list[int]) -> None:
    """Inside the photo's transaction: these faces still have to be grouped."""
    conn.executemany("INSERT OR IGNORE INTO pending_grouping(face_id) VALUES (?)", [(f,) for f in face_ids])


def mark_previews(conn: sqlite3.Connection, photo_id: int) -> None:
    """Inside the photo's transaction: its thumbnail and crops still have to be written."""
    conn.execute("INSERT OR IGNORE INTO pending_previews(photo_id) VALUES (?)", (photo_id,))


def previews_done(conn: sqlite3.Connection, photo_id: int) -> None:
    conn.execute("DELETE FROM pending_previews WHERE photo_id = ?", (photo_id,))


def group_pending(conn: sqlite3.Connection) -> tuple[int, int]:
    """Group every face a scan stored but did not get to group (obeying every user decision);
    returns how many faces that was and how many new people it made."""
    pending = [r[0] for r in conn.execute("SELECT face_id FROM pending_grouping")]
    if not pending:
        return 0, 0
    report = after_scan(conn, pending)
    with transaction(conn):
        conn.executemany("DELETE FROM pending_grouping WHERE face_id = ?", [(f,) for f in pending])
    return len(pending), report.people_created


def remake_previews(conn: sqlite3.Connection, config: Config, cache: CachePaths) -> int:
    """Write the previews of photos whose scan stopped before it wrote them; a photo that
    cannot be read any more just stays without them (its row says what it holds)."""
    made = 0
    for photo_id, path, content_hash in conn.execute(
        "SELECT p.id, p.path, p.hash FROM pending_previews q JOIN photos p ON p.id = q.photo_id"
    ).fetchall():
        faces = [
            (r[0], Box(r[1], r[2], r[3], r[4]))
            for r in conn.execute(
                "SELECT id, x1, y1, x2, y2 FROM faces WHERE photo_id = ? AND forgotten = 0", (photo_id,)
            )
        ]
        try:
            decoded = decode(path_on_disk(path), config.detect_max_side)
            write_previews(
                cache, content_hash, decoded.image, decoded.scale, faces, config.thumbnail_px, config.crop_px
            )
            made += 1
        except (OSError, ValueError):
            pass
        previews_done(conn, photo_id)
    return made


def remove_temp_files(cache_root: Path) -> int:
    """Half-written previews of a killed writer (only ever under the lock: no live writer's)."""
    removed = 0
    for folder in ("thumbs", "faces"):
        for temp in (cache_root / folder).rglob(f"*{TEMP_SUFFIX}"):
            temp.unlink(missing_ok=True)
            removed += 1
    return removed


def finish_pending(conn: sqlite3.Connection, config: Config, cache: CachePaths, group: bool = True) -> Resumed:
    """Everything an interrupted scan left; the caller holds the library's scan lock.

    A temporary file exists only if a writer died between storing a photo and clearing
    its preview mark, so the cache is searched for them only when such marks exist."""
    done = Resumed()
    if conn.execute("SELECT 1 FROM pending_previews LIMIT 1").fetchone():
        done.temp_files = remove_temp_files(cache.root)
        done.previews = remake_previews(conn, config, cache)
    if group:
        done.grouped, done.people_created = group_pending(conn)
    return done


def finish_pending_at_start(config: Config) -> Resumed | None:
    """For the app as it starts: does the work unless a scan is running (that scan does it)."""
    conn = connect(config.db_path)
    try:
        with scan_lock(file_of(conn), wait=False):
            return finish_pending(conn, config, CachePaths.for_library(config.cache_dir, config.db_path))
    except LibraryBusy:
        return None
    finally:
        conn.close()
