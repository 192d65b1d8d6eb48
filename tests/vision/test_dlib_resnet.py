"""Our torch port of dlib's face descriptor ResNet against dlib itself, on real photos."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from faceorg.vision.nets.dlib_format import DlibFormatError, DlibReader, read_layer
from faceorg.vision.nets.dlib_resnet import (
    CHIP_SIZE,
    DESCRIPTOR_DIM,
    DLIB_RGB_MEANS,
    chips_to_tensor,
    compare_descriptors,
    default_model_path,
    dlib_add,
    load_dlib_resnet,
)
from faceorg.vision.weights import WeightsError

FACES = Path(__file__).resolve().parents[2].parent / "shared" / "faces"
PHOTOS = [f"deepface/img{i}.jpg" for i in range(1, 11)] + ["facenet/multiface.jpg"]


# --------------------------------------------------------------------------------------
# The binary format, on bytes written by hand from dlib's serialize.h rules.


def test_reader_integers_floats_strings_bools():
    data = bytes(
        [0x01, 0x00]  # 0
        + [0x01, 0x02]  # 2
        + [0x81, 0x1C]  # -28
        + [0x02, 0x34, 0x12]  # 0x1234
        + [0x01, 0x0D]
        + list(b"loss_metric_2")  # string: length, then bytes
        # 0.04f as float_details: mantissa 0xa3d70a, exponent -28
        + [0x03, 0x0A, 0xD7, 0xA3, 0x81, 0x1C]
        + [ord("1"), ord("0")]
    )
    r = DlibReader(data)
    assert r.int() == 0 and r.int() == 2 and r.int() == -28 and r.uint() == 0x1234
    assert r.string() == "loss_metric_2"
    assert r.float() == pytest.approx(0.04, rel=1e-7)
    assert r.bool() is True and r.bool() is False
    assert r.remaining == 0
    with pytest.raises(DlibFormatError):
        r.int()


def test_reader_special_floats_and_old_format():
    inf = bytes([0x01, 0x00, 0x02, 0x00, 0x7D])  # exponent 32000
    nan = bytes([0x01, 0x00, 0x02, 0x02, 0x7D])  # exponent 32002
    assert DlibReader(inf).float() == math.inf
    assert math.isnan(DlibReader(nan).float())
    with pytest.raises(DlibFormatError):
        DlibReader(b"1.5 ").float()  # dlib's old ASCII floats


def test_reader_tensor_and_layer():
    values = np.arange(6, dtype="<f4")
    dims = [0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x01]  # 1 x 2 x 3 x 1
    data = bytes([0x01, 0x02] + dims) + values.tobytes()
    t = DlibReader(data).tensor()
    assert t.shape == (1, 2, 3, 1) and t.dtype == np.float32
    np.testing.assert_array_equal(t.reshape(-1), values)

    pool = (
        bytes([0x01, 0x0A])
        + b"max_pool_2"
        + bytes([0x01, 0x03, 0x01, 0x03, 0x01, 0x02, 0x01, 0x02, 0x01, 0x00, 0x01, 0x00])
    )
    layer = read_layer(DlibReader(pool))
    assert layer.kind == "max_pool" and (layer["nr"], layer["stride_x"], layer["padding_y"]) == (3, 2, 0)


def test_dlib_add_pads_with_zeros_at_the_end():
    a = torch.ones(1, 2, 4, 4)
    b = torch.full((1, 3, 3, 3), 2.0)
    s = dlib_add(a, b)
    assert s.shape == (1, 3, 4, 4)
    assert s[0, 0, 0, 0] == 3 and s[0, 0, 3, 3] == 1 and s[0, 2, 0, 0] == 2 and s[0, 2, 3, 3] == 0


# --------------------------------------------------------------------------------------
# Against dlib on real faces.


@pytest.fixture(scope="module")
def model_path() -> Path:
    try:
        path = default_model_path()
    except WeightsError as exc:
        pytest.skip(f"face_recognition_models is not installed: {exc}")
    if not path.is_file():
        pytest.skip(f"dlib descriptor model missing at {path}")
    return path


@pytest.fixture(scope="module")
def chips() -> list[np.ndarray]:
    if not FACES.is_dir():
        pytest.skip(f"test photos folder {FACES} is absent")
    from tests.vision.face_fixtures import aligned_faces

    out = [
        face.chip(CHIP_SIZE, 0.25)
        for name in PHOTOS
        if (FACES / name).is_file()
        for face in aligned_faces(FACES / name)
    ]
    if len(out) < 10:
        pytest.skip(f"only {len(out)} faces found in {FACES}; the test needs 10")
    return out


@pytest.fixture(scope="module")
def dlib_descriptors(model_path, chips) -> np.ndarray:
    import dlib

    net = dlib.face_recognition_model_v1(str(model_path))
    return np.stack([np.asarray(net.compute_face_descriptor(c), dtype=np.float64) for c in chips])


@pytest.fixture(scope="module")
def model(model_path):
    return load_dlib_resnet(model_path, verify=True)


def test_file_holds_the_test_network(model):
    assert model.rgb_means.tolist() == pytest.approx(DLIB_RGB_MEANS, abs=1e-4)
    assert model.metric["dist_thresh"] == pytest.approx(0.6)
    assert len(model.blocks) == 14 and model.fc.weight.shape == (DESCRIPTOR_DIM, 256)


def test_descriptors_match_dlib(model, chips, dlib_descriptors):
    with torch.inference_mode():
        ours = model(chips_to_tensor(chips)).numpy()
    assert ours.shape == (len(chips), DESCRIPTOR_DIM)
    stats = compare_descriptors(ours, dlib_descriptors)
    assert stats.max_cosine_distance < 1e-3, stats
    assert stats.max_relative_l2 < 1e-3, stats
    # raw, not unit length, like dlib's
    assert not np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-2)


def test_batch_matches_single(model, chips):
    single = model.embed(chips, batch_size=1)
    batched = model.embed(chips, batch_size=len(chips))
    odd = model.embed(chips, batch_size=7)
    scale = np.abs(single).max()
    assert np.abs(single - batched).max() < 1e-5 * scale
    assert np.abs(single - odd).max() < 1e-5 * scale


def test_chips_to_tensor_is_dlibs_normalisation(chips):
    x = chips_to_tensor(chips[:2])
    assert x.shape == (2, 3, CHIP_SIZE, CHIP_SIZE) and x.dtype == torch.float32
    r, g, b = (float(chips[1][5, 7, c]) for c in range(3))
    expect = [(r - 122.782) / 256, (g - 117.001) / 256, (b - 104.298) / 256]
    assert x[1, :, 5, 7].tolist() == pytest.approx(expect, abs=1e-6)
    with pytest.raises(ValueError):
        chips_to_tensor([np.zeros((10, 10, 3), np.uint8)])
