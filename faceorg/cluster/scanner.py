"""The head of a cluster scan: the library's walk and change detection, Ray for the models.

The head hashes each new or changed file and reads its bytes (so the workers need no access
to the photo folders); windows of photos go through two Ray Data stages (`stages.py`) with
actor pools, and the results stream back here, to the single writer, which stores every
photo with the same code and in the same one-transaction-per-photo as a local scan.

A worker that dies costs only its batch: Ray restarts the actor and retries the batch.
Storing is keyed by path and replaces a photo's faces, and a window stores each of its
photos at most once, so a retried batch can never add a duplicate row.
"""

from __future__ import annotations

import math
import pickle
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from faceorg.cluster.runtime import RayRuntime
from faceorg.cluster.stages import AnalyseStage, DetectStage, PhotoResult
from faceorg.config import Config
from faceorg.scan.plan import Candidate
from faceorg.scan.previews import save_previews
from faceorg.scan.progress import ScanProgress, ScanSummary
from faceorg.scan.scanner import Prepared, ProgressCallback, Scanner
from faceorg.store.photos import FileFacts

if TYPE_CHECKING:
    from ray.data import Dataset

WINDOW_PHOTOS = 512
"""Photos per Ray Data run: each run starts its actor pools (and loads the models) once."""
WINDOW_BYTES = 512 << 20
"""...and at most this many bytes of photos held by the head and the object store per run."""
DETECT_BATCH = 4
"""Photos per detect call: small, so a worker that dies costs little and results keep coming."""
ANALYSE_BATCH = 4
"""Photos whose faces share one analyzer batch (results come back per batch: keep it small)."""
ANALYSE_ACTORS_PER_DETECT = 8
"""Analysis is about a tenth of the work: one analysis actor per this many detect actors."""


@dataclass
class Shipped(Prepared):
    """A file to analyse, with its bytes read by the head (the workers need no shared filesystem)."""

    data: bytes = b""


