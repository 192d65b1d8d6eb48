"""Convert MediaPipe's face mesh (`face_landmark.tflite` in the mediapipe 0.10.21 wheel) into our safetensors file.

    pip download --no-deps mediapipe==0.10.21 -d /work/data/pkgs
    pip install --no-deps --target /work/data/litert ai-edge-litert ml_dtypes backports.strenum
    PYTHONPATH=/work/data/litert:. python tools/convert_face_mesh.py /work/data/pkgs/mediapipe-0.10.21-*.whl

Reads `mediapipe/modules/face_landmark/face_landmark.tflite` (Apache-2.0) out of the wheel
without installing mediapipe (it pins numpy < 2). The tflite runtime (ai-edge-litert, kept
out of faceorg's dependencies, in a folder of its own) is used here only to read the graph's
constant tensors and to run the original as the yardstick. Every convolution, depthwise
convolution and PReLU of the graph, found by its Keras layer name, is mapped onto
`faceorg.vision.nets.face_mesh.FaceMesh`; the script refuses to write unless every module
entry is set with the right shape, every graph weight is used, and our module's landmarks
agree with the runtime's within `TOLERANCE` pixels on random input and on `--check` photos.
Writes

    resources/weights/face_mesh_mediapipe.safetensors   (float16, as stored in the tflite file)
    resources/weights/face_mesh_mediapipe.LICENSE.txt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TFLITE_IN_WHEEL = "mediapipe/modules/face_landmark/face_landmark.tflite"
DEFAULT_OUTPUT = REPO / "resources" / "weights" / "face_mesh_mediapipe.safetensors"
TOLERANCE = 0.05
"""Largest landmark difference (input pixels of 192) allowed between our module and the tflite runtime."""


class ConversionError(RuntimeError):
    """The tflite graph is not the network our module reproduces."""


def layer_names() -> dict[str, str]:
    """Our module's prefix for each Keras layer name of the graph."""
    names = {"stem": "conv2d_1", "stem_act": "p_re_lu_1"}
    for i in range(14):
        names |= {f"trunk.{i}.dw": f"depthwise_conv2d_{i + 1}", f"trunk.{i}.pw": f"conv2d_{i + 2}"}
        names[f"trunk.{i}.act"] = f"p_re_lu_{i + 2}"
    for i in range(3):
        names |= {
            f"landmarks.blocks.{i}.dw": f"depthwise_conv2d_{15 + i}",
            f"landmarks.blocks.{i}.pw": f"conv2d_{16 + i}",
        }
        names[f"landmarks.blocks.{i}.act"] = f"p_re_lu_{16 + i}"
    names |= {"landmarks.squeeze": "conv2d_19", "landmarks.squeeze_act": "p_re_lu_19"}
    names |= {"landmarks.last_block.dw": "depthwise_conv2d_18", "landmarks.last_block.pw": "conv2d_20"}
    names |= {"landmarks.last_block.act": "p_re_lu_20", "landmarks.out": "conv2d_21"}
    names |= {"presence.blocks.0.dw": "depthwise_conv2d_23", "presence.blocks.0.pw": "conv2d_28"}
    names |= {
        "presence.blocks.0.act": "p_re_lu_26",
        "presence.squeeze": "conv2d_29",
        "presence.squeeze_act": "p_re_lu_27",
    }
    names |= {"presence.last_block.dw": "depthwise_conv2d_24", "presence.last_block.pw": "conv2d_30"}
    names |= {"presence.last_block.act": "p_re_lu_28", "presence.out": "conv2d_31"}
    return names


def interpreter(model: bytes):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    it = Interpreter(
        model_content=model,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        experimental_preserve_all_tensors=True,
    )
    it.allocate_tensors()
    return it


def graph_weights(it) -> dict[str, tuple[str, list[np.ndarray]]]:
    """Keras layer name -> (op, its constant inputs as float32 arrays, in tflite layout)."""
    names = {t["index"]: t["name"] for t in it.get_tensor_details()}
    ops = it._get_ops_details()
    constant_of = {int(o["outputs"][0]): int(o["inputs"][0]) for o in ops if o["op_name"] == "DEQUANTIZE"}
    found = {}
    for op in ops:
        if op["op_name"] not in ("CONV_2D", "DEPTHWISE_CONV_2D", "PRELU"):
            continue
        consts = [constant_of[int(i)] for i in op["inputs"][1:] if int(i) in constant_of]
        found[names[int(op["outputs"][0])]] = (op["op_name"], [it.get_tensor(i).astype(np.float32) for i in consts])
    return found


def to_torch_layout(op: str, arrays: list[np.ndarray]) -> dict[str, np.ndarray]:
    if op == "PRELU":
        return {"weight": arrays[0].reshape(-1)}
    kernel, bias = arrays
    if op == "CONV_2D":  # (out, kh, kw, in) -> (out, in, kh, kw)
        return {"weight": kernel.transpose(0, 3, 1, 2), "bias": bias}
    return {"weight": kernel.transpose(3, 0, 1, 2), "bias": bias}  # depthwise (1, kh, kw, C) -> (C, 1, kh, kw)


