"""The faces table: one row per detected face, with everything the analyzers said about it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import numpy as np

from faceorg.core.expression import top_expression
from faceorg.core.face import Box, FaceRecord
from faceorg.store.chunked import rows_in
from faceorg.store.codec import from_json, pack_vector, to_json, unpack_matrix, unpack_vector


@dataclass(frozen=True)
class StoredFace:
    """A face row joined with its attributes, as queries hand it out."""

    id: int
    photo_id: int
    record: FaceRecord


def _insert_one(conn: sqlite3.Connection, photo_id: int, face: FaceRecord) -> int:
    top, top_p = top_expression(face.expression) if face.expression else (None, None)
    cursor = conn.execute(
        """
        INSERT INTO faces(photo_id, x1, y1, x2, y2, score, landmarks, embedding, expressions,
                          expression, expression_p, age, age_spread, male, quality)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            photo_id,
            face.box.x1,
            face.box.y1,
            face.box.x2,
            face.box.y2,
            face.score,
            to_json([list(p) for p in face.landmarks]),
            pack_vector(face.embedding),
            to_json(face.expression or None),
            top,
            top_p,
            face.age,
            face.age_spread,
            face.male,
            to_json(face.quality or None),
        ),
    )
    face_id = int(cast(int, cursor.lastrowid))
    conn.executemany(
        "INSERT INTO face_attributes(face_id, name, p) VALUES (?, ?, ?)",
        [(face_id, name, float(p)) for name, p in face.attributes.items()],
    )
    return face_id


def replace_faces(conn: sqlite3.Connection, photo_id: int, faces: Iterable[FaceRecord]) -> list[int]:
    """The photo's faces become exactly `faces` (a changed file is analysed afresh)."""
    conn.execute("DELETE FROM faces WHERE photo_id = ?", (photo_id,))
    return [_insert_one(conn, photo_id, face) for face in faces]


def _record(row: sqlite3.Row, attributes: dict[str, float], pose: dict[str, float] | None = None) -> FaceRecord:
    return FaceRecord(
        box=Box(row["x1"], row["y1"], row["x2"], row["y2"]),
        score=row["score"],
        landmarks=[tuple(p) for p in from_json(row["landmarks"], [])],
        embedding=unpack_vector(row["embedding"]),
        expression=from_json(row["expressions"], {}),
        age=row["age"],
        age_spread=row["age_spread"],
        male=row["male"],
        attributes=attributes,
        quality=from_json(row["quality"], {}),
        pose=pose or {},
        expression_model=row["expression_model"],
        age_model=row["age_model"],
    )


def _attributes_of(conn: sqlite3.Connection, face_ids: list[int]) -> dict[int, dict[str, float]]:
    found: dict[int, dict[str, float]] = {i: {} for i in face_ids}
    for row in rows_in(conn, "SELECT face_id, name, p FROM face_attributes WHERE face_id IN ({marks})", face_ids):
        found[row["face_id"]][row["name"]] = row["p"]
    return found


def _poses_of(conn: sqlite3.Connection, face_ids: list[int]) -> dict[int, dict[str, float]]:
    sql = "SELECT face_id, yaw, pitch, roll FROM face_pose WHERE face_id IN ({marks})"
    return {
        r["face_id"]: {"yaw": r["yaw"], "pitch": r["pitch"], "roll": r["roll"]} for r in rows_in(conn, sql, face_ids)
    }


def load(conn: sqlite3.Connection, face_ids: list[int]) -> list[StoredFace]:
    """Faces by id, in the order asked."""
    rows: dict[int, sqlite3.Row] = {}
    for row in rows_in(conn, "SELECT * FROM faces WHERE id IN ({marks})", face_ids):
        rows[row["id"]] = row
    present = [i for i in face_ids if i in rows]
    attributes, poses = _attributes_of(conn, present), _poses_of(conn, present)
    return [StoredFace(i, rows[i]["photo_id"], _record(rows[i], attributes[i], poses.get(i))) for i in present]


def of_photo(conn: sqlite3.Connection, photo_id: int) -> list[StoredFace]:
    ids = [r[0] for r in conn.execute("SELECT id FROM faces WHERE photo_id = ? ORDER BY x1", (photo_id,))]
    return load(conn, ids)


def embeddings(conn: sqlite3.Connection, where: str = "1", params: tuple = ()) -> tuple[np.ndarray, np.ndarray]:
    """(face ids, embedding matrix) of the faces of present photos that satisfy `where`."""
    rows = conn.execute(
        f"""SELECT f.id, f.embedding FROM faces f JOIN photos p ON p.id = f.photo_id
            WHERE p.status = 'ok' AND f.embedding IS NOT NULL AND ({where}) ORDER BY f.id""",
        params,
    ).fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    return ids, unpack_matrix([r[1] for r in rows])


def wipe_biometrics(conn: sqlite3.Connection, face_ids: list[int]) -> None:
    """Forget faces: keep only the box (so the face is not offered again), drop everything else."""
    conn.executemany(
        """UPDATE faces SET embedding = NULL, landmarks = '[]', expressions = NULL, expression = NULL,
           expression_p = NULL, age = NULL, age_spread = NULL, male = NULL, quality = NULL,
           expression_model = NULL, age_model = NULL,
           person_id = NULL, assigned_by = NULL, forgotten = 1 WHERE id = ?""",
        [(f,) for f in face_ids],
    )
    conn.executemany("DELETE FROM face_attributes WHERE face_id = ?", [(f,) for f in face_ids])
    conn.executemany("DELETE FROM face_pose WHERE face_id = ?", [(f,) for f in face_ids])
    conn.executemany("DELETE FROM rejections WHERE face_id = ?", [(f,) for f in face_ids])


def update_analysis(conn: sqlite3.Connection, face_id: int, face: FaceRecord) -> None:
    """Replace one face's expression, age and gender (a newer model's answers); a forgotten face stays empty.

    Values a second-pass model made (an imported SwinFace's expressions, age and attributes, which
    record their model) are newer than the scan's own and stay: only the scan's own are replaced."""
    row = conn.execute("SELECT forgotten FROM faces WHERE id = ?", (face_id,)).fetchone()
    if row is None or row[0]:
        return
    top, top_p = top_expression(face.expression) if face.expression else (None, None)
    conn.execute(
        """UPDATE faces SET expressions = ?, expression = ?, expression_p = ?
           WHERE id = ? AND expression_model IS NULL""",
        (to_json(face.expression or None), top, top_p, face_id),
    )
    conn.execute(
        "UPDATE faces SET age = ?, age_spread = ? WHERE id = ? AND age_model IS NULL",
        (face.age, face.age_spread, face_id),
    )
    conn.execute("UPDATE faces SET male = ? WHERE id = ?", (face.male, face_id))
    names = [(face_id, name) for name in face.attributes]
    conn.executemany("DELETE FROM face_attributes WHERE face_id = ? AND name = ? AND model IS NULL", names)
    conn.executemany(
        "INSERT OR IGNORE INTO face_attributes(face_id, name, p) VALUES (?, ?, ?)",
        [(face_id, name, float(p)) for name, p in face.attributes.items()],
    )
