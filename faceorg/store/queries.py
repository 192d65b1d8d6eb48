"""Read-only questions the CLI and the GUI ask: which photos match a filter, library counts.

Every filter becomes one SQL condition on a face row `f` (joined to its photo `p`), built
in one place so the command line and the grid always agree.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from faceorg.core.filters import Filter
from faceorg.store import models, photos

ATTRIBUTE_THRESHOLD = 0.5
"""An attribute is 'yes' at probability >= 0.5 and 'no' below; an attribute never computed is neither."""


@dataclass(frozen=True)
class PhotoMatch:
    photo_id: int
    path: str
    face_ids: tuple[int, ...]


def face_condition(flt: Filter) -> tuple[str, list]:
    """The SQL condition (on faces `f`) for one filter, with its parameters."""
    clauses: list[str] = [] if flt.include_background else ["f.background = 0"]
    params: list = []
    if flt.expressions:
        clauses.append(f"f.expression IN ({','.join('?' * len(flt.expressions))})")
        params.extend(sorted(flt.expressions))
    if flt.age_min is not None:
        clauses.append("f.age >= ?")
        params.append(flt.age_min - 0.5)
    if flt.age_max is not None:
        clauses.append("f.age < ?")
        params.append(flt.age_max + 0.5)
    if flt.person is not None:
        clauses.append("f.person_id = ?")
        params.append(int(flt.person))
    for name, present in flt.attributes:
        op = ">=" if present else "<"
        clauses.append(f"EXISTS (SELECT 1 FROM face_attributes a WHERE a.face_id = f.id AND a.name = ? AND a.p {op} ?)")
        params.extend([name, ATTRIBUTE_THRESHOLD])
    return " AND ".join(clauses) or "1", params


def find_photos(conn: sqlite3.Connection, flt: Filter, order: str = "taken", limit: int | None = None,
                offset: int = 0) -> list[PhotoMatch]:
    """Photos with at least one face matching every part of the filter, with those faces."""
    condition, params = face_condition(flt)
    order_by = {"taken": "COALESCE(p.taken_at, p.mtime), p.path", "name": "p.name, p.path"}[order]
    page = "" if limit is None else f"LIMIT {int(limit)} OFFSET {int(offset)}"
    rows = conn.execute(
        f"""SELECT p.id, p.path, group_concat(f.id) AS faces FROM photos p JOIN faces f ON f.photo_id = p.id
            WHERE p.status = 'ok' AND {condition}
            GROUP BY p.id ORDER BY {order_by} {page}""",
        params,
    ).fetchall()
    return [PhotoMatch(r[0], r[1], tuple(sorted(int(x) for x in r[2].split(",")))) for r in rows]


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
    faces = conn.execute("SELECT COUNT(*) FROM faces f JOIN photos p ON p.id = f.photo_id WHERE p.status = 'ok'").fetchone()[0]
    return LibraryStats(
        photos=counts.get("ok", 0), missing=counts.get("missing", 0), failed=counts.get("failed", 0),
        faces=faces, failures=photos.failures(conn), model_sets=models.usage(conn),
    )