def convert(found: dict[str, tuple[str, list[np.ndarray]]]) -> dict:
    """The checked float16 state_dict of our FaceMesh."""
    import torch

    from faceorg.vision.nets.face_mesh import FaceMesh

    target = FaceMesh().state_dict()
    state, used = {}, set()
    for prefix, layer in layer_names().items():
        if layer not in found:
            raise ConversionError(f"the graph has no layer {layer} (wanted for {prefix})")
        used.add(layer)
        for key, value in to_torch_layout(*found[layer]).items():
            name = f"{prefix}.{key}"
            if name not in target or tuple(target[name].shape) != value.shape:
                raise ConversionError(f"{name}: graph shape {value.shape}, module wants {target.get(name, 'nothing')}")
            state[name] = torch.from_numpy(np.ascontiguousarray(value)).to(torch.float16)
    if missing := sorted(set(target) - set(state)):
        raise ConversionError(f"module entries not set: {missing}")
    if unused := sorted(set(found) - used):
        raise ConversionError(f"graph layers not used: {unused}")
    return state


def compare(it, state: dict, images: list[np.ndarray]) -> float:
    """Largest landmark difference (pixels) and presence difference between the runtime and our module."""
    import torch

    from faceorg.vision.nets.face_mesh import FaceMesh

    model = FaceMesh()
    model.load_state_dict({k: v.float() for k, v in state.items()})
    model.eval()
    inp, outs = it.get_input_details()[0]["index"], it.get_output_details()
    worst = 0.0
    for image in images:
        it.set_tensor(inp, image[None].astype(np.float32))
        it.invoke()
        ref = {tuple(o["shape"])[-1]: it.get_tensor(o["index"]).reshape(-1) for o in outs}
        with torch.inference_mode():
            marks, presence = model(torch.from_numpy(image).permute(2, 0, 1)[None].float())
        worst = max(worst, float(np.abs(marks.numpy().reshape(-1) - ref[1404]).max()))
        worst = max(worst, float(abs(presence.item() - ref[1][0])))
    return worst


def licence_text(origin: str, digest: str) -> str:
    return (
        "Face mesh weights: face_mesh_mediapipe.safetensors\n\n"
        f"Source: {origin} (PyPI mediapipe 0.10.21), sha256 {digest}.\n"
        "That file is MediaPipe's face landmark model (468 3D landmarks), Copyright Google LLC,\n"
        "licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0).\n"
        "Model card: 'MediaPipe Face Mesh' (Kartynnik et al., Real-time Facial Surface Geometry from\n"
        "Monocular Video on Mobile GPUs, 2019).\n"
        "faceorg converted its float16 weights, unchanged, to safetensors for its own torch module\n"
        "(faceorg/vision/nets/face_mesh.py) with tools/convert_face_mesh.py.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="mediapipe-0.10.21-*.whl, or a bare face_landmark.tflite")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", type=Path, nargs="*", default=[], help="192x192 face crops to compare on")
    args = parser.parse_args(argv)

    from PIL import Image
    from safetensors.torch import save_file

    if zipfile.is_zipfile(args.wheel):
        with zipfile.ZipFile(args.wheel) as wheel:
            model, origin = wheel.read(TFLITE_IN_WHEEL), f"{args.wheel.name}, {TFLITE_IN_WHEEL}"
    else:
        model, origin = args.wheel.read_bytes(), args.wheel.name
    digest = hashlib.sha256(model).hexdigest()
    it = interpreter(model)
    state = convert(graph_weights(it))
    rng = np.random.default_rng(0)
    images = [rng.random((192, 192, 3), dtype=np.float32) for _ in range(2)]
    images += [np.asarray(Image.open(p).convert("RGB").resize((192, 192)), np.float32) / 255 for p in args.check]
    worst = compare(it, state, images)
    print(f"largest difference to the tflite runtime over {len(images)} inputs: {worst:.5f}")
    if worst > TOLERANCE:
        raise ConversionError(f"our module differs from the tflite runtime by {worst:.4f} > {TOLERANCE}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    provenance = {"source": origin, "source_sha256": digest, "landmarks": 468, "dtype": "float16"}
    save_file(state, str(args.output), metadata={"faceorg": json.dumps(provenance, sort_keys=True)})
    args.output.chmod(0o644)
    licence = args.output.with_name(args.output.name.removesuffix(".safetensors") + ".LICENSE.txt")
    licence.write_text(licence_text(origin, digest), encoding="utf-8")
    print(f"wrote {args.output} ({len(state)} tensors, sha256 {hashlib.sha256(args.output.read_bytes()).hexdigest()})")
    print(f"wrote {licence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
