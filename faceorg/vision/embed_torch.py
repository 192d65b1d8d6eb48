"""Identity embedding with dlib's ResNet weights run by our own torch module.

Same weights, same chips, same descriptors as dlib-bin (cosine distance under 1e-12 on
the shared photos, tests/vision/test_dlib_resnet.py), but batched and on the GPU when
there is one: about 25x faster than dlib-bin per face on this CPU (bench/embed_speed.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from faceorg.vision.aligned import AlignedFace
from faceorg.vision.analyzer import register
from faceorg.vision.device import reduced_precision
from faceorg.vision.embed_dlib import CHIP_PADDING, CHIP_SIZE, DESCRIPTOR, l2_normalise
from faceorg.vision.weights import locate

if TYPE_CHECKING:
    from faceorg.vision.nets.dlib_resnet import DlibResNet


@register("embed-torch")
class TorchDlibEmbedder:
    name = "embedding"
    version = "dlib-resnet-v1/torch"

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self._model: DlibResNet | None = None

    def _load(self):
        if self._model is None:
            from faceorg.vision.nets.dlib_resnet import load_dlib_resnet

            self._model = load_dlib_resnet(locate(DESCRIPTOR), channels_last=True).to(self.device)
        return self._model

    def _embed(self, chips: list[np.ndarray]) -> np.ndarray:
        with reduced_precision(self.device):
            return l2_normalise(self._load().embed(chips))

    def __call__(self, faces: Sequence[AlignedFace]) -> list[dict[str, Any]]:
        if not faces:
            return []
        vectors = self._embed([face.chip(CHIP_SIZE, CHIP_PADDING) for face in faces])
        for face, vector in zip(faces, vectors):
            face.identity = vector  # the age head reads it (vision.age_head)
        return [{"embedding": vector} for vector in vectors]

    def mirrored(self, faces: Sequence[AlignedFace]) -> np.ndarray:
        """Descriptors of each face's chip mirrored left to right: the age head reads the mean of both."""
        if not faces:
            return np.zeros((0, 128), dtype=np.float32)
        return self._embed([np.ascontiguousarray(face.chip(CHIP_SIZE, CHIP_PADDING)[:, ::-1]) for face in faces])
