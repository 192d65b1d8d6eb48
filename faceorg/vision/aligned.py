"""A detected face with its dlib 5-point shape, from which every analyzer cuts its own chip.

Each network was trained on its own crop (dlib's descriptor on a 150 px chip with 25 %
padding, the age and gender nets on 64/32 px chips with 20 %, the expression net on a
grey 64 px face), so the chips are cut on demand and cached per (size, padding).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dlib
import numpy as np


@dataclass(eq=False)
class AlignedFace:
    """One face: the RGB image it lives in (shared, never copied) and its 5 landmarks there.

    `shape5` holds dlib's 5-point landmarks (two corners of each eye, the base of the
    nose) in `image` pixels, as dlib's `shape_predictor_5_face_landmarks` returns them.
    """

    image: np.ndarray
    shape5: np.ndarray
    rect: tuple[int, int, int, int]
    _chips: dict[tuple[int, float], np.ndarray] = field(default_factory=dict, repr=False)
    identity: np.ndarray | None = field(default=None, repr=False)
    """The L2-normalised identity descriptor, left here by the embedder for the age head to reuse."""

    def chip(self, size: int, padding: float) -> np.ndarray:
        """The face warped upright to a `size` x `size` RGB uint8 chip (dlib's template)."""
        key = (size, padding)
        if key not in self._chips:
            self._chips[key] = extract_chip(self.image, self.shape5, self.rect, size, padding)
        return self._chips[key]


def full_object_detection(shape5: np.ndarray, rect: tuple[int, int, int, int]) -> dlib.full_object_detection:
    """Rebuild dlib's landmark object from plain numbers."""
    points = dlib.points()
    for x, y in shape5:
        points.append(dlib.point(int(round(x)), int(round(y))))
    return dlib.full_object_detection(dlib.rectangle(*rect), points)


def extract_chip(
    image: np.ndarray, shape5: np.ndarray, rect: tuple[int, int, int, int], size: int, padding: float
) -> np.ndarray:
    """Cut one aligned chip with dlib's own similarity transform to its mean-face template."""
    details = dlib.get_face_chip_details(full_object_detection(shape5, rect), size, padding)
    return np.ascontiguousarray(dlib.extract_image_chip(image, details))
