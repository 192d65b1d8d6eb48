"""The parsing attribute model: photo + face box in, {CelebA attribute: probability} out.

It runs outside the first scan pass (see faceorg/scan/attribute_pass.py): 512 px parsing
costs far more than everything else the scan does to a face.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from faceorg.core import model_values
from faceorg.core.face import Box
from faceorg.vision import parsing, parsing_attributes
from faceorg.vision.weights import locate

if TYPE_CHECKING:
    from faceorg.vision.nets.bisenet import BiSeNet

CALIBRATION = "cal5"
"""Bump when RULES change: the pass then re-runs every face."""


class ParsingAttributes:
    """Batched face parsing and the calibrated attribute curves, on one device."""

    name = "parsing-attributes"

    def __init__(self, device: str = "cpu", size: int = parsing.INPUT_SIZE, scale: float = parsing.CROP_SCALE):
        self.device, self.size, self.scale = device, size, scale
        self.version = (
            f"{parsing.PARSING_MODEL.version}@{parsing.PARSING_MODEL.sha256[:12]}/in{size}x{scale:g}/{CALIBRATION}"
        )
        self._model: BiSeNet | None = None

    def _load(self):
        if self._model is None:
            from faceorg.vision.nets.bisenet import load_bisenet

            self._model = load_bisenet(locate(parsing.PARSING_MODEL), self.device)
        return self._model

    def __call__(self, faces: Sequence[tuple[np.ndarray, Box, list]]) -> list[dict[str, float]]:
        """One {attribute: probability} per (RGB image, face box and 5 landmarks in that image's pixels)."""
        if not faces:
            return []
        crops = [parsing.cut(image, box, self.size, self.scale) for image, box, _ in faces]
        eyes = [parsing.to_crop(m[:2], box, self.size, self.scale) if len(m) >= 2 else None for _, box, m in faces]
        labels = parsing.parse(self._load(), crops, self.device)
        return [
            parsing_attributes.probabilities(parsing.features(lab, crop, self.scale, eye))
            for lab, crop, eye in zip(labels, crops, eyes)
        ]


class SwinFaceAttributes:
    """The imported SwinFace's 40 attributes, 7 expressions and age, on 5-point aligned 112 px faces.

    Its 512-D identity is computed but not kept: people are grouped by the scan's own embedding,
    and switching would re-cluster every library (see README, "SwinFace").
    """

    gives_expression_and_age = True

    name = "swinface"

    def __init__(self, models_dir, device: str = "cpu"):
        from faceorg.vision.swinface import imported
        from faceorg.vision.weights import sha256_of

        self.models_dir, self.device = models_dir, device
        self.version = f"swinface@{sha256_of(cast(Path, imported(models_dir)))[:12]}"
        self._model: Any = None  # the SwinFace module, loaded on first call

    def __call__(self, faces: Sequence[tuple[np.ndarray, Box, list]]) -> list[dict[str, float]]:
        import torch

        from faceorg.vision import swinface

        if not faces:
            return []
        if self._model is None:
            self._model = swinface.load(self.models_dir, self.device)
        chips = [swinface.align(image, landmarks) for image, _, landmarks in faces]
        with torch.inference_mode():
            found = swinface.readable(self._model(swinface.to_input(chips, self.device)))
        return [
            {
                **f["attributes"],
                **{model_values.expression_key(name): p for name, p in f["expression"].items()},
                model_values.AGE: f["age"],
            }
            for f in found
        ]


class AttributeModels:
    """Every attribute model there is: parsing always, SwinFace once imported (its values win where both speak)."""

    def __init__(self, models: Sequence):
        self.models = list(models)
        self.version = "+".join(m.version for m in self.models)
        makers = [m.version for m in self.models if getattr(m, "gives_expression_and_age", False)]
        self.expression_and_age_model: str | None = makers[-1] if makers else None
        """The model whose expressions and ages the faces get (the last that gives them), if any."""

    def __call__(self, faces) -> list[dict[str, float]]:
        merged: list[dict[str, float]] = [{} for _ in faces]
        for model in self.models:
            for values, found in zip(merged, model(faces)):
                values.update(found)
        return merged
