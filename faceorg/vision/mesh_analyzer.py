"""The face mesh attribute model: photo + face box + eye landmarks in, mesh attributes and head pose out.

Runs in the background attribute pass beside face parsing (faceorg/scan/attribute_pass.py).
Each face gets the calibrated probabilities of `mesh_attributes.RULES` and its head pose in
degrees under the names of `core.attributes.POSE_NAMES` (stored apart from the probabilities).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from faceorg.core.attributes import POSE_NAMES
from faceorg.core.face import Box
from faceorg.vision import face_mesh, mesh_attributes, mesh_measures
from faceorg.vision.weights import locate

if TYPE_CHECKING:
    from faceorg.vision.nets.face_mesh import FaceMesh


class MeshAttributes:
    """Batched face mesh, the measures read off it and their calibrated curves, on one device."""

    name = "mesh-attributes"

    def __init__(self, device: str = "cpu"):
        self.device = device
        spec = face_mesh.MESH_MODEL
        self.version = f"{spec.version}@{spec.sha256[:12]}/{mesh_attributes.CALIBRATION}"
        self._model: FaceMesh | None = None

    def _load(self):
        if self._model is None:
            from faceorg.vision.nets.face_mesh import load_face_mesh

            self._model = load_face_mesh(locate(face_mesh.MESH_MODEL), self.device)
        return self._model

    def __call__(self, faces: Sequence[tuple[np.ndarray, Box, list]]) -> list[dict[str, float]]:
        """One {attribute: probability, yaw/pitch/roll: degrees} per (RGB image, box, 5 landmarks)."""
        if not faces:
            return []
        crops = [face_mesh.crop(image, box, landmarks) for image, box, landmarks in faces]
        marks, _ = face_mesh.run(self._load(), crops, self.device)
        return [measured(m) for m in marks]


def measured(marks: np.ndarray) -> dict[str, float]:
    """The calibrated attributes and the pose of one mesh."""
    pose = mesh_measures.head_pose(marks)
    found = mesh_attributes.probabilities(mesh_attributes.features(marks, pose))
    return found | dict(zip(POSE_NAMES, (round(v, 1) for v in pose)))
