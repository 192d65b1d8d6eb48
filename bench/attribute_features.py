"""Parse the largest face of every shared photo and cache its parsing features (for bench/attributes.py).

    python bench/attribute_features.py [--size 512] [--scale 2.0] [--limit N] [--set celeba_sample] [--labelled]
        [--out DATA]

Photos: ../shared/faces/lfw_tune (651 LFW photos) and ../shared/faces/deepface (67), or with
`--set celeba_sample` the CelebA photos built by tools/build_celeba_sample.py (named `celeba_sample/FILE`).
Writes /work/data/attributes/features_<size>_<scale>.jsonl (one line per photo: file, box,
features), the label map, crop and the detector's 5 landmarks (in crop pixels, for
`glasses.frame_lines`) of each photo under /work/data/attributes/maps_<size>_<scale>/
(so new features are tried without parsing again: bench/attributes.py --recompute) and, at the
default size, a 128 px thumbnail of each crop under /work/data/attributes/crops/ (what the labels
in bench/attribute_labels.csv were read from). Resumable: photos already in the file are skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FACES = REPO.parent / "shared" / "faces"
OUT = Path("/work/data/attributes")


def padded(decoded, fraction: float = 0.5):
    """The photo inside a black border `fraction` of its size wide: a tightly cropped face (CelebA's
    aligned photos fill the frame) is found by the detector only with room around it."""
    from dataclasses import replace

    import numpy as np

    h, w = decoded.image.shape[:2]
    pad = int(max(h, w) * fraction)
    image = np.zeros((h + 2 * pad, w + 2 * pad, 3), np.uint8)
    image[pad : pad + h, pad : pad + w] = decoded.image
    return replace(decoded, image=image), pad


def photos(name: str = "shared") -> list[Path]:
    if name != "shared":
        return sorted((Path("/work/data") / name).glob("*.jpg"))
    return sorted((FACES / "deepface").glob("*.jpg")) + sorted((FACES / "lfw_tune").glob("*.jpg"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--scale", type=float, default=2.0)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--labelled", action="store_true", help="only photos in the bench's label files")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", type=Path, default=OUT, help="where the features and maps go")
    parser.add_argument("--set", default="shared", help="shared, or a set folder under /work/data")
    parser.add_argument("--reverse", action="store_true", help="last photo first (a second worker meets the first)")
    args = parser.parse_args()

    import numpy as np
    import torch
    from PIL import Image

    from faceorg.config import default_config
    from faceorg.core.face import Box
    from faceorg.vision import parsing
    from faceorg.vision.nets.bisenet import load_bisenet
    from faceorg.vision.pipeline import FacePipeline
    from faceorg.vision.weights import locate

    torch.set_num_threads(args.threads)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "crops").mkdir(exist_ok=True)
    maps = out / f"maps_{args.size}_{args.scale:g}"
    maps.mkdir(exist_ok=True)
    target = out / f"features_{args.size}_{args.scale:g}.jsonl"
    done = {json.loads(line)["file"] for line in target.open()} if target.exists() else set()
    config = default_config().with_overrides(
        db_path=out / "x.db", cache_dir=out / "cache", models_dir=out / "m", device="cpu"
    )
    pipe = FacePipeline(config, analyzer_names=[])
    model = load_bisenet(locate(parsing.PARSING_MODEL))
    todo = [p for p in photos(args.set) if f"{p.parent.name}/{p.name}" not in done]
    if args.labelled:
        wanted = set()
        for name in ("attribute_labels.csv", "celeba_test_labels.csv"):
            with (REPO / "bench" / name).open() as handle:
                wanted |= {line.split(",", 1)[0] for line in handle}
        todo = [p for p in todo if f"{p.parent.name}/{p.name}" in wanted]
    todo = todo[::-1] if args.reverse else todo
    todo = todo[: args.limit] if args.limit else todo
    spent = 0.0
    with target.open("a") as sink:
        for n, path in enumerate(todo, 1):
            decoded = pipe.decode(path)
            records, pad = pipe.detect(decoded).records, 0
            if not records:
                framed, pad = padded(decoded)
                records = pipe.detect(framed).records
            if not records:
                print(f"no face: {path}", flush=True)
                continue
            rec = max(records, key=lambda r: r.box.width * r.box.height)
            box = Box(*(v * decoded.scale - pad for v in rec.box.as_list()))
            crop = parsing.cut(decoded.image, box, args.size, args.scale)
            started = time.perf_counter()
            labels = parsing.parse(model, [crop])[0]
            spent += time.perf_counter() - started
            name = f"{path.parent.name}/{path.name}"
            x1, y1, x2, y2 = parsing.crop_box(box, args.scale)
            marks = [
                (
                    (x * decoded.scale - pad - x1) * args.size / (x2 - x1),
                    (y * decoded.scale - pad - y1) * args.size / (y2 - y1),
                )
                for x, y in rec.landmarks
            ]
            np.savez_compressed(
                maps / name.replace("/", "__").replace(".jpg", ".npz"),
                labels=labels,
                crop=crop,
                landmarks=np.array(marks),
            )
            sink.write(json.dumps({"file": name, "features": parsing.features(labels, crop, args.scale)}) + "\n")
            sink.flush()
            if args.size == 512 and args.scale == 2.0:
                Image.fromarray(crop).resize((128, 128)).save(out / "crops" / name.replace("/", "__"))
            if n % 50 == 0:
                print(f"{n}/{len(todo)} photos, {1000 * spent / n:.0f} ms per face (parsing only)", flush=True)
    print(f"done: {len(todo)} photos, {1000 * spent / max(1, len(todo)):.0f} ms per face (parsing only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
