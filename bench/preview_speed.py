"""Thumbnail and face-crop resampling: time and closeness to a Lanczos reference.

Camera-sized photos (bench/scan.py's library) decoded to 1000 px as a scan does; a 320 px
thumbnail and 160 px crops of face-sized squares (15 % and 40 % of the width) made each way;
best of 10 per photo, median over the photos; PSNR against Lanczos at the same size.

    .venv/bin/python bench/preview_speed.py [--photos 12]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from bench.scan import build_camera_library  # noqa: E402
from faceorg.vision.decode import decode  # noqa: E402

R = Image.Resampling
WAYS = {
    "bilinear": dict(resample=R.BILINEAR),
    "bilinear, reducing_gap 2": dict(resample=R.BILINEAR, reducing_gap=2.0),
    "bilinear, reducing_gap 1": dict(resample=R.BILINEAR, reducing_gap=1.0),
    "bicubic, reducing_gap 1": dict(resample=R.BICUBIC, reducing_gap=1.0),
    "box": dict(resample=R.BOX),
}
FACE_WIDTHS = (0.15, 0.4)
"""Crops of a square this share of the photo's width (a face in a group; a portrait), margin included."""


def best_ms(source: Image.Image, size: tuple[int, int], options: dict) -> float:
    best = float("inf")
    for _ in range(10):
        started = time.perf_counter()
        source.resize(size, **options)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def psnr(a: Image.Image, b: Image.Image) -> float:
    error = np.mean((np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) ** 2)
    return float(10 * np.log10(255**2 / max(error, 1e-12)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--library", type=Path, default=Path(tempfile.gettempdir()) / "faceorg-bench-camera-library")
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {}
    for path in build_camera_library(args.library, args.photos):
        picture = Image.fromarray(decode(path, 1000).image)
        w, h = picture.size
        thumb_size = (round(w * 320 / max(w, h)), round(h * 320 / max(w, h)))
        jobs = [("thumbnail", picture, thumb_size)]
        for share in FACE_WIDTHS:
            half = w * share / 2
            square = picture.crop((int(w / 2 - half), int(h / 3 - half), int(w / 2 + half), int(h / 3 + half)))
            jobs.append((f"crop {share:.0%}", square, (160, 160)))
        for kind, source, size in jobs:
            reference = source.resize(size, R.LANCZOS)
            for way, options in WAYS.items():
                row = results.setdefault(f"{kind:<9} {way}", {"ms": [], "psnr": []})
                row["ms"].append(best_ms(source, size, options))
                row["psnr"].append(psnr(source.resize(size, **options), reference))
    for name, row in results.items():
        print(
            f"{name:<45} {statistics.median(row['ms']):5.2f} ms  PSNR vs Lanczos median "
            f"{statistics.median(row['psnr']):4.1f} dB, min {min(row['psnr']):4.1f}"
        )


if __name__ == "__main__":
    main()
