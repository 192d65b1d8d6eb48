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
from faceorg.store import faces as face_repo
from faceorg.store import models
from faceorg.store.db import transaction
from faceorg.vision.decode import DecodeError, decode

REFRESHED = ("expression", "age-gender")
PHOTOS_PER_BATCH = 4


class AnalysisRefresh:
    """Redoes stale expression and age values, a few photos at a time."""

    def __init__(self, conn: sqlite3.Connection, config: Config, analyzers: list[Any] | None = None) -> None:
        self.conn, self.config = conn, config
        self._analyzers = analyzers

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
        return models.stale_photos(self.conn, self.current, limit=1 << 62)

    def run_batch(self) -> int:
        """Refresh up to PHOTOS_PER_BATCH stale photos; the number of photos done (0: none left)."""
        photo_ids = models.stale_photos(self.conn, self.current, PHOTOS_PER_BATCH)
        for photo_id in photo_ids:
            self._one_photo(photo_id)
        return len(photo_ids)

    def _one_photo(self, photo_id: int) -> None:
        from faceorg.vision.attributes import derived_attributes
        from faceorg.vision.landmarks import ShapeLandmarker
        from faceorg.vision.pipeline import apply_update

        path = self.conn.execute("SELECT path FROM photos WHERE id = ?", (photo_id,)).fetchone()[0]
        query = "SELECT id FROM faces WHERE photo_id = ? AND forgotten = 0"
        live = {r[0] for r in self.conn.execute(query, (photo_id,))}
        stored = [f for f in face_repo.of_photo(self.conn, photo_id) if f.id in live]
        updated = []
        try:
            decoded = decode(path, self.config.detect_max_side)
        except (DecodeError, OSError, MemoryError):
            decoded = None  # restamped below all the same: an unreadable photo is not retried forever
        if decoded is not None and stored:
            landmarker, s = ShapeLandmarker(), decoded.scale
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
        with transaction(self.conn):
            for face, record in updated:
                face_repo.update_analysis(self.conn, face.id, record)
            models.restamp(self.conn, photo_id, self.current)
