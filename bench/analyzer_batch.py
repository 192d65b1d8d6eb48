"""Milliseconds per face of each default analyzer by batch size, at the configured model threads.

The faces of bench/scan.py's camera library (decoded and detected as a scan does), twice over,
run through each analyzer in batches of each size; best of 3 passes. This is what chose how many
photos the scanner gathers before analysing (faceorg/scan/scanner.py, PHOTOS_PER_FLUSH).

    .venv/bin/python bench/analyzer_batch.py [--photos 30] [--batches 1,4,8,16,32]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scan import build_camera_library  # noqa: E402
from faceorg.config import default_config  # noqa: E402
from faceorg.vision.pipeline import FacePipeline  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--batches", default="1,4,8,16,32")
    parser.add_argument("--library", type=Path, default=Path(tempfile.gettempdir()) / "faceorg-bench-camera-library")
    args = parser.parse_args()
    sizes = [int(b) for b in args.batches.split(",")]
    pipeline = FacePipeline(default_config().with_overrides(device="cpu"))
    photos = [pipeline.detect(pipeline.decode(p)) for p in build_camera_library(args.library, args.photos)]
    faces = [face for photo in photos for face in photo.aligned] * 2
    for analyzer in pipeline.analyzers:
        analyzer(faces)  # loads the model and caches every chip: the figures are the networks' own
    best = {(a.name, b): float("inf") for a in pipeline.analyzers for b in sizes}
    for _ in range(3):
        for analyzer in pipeline.analyzers:
            for size in sizes:
                started = time.perf_counter()
                for start in range(0, len(faces), size):
                    analyzer(faces[start : start + size])
                per_face = (time.perf_counter() - started) / len(faces) * 1000
                best[(analyzer.name, size)] = min(best[(analyzer.name, size)], per_face)
    print(f"{len(faces)} faces, 1-min load average {os.getloadavg()[0]:.1f}; ms per face, best of 3")
    print(f"{'batch':>6} " + " ".join(f"{a.name:>11}" for a in pipeline.analyzers) + "       all")
    for size in sizes:
        row = [best[(a.name, size)] for a in pipeline.analyzers]
        print(f"{size:>6} " + " ".join(f"{v:>11.2f}" for v in row) + f" {sum(row):>9.2f}")


if __name__ == "__main__":
    main()
