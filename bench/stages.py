"""Median seconds per photo, by stage, on this machine's CPU, for the shared photos at their
native size; and the faces found on the group photos.

    .venv/bin/python bench/stages.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faceorg.config import default_config  # noqa: E402
from faceorg.core.photo import PhotoStatus  # noqa: E402
from faceorg.scan.previews import write_previews  # noqa: E402
from faceorg.store import faces, photos  # noqa: E402
from faceorg.store.cache import CachePaths  # noqa: E402
from faceorg.store.db import connect, transaction  # noqa: E402
from faceorg.vision.pipeline import FacePipeline  # noqa: E402

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"
STAGES = ("decode", "detect", "align", "embedding", "expression", "age-gender", "store", "previews")


def main() -> None:
    if not FACES.is_dir():
        sys.exit(f"no photos at {FACES}")
    tmp = Path(tempfile.mkdtemp())
    config = default_config().with_overrides(db_path=tmp / "lib.db", cache_dir=tmp / "cache", device="cpu")
    pipeline = FacePipeline(config)
    conn = connect(config.db_path)
    paths = sorted((FACES / "deepface").glob("*.jpg")) + sorted((FACES / "facenet").rglob("*.jpg"))
    pipeline.run(paths[0])  # load the models outside the figures
    per_stage: dict[str, list[float]] = {s: [] for s in STAGES}
    face_counts = {}
    for path in paths:
        pipeline.stage_seconds.clear()
        started = time.perf_counter()
        decoded = pipeline.decode(path)
        per_stage["decode"].append(time.perf_counter() - started)
        photo = pipeline.detect(decoded)
        pipeline.analyse([photo])
        for stage in ("detect", "align", "embedding", "expression", "age-gender"):
            per_stage[stage].append(pipeline.stage_seconds.get(stage, 0.0))
        started = time.perf_counter()
        with transaction(conn):
            photo_id = photos.upsert(
                conn,
                photos.FileFacts(str(path), path.stat().st_size, path.stat().st_mtime, path.name),
                None,
                PhotoStatus.OK,
                face_count=len(photo.records),
            )
            ids = faces.replace_faces(conn, photo_id, photo.records)
        per_stage["store"].append(time.perf_counter() - started)
        started = time.perf_counter()
        write_previews(
            CachePaths(config.cache_dir),
            path.name,
            decoded.image,
            decoded.scale,
            [(i, r.box) for i, r in zip(ids, photo.records)],
            config.thumbnail_px,
            config.crop_px,
        )
        per_stage["previews"].append(time.perf_counter() - started)
        face_counts[path.name] = len(photo.records)
    print(
        f"{len(paths)} photos (native sizes, detection at max side {config.detect_max_side} px), CPU, "
        f"{sum(face_counts.values())} faces"
    )
    print(f"{'stage':<12} {'median s/photo':>15} {'mean s/photo':>13}")
    for stage in STAGES:
        values = per_stage[stage]
        print(f"{stage:<12} {statistics.median(values):>15.4f} {statistics.mean(values):>13.4f}")
    total = [sum(per_stage[s][i] for s in STAGES) for i in range(len(paths))]
    print(f"{'total':<12} {statistics.median(total):>15.4f} {statistics.mean(total):>13.4f}")
    for name in ("multiface.jpg", "selfie-many-people.jpg", "couple.jpg"):
        print(f"faces found on {name}: {face_counts.get(name)}")


if __name__ == "__main__":
    main()
