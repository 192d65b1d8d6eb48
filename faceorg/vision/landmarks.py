"""dlib's 5-point shape predictor, run inside each detected box.

The descriptor and the age/gender nets were trained on chips aligned by these five
points (eye corners and nose base), so we align with them rather than with MTCNN's.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from faceorg.vision.aligned import AlignedFace
from faceorg.vision.weights import ModelSpec, locate

SHAPE_PREDICTOR = ModelSpec(
    "landmarks",
    "face_recognition_models",
    "models/shape_predictor_5_face_landmarks.dat",
    "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",
    "CC0-1.0 (dlib-models, Davis E. King)",
    "dlib-shape-predictor-5",
)


class ShapeLandmarker:
    """Box in, aligned face out."""

    def __init__(self) -> None:
        self._predictor = None

    def _load(self):
        if self._predictor is None:
            import dlib

            self._predictor = dlib.shape_predictor(str(locate(SHAPE_PREDICTOR)))
        return self._predictor

    def __call__(self, image: np.ndarray, box: tuple[float, float, float, float]) -> AlignedFace:
        import dlib

        rect = cast("tuple[int, int, int, int]", tuple(int(round(v)) for v in box))
        shape = self._load()(image, dlib.rectangle(*rect))
        points = np.array([[shape.part(i).x, shape.part(i).y] for i in range(shape.num_parts)], dtype=np.float64)
        return AlignedFace(image=image, shape5=points, rect=rect)
