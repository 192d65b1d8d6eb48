"""Scan throughput, measured honestly: faceorg next to face_recognition at the same decode size,
and next to the floors (decode alone; decode + detection), on the same camera-sized photos.

The library is built once (cached) from ../shared/faces: copies resized to 12, 16 and 24
megapixels. Every pipeline runs in this one process, models loaded beforehand, and they are
interleaved: the photos go in chunks (6 by default), and each chunk is run by every pipeline
in turn, so all of them see the same moments of a busy computer. faceorg is warmed up by a scan
of one photo (as the others by a first call): the grouping's first import of scipy took 0.8 s,
charged to the first chunk before. The pipelines:

- decode: faceorg's draft-mode decode to `detect_max_side` (the floor of any pipeline);
- decode+detect: the same decode, then the configured detector (the floor of a face scan);
- faceorg: a real `Scanner` scan of the chunk (its decode workers, the models, SQLite, people,
  previews) into one library that grows chunk by chunk;
- face_recognition, same size: the same decoded pixels through face_locations (HOG) and
  face_encodings: the yardstick, resolution taken out of the comparison;
- face_recognition, full size: its usual pipeline (load_image_file at full resolution), on
  every `--full-every`-th photo only (a 24 MP photo takes it many seconds).

`--load N` adds N busy-looping processes for the duration (a bounded background load); the
1-minute load average is printed either way. `--quick` runs 30 photos. `--whole` also scans
the whole library in a separate process for CPU use and peak memory.

    make bench-deps && .venv/bin/python bench/scan.py [--quick] [--photos 120] [--load 2] [--device cpu]
    (faceorg as shipped before issue 13: --detector mtcnn --model-threads 2 --max-side 1024)

Each pipeline's CPU time (all threads of this process) is printed too: on a saturated machine
throughput follows CPU per photo, and it is much steadier than wall time on a shared computer.
The last line is `ratio_vs_face_recognition_same_size=Z share_of_floor=W`: faceorg's photos/s
divided by face_recognition's at the same size, and by the decode+detect floor's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageOps  # noqa: E402

from bench import yardsticks  # noqa: E402
from bench.threads import CpuHog  # noqa: E402

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
                    out, "JPEG", quality=90
                )
        made.append(out)
    return made


def run_faceorg_process(folder: Path, device: str) -> dict:
    """`faceorg scan` of the whole library in its own process."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": tmp}
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "faceorg",
                "scan",
                str(folder),
                "--db",
                f"{tmp}/lib.db",
                "--json",
                "--device",
                device,
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        wall = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"faceorg scan failed: {out.stderr[-2000:]}")
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(out.stdout)
    summary.update(wall=wall, cpu=child.ru_utime + child.ru_stime, peak_rss_mb=child.ru_maxrss / 1024)
    return summary


class Pipelines:
    """Every contender, models loaded, each taking a chunk of paths and returning faces found."""

    def __init__(self, device: str, workdir: Path, warm: Path, **overrides):
        from faceorg.config import default_config
        from faceorg.scan.scanner import Scanner
        from faceorg.store.db import connect
        from faceorg.vision.pipeline import FacePipeline

        self.config = default_config().with_overrides(
            db_path=workdir / "lib.db", cache_dir=workdir / "cache", device=device, **overrides
        )
        self.pipeline = FacePipeline(self.config)
        self.pipeline.run(warm)  # models loaded before any clock starts
        self.pipeline.stage_seconds.clear()
        self.scanner = Scanner(connect(self.config.db_path), self.config, lambda: self.pipeline)
        self.workdir = workdir
        (workdir / "warm").mkdir()
        os.symlink(warm, workdir / "warm" / warm.name)
        self.scanner.scan([workdir / "warm"])  # what a first scan imports (scipy for grouping) loads here too
        self.stage_seconds: dict[str, float] = {}
        self.fr = yardsticks.face_recognition()
        self.fr.face_encodings(self.pipeline.decode(warm).image[::4, ::4].copy())
        self.chunks = 0

    def decode(self, paths: list[Path]) -> int:
        for path in paths:
            self.pipeline.decode(path)
        return 0

    def decode_detect(self, paths: list[Path]) -> int:
        detector = self.pipeline.detector
        faces = 0
        for path in paths:
            decoded = self.pipeline.decode(path)
            faces += len(detector([decoded.image], self.pipeline._smallest(decoded))[0])
        return faces

    def faceorg(self, paths: list[Path]) -> int:
        self.chunks += 1
        folder = self.workdir / f"chunk{self.chunks:04d}"
        folder.mkdir()
        for path in paths:
            os.symlink(path, folder / path.name)
        summary = self.scanner.scan([folder])
        for stage, seconds in summary.stage_seconds.items():
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds
        return summary.faces

    def fr_same_size(self, paths: list[Path]) -> int:
        faces = 0
        for path in paths:
            image = self.pipeline.decode(path).image
            faces += len(self.fr.face_encodings(image, self.fr.face_locations(image)))
        return faces

    def fr_full_size(self, paths: list[Path]) -> int:
        faces = 0
        for path in paths:
            image = self.fr.load_image_file(path)
            faces += len(self.fr.face_encodings(image, self.fr.face_locations(image)))
        return faces


