"""Face mesh: a rotated square crop around a detected face -> 468 3D landmarks in the photo's pixels.

MediaPipe feeds its mesh a crop 1.5 times the detection box, turned so the eyes lie level
(its face_detection_front_detection_to_roi graph); we build the same crop from our
detector's box and its two eye landmarks (MTCNN order: the photo's left eye first), run
`nets.face_mesh.FaceMesh` on it and map the landmarks back through the crop's affine
transform, z scaled like x and y (mediapipe: z uses roughly the scale of x, smaller is
nearer the camera).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from faceorg.core.face import Box
from faceorg.vision.weights import ModelSpec

MESH_MODEL = ModelSpec(
    "face mesh",
    "resources",
    "weights/face_mesh_mediapipe.safetensors",
    "3d845980b6798129fc956a1a23ad16b3271b90dea1532aed54dfcf90eb386572",
    "Apache-2.0 (MediaPipe face landmark model, Google; see the .LICENSE.txt beside it)",
    "mediapipe-face-mesh",
)
CROP_SCALE = 1.5
INPUT_SIZE = 192


@dataclass(frozen=True)
class MeshCrop:
    """The crop fed to the net and the affine map from crop pixels to photo pixels."""

    pixels: np.ndarray  # (192, 192, 3) uint8
    to_photo: np.ndarray  # (2, 3): photo_xy = to_photo @ (x, y, 1)
    scale: float  # photo pixels per crop pixel


def crop(image: np.ndarray, box: Box, landmarks: Sequence[Sequence[float]], scale: float = CROP_SCALE) -> MeshCrop:
    """A square of `scale` times the box's longer side around its centre, eyes level."""
    angle = 0.0
    if len(landmarks) >= 2:
        (x0, y0), (x1, y1) = landmarks[0][:2], landmarks[1][:2]
        if x1 < x0:
            x0, y0, x1, y1 = x1, y1, x0, y0
        angle = math.atan2(y1 - y0, x1 - x0)
    side = max(box.width, box.height) * scale
    k = side / INPUT_SIZE
    cos, sin = math.cos(angle) * k, math.sin(angle) * k
    cx, cy = (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2
    half = INPUT_SIZE / 2
    to_photo = np.array([[cos, -sin, cx - cos * half + sin * half], [sin, cos, cy - sin * half - cos * half]])
    pixels = Image.fromarray(image).transform(
        (INPUT_SIZE, INPUT_SIZE), Image.Transform.AFFINE, tuple(to_photo.reshape(-1)), Image.Resampling.BILINEAR
    )
    return MeshCrop(np.asarray(pixels), to_photo, k)


def to_input(crops: Sequence[np.ndarray], device: str = "cpu"):
    """uint8 RGB crops -> (B, 3, 192, 192) float32 in [0, 1], mediapipe's range for this model."""
    import torch

    x = torch.from_numpy(np.stack(crops)).to(device=device, dtype=torch.float32)
    return (x.permute(0, 3, 1, 2) / 255.0).contiguous()


def run(model, crops: Sequence[MeshCrop], device: str = "cpu") -> tuple[list[np.ndarray], np.ndarray]:
    """(468, 3) landmarks in photo pixels per crop, and the face-presence probability of each."""
    import torch

    with torch.inference_mode():
        marks, presence = model(to_input([c.pixels for c in crops], device))
    marks_np, found = marks.float().cpu().numpy(), torch.sigmoid(presence).float().cpu().numpy()
    return [to_photo(m, c) for m, c in zip(marks_np, crops)], found


def to_photo(marks: np.ndarray, mesh_crop: MeshCrop) -> np.ndarray:
    xy = marks[:, :2] @ mesh_crop.to_photo[:, :2].T + mesh_crop.to_photo[:, 2]
    return np.concatenate([xy, marks[:, 2:3] * mesh_crop.scale], axis=1)
