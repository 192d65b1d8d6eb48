"""faceorg scan settings side by side: each a real `Scanner`, interleaved chunk by chunk with the
decode+detect floor in one process, so every setting sees the same moments of a busy computer.

    .venv/bin/python bench/scan_configs.py '{"decode_workers": 1}' '{"decode_workers": 3}' [--load 2]

Each argument is a JSON object of Config overrides. Prints photos/s and the share of the floor
for each, and faceorg's stage seconds per photo.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scan import Pipelines, build_camera_library  # noqa: E402
from bench.threads import CpuHog  # noqa: E402

FLOOR = "decode+detect floor"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("configs", nargs="+", help="JSON objects of Config overrides")
    parser.add_argument("--load", type=int, default=0, help="busy-looping processes to add for the run")
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the photos")
    parser.add_argument("--chunk", type=int, default=6)
    parser.add_argument("--library", type=Path, default=Path(tempfile.gettempdir()) / "faceorg-bench-camera-library")
    args = parser.parse_args()
    paths = build_camera_library(args.library, args.photos)
    with tempfile.TemporaryDirectory() as tmp:
        pipes = {}
        for n, config in enumerate(args.configs):
            folder = Path(tmp) / f"config{n}"
            folder.mkdir()
            pipes[config] = Pipelines("cpu", folder, paths[0], **json.loads(config))
        names = [*args.configs, FLOOR]
        seconds = dict.fromkeys(names, 0.0)
        photos = dict.fromkeys(names, 0)
        load_before = os.getloadavg()[0]
        with CpuHog(args.load) if args.load else contextlib.nullcontext():
            turn = 0
            for _ in range(args.rounds):
                for start in range(0, len(paths), args.chunk):
                    part = paths[start : start + args.chunk]
                    for name in names[turn % len(names) :] + names[: turn % len(names)]:
                        started = time.perf_counter()
                        pipes[args.configs[0]].decode_detect(part) if name == FLOOR else pipes[name].faceorg(part)
                        seconds[name] += time.perf_counter() - started
                        photos[name] += len(part)
                    turn += 1
    print(f"1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; +{args.load} busy processes")
    floor = photos[FLOOR] / seconds[FLOOR]
    for name in names:
        rate = photos[name] / seconds[name]
        print(f"  {name:<40} {rate:6.2f} photos/s  share of floor {rate / floor:.2f}")
    for config, pipe in pipes.items():
        stages = sorted(pipe.stage_seconds.items(), key=lambda kv: -kv[1])
        print(f"  {config} s/photo: " + ", ".join(f"{k} {v / photos[config]:.3f}" for k, v in stages))


if __name__ == "__main__":
    main()
