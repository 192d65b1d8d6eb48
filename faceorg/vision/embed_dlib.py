"""Identity embedding with dlib's ResNet face descriptor, run by dlib-bin itself.

The 128-D descriptor is stored L2-normalised, so identity is compared by cosine
distance (dlib's own recipe uses Euclidean distance on raw vectors; on unit vectors
the two orderings agree and cosine is what the rest of faceorg uses).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from faceorg.vision.aligned import AlignedFace
from faceorg.vision.analyzer import register
from faceorg.vision.weights import ModelSpec, locate

DESCRIPTOR = ModelSpec(
    "embedding",
    "face_recognition_models",
    "models/dlib_face_recognition_resnet_model_v1.dat",
    "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30",
    "CC0-1.0 (dlib-models, Davis E. King)",
    "dlib-resnet-v1",
)
CHIP_SIZE = 150
CHIP_PADDING = 0.25


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


@register("embed-dlib")
class DlibEmbedder:
    """dlib-bin's reference implementation: exact, one face after another on the CPU."""

    name = "embedding"
    version = "dlib-resnet-v1/dlib-bin"

    def __init__(self, device: str = "cpu") -> None:
        self._model = None

    def _load(self):
        if self._model is None:
            import dlib

            self._model = dlib.face_recognition_model_v1(str(locate(DESCRIPTOR)))
        return self._model

    def __call__(self, faces: Sequence[AlignedFace]) -> list[dict[str, Any]]:
        if not faces:
            return []
        chips = [face.chip(CHIP_SIZE, CHIP_PADDING) for face in faces]
        raw = np.array([np.array(v) for v in self._load().compute_face_descriptor(chips)], dtype=np.float64)
        vectors = l2_normalise(raw)
        for face, vector in zip(faces, vectors):
            face.identity = vector  # the age head reads it (vision.age_head)
        return [{"embedding": vector} for vector in vectors]