class RayScanner(Scanner):
    """A Scanner whose models run on a Ray cluster; walk, change detection and storing stay here."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        config: Config,
        runtime: RayRuntime,
        update_people: bool = True,
        window_photos: int = WINDOW_PHOTOS,
    ):
        super().__init__(conn, config, update_people=update_people)
        self.runtime = runtime
        self.window_photos = window_photos
        self._should_stop: Callable[[], bool] = lambda: False
        self._stored: Callable[[str], None] = lambda current: None

    # -- the head reads, the workers decode --------------------------------------------
    def _decode(self, candidate: Candidate, digest: str) -> Prepared:
        try:
            data = candidate.path.read_bytes()
        except OSError as error:
            return Prepared(candidate, "fail", hash=digest, error=f"read: cannot read file: {error.strerror or error}")
        return Shipped(candidate, "analyse", hash=digest, data=data)

    def _scan(
        self,
        roots: list[Path | str],
        progress: ProgressCallback | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> ScanSummary:
        """Scanner.scan runs this under the library's scan lock, after finishing pending work."""
        started = time.perf_counter()
        summary = ScanSummary()
        plan = self._begin(roots, summary)
        total, done = len(plan.candidates), 0

        def report(current: str) -> None:
            nonlocal done
            done += bool(current)
            if progress:
                progress(
                    ScanProgress(
                        done, total, summary.faces, len(summary.failed), time.perf_counter() - started, current
                    )
                )

        self._should_stop, self._stored = should_stop, report
        report("")
        window: list[tuple[Shipped, None]] = []
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="faceorg-read") as pool:
            queue: deque[Future[Prepared]] = deque()
            items = iter(plan.candidates)
            try:
                while not summary.cancelled:
                    # read ahead up to a window while the cluster works on the previous one
                    while len(queue) < self.window_photos and (c := next(items, None)) is not None:
                        queue.append(pool.submit(self._prepare, c, plan))
                    if not queue or should_stop():
                        summary.cancelled = summary.cancelled or bool(queue)
                        break
                    prepared = queue.popleft().result()
                    if prepared.action != "analyse":
                        self._store_other(prepared, summary)
                        report(str(prepared.candidate.path))
                        continue
                    window.append((cast(Shipped, prepared), None))  # _decode ships what it analyses
                    if len(window) >= self.window_photos or sum(len(p.data) for p, _ in window) >= WINDOW_BYTES:
                        self._flush(window, summary)
                        window = []
                if window and not summary.cancelled:
                    self._flush(window, summary)
            finally:
                for future in queue:
                    future.cancel()
        self._end(summary)
        report("")
        summary.seconds = time.perf_counter() - started
        return summary

    # -- the models' part, on the cluster ------------------------------------------------
    # Both take the place of the local ones with pairs whose faces are still to find (on the cluster).
    def _detect(self, prepared: list[Prepared], summary: ScanSummary) -> list[tuple[Prepared, None]]:  # type: ignore[override]
        return [(p, None) for p in prepared]  # detection happens on the cluster, in _flush

    def _flush(self, pending: list[tuple[Shipped, None]], summary: ScanSummary) -> int:  # type: ignore[override]
        """Send these photos through the cluster and store each as its result arrives."""
        waiting = {key: prepared for key, (prepared, _) in enumerate(pending)}
        for key, result in self._run_on_cluster([(k, p.data) for k, p in waiting.items()]):
            prepared = waiting.pop(key, None)
            if prepared is None:  # already stored: a result never becomes a second row
                continue
            self._store_result(prepared, result, summary)
            self._stored(str(prepared.candidate.path))
            if self._should_stop():
                summary.cancelled = True
                break
        return len(pending) - len(waiting)

    def _store_result(self, prepared: Prepared, result: PhotoResult, summary: ScanSummary) -> None:
        for stage, seconds in result.seconds.items():
            summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + seconds
        if result.error:
            self._store_failure(prepared.candidate, prepared.hash, result.error, summary)
            return
        c = prepared.candidate
        facts = FileFacts(
            path=str(c.path),
            size=c.size,
            mtime=c.mtime,
            hash=prepared.hash,
            width=result.width,
            height=result.height,
            taken_at=result.taken_at,
        )

        def previews(face_ids: list[int]) -> None:
            save_previews(self.cache, cast(str, prepared.hash), result.thumbnail, list(zip(face_ids, result.crops)))

        self.store_faces(c, facts, result.records, result.versions, previews, summary)

    def _run_on_cluster(self, items: list[tuple[int, bytes]]) -> Iterator[tuple[int, PhotoResult]]:
        """Two Ray Data stages with actor pools; results come back as each block finishes."""
        import ray
        from ray.data import DataContext

        DataContext.get_current().enable_progress_bars = False
        config, detect, analyse = self._stage_resources()
        dataset: Dataset = ray.data.from_items(
            [{"key": k, "data": d} for k, d in items], override_num_blocks=math.ceil(len(items) / DETECT_BATCH)
        )
        dataset = dataset.map_batches(
            DetectStage,
            fn_constructor_kwargs={"config": config, "threads": 1},
            batch_size=DETECT_BATCH,
            batch_format="numpy",
            **detect,
        )
        dataset = dataset.map_batches(
            AnalyseStage,
            fn_constructor_kwargs={"config": config, "threads": 1},
            batch_size=ANALYSE_BATCH,
            batch_format="numpy",
            **analyse,
        )
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            for key, blob in zip(batch["key"], batch["result"]):
                yield int(key), pickle.loads(blob)

    def _stage_resources(self) -> tuple[Config, dict, dict]:
        """GPU actors when the cluster has GPUs; else one detect actor per CPU and a light analysis pool.

        The analysis actors ask for no CPU of their own: they run on the cores the detect actors
        leave idle, and with one CPU per detect actor every core detects.
        """
        gpus, cpus = self.runtime.gpus, self.runtime.cpus
        from ray.data import ActorPoolStrategy

        if gpus and self.config.device in ("auto", "cuda"):
            config = self.config.with_overrides(device="cuda")
            return (
                config,
                {"compute": ActorPoolStrategy(min_size=1, max_size=gpus), "num_gpus": 0.5, "num_cpus": 1},
                {"compute": ActorPoolStrategy(min_size=1, max_size=gpus), "num_gpus": 0.5, "num_cpus": 1},
            )
        config = self.config.with_overrides(device="cpu")
        analysers = max(1, math.ceil(cpus / ANALYSE_ACTORS_PER_DETECT))
        return (
            config,
            {"compute": ActorPoolStrategy(min_size=1, max_size=cpus), "num_cpus": 1},
            {"compute": ActorPoolStrategy(min_size=1, max_size=analysers), "num_cpus": 0},
        )
