"""Expression and age made by an older model or calibration are redone in the background pass.

Every photo records the versions of the analyzers that made its faces' values
(`photos.model_set_id`, store.models). The expression and age analyzers' versions name
their weights, their inputs and a fingerprint of the calibration they apply, so a new
model, head or calibration leaves the faces stored before it stale. This step finds those
photos, decodes each once, re-aligns its stored faces from their boxes, runs the two
analyzers (the age head reuses the stored identity descriptor, so the embedder does not
run again) and stores the answers with the photo's new versions, in one transaction per
photo. Boxes, identities, people and the user's decisions are not touched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import numpy as np

from faceorg.config import Config
from faceorg.scan.on_writer import OnWriter, on_connection
from faceorg.store import faces as face_repo
from faceorg.store import models
from faceorg.store.db import transaction
from faceorg.vision.decode import DecodeError, decode

REFRESHED = ("expression", "age-gender")
PHOTOS_PER_BATCH = 4


class AnalysisRefresh:
    """Redoes stale expression and age values, a few photos at a time."""

    def __init__(
        self,
        conn: sqlite3.Connection | None,
        config: Config,
        analyzers: list[Any] | None = None,
        on_writer: OnWriter | None = None,
    ) -> None:
        """`on_writer` runs the library reads and writes (scan.on_writer); the analyzers run in the
        caller's thread."""
        self.config = config
        self._analyzers = analyzers
        self._db = on_writer or on_connection(conn)
        self._landmarker: Any = None  # dlib's shape predictor, loaded once for every photo redone

    @property
    def analyzers(self) -> list[Any]:
        if self._analyzers is None:
            from faceorg.vision import analyzer, catalogue  # noqa: F401  (catalogue registers the analyzers)
            from faceorg.vision.device import resolve_device

            device = resolve_device(self.config.device)
            self._analyzers = [analyzer.create(name, device) for name in REFRESHED]
        return self._analyzers

    @property
    def current(self) -> dict[str, str]:
        return {a.name: a.version for a in self.analyzers}

    def pending(self) -> list[int]:
        current = self.current
        return self._db(lambda conn: models.stale_photos(conn, current, limit=1 << 62))

    def run_batch(self) -> int:
        """Refresh up to PHOTOS_PER_BATCH stale photos; the number of photos done (0: none left)."""
        current = self.current
        photo_ids = self._db(lambda conn: models.stale_photos(conn, current, PHOTOS_PER_BATCH))
        for photo_id in photo_ids:
            self._one_photo(photo_id)
        return len(photo_ids)

    def _one_photo(self, photo_id: int) -> None:
        from faceorg.vision.attributes import derived_attributes
        from faceorg.vision.landmarks import ShapeLandmarker
        from faceorg.vision.pipeline import apply_update

        path, stored = self._db(lambda conn: _photo_and_faces(conn, photo_id))
        updated = []
        try:
            decoded = decode(path, self.config.detect_max_side)
        except (DecodeError, OSError, MemoryError):
            decoded = None  # restamped below all the same: an unreadable photo is not retried forever
        if decoded is not None and stored:
            if self._landmarker is None:
                self._landmarker = ShapeLandmarker()
            landmarker, s = self._landmarker, decoded.scale
            aligned = []
            for face in stored:
                box = face.record.box
                view = landmarker(decoded.image, (box.x1 * s, box.y1 * s, box.x2 * s, box.y2 * s))
                if face.record.embedding is not None:
                    view.identity = np.asarray(face.record.embedding, dtype=np.float32)
                aligned.append(view)
            records = [replace(f.record, attributes={}) for f in stored]
            for an in self.analyzers:
                for record, update in zip(records, an(aligned)):
                    apply_update(record, update)
            for record in records:
                record.attributes.update(derived_attributes(record))
            updated = list(zip(stored, records))
        current = self.current

        def store(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                for face, record in updated:
                    face_repo.update_analysis(conn, face.id, record)  # a face forgotten meanwhile stays empty
                models.restamp(conn, photo_id, current)

        self._db(store)


def _photo_and_faces(conn: sqlite3.Connection, photo_id: int) -> tuple[str, list]:
    """The photo's path and its faces not forgotten, as stored."""
    path = conn.execute("SELECT path FROM photos WHERE id = ?", (photo_id,)).fetchone()[0]
    live = conn.execute("SELECT id FROM faces WHERE photo_id = ? AND forgotten = 0 ORDER BY x1", (photo_id,))
    return path, face_repo.load(conn, [r[0] for r in live])
