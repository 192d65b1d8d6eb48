"""Attribute values made by a separate model pass: which faces still need it, and storing its answers.

Every value records the model that made it (`face_attributes.model`), and every face the
model it was last seen by (`faces.attributes_model`), so the pass resumes after an
interruption and a new model version re-runs exactly the faces it has not seen.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from faceorg.core import model_values
from faceorg.core.attributes import POSE_NAMES
from faceorg.core.expression import top_expression
from faceorg.core.face import Box
from faceorg.store.codec import from_json, to_json


@dataclass(frozen=True)
class PendingFace:
    face_id: int
    photo_id: int
    path: str
    box: Box
    landmarks: list[tuple[float, float]]


def pending_count(conn: sqlite3.Connection, model: str) -> int:
    return int(conn.execute(_PENDING.format(what="COUNT(*)", order=""), (model,)).fetchone()[0])


_PENDING = """SELECT {what} FROM faces f JOIN photos p ON p.id = f.photo_id
              WHERE p.status = 'ok' AND f.forgotten = 0 AND (f.attributes_model IS NULL OR f.attributes_model != ?)
              {order}"""


def pending(conn: sqlite3.Connection, model: str, limit: int) -> list[PendingFace]:
    """Up to `limit` faces `model` has not seen, grouped by photo so each photo is decoded once."""
    rows = conn.execute(
        _PENDING.format(
            what="f.id, f.photo_id, p.path, f.x1, f.y1, f.x2, f.y2, f.landmarks",
            order="ORDER BY f.photo_id, f.id LIMIT ?",
        ),
        (model, limit),
    ).fetchall()
    return [
        PendingFace(r[0], r[1], r[2], Box(r[3], r[4], r[5], r[6]), [tuple(p) for p in from_json(r[7], [])])
        for r in rows
    ]


def store(
    conn: sqlite3.Connection, face_id: int, model: str, values: dict[str, float], maker: str | None = None
) -> None:
    """The face's values from `model` replace any earlier ones of the same names; the face is marked seen.

    Head pose (the `POSE_NAMES` among the values, in degrees) goes to its own table, not among the probabilities.
    Expression probabilities and an age among the values (`core.model_values`) replace the face's
    own, recorded as made by `maker` (the one model of `model` that gives them; default `model`).
    A face forgotten meanwhile (its row wiped) gets nothing: what the user asked to forget stays gone.
    """
    row = conn.execute("SELECT forgotten FROM faces WHERE id = ?", (face_id,)).fetchone()
    if row is None or row[0]:
        return
    values = dict(values)
    pose = [values.pop(name) for name in POSE_NAMES if name in values]
    if len(pose) == len(POSE_NAMES):
        conn.execute("INSERT OR REPLACE INTO face_pose VALUES (?, ?, ?, ?, ?)", (face_id, *map(float, pose), model))
    values, expressions, age = model_values.split(values)
    if expressions:
        top, top_p = top_expression(expressions)
        conn.execute(
            "UPDATE faces SET expressions = ?, expression = ?, expression_p = ?, expression_model = ? WHERE id = ?",
            (to_json(expressions), top, top_p, maker or model, face_id),
        )
    if age is not None:
        conn.execute(
            "UPDATE faces SET age = ?, age_spread = NULL, age_model = ? WHERE id = ?",
            (float(age), maker or model, face_id),
        )
    conn.executemany("DELETE FROM face_attributes WHERE face_id = ? AND name = ?", [(face_id, n) for n in values])
    conn.executemany(
        "INSERT INTO face_attributes(face_id, name, p, model) VALUES (?, ?, ?, ?)",
        [(face_id, name, float(p), model) for name, p in values.items()],
    )
    conn.execute("UPDATE faces SET attributes_model = ? WHERE id = ?", (model, face_id))


def mark_seen(conn: sqlite3.Connection, face_id: int, model: str) -> None:
    """A face the model could not look at (its photo vanished or fails to decode) is not retried forever."""
    conn.execute("UPDATE faces SET attributes_model = ? WHERE id = ?", (model, face_id))
