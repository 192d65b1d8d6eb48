"""Scan throughput: faceorg's pipeline next to a naive loop of the same models and next to
the face_recognition library's usual pipeline, on the same camera-sized photos.

The library is built once (cached) from ../shared/faces: copies resized to 12, 16 and 24
megapixels, at least 500 photos. faceorg scans all of it (a separate process: CPU
utilisation and peak memory are its own); the three pipelines are then compared on the
same sample of it, in this process, models loaded beforehand.

    make bench-deps && .venv/bin/python bench/scan.py [--photos 500] [--sample 12] [--device cpu]

The last line is `ratio_vs_naive=X ratio_vs_face_recognition=Y` (faceorg's photos per
second divided by the other's, on the sample).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageOps  # noqa: E402

from bench import yardsticks  # noqa: E402

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"
CAMERA_SIDES = (4000, 4896, 6000)  # 12, 16 and 24 megapixels at 3:2 or 4:3


def build_camera_library(target: Path, count: int) -> list[Path]:
    """Copies of the shared photos at camera sizes; reused when already there."""
    sources = sorted((FACES / "deepface").glob("*.jpg")) + sorted((FACES / "facenet").rglob("*.jpg"))
    target.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        source = sources[i % len(sources)]
        side = CAMERA_SIDES[i % len(CAMERA_SIDES)]
        out = target / f"IMG_{i:04d}_{side}.jpg"
        if not out.exists():
            with Image.open(source) as image:
                image = ImageOps.exif_transpose(image).convert("RGB")
                scale = side / max(image.size)
                image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BICUBIC).save(
                    out, "JPEG", quality=90)
        made.append(out)
    return made


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_faceorg_process(folder: Path, device: str) -> dict:
    """`faceorg scan` of the whole library in its own process."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": tmp}
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "faceorg", "scan", str(folder), "--db", f"{tmp}/lib.db", "--json",
                              "--device", device], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"faceorg scan failed: {out.stderr[-2000:]}")
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(out.stdout)
    summary.update(wall=wall, cpu=child.ru_utime + child.ru_stime, peak_rss_mb=child.ru_maxrss / 1024)
    return summary


def faceorg_sample(paths: list[Path], device: str) -> tuple[float, int]:
    from faceorg.config import default_config
    from faceorg.scan.scanner import Scanner
    from faceorg.store.db import connect
    from faceorg.vision.pipeline import FacePipeline

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sample"
        folder.mkdir()
        for p in paths:
            os.symlink(p, folder / p.name)
        config = default_config().with_overrides(db_path=Path(tmp) / "lib.db", cache_dir=Path(tmp) / "cache", device=device)
        pipeline = FacePipeline(config)
        pipeline.run(paths[0])  # models loaded before the clock starts, as for the others
        started = time.perf_counter()
        summary = Scanner(connect(config.db_path), config, lambda: pipeline).scan([folder])
        return time.perf_counter() - started, summary.faces


def naive_sample(paths: list[Path]) -> tuple[float, int]:
    """The same models, one photo and one face at a time, full-resolution decode and detection."""
    from faceorg.vision.age_gender import AgeGenderAnalyzer
    from faceorg.vision.decode import decode
    from faceorg.vision.detect import MtcnnDetector
    from faceorg.vision.embed_dlib import DlibEmbedder
    from faceorg.vision.expression import ExpressionAnalyzer
    from faceorg.vision.landmarks import ShapeLandmarker

    detector, landmarker = MtcnnDetector("cpu"), ShapeLandmarker()
    analyzers = [DlibEmbedder(), ExpressionAnalyzer("cpu"), AgeGenderAnalyzer("cpu")]
    warm = decode(paths[0], 640).image
    for det in detector([warm])[0][:1]:
        for analyzer in analyzers:
            analyzer([landmarker(warm, det.box)])
    faces = 0
    started = time.perf_counter()
    for path in paths:
        image = decode(path, None).image
        for det in detector([image])[0]:
            face = landmarker(image, det.box)
            for analyzer in analyzers:
                analyzer([face])
            faces += 1
    return time.perf_counter() - started, faces


def face_recognition_sample(paths: list[Path]) -> tuple[float, int]:
    """face_recognition's usual pipeline: load_image_file, face_locations (HOG), face_encodings."""
    face_recognition = yardsticks.face_recognition()

    warm = face_recognition.load_image_file(paths[0])
    face_recognition.face_encodings(warm[::8, ::8].copy())
    faces = 0
    started = time.perf_counter()
    for path in paths:
        image = face_recognition.load_image_file(path)
        locations = face_recognition.face_locations(image)
        faces += len(face_recognition.face_encodings(image, locations))
    return time.perf_counter() - started, faces


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=500)
    parser.add_argument("--sample", type=int, default=12)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--library", type=Path, default=Path(tempfile.gettempdir()) / "faceorg-bench-camera-library")
    args = parser.parse_args()
    if not FACES.is_dir():
        sys.exit(f"no photos at {FACES}")
    started = time.perf_counter()
    paths = build_camera_library(args.library, args.photos)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    print(f"library: {len(paths)} photos at 12-24 MP ({megabytes:.0f} MB) in {args.library} "
          f"(ready in {time.perf_counter() - started:.0f} s)")

    full = run_faceorg_process(args.library, args.device)
    cores = os.cpu_count() or 1
    print(f"faceorg scan, whole library ({args.device}): {full['scanned']} photos, {full['faces']} faces in "
          f"{full['seconds']:.1f} s (process wall {full['wall']:.1f} s, models loaded inside): "
          f"{full['scanned'] / full['seconds']:.2f} photos/s, {full['faces'] / full['seconds']:.2f} faces/s")
    print(f"  CPU utilisation {full['cpu'] / (full['wall'] * cores):.0%} of {cores} cores; peak memory {full['peak_rss_mb']:.0f} MB")
    stages = full["stage_seconds"]
    total = sum(stages.values()) or 1.0
    print("  stage shares (decode runs in worker threads, overlapping the rest): "
          + ", ".join(f"{k} {v / total:.0%} ({v:.1f} s)" for k, v in sorted(stages.items(), key=lambda kv: -kv[1])))

    sample = sorted(random.Random(0).sample(paths, min(args.sample, len(paths))))
    print(f"same {len(sample)} photos for all three pipelines (models loaded beforehand):")
    results = {}
    for name, run in (("faceorg", lambda: faceorg_sample(sample, args.device)), ("naive loop", lambda: naive_sample(sample)),
                      ("face_recognition", lambda: face_recognition_sample(sample))):
        cpu0 = cpu_seconds()
        seconds, faces = run()
        rate = len(sample) / seconds
        results[name] = rate
        print(f"  {name:<17} {seconds:7.1f} s  {rate:6.3f} photos/s  {faces / seconds:6.3f} faces/s  ({faces} faces, "
              f"CPU {(cpu_seconds() - cpu0) / (seconds * cores):.0%})")
    print(f"ratio_vs_naive={results['faceorg'] / results['naive loop']:.2f} "
          f"ratio_vs_face_recognition={results['faceorg'] / results['face_recognition']:.2f}")


if __name__ == "__main__":
    main()
