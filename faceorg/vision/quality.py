"""How usable a face is for recognition: size, sharpness and how far it is turned.

Used to pick a person's cover face and to set background faces aside. Plain numbers,
no model: the variance of the Laplacian of the grey chip (sharpness) and the nose's
offset from the eyes' midline in MTCNN's landmarks (yaw; 0 is frontal, 1 is profile).
"""

from __future__ import annotations

import numpy as np

from faceorg.vision.aligned import AlignedFace

SHARPNESS_CHIP = 150
SHARPNESS_PADDING = 0.25


def sharpness(chip: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian of the grey chip: low for blurred faces."""
    grey = chip.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    lap = (-4 * grey[1:-1, 1:-1] + grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:])
    return float(lap.var())


def yaw(landmarks: np.ndarray) -> float:
    """|nose offset from the eye midpoint| / half the eye distance, clipped to [0, 1]."""
    left_eye, right_eye, nose = landmarks[0], landmarks[1], landmarks[2]
    half = np.linalg.norm(right_eye - left_eye) / 2
    if half < 1e-6:
        return 1.0
    axis = (right_eye - left_eye) / (2 * half)
    offset = float(np.dot(nose - (left_eye + right_eye) / 2, axis))
    return float(min(1.0, abs(offset) / half))


def measure(face: AlignedFace, mtcnn_landmarks: np.ndarray, side_px: float) -> dict[str, float]:
    return {
        "side_px": float(side_px),
        "sharpness": sharpness(face.chip(SHARPNESS_CHIP, SHARPNESS_PADDING)),
        "yaw": yaw(mtcnn_landmarks),
    }
