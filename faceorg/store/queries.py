"""Library-wide counts for `faceorg stats` (filters live in `face_index`)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from faceorg.store import models, photos


@dataclass(frozen=True)
class LibraryStats:
    photos: int
    missing: int
    failed: int
    faces: int
    failures: list[tuple[str, str]]
    model_sets: list[tuple[dict[str, str], int]]


def stats(conn: sqlite3.Connection) -> LibraryStats:
    counts = dict(conn.execute("SELECT status, COUNT(*) FROM photos GROUP BY status").fetchall())
    faces = conn.execute(
        "SELECT COUNT(*) FROM faces f JOIN photos p ON p.id = f.photo_id WHERE p.status = 'ok'"
    ).fetchone()[0]
    return LibraryStats(
        photos=counts.get("ok", 0),
        missing=counts.get("missing", 0),
        failed=counts.get("failed", 0),
        faces=faces,
        failures=photos.failures(conn),
        model_sets=models.usage(conn),
    )
