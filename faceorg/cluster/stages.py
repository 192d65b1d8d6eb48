"""The two Ray Data stages a cluster scan runs on its workers; each actor loads its models once.

`DetectStage` turns a photo's bytes into its faces (decode, detect, align); `AnalyseStage`
runs the analyzers over the faces of a batch of photos and renders the thumbnail and the
face crops there, where the pixels are, so only small JPEGs and numbers travel back to the
library. A photo that cannot be read or analysed comes back with its reason, never as an
exception: an exception would make Ray retry the batch and then fail the whole scan.
"""

from __future__ import annotations

import io
import pickle
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np

from faceorg.config import Config
from faceorg.core.face import FaceRecord
from faceorg.scan.previews import encode_previews
from faceorg.vision.decode import DecodeError, decode

if TYPE_CHECKING:
    from faceorg.vision.pipeline import PhotoFaces


@dataclass
class Detected:
    """Between the stages: the photo's faces (pickled, with the decoded pixels) or why there are none."""

    error: str | None = None
    photo: PhotoFaces | None = None
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class PhotoResult:
    """What travels back to the library for one photo."""

    error: str | None = None
    records: list[FaceRecord] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    taken_at: float | None = None
    thumbnail: bytes = b""
    crops: list[bytes] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _pipeline(config: Config, threads: int, analyzer_names: list[str] | None):
    """The models of one actor, torch and onnxruntime held to the cores Ray gave the actor."""
    from faceorg.vision.pipeline import FacePipeline

    return FacePipeline(config.with_overrides(model_threads=max(1, threads)), analyzer_names)


class DetectStage:
    """Ray actor: bytes -> decoded photo -> faces found and aligned."""

    def __init__(self, config: Config, threads: int = 1):
        self.config = config
        self.pipeline = _pipeline(config, threads, [])

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = [pickle.dumps(self._one(bytes(data))) for data in batch["data"]]
        return {"key": batch["key"], "photo": np.array(out, dtype=object)}

    def _one(self, data: bytes) -> Detected:
        started = time.perf_counter()
        try:
            decoded = decode(io.BytesIO(data), self.config.detect_max_side)
        except MemoryError:
            return Detected(error="decode: image too large to decode in memory")
        except Exception as error:  # whatever a decoder raises on one file costs only that file
            detail = str(error) if isinstance(error, DecodeError) else f"{type(error).__name__}: {error}"
            return Detected(error=f"decode: {detail}")
        seconds = {"decode": time.perf_counter() - started}
        before = dict(self.pipeline.stage_seconds)
        try:
            photo = self.pipeline.detect(decoded)
        except Exception as error:  # odd pixels must cost this photo only
            return Detected(error=f"detect: {error or type(error).__name__}")
        seconds.update({k: v - before.get(k, 0.0) for k, v in self.pipeline.stage_seconds.items()})
        return Detected(photo=photo, seconds=seconds)


class AnalyseStage:
    """Ray actor: the analyzers over the faces of a batch of photos, then the previews."""

    def __init__(self, config: Config, threads: int = 1):
        self.config = config
        self.pipeline = _pipeline(config, threads, None)
        self.versions = self.pipeline.versions

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        items: list[Detected] = [pickle.loads(blob) for blob in batch["photo"]]
        photos = [item.photo for item in items if item.photo is not None]
        before = dict(self.pipeline.stage_seconds)
        failures: dict[int, str] = {}
        try:
            self.pipeline.analyse(photos)
        except Exception:  # as in the local scan: again photo by photo, so only the photo at fault fails
            failures = self._one_by_one(photos)
        share = {k: (v - before.get(k, 0.0)) / max(1, len(photos)) for k, v in self.pipeline.stage_seconds.items()}
        out = [pickle.dumps(self._result(item, failures.get(id(item.photo)), share)) for item in items]
        return {"key": batch["key"], "result": np.array(out, dtype=object)}

    def _one_by_one(self, photos: list) -> dict[int, str]:
        failures = {}
        for photo in photos:
            try:
                self.pipeline.analyse([photo])
            except Exception as error:
                failures[id(photo)] = f"analyse: {error or type(error).__name__}"
        return failures

    def _result(self, item: Detected, failed: str | None, share: dict[str, float]) -> PhotoResult:
        if item.error or failed:
            return PhotoResult(error=item.error or failed)
        photo = cast("PhotoFaces", item.photo)  # no error: detection gave its faces
        started = time.perf_counter()
        thumb, crops = encode_previews(
            photo.decoded.image,
            photo.decoded.scale,
            [r.box for r in photo.records],
            self.config.thumbnail_px,
            self.config.crop_px,
        )
        seconds = {**item.seconds, **share, "previews": time.perf_counter() - started}
        width, height = photo.decoded.original_size
        return PhotoResult(
            records=photo.records,
            width=width,
            height=height,
            taken_at=photo.decoded.taken_at,
            thumbnail=thumb,
            crops=crops,
            versions=self.versions,
            seconds=seconds,
        )
