"""Face detection with facenet-pytorch's MTCNN (torch), weights from its wheel; `--detector mtcnn`.

Returns boxes, scores and MTCNN's 5 landmarks (eyes, nose tip, mouth corners) in the
pixels of the image it was given; the pipeline maps them to original pixels.
"""

from __future__ import annotations

import numpy as np

from faceorg.vision.detector import Detection, register_detector
from faceorg.vision.weights import ModelSpec

MTCNN_SPECS = tuple(
    ModelSpec(
        "detection", "facenet_pytorch", f"data/{name}.pt", sha, "MIT (facenet-pytorch)", "mtcnn-facenet-pytorch-2.5.3"
    )
    for name, sha in (
        ("pnet", "a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f"),
        ("rnet", "bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86"),
        ("onet", "165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d"),
    )
)

MTCNN_SMALLEST = 20
"""Below this many pixels MTCNN's 12 px proposal net becomes unreliable."""


@register_detector("mtcnn")
class MtcnnDetector:
    """MTCNN with our own thresholds and a per-call smallest face, loaded on first use."""

    name = "detection"
    version = "mtcnn-facenet-pytorch-2.5.3"
    smallest: float = MTCNN_SMALLEST
    background_score = 0.95
    """Every labelled portrait scores >= 0.979; the doubtful faces 0.74-0.88 (bench/junk.py)."""

    def __init__(self, device: str, thresholds: tuple[float, float, float] = (0.6, 0.7, 0.7), factor: float = 0.709):
        self.device = device
        self.thresholds = list(thresholds)
        self.factor = factor
        self._nets: tuple | None = None

    def _load(self):
        if self._nets is None:
            from faceorg.vision.weights import locate

            for spec in MTCNN_SPECS:
                locate(spec)
            from facenet_pytorch.models.mtcnn import ONet, PNet, RNet

            self._nets = tuple(net(pretrained=True).to(self.device).eval() for net in (PNet, RNet, ONet))
        return self._nets

    def __call__(self, images: list[np.ndarray], min_face: float = MTCNN_SMALLEST) -> list[list[Detection]]:
        """Faces per image. Images of one call must share a size (MTCNN batches them)."""
        import torch
        from facenet_pytorch.models.utils.detect_face import detect_face

        if not images:
            return []
        smallest = max(MTCNN_SMALLEST, min_face)
        if min(images[0].shape[:2]) < smallest:  # no pyramid level fits: facenet-pytorch would raise
            return [[] for _ in images]
        pnet, rnet, onet = self._load()
        with torch.inference_mode():
            batch_boxes, batch_points = detect_face(
                np.stack(images), smallest, pnet, rnet, onet, self.thresholds, self.factor, self.device
            )
        found: list[list[Detection]] = []
        for boxes, points in zip(batch_boxes, batch_points):
            boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 5)
            points = np.asarray(points, dtype=np.float64).reshape(-1, 5, 2)
            found.append([Detection(tuple(b[:4]), float(b[4]), p) for b, p in zip(boxes, points)])
        return found
