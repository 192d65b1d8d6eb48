"""Float16, as the GPU path runs the torch analyzers, keeps their answers: measured here on
the CPU with the models cast to float16 (slow, but the same arithmetic)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from faceorg.vision.embed_dlib import CHIP_PADDING, CHIP_SIZE
from tests.conftest import need_faces


@pytest.fixture(scope="module")
def faces():
    from tests.vision.face_fixtures import aligned_faces

    root = need_faces()
    return aligned_faces(root / "facenet" / "multiface.jpg") + aligned_faces(
        root / "deepface" / "selfie-many-people.jpg"
    )


def test_float16_descriptors_match_float32(faces):
    from faceorg.vision.nets.dlib_resnet import load_dlib_resnet

    model = load_dlib_resnet(channels_last=False)
    chips = [f.chip(CHIP_SIZE, CHIP_PADDING) for f in faces]
    full = model.embed(chips)
    half = copy.deepcopy(model).half()
    with torch.inference_mode():
        x = half.normalize(torch.from_numpy(np.stack(chips)).permute(0, 3, 1, 2)).half()
        reduced = half(x).float().numpy()
    full /= np.linalg.norm(full, axis=1, keepdims=True)
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    worst = float((1 - (full * reduced).sum(axis=1)).max())
    print(f"float16 vs float32 descriptor: worst cosine distance {worst:.2e} over {len(chips)} faces")
    assert len(chips) >= 8 and worst < 1e-3


def test_float16_expression_matches_float32(faces):
    from faceorg.vision.expression import CHIP_PADDING as PAD
    from faceorg.vision.expression import CHIP_SIZE as SIZE
    from faceorg.vision.expression import EXPRESSION_MODEL, chips_to_input
    from faceorg.vision.nets.mini_xception import load_mini_xception
    from faceorg.vision.weights import locate

    model = load_mini_xception(locate(EXPRESSION_MODEL), "cpu")
    batch = chips_to_input([f.chip(SIZE, PAD) for f in faces])
    with torch.inference_mode():
        full = model(batch).numpy()
        reduced = copy.deepcopy(model).half()(batch.half()).float().numpy()
    worst = float(np.abs(full - reduced).max())
    print(f"float16 vs float32 expression: worst probability difference {worst:.4f}")
    assert worst < 0.02
    assert (full.argmax(axis=1) == reduced.argmax(axis=1)).all()
