"""One decoded photo in, one `FaceRecord` per face out: detect, align, analyse in batches.

The pipeline owns the models (loaded lazily, on one device) and composes whichever
analyzers it is given; it knows nothing of files on disk beyond `decode`, nor of the
store.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from faceorg.config import Config
from faceorg.core.face import Box, FaceRecord
from faceorg.vision import analyzer, catalogue, quality
from faceorg.vision.aligned import AlignedFace
from faceorg.vision.attributes import derived_attributes
from faceorg.vision.close_up import close_up_view, min_face
from faceorg.vision.decode import Decoded, decode
from faceorg.vision.detector import create_detector
from faceorg.vision.device import resolve_device
from faceorg.vision.landmarks import ShapeLandmarker
from faceorg.vision.threads import apply_thread_policy

DETECT_BATCH_GPU = 8


@dataclass
class PhotoFaces:
    """A decoded photo, its faces, and their aligned views (for crops and analyzers)."""

    decoded: Decoded
    records: list[FaceRecord] = field(default_factory=list)
    aligned: list[AlignedFace] = field(default_factory=list)


class FacePipeline:
    """Detector + landmarker + analyzers, on one device."""

    def __init__(self, config: Config, analyzer_names: Sequence[str] | None = None, close_ups: bool = True):
        self.config = config
        self.close_ups = close_ups
        self.device = resolve_device(config.device)
        apply_thread_policy(config.model_threads)
        self.detector = create_detector(config.detector, self.device)
        self.landmarker = ShapeLandmarker()
        names = list(analyzer_names) if analyzer_names is not None else catalogue.default_analyzers(config.embedder)
        self.analyzers = [analyzer.create(name, self.device) for name in names]
        self.stage_seconds: dict[str, float] = {}

    def _timed(self, stage: str, started: float) -> None:
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - started

    @property
    def versions(self) -> dict[str, str]:
        """Which model made what: stored with every photo so a model change is traceable."""
        found = {"detection": self.detector.version, "landmarks": "dlib-shape-predictor-5"}
        found.update({a.name: a.version for a in self.analyzers})
        return found

    def decode(self, path: Path | str) -> Decoded:
        return decode(path, self.config.detect_max_side)

    @property
    def detect_batch(self) -> int:
        """Photos per detector call: batching same-sized photos pays on a GPU, not on a CPU."""
        return DETECT_BATCH_GPU if self.device.startswith("cuda") else 1

    def detect(self, decoded: Decoded) -> PhotoFaces:
        """Find and align the faces of one photo; boxes and landmarks in original pixels."""
        return self.detect_many([decoded])[0]

    def detect_many(self, decoded: Sequence[Decoded]) -> list[PhotoFaces]:
        """Photos of the same decoded size go through the detector as one batch; small close-ups are upscaled first."""
        if self.close_ups:
            decoded = [close_up_view(d) for d in decoded]
        groups: dict[tuple, list[int]] = {}
        for i, d in enumerate(decoded):
            groups.setdefault((d.image.shape, self._smallest(d)), []).append(i)
        found: list[list] = [[] for _ in decoded]
        started = time.perf_counter()
        for (shape, smallest), members in groups.items():
            if min(shape[:2]) < smallest:  # no face worth finding fits (and MTCNN has no scale to try)
                continue
            for i, detections in zip(members, self.detector([decoded[i].image for i in members], min_face=smallest)):
                found[i] = detections
        self._timed("detect", started)
        started = time.perf_counter()
        photos = [self._align(d, detections) for d, detections in zip(decoded, found)]
        self._timed("align", started)
        return photos

    def _smallest(self, decoded: Decoded) -> float:
        """The smallest face worth finding, in detector pixels (each detector has its own floor)."""
        return max(self.detector.smallest, self._min_face(decoded) * decoded.scale)

    def _min_face(self, decoded: Decoded) -> int:
        return min_face(decoded, self.config.min_face_px) if self.close_ups else self.config.min_face_px

    def _align(self, decoded: Decoded, detections) -> PhotoFaces:
        photo = PhotoFaces(decoded)
        scale = decoded.scale
        width, height = decoded.original_size
        for det in detections:
            x1, y1, x2, y2 = (v / scale for v in det.box)
            box = Box(max(0.0, x1), max(0.0, y1), min(float(width), x2), min(float(height), y2))
            if box.side < self._min_face(decoded):
                continue
            aligned = self.landmarker(decoded.image, det.box)
            photo.aligned.append(aligned)
            photo.records.append(
                FaceRecord(
                    box=box,
                    score=det.score,
                    landmarks=[(float(x / scale), float(y / scale)) for x, y in det.landmarks],
                    quality=quality.measure(aligned, det.landmarks, box.side),
                )
            )
        return photo

    def analyse(self, photos: Sequence[PhotoFaces]) -> None:
        """Run every analyzer over all faces of `photos`, in batches, filling their records."""
        pairs = [(rec, al) for photo in photos for rec, al in zip(photo.records, photo.aligned)]
        step = max(1, self.config.face_batch)
        for start in range(0, len(pairs), step):
            chunk = pairs[start : start + step]
            faces = [al for _, al in chunk]
            for an in self.analyzers:
                started = time.perf_counter()
                for (record, _), update in zip(chunk, an(faces)):
                    apply_update(record, update)
                self._timed(an.name, started)
        for record, _ in pairs:
            record.attributes.update(derived_attributes(record))

    def run(self, path: Path | str) -> PhotoFaces:
        """The whole pipeline on one file (for `faceorg faces` and tests)."""
        photo = self.detect(self.decode(path))
        self.analyse([photo])
        return photo


def apply_update(record: FaceRecord, update: dict) -> None:
    for key, value in update.items():
        if key == "attributes":
            record.attributes.update(value)
        elif key == "embedding":
            record.embedding = np.asarray(value, dtype=np.float32)
        else:
            setattr(record, key, value)
