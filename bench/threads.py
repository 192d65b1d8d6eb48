"""Intra-op threads per model call: 1 vs 2 (vs all cores), quiet and under a bounded CPU load.

Per photo (the shared photos decoded at detection size), interleaved so both settings see
the same moment of the machine: detection with each registered detector, then the
analyzers, once with torch/onnxruntime at 1 thread and once at N. "loaded" starts one
busy-looping process per core for the duration of that pass and stops them after; "quiet"
is whatever else the computer is doing (the 1-minute load average is printed: on a shared
machine a truly quiet pass may not be possible).

    .venv/bin/python bench/threads.py [--photos 12] [--threads 1,2]

Prints median ms per photo by setting and the ratio to 1 thread.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faceorg.config import default_config  # noqa: E402
from faceorg.vision.pipeline import FacePipeline  # noqa: E402
from faceorg.vision.threads import apply_thread_policy  # noqa: E402

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"


def _spin(stop) -> None:
    while not stop.is_set():
        sum(range(10_000))


class CpuHog:
    """One busy process per core, started and stopped by the bench (a bounded background load)."""

    def __init__(self, processes: int):
        self.processes = processes

    def __enter__(self):
        self.stop = multiprocessing.Event()
        self.procs = [
            multiprocessing.Process(target=_spin, args=(self.stop,), daemon=True) for _ in range(self.processes)
        ]
        for proc in self.procs:
            proc.start()
        time.sleep(1.0)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()


def build(threads: int, detector: str, warm: Path) -> FacePipeline:
    """A pipeline whose onnxruntime sessions are created (on warm-up) with `threads` threads."""
    tmp = Path("/tmp")
    config = default_config().with_overrides(
        db_path=tmp / "unused.db", device="cpu", model_threads=threads, detector=detector
    )
    pipeline = FacePipeline(config)
    pipeline.run(warm)
    return pipeline


def one_pass(paths: list[Path], pipelines: dict[tuple[str, int], FacePipeline]) -> dict[tuple[str, int], list[float]]:
    times: dict[tuple[str, int], list[float]] = {key: [] for key in pipelines}
    for path in paths:
        for (detector, threads), pipeline in pipelines.items():
            decoded = pipeline.decode(path)
            apply_thread_policy(threads)
            started = time.perf_counter()
            pipeline.analyse([pipeline.detect(decoded)])
            times[(detector, threads)].append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--detectors", default="retinaface,mtcnn")
    parser.add_argument("--conditions", default="quiet,loaded")
    args = parser.parse_args()
    paths = (sorted((FACES / "deepface").glob("*.jpg")) + sorted((FACES / "facenet").rglob("*.jpg")))[::5][
        : args.photos
    ]
    counts = [int(t) for t in args.threads.split(",")]
    pipelines = {}
    for detector in args.detectors.split(","):
        for threads in counts:
            apply_thread_policy(threads)
            pipelines[(detector, threads)] = build(threads, detector, paths[0])
    cores = os.cpu_count() or 1
    for condition in args.conditions.split(","):
        load_before = os.getloadavg()[0]
        if condition == "loaded":
            with CpuHog(cores):
                times = one_pass(paths, pipelines)
        else:
            times = one_pass(paths, pipelines)
        print(
            f"{condition}: {len(paths)} photos, {cores} cores, load average before {load_before:.1f}, "
            f"after {os.getloadavg()[0]:.1f}"
        )
        for detector in args.detectors.split(","):
            base = statistics.median(times[(detector, counts[0])])
            for threads in counts:
                median = statistics.median(times[(detector, threads)])
                print(
                    f"  {detector:<11} {threads} thread(s): median {median * 1000:7.0f} ms/photo "
                    f"(x{median / base:.2f} of {counts[0]} thread)"
                )


if __name__ == "__main__":
    main()
