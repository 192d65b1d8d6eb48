"""Run the face mesh on the largest face of every shared photo and cache its measures (for bench/mesh_attributes.py).

    python bench/mesh_features.py [--limit N] [--set celeba_test] [--out DATA]
    python bench/mesh_features.py --set eval14/utkface_rest --ages 1-3 --sample 300 --out DATA

Photos: ../shared/faces/deepface and ../shared/faces/lfw_tune (the photos of
bench/attribute_features.py), or with `--set` a set folder under /work/data (a tight CelebA crop is
padded as there), or an eval14 set (a folder with images/ and manifest.csv, e.g. eval14/utkface_rest:
photos keyed `utkface_rest/<file>`); `--ages A-B` keeps UTKFace photos of those ages (the first
number of the file name) and `--sample N` a random N of them (fixed seed, so a rerun resumes the
same sample). Writes DATA/mesh.jsonl (one line per photo: file, eye openness right/left, mouth
openness, yaw/pitch/roll, face presence) and DATA/mesh_marks/FILE.npy (the 468 landmarks, so new
measures are tried without running the mesh again), and a 96 px eye strip per photo under
DATA/eyes/ (what the Eyes_Closed labels in bench/eye_labels.csv and bench/eye_closed_labels.csv were
read from, bench/eye_sheets.py). Prints the mesh's ms per face (crop + net + measures, one face at a
time, one thread). Resumable.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
FACES = REPO.parent / "shared" / "faces"
OUT = Path("/work/data/attributes")


def photos(name: str = "shared") -> list[Path]:
    if name == "shared":
        return sorted((FACES / "deepface").glob("*.jpg")) + sorted((FACES / "lfw_tune").glob("*.jpg"))
    folder = Path("/work/data") / name
    return sorted((folder / "images" if (folder / "manifest.csv").exists() else folder).glob("*.jpg"))


def key(path: Path) -> str:
    """`<set>/<file>`: an eval14 photo under <set>/images/ is keyed by its set's folder."""
    folder = path.parent.parent if path.parent.name == "images" else path.parent
    return f"{folder.name}/{path.name}"


def chosen(paths: list[Path], ages: str, sample: int) -> list[Path]:
    """Photos of the UTKFace ages A-B (file names start with the age), then a seeded random `sample`
    of them: a random draw, not picked by any measure, so labels of all of it give fair recall."""
    import random

    if ages:
        low, high = (int(v) for v in ages.split("-"))
        paths = [p for p in paths if low <= int(p.name.split("_")[0]) <= high]
    if sample and sample < len(paths):
        paths = sorted(random.Random(15).sample(paths, sample))
    return paths


def eye_strip(image, marks):
    """The band of the photo around both eyes, 192 x 48, for labelling by eye."""
    from PIL import Image

    xs, ys = marks[[33, 133, 263, 362], 0], marks[[33, 133, 263, 362], 1]
    w = xs.max() - xs.min()
    cx, cy = (xs.max() + xs.min()) / 2, ys.mean()
    box = (cx - 0.75 * w, cy - 0.19 * w, cx + 0.75 * w, cy + 0.19 * w)
    band = Image.fromarray(image).crop(tuple(int(round(v)) for v in box))  # outside the photo: black
    return band.resize((192, 48), Image.Resampling.BILINEAR)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--set", default="shared", help="shared, or a set folder under /work/data")
    parser.add_argument("--out", type=Path, default=OUT, help="where the measures go")
    parser.add_argument("--ages", default="", help="A-B: only UTKFace photos of these ages")
    parser.add_argument("--sample", type=int, default=0, help="a seeded random N of the photos")
    args = parser.parse_args()

    import numpy as np
    import torch
    from attribute_features import padded

    from faceorg.config import default_config
    from faceorg.core.face import Box
    from faceorg.vision import face_mesh, mesh_measures
    from faceorg.vision.nets.face_mesh import load_face_mesh
    from faceorg.vision.pipeline import FacePipeline
    from faceorg.vision.weights import locate

    torch.set_num_threads(1)
    out = args.out
    (out / "eyes").mkdir(parents=True, exist_ok=True)
    (out / "mesh_marks").mkdir(exist_ok=True)
    target = out / "mesh.jsonl"
    done = {json.loads(line)["file"] for line in target.open()} if target.exists() else set()
    config = default_config().with_overrides(
        db_path=out / "x.db", cache_dir=out / "cache", models_dir=out / "m", device="cpu"
    )
    pipe = FacePipeline(config, analyzer_names=[])
    model = load_face_mesh(locate(face_mesh.MESH_MODEL))
    todo = [p for p in chosen(photos(args.set), args.ages, args.sample) if key(p) not in done]
    todo = todo[: args.limit] if args.limit else todo
    spent, measured = 0.0, 0
    with target.open("a") as sink:
        for path in todo:
            decoded = pipe.decode(path)
            records = pipe.detect(decoded).records
            if not records:
                decoded, _ = padded(decoded)
                records = pipe.detect(decoded).records
            if not records:
                continue
            rec = max(records, key=lambda r: r.box.width * r.box.height)
            s = decoded.scale
            box = Box(*(v * s for v in rec.box.as_list()))
            started = time.perf_counter()
            crop = face_mesh.crop(decoded.image, box, [(x * s, y * s) for x, y in rec.landmarks])
            marks, presence = face_mesh.run(model, [crop])
            right, left = mesh_measures.eye_openness(marks[0])
            yaw, pitch, roll = mesh_measures.head_pose(marks[0])
            mouth = mesh_measures.mouth_openness(marks[0])
            spent += time.perf_counter() - started
            measured += 1
            name = key(path)
            row = dict(file=name, eye_r=right, eye_l=left, mouth=mouth, yaw=yaw, pitch=pitch, roll=roll)
            row |= {"presence": float(presence[0]), "pitch_zero": mesh_measures.PITCH_ZERO}
            sink.write(json.dumps(row) + "\n")
            np.save(out / "mesh_marks" / name.replace("/", "__").replace(".jpg", ".npy"), marks[0])
            eye_strip(decoded.image, marks[0]).save(out / "eyes" / name.replace("/", "__"))
    print(f"done: {measured} faces, {1000 * spent / max(1, measured):.1f} ms per face (crop + mesh + measures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