def cpu_seconds() -> float:
    """This process's CPU time, all its threads (the busy-looping load runs in other processes)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def interleaved(pipes: Pipelines, paths: list[Path], chunk: int, full_every: int) -> dict[str, list[float]]:
    """name -> [seconds, photos, faces, CPU seconds], every pipeline run on each chunk in turn (rotating order)."""
    runs = {
        "decode": pipes.decode,
        "decode+detect": pipes.decode_detect,
        "faceorg": pipes.faceorg,
        "face_recognition same size": pipes.fr_same_size,
        "face_recognition full size": pipes.fr_full_size,
    }
    totals = {name: [0.0, 0, 0, 0.0] for name in runs}
    names = list(runs)
    for n, start in enumerate(range(0, len(paths), chunk)):
        part = paths[start : start + chunk]
        for name in names[n % len(names) :] + names[: n % len(names)]:
            full = name == "face_recognition full size"
            mine = [p for p in part if full_every and paths.index(p) % full_every == 0] if full else part
            if not mine:
                continue
            started, cpu = time.perf_counter(), cpu_seconds()
            faces = runs[name](mine)
            totals[name][0] += time.perf_counter() - started
            totals[name][1] += len(mine)
            totals[name][2] += faces
            totals[name][3] += cpu_seconds() - cpu
    return totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=120)
    parser.add_argument("--quick", action="store_true", help="30 photos")
    parser.add_argument("--chunk", type=int, default=6)
    parser.add_argument("--full-every", type=int, default=5, help="0: no full-size face_recognition line")
    parser.add_argument("--load", type=int, default=0, help="busy-looping processes to add for the run")
    parser.add_argument("--whole", action="store_true", help="also scan the whole library in its own process")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--detector", help="faceorg's detector (default: the configured one)")
    parser.add_argument("--model-threads", type=int, help="faceorg's intra-op threads (as shipped before: 2)")
    parser.add_argument("--max-side", type=int, help="faceorg's detect_max_side (as shipped before: 1024)")
    parser.add_argument("--library", type=Path, default=Path(tempfile.gettempdir()) / "faceorg-bench-camera-library")
    args = parser.parse_args()
    if not FACES.is_dir():
        sys.exit(f"no photos at {FACES}")
    count = 30 if args.quick else args.photos
    started = time.perf_counter()
    paths = build_camera_library(args.library, count)
    print(
        f"library: {len(paths)} photos at 12-24 MP ({sum(p.stat().st_size for p in paths) / 1e6:.0f} MB) "
        f"in {args.library} (ready in {time.perf_counter() - started:.0f} s)"
    )
    cores = os.cpu_count() or 1
    if args.whole:
        full = run_faceorg_process(args.library, args.device)
        print(
            f"faceorg scan, whole library, own process: {full['scanned']} photos in {full['seconds']:.1f} s, "
            f"{full['scanned'] / full['seconds']:.2f} photos/s; CPU {full['cpu'] / (full['wall'] * cores):.0%} of "
            f"{cores} cores; peak memory {full['peak_rss_mb']:.0f} MB"
        )
    with tempfile.TemporaryDirectory() as tmp:
        pipes = Pipelines(
            args.device,
            Path(tmp),
            paths[0],
            detector=args.detector,
            model_threads=args.model_threads,
            detect_max_side=args.max_side,
        )
        load_before = os.getloadavg()[0]
        hog = CpuHog(args.load) if args.load else contextlib.nullcontext()
        with hog:
            totals = interleaved(pipes, paths, args.chunk, args.full_every)
        load_after = os.getloadavg()[0]
    config = pipes.config
    print(
        f"machine: {cores} cores, 1-min load average {load_before:.1f} before, {load_after:.1f} after"
        f"{f' (+{args.load} busy processes started by this bench)' if args.load else ' (no load added)'}"
    )
    print(
        f"faceorg: detector {config.detector}, {config.model_threads} model thread(s), decode to "
        f"{config.detect_max_side} px, min face {config.min_face_px} px; interleaved in chunks of {args.chunk}"
    )
    rate = {}
    for name, (seconds, photos, faces, cpu) in totals.items():
        rate[name] = photos / seconds if seconds else 0.0
        print(
            f"  {name:<27} {photos:4d} photos {seconds:7.1f} s  {rate[name]:6.2f} photos/s  {faces:4d} faces  "
            f"CPU {cpu / photos if photos else 0.0:6.3f} s/photo"
        )
    scanned = totals["faceorg"][1]
    print(
        f"CPU per photo, faceorg / decode+detect floor: {totals['faceorg'][3] / totals['decode+detect'][3]:.2f} "
        "(all threads; on a saturated machine photos/s follows it)"
    )
    print(
        "faceorg stages, s/photo (decode and previews run in workers, overlapping the models; the waits are "
        "the scan thread's idle time): "
        + ", ".join(f"{k} {v / scanned:.3f}" for k, v in sorted(pipes.stage_seconds.items(), key=lambda kv: -kv[1]))
    )
    full = rate["face_recognition full size"]
    print(f"faceorg vs face_recognition at its full resolution: {rate['faceorg'] / full:.2f}x" if full else "")
    print(
        f"ratio_vs_face_recognition_same_size={rate['faceorg'] / rate['face_recognition same size']:.2f} "
        f"share_of_floor={rate['faceorg'] / rate['decode+detect']:.2f}"
    )


if __name__ == "__main__":
    main()
