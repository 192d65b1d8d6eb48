"""Faces for vision tests without the rest of the pipeline: MTCNN boxes, dlib 5-point shapes.

from tests.vision.face_fixtures import aligned_faces
faces = aligned_faces(path)   # list[AlignedFace], left to right
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from faceorg.vision.aligned import AlignedFace
from faceorg.vision.weights import package_dir


@lru_cache(maxsize=1)
def _models():
    import dlib
    from facenet_pytorch import MTCNN

    predictor = package_dir("face_recognition_models") / "models" / "shape_predictor_5_face_landmarks.dat"
    return MTCNN(keep_all=True, device="cpu"), dlib.shape_predictor(str(predictor))


def aligned_faces(path: Path | str, min_probability: float = 0.9, detect_side: int = 1024) -> list[AlignedFace]:
    """Every face MTCNN finds in the photo, with dlib's 5 landmarks, sorted by box left edge.

    MTCNN runs on a copy at most `detect_side` pixels long (for speed); the landmarks and
    the returned image are full resolution.
    """
    import dlib

    detector, predictor = _models()
    pil = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    rgb = np.asarray(pil)
    scale = min(1.0, detect_side / max(pil.size))
    small = pil if scale == 1.0 else pil.resize((round(pil.width * scale), round(pil.height * scale)), Image.BILINEAR)
    boxes, probs = detector.detect(small, landmarks=False)
    if boxes is None:
        return []
    boxes = np.asarray(boxes, dtype=float) / scale
    probs = np.asarray(probs).astype(float)  # dtype object under numpy 2
    faces = []
    for box, prob in sorted(zip(boxes, probs), key=lambda bp: bp[0][0]):
        if prob < min_probability:
            continue
        left, top, right, bottom = (int(round(v)) for v in box)
        shape = predictor(rgb, dlib.rectangle(left, top, right, bottom))
        points = np.array([[p.x, p.y] for p in shape.parts()], dtype=float)
        faces.append(AlignedFace(image=rgb, shape5=points, rect=(left, top, right, bottom)))
    return faces
