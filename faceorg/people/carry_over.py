"""When a changed photo is analysed again, its faces keep what the user said about them.

The new faces are matched to the old ones by box overlap; a match inherits the person,
how it was assigned, its rejections, and a forget (the new face's data is wiped too).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from faceorg.core.face import Box
from faceorg.store.faces import wipe_biometrics

MATCH_IOU = 0.5


@dataclass(frozen=True)
class OldFace:
    box: Box
    person_id: int | None
    assigned_by: str | None
    forgotten: bool
    rejected: tuple[int, ...]


def iou(a: Box, b: Box) -> float:
    w = max(0.0, min(a.x2, b.x2) - max(a.x1, b.x1))
    h = max(0.0, min(a.y2, b.y2) - max(a.y1, b.y1))
    inter = w * h
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union > 0 else 0.0


def remember(conn: sqlite3.Connection, photo_id: int) -> list[OldFace]:
    """What the user's decisions left on a photo's faces, before they are replaced."""
    old = []
    for row in conn.execute(
        "SELECT id, x1, y1, x2, y2, person_id, assigned_by, forgotten FROM faces WHERE photo_id = ?", (photo_id,)
    ):
        rejected = tuple(r[0] for r in conn.execute("SELECT person_id FROM rejections WHERE face_id = ?", (row[0],)))
        old.append(OldFace(Box(*row[1:5]), row[5], row[6], bool(row[7]), rejected))
    return [f for f in old if f.person_id is not None or f.forgotten or f.rejected]


def carry_over(conn: sqlite3.Connection, old: list[OldFace], new: list[tuple[int, Box]]) -> None:
    """Give each new face the decisions of the old face it overlaps most (IoU >= 0.5)."""
    for face_id, box in new:
        best = max(old, key=lambda f: iou(f.box, box), default=None)
        if best is None or iou(best.box, box) < MATCH_IOU:
            continue
        if best.forgotten:
            wipe_biometrics(conn, [face_id])
            continue
        conn.execute(
            "UPDATE faces SET person_id = ?, assigned_by = ? WHERE id = ?", (best.person_id, best.assigned_by, face_id)
        )
        conn.executemany(
            "INSERT OR IGNORE INTO rejections(face_id, person_id) VALUES (?, ?)", [(face_id, p) for p in best.rejected]
        )
