"""Run the real face pipeline once per photo of each labelled set and cache what people
grouping needs, so `bench/people.py` can try rules and parameters in seconds.

Per set, `/work/data/cache/people/<set>.npz` holds one row per detected face: the photo's
file name, box, MTCNN score, 5 landmarks, quality numbers, the identity embedding, and the
face's 150 px aligned chip (25 % padding, dlib's template) so sharpness rules can be tried
again without re-detecting.

    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/people_cache.py [SET ...]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.people_sets import SETS, photo_files  # noqa: E402

CACHE = Path("/work/data/cache/people")
CHIP = 150
PADDING = 0.25


def cache_path(name: str) -> Path:
    return CACHE / f"{name}.npz"


def build(name: str) -> None:
    from faceorg.config import default_config
    from faceorg.vision.catalogue import EMBEDDERS
    from faceorg.vision.pipeline import FacePipeline

    config = default_config().with_overrides(device="cpu")
    pipeline = FacePipeline(config, analyzer_names=[EMBEDDERS[config.embedder]])
    rows: dict[str, list] = {k: [] for k in ("files", "box", "score", "landmarks", "quality", "embedding", "chip", "photo_size")}
    files = photo_files(name)
    started = time.perf_counter()
    for k, path in enumerate(files):
        try:
            photo = pipeline.detect(pipeline.decode(path))
            pipeline.analyse([photo])
        except Exception as error:  # a bad photo is reported and skipped, as a scan does
            print(f"  {path.name}: {error}", flush=True)
            continue
        for record, aligned in zip(photo.records, photo.aligned):
            if record.embedding is None:
                continue
            rows["files"].append(path.name if name != "facenet" else str(path.relative_to(SETS[name].root)))
            rows["box"].append(record.box.as_list())
            rows["score"].append(record.score)
            rows["landmarks"].append(np.asarray(record.landmarks, dtype=np.float32).reshape(-1))
            rows["quality"].append(json.dumps(record.quality))
            rows["embedding"].append(record.embedding)
            rows["chip"].append(aligned.chip(CHIP, PADDING))
            rows["photo_size"].append(photo.decoded.original_size)
        if k % 50 == 0:
            print(f"  {name}: {k + 1}/{len(files)} photos, {time.perf_counter() - started:.0f} s", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache_path(name), **{k: np.asarray(v) for k, v in rows.items()})
    print(f"{name}: {len(files)} photos, {len(rows['files'])} faces in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    names = sys.argv[1:] or list(SETS)
    for name in names:
        if SETS[name].available():
            build(name)
        else:
            print(f"{name}: skipped, no photos at {SETS[name].root}")


if __name__ == "__main__":
    main()
