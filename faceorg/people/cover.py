"""A person's cover face: the user's pick, else the sharpest, most frontal, largest confirmed face."""

from __future__ import annotations

import sqlite3

from faceorg.store import people
from faceorg.store.codec import from_json

SHARP_ENOUGH = 150.0
"""Laplacian variance of a 150 px chip above which a face counts as fully sharp."""
LARGE_ENOUGH = 150.0


def cover_score(quality: dict[str, float], confirmed: bool) -> float:
    """Higher is better: frontal, sharp, large, and confirmed by the user beats guessed."""
    frontal = 1.0 - min(1.0, quality.get("yaw", 1.0))
    sharp = min(1.0, quality.get("sharpness_150", quality.get("sharpness", 0.0)) / SHARP_ENOUGH)
    large = min(1.0, quality.get("side_px", 0.0) / LARGE_ENOUGH)
    return frontal * sharp * large + (1.0 if confirmed else 0.0)


def refresh_covers(conn: sqlite3.Connection, person_ids: list[int] | None = None) -> None:
    """Recompute the automatic covers; a user's pick stays while the face is still theirs."""
    where = "" if person_ids is None else f"WHERE id IN ({','.join(str(int(i)) for i in person_ids)})"
    for person_id, cover, by_user in conn.execute(
        f"SELECT id, cover_face_id, cover_by_user FROM people {where}"
    ).fetchall():
        if (
            by_user
            and cover is not None
            and conn.execute("SELECT 1 FROM faces WHERE id = ? AND person_id = ?", (cover, person_id)).fetchone()
        ):
            continue
        rows = conn.execute(
            """SELECT f.id, f.quality, f.assigned_by FROM faces f JOIN photos p ON p.id = f.photo_id
               WHERE f.person_id = ? AND p.status = 'ok' AND f.forgotten = 0""",
            (person_id,),
        ).fetchall()
        best = max(rows, key=lambda r: (cover_score(from_json(r[1], {}), r[2] == "user"), -r[0]), default=None)
        people.set_cover(conn, person_id, best[0] if best else None, by_user=False)
