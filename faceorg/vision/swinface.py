"""Importing and running SwinFace: the user's official checkpoint, checked whole, then 40 attributes,
7 expressions, age and a 512-D identity per aligned face.

SwinFace's weights are published only on a file-sharing site, so faceorg never ships or
downloads them: `faceorg models import FILE` reads the official checkpoint (a torch
file holding four state dicts, `state_dict_backbone`, `state_dict_fam`, `state_dict_tss`,
`state_dict_om`), refuses it with one sentence unless every tensor name and shape is the
layout of `nets.swinface.SwinFace`, and writes `swinface.safetensors` into the user's model
folder with the source file's sha256 in its metadata. Loading checks that file's own
sha256 against the one recorded at import (`swinface.sha256` beside it), so a file changed
afterwards is refused too. Users see softmax probabilities, never logits: index 1 of a
two-way head is "present" (for Gender, "male").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from faceorg.vision.weights import WeightsError, sha256_of

FILE_NAME = "swinface.safetensors"
PARTS = ("backbone", "fam", "tss", "om")
ARCFACE_112 = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float64,
)
"""The ArcFace 5-point template (eyes, nose tip, mouth corners) in a 112 x 112 face."""


class ImportRefused(WeightsError):
    """The file is not the official SwinFace checkpoint layout."""


def expected_shapes() -> dict[str, dict[str, tuple[int, ...]]]:
    """part -> {tensor name: shape} of the official checkpoint."""
    from faceorg.vision.nets.swinface import SwinFace, official_backbone_shapes

    model = SwinFace()
    return {
        "backbone": official_backbone_shapes(),
        **{
            part: {k: tuple(v.shape) for k, v in getattr(model, part).state_dict().items()}
            for part in ("fam", "tss", "om")
        },
    }


def check_layout(checkpoint: object) -> dict[str, dict]:
    """The four state dicts of an official checkpoint, or `ImportRefused` naming the first difference."""
    if not isinstance(checkpoint, dict) or not all(f"state_dict_{p}" in checkpoint for p in PARTS):
        raise ImportRefused(
            "this file is not a SwinFace checkpoint: it lacks the four state dicts "
            "state_dict_backbone, state_dict_fam, state_dict_tss and state_dict_om."
        )
    wanted = expected_shapes()
    parts = {}
    for part in PARTS:
        state = {k.removeprefix("module."): v for k, v in checkpoint[f"state_dict_{part}"].items()}
        missing = sorted(set(wanted[part]) - set(state))
        extra = sorted(set(state) - set(wanted[part]))
        if missing or extra:
            raise ImportRefused(
                f"this file is not the SwinFace layout: its {part} lacks {missing[:3]} and has unexpected {extra[:3]}."
            )
        for key, shape in wanted[part].items():
            if tuple(state[key].shape) != shape:
                raise ImportRefused(
                    f"this file is not the SwinFace layout: {part} tensor {key} has shape "
                    f"{tuple(state[key].shape)}, SwinFace's is {shape}."
                )
        parts[part] = state
    return parts


def import_checkpoint(source: Path, models_dir: Path) -> Path:
    """Check `source` and write our safetensors copy into `models_dir`; returns its path."""
    import torch
    from safetensors.torch import save_file

    from faceorg.vision.nets.swinface import backbone_from_official

    try:
        checkpoint = torch.load(source, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same sentence
        raise ImportRefused(f"{source} cannot be read as a torch checkpoint ({type(error).__name__}).") from None
    parts = check_layout(checkpoint)
    backbone, embedding = backbone_from_official(parts["backbone"])
    tensors = {f"backbone.{k}": v for k, v in backbone.items()}
    tensors.update({f"embedding.{k}": v for k, v in embedding.items()})
    for part in ("fam", "tss", "om"):
        tensors.update({f"{part}.{k}": v for k, v in parts[part].items()})
    tensors = {
        k: v.detach().float().contiguous() if v.is_floating_point() else v.contiguous() for k, v in tensors.items()
    }
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / FILE_NAME
    source_sha = hashlib.sha256(source.read_bytes()).hexdigest()
    save_file(tensors, str(target), metadata={"faceorg": json.dumps({"source_sha256": source_sha})})
    (models_dir / "swinface.sha256").write_text(sha256_of(target) + "\n", encoding="utf-8")
    return target


def imported(models_dir: Path) -> Path | None:
    path = models_dir / FILE_NAME
    return path if path.is_file() else None


def load(models_dir: Path, device: str = "cpu"):
    """Our module with the imported weights; refuses a file changed since its import."""
    from safetensors.torch import load_file

    from faceorg.vision.nets.swinface import SwinFace

    path = imported(models_dir)
    if path is None:
        raise WeightsError(f"no SwinFace model imported into {models_dir}; run `faceorg models import FILE`")
    recorded = (
        (models_dir / "swinface.sha256").read_text(encoding="utf-8").strip()
        if (models_dir / "swinface.sha256").is_file()
        else ""
    )
    if sha256_of(path) != recorded:
        raise WeightsError(f"{path} changed since it was imported (sha256 mismatch); import the checkpoint again")
    model = SwinFace()
    model.load_state_dict(load_file(str(path)), strict=True)
    return model.eval().to(device)


def align(image: np.ndarray, landmarks: Sequence[Sequence[float]]) -> np.ndarray:
    """The 112 x 112 RGB face warped by the similarity that best maps the 5 points onto ArcFace's template."""
    from PIL import Image

    src = np.asarray(landmarks, dtype=np.float64)
    # least-squares similarity dst = [a -b; b a] src + t, solved for template -> image (PIL maps output to input)
    rows = []
    for (x, y), (u, v) in zip(ARCFACE_112, src):
        rows += [[x, -y, 1, 0, u], [y, x, 0, 1, v]]
    matrix = np.asarray(rows)
    a, b, tx, ty = np.linalg.lstsq(matrix[:, :4], matrix[:, 4], rcond=None)[0]
    return np.asarray(
        Image.fromarray(image).transform(
            (112, 112), Image.Transform.AFFINE, (a, -b, tx, b, a, ty), Image.Resampling.BILINEAR
        )
    )


def to_input(faces: Sequence[np.ndarray], device: str = "cpu"):
    import torch

    x = torch.from_numpy(np.stack(faces)).to(device=device, dtype=torch.float32).permute(0, 3, 1, 2)
    return (x / 255.0 - 0.5) / 0.5


def readable(outputs: dict) -> list[dict]:
    """Logits -> per face {"attributes": {CelebA name: p}, "expression": {ours: p}, "age": years}."""
    import torch

    from faceorg.core.attributes import CELEBA_ATTRIBUTES
    from faceorg.vision.nets.swinface import EXPRESSIONS

    n = outputs["Embedding"].shape[0]
    probs = {k: torch.softmax(v.float(), dim=1) for k, v in outputs.items() if k not in ("Age", "Embedding")}
    found = []
    for i in range(n):
        attributes = {("Male" if k == "Gender" else k): float(p[i, 1]) for k, p in probs.items() if k != "Expression"}
        assert set(attributes) == set(CELEBA_ATTRIBUTES), sorted(set(CELEBA_ATTRIBUTES) ^ set(attributes))
        found.append(
            {
                "attributes": attributes,
                "expression": {name: float(probs["Expression"][i, j]) for j, name in enumerate(EXPRESSIONS)},
                "age": float(outputs["Age"][i, 0]),
            }
        )
    return found
