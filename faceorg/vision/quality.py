"""How usable a face is for recognition: size, sharpness and how far it is turned.

Used to pick a person's cover face and to set background faces aside. Plain numbers,
no model: the variance of the Laplacian of the grey chip (sharpness) and the nose's
offset from the eyes' midline in MTCNN's landmarks (yaw; 0 is frontal, 1 is profile).

Sharpness is measured on the aligned chip brought down to `SHARPNESS_SIDE` pixels by area
averaging: a face of at least about that size in its photo is measured at (or below) its
own resolution, so a 100 px face of a 250 px news photo is judged by the detail it has,
not by how soft it looks blown up to 150 px (the old measure flagged 45 % of the LFW faces
as blurry; see `bench/people.py`). The 150 px chip's value stays as `sharpness_150`, which
the cover choice uses.
"""

from __future__ import annotations

import numpy as np

from faceorg.vision.aligned import AlignedFace

SHARPNESS_CHIP = 150
SHARPNESS_PADDING = 0.25
SHARPNESS_SIDE = 64


def sharpness(chip: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian of the grey chip: low for blurred faces."""
    grey = chip.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    lap = -4 * grey[1:-1, 1:-1] + grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:]
    return float(lap.var())


def sharpness_at_own_scale(chip: np.ndarray, side: int = SHARPNESS_SIDE) -> float:
    """Laplacian variance of the chip area-averaged down to `side` px: comparable across face sizes."""
    from PIL import Image

    grey = chip.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    small = np.asarray(Image.fromarray(grey, mode="F").resize((side, side), Image.Resampling.BOX), dtype=np.float32)
    return sharpness(np.repeat(small[..., None], 3, axis=2))


def yaw(landmarks: np.ndarray) -> float:
    """|nose offset from the eye midpoint| / half the eye distance, clipped to [0, 1]."""
    left_eye, right_eye, nose = landmarks[0], landmarks[1], landmarks[2]
    half = np.linalg.norm(right_eye - left_eye) / 2
    if half < 1e-6:
        return 1.0
    axis = (right_eye - left_eye) / (2 * half)
    offset = float(np.dot(nose - (left_eye + right_eye) / 2, axis))
    return float(min(1.0, float(abs(offset) / half)))


def from_chip(chip: np.ndarray, mtcnn_landmarks: np.ndarray, side_px: float) -> dict[str, float]:
    """The quality numbers of a face from its 150 px aligned chip (25 % padding)."""
    return {
        "side_px": float(side_px),
        "sharpness": sharpness_at_own_scale(chip),
        "sharpness_150": sharpness(chip),
        "yaw": yaw(np.asarray(mtcnn_landmarks, dtype=np.float32)),
    }


def measure(face: AlignedFace, mtcnn_landmarks: np.ndarray, side_px: float) -> dict[str, float]:
    return from_chip(face.chip(SHARPNESS_CHIP, SHARPNESS_PADDING), mtcnn_landmarks, side_px)
