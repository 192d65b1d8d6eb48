"""Parse the largest face of every shared photo and cache its parsing features (for bench/attributes.py).

    python bench/attribute_features.py [--size 512] [--scale 2.0] [--limit N]

Photos: ../shared/faces/lfw_tune (651 LFW photos) and ../shared/faces/deepface (67).
Writes /work/data/attributes/features_<size>_<scale>.jsonl (one line per photo: file, box,
features) and, at the default size, a 128 px thumbnail of each crop under
/work/data/attributes/crops/ (what the labels in bench/attribute_labels.csv were read from).
Resumable: photos already in the file are skipped.
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


def photos() -> list[Path]:
    return sorted((FACES / "deepface").glob("*.jpg")) + sorted((FACES / "lfw_tune").glob("*.jpg"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--scale", type=float, default=2.0)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--labelled", action="store_true", help="only photos in bench/attribute_labels.csv")
    parser.add_argument("--reverse", action="store_true", help="last photo first (a second worker meets the first)")
    args = parser.parse_args()

    import torch
    from PIL import Image

    from faceorg.config import default_config
    from faceorg.core.face import Box
    from faceorg.vision import parsing
    from faceorg.vision.nets.bisenet import load_bisenet
    from faceorg.vision.pipeline import FacePipeline
    from faceorg.vision.weights import locate

    torch.set_num_threads(2)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "crops").mkdir(exist_ok=True)
    target = OUT / f"features_{args.size}_{args.scale:g}.jsonl"
    done = {json.loads(line)["file"] for line in target.open()} if target.exists() else set()
    config = default_config().with_overrides(
        db_path=OUT / "x.db", cache_dir=OUT / "cache", models_dir=OUT / "m", device="cpu"
    )
    pipe = FacePipeline(config, analyzer_names=[])
    model = load_bisenet(locate(parsing.PARSING_MODEL))
    todo = [p for p in photos() if f"{p.parent.name}/{p.name}" not in done]
    if args.labelled:
        with (REPO / "bench" / "attribute_labels.csv").open() as handle:
            wanted = {line.split(",", 1)[0] for line in handle}
        todo = [p for p in todo if f"{p.parent.name}/{p.name}" in wanted]
    todo = todo[::-1] if args.reverse else todo
    todo = todo[: args.limit] if args.limit else todo
    spent = 0.0
    with target.open("a") as sink:
        for n, path in enumerate(todo, 1):
            decoded = pipe.decode(path)
            records = pipe.detect(decoded).records
            if not records:
                continue
            rec = max(records, key=lambda r: r.box.width * r.box.height)
            box = Box(*(v * decoded.scale for v in rec.box.as_list()))
            crop = parsing.cut(decoded.image, box, args.size, args.scale)
            started = time.perf_counter()
            labels = parsing.parse(model, [crop])[0]
            spent += time.perf_counter() - started
            name = f"{path.parent.name}/{path.name}"
            sink.write(json.dumps({"file": name, "features": parsing.features(labels, crop, args.scale)}) + "\n")
            sink.flush()
            if args.size == 512 and args.scale == 2.0:
                Image.fromarray(crop).resize((128, 128)).save(OUT / "crops" / name.replace("/", "__"))
            if n % 50 == 0:
                print(f"{n}/{len(todo)} photos, {1000 * spent / n:.0f} ms per face (parsing only)", flush=True)
    print(f"done: {len(todo)} photos, {1000 * spent / max(1, len(todo)):.0f} ms per face (parsing only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
