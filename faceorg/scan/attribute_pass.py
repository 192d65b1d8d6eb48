"""The second, background pass: attribute models over faces the first pass already stored.

Face parsing costs several times what detection, identity and expression together cost,
so the first pass never waits for it: this pass walks the faces its model has not seen
(`store.attribute_values.pending`), decodes each photo once, parses its faces in small
batches, and stores each batch in one transaction. Interrupted, it resumes where it
stopped; a new model version (weights, input size or calibration) re-runs every face,
and only then. Only reading the pending faces and storing the answers touch the library
(`on_writer`); the models run in the caller's thread, so in the app a user's rename or merge
never waits behind a batch of parsing (library.Library.find_attributes). Before it,
`AnalysisRefresh` redoes the expression and age of photos an older model or calibration
analysed (scan.analysis_refresh).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from faceorg.config import Config
from faceorg.core.face import Box
from faceorg.scan.analysis_refresh import AnalysisRefresh
from faceorg.scan.on_writer import OnWriter, on_connection
from faceorg.store import attribute_values
from faceorg.store.db import transaction
from faceorg.vision.decode import Decoded, DecodeError, decode

FACES_PER_BATCH = 4
"""Faces parsed per step: progress, Pause, Cancel and a scan asking for the CPU are heard between
steps. 4 faces of parsing and mesh take about 4.5 s on this project's loaded 2-core CPU; a CPU
gains nothing from bigger batches (bench/parsing_speed.py, bench/mesh_speed.py). The user's own
operations do not wait for a step: the models run off the writer (library.Library.find_attributes)."""


@dataclass(frozen=True)
class AttributeProgress:
    done: int
    total: int
    elapsed: float

    @property
    def message(self) -> str:
        return f"Finding attributes: {self.done:,} of {self.total:,} faces"


@dataclass
class AttributeSummary:
    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    model: str = ""
    refreshed: int = 0  # photos whose expression and age were redone with the current models


class AttributePass:
    """Runs the attribute model over every face that still needs it: the library is read and
    written through `on_writer` (default: `conn` itself, in this thread)."""

    def __init__(
        self,
        conn: sqlite3.Connection | None,
        config: Config,
        model=None,
        refresh: AnalysisRefresh | None = None,
        on_writer: OnWriter | None = None,
    ):
        self.config = config
        self._model = model
        self._db: OnWriter = on_writer or on_connection(conn)
        self.refresh = refresh or AnalysisRefresh(conn, config, on_writer=self._db)

    @property
    def model(self):
        if self._model is None:
            from faceorg.vision.device import resolve_device
            from faceorg.vision.mesh_analyzer import MeshAttributes
            from faceorg.vision.parsing_analyzer import AttributeModels, ParsingAttributes, SwinFaceAttributes
            from faceorg.vision.swinface import imported

            device = resolve_device(self.config.device)
            # later models win where two speak: the mesh's mouth over the parsing's, SwinFace over both
            models: list[ParsingAttributes | MeshAttributes | SwinFaceAttributes] = [
                ParsingAttributes(device),
                MeshAttributes(device),
            ]
            if imported(self.config.user_models_dir):
                models.append(SwinFaceAttributes(self.config.user_models_dir, device))
            self._model = AttributeModels(models)
        return self._model

    @property
    def _maker(self) -> str | None:
        """Which of the models gives the faces' expressions and ages (SwinFace once imported)."""
        return getattr(self.model, "expression_and_age_model", None)

    def pending(self) -> int:
        version = self.model.version
        return self._db(lambda conn: attribute_values.pending_count(conn, version))

    def run(
        self,
        progress: Callable[[AttributeProgress], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> AttributeSummary:
        started = time.perf_counter()
        summary = AttributeSummary(model=self.model.version)
        stop = False
        while not stop and (done := self.refresh.run_batch()):  # asks to stop only after work done
            summary.refreshed += done
            stop = should_stop()
        total = self.pending()
        if progress:
            progress(AttributeProgress(0, total, 0.0))
        while not stop and not (stop := should_stop()):
            batch = self._db(partial(attribute_values.pending, model=self.model.version, limit=FACES_PER_BATCH))
            if not batch:
                break
            self._one_batch(batch, summary)
            if progress:
                progress(AttributeProgress(summary.done + summary.failed, total, time.perf_counter() - started))
        summary.cancelled = stop
        summary.seconds = time.perf_counter() - started
        return summary

    def _one_batch(self, batch: list[attribute_values.PendingFace], summary: AttributeSummary) -> None:
        images: dict[int, Decoded | None] = {}
        items, unreadable = [], []
        for face in batch:
            if face.photo_id not in images:
                try:
                    images[face.photo_id] = decode(face.path, self.config.detect_max_side)
                except (DecodeError, OSError, MemoryError):
                    images[face.photo_id] = None
            decoded = images[face.photo_id]
            if decoded is None:
                unreadable.append(face)
                continue
            s = decoded.scale
            box = Box(face.box.x1 * s, face.box.y1 * s, face.box.x2 * s, face.box.y2 * s)
            items.append((face, decoded.image, box, [(x * s, y * s) for x, y in face.landmarks]))
        values = self.model([item[1:] for item in items])
        version, maker = self.model.version, self._maker

        def store(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                for (face, *_), found in zip(items, values):
                    attribute_values.store(conn, face.face_id, version, found, maker)
                for face in unreadable:
                    attribute_values.mark_seen(conn, face.face_id, version)

        self._db(store)
        summary.done += len(items)
        summary.failed += len(unreadable)
