"""Run the real face pipeline once per photo of each labelled set and cache what people
grouping needs, so `bench/people.py` can try rules and parameters in seconds.

Per set, `/work/data/cache/people/<set>.npz` holds one row per detected face: the photo's
file name, box, MTCNN score, 5 landmarks, quality numbers, the identity embedding, and the
face's 150 px aligned chip (25 % padding, dlib's template) so sharpness rules can be tried
again without re-detecting.

    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/people_cache.py [SET ...] [--shard K/N]

With `--shard K/N` only every N-th photo (from the K-th) is run and saved as a part;
`load_cache` joins the parts (several processes share a loaded machine better than one).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.people_sets import SETS, photo_files  # noqa: E402

CACHE = Path(os.environ.get("FACEORG_PEOPLE_CACHE", "/work/data/cache/people"))
"""Where the cached faces are; the variable lets a bench run read a frozen copy while caching goes on."""
CHIP = 150
PADDING = 0.25


def cache_path(name: str, shard: tuple[int, int] | None = None) -> Path:
    return CACHE / (f"{name}.npz" if shard is None else f"{name}.part{shard[0]}of{shard[1]}.npz")


def has_cache(name: str) -> bool:
    return cache_path(name).is_file() or any(".tmp" not in p.name for p in CACHE.glob(f"{name}.part*.npz"))


def load_cache(name: str) -> dict[str, np.ndarray]:
    """The whole set's rows, from one file or joined from its parts."""
    if cache_path(name).is_file():
        with np.load(cache_path(name)) as data:
            return {k: data[k] for k in data.files}
    parts = [dict(np.load(p)) for p in sorted(CACHE.glob(f"{name}.part*.npz")) if ".tmp" not in p.name]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def build(name: str, shard: tuple[int, int] | None = None) -> None:
    from faceorg.config import default_config
    from faceorg.vision.catalogue import EMBEDDERS
    from faceorg.vision.pipeline import FacePipeline

    config = default_config().with_overrides(device="cpu")
    pipeline = FacePipeline(config, analyzer_names=[EMBEDDERS[config.embedder]])
    keys = ("files", "box", "score", "landmarks", "quality", "embedding", "chip", "photo_size")
    rows: dict[str, list] = {k: [] for k in keys}
    files = photo_files(name)
    if shard is not None:
        files = files[shard[0] :: shard[1]]
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
        if k % 25 == 24:  # saved as it goes: a long run on a loaded machine is usable before it ends
            print(f"  {name}: {k + 1}/{len(files)} photos, {time.perf_counter() - started:.0f} s", flush=True)
            _save(name, shard, rows)
    _save(name, shard, rows)
    seconds = time.perf_counter() - started
    print(f"{name}: {len(files)} photos, {len(rows['files'])} faces in {seconds:.0f} s", flush=True)


def _save(name: str, shard: tuple[int, int] | None, rows: dict[str, list]) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = cache_path(name, shard).with_suffix(".tmp.npz")
    np.savez_compressed(partial, **{k: np.asarray(v) for k, v in rows.items()})
    partial.replace(cache_path(name, shard))


def main() -> None:
    args = sys.argv[1:]
    shard = None
    if "--shard" in args:
        k, n = args.pop(args.index("--shard") + 1).split("/")
        args.remove("--shard")
        shard = (int(k), int(n))
    for name in args or list(SETS):
        if SETS[name].available():
            build(name, shard)
        else:
            print(f"{name}: skipped, no photos at {SETS[name].root}")


if __name__ == "__main__":
    main()
