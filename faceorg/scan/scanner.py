"""The scan loop: plan, then for every new or changed file hash, decode, detect, analyse, store.

Hashing and decoding run ahead in a small thread pool (Pillow releases the GIL); the
models run on the calling thread (with the fixed thread count of faceorg/vision/threads.py),
faces of several photos batched through the analyzers; thumbnails and face crops are
written by their own worker, never on the model thread. Each photo is stored in its own
transaction, so an interruption (Ctrl-C, Cancel, a crash) leaves the library consistent
and the next scan resumes where this one stopped. The user's files are only ever opened
for reading.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from faceorg.config import Config
from faceorg.core.photo import PhotoStatus
from faceorg.people.carry_over import carry_over, remember
from faceorg.people.index import IdentityIndex
from faceorg.people.junk import JunkRules, mark_background
from faceorg.people.update import after_scan, place_new_faces
from faceorg.scan.hashing import content_hash
from faceorg.scan.plan import Candidate, ScanPlan, plan_scan
from faceorg.scan.previews import write_previews
from faceorg.scan.progress import ScanProgress, ScanSummary
from faceorg.store import faces as face_repo
from faceorg.store import models, photos
from faceorg.store.cache import CachePaths
from faceorg.store.db import transaction
from faceorg.store.photos import FileFacts
from faceorg.vision.decode import DecodeError, Decoded, decode

if TYPE_CHECKING:
    from faceorg.vision.pipeline import FacePipeline, PhotoFaces

ProgressCallback = Callable[[ScanProgress], None]
PHOTOS_PER_FLUSH = 4
"""At most this many analysed photos wait for their batch: results keep appearing during a scan."""
PREVIEWS_AHEAD = 8
"""At most this many photos wait for their previews (each holds its decoded pixels)."""


@dataclass
class Prepared:
    """A candidate after the worker looked at it: what to do and what it needs for that."""

    candidate: Candidate
    action: str  # "touch" | "move" | "analyse" | "fail"
    hash: str | None = None
    decoded: Decoded | None = None
    error: str | None = None
    decode_seconds: float = 0.0


class Scanner:
    """Runs scans against one library connection; owns its pipeline once one is needed."""

    def __init__(self, conn: sqlite3.Connection, config: Config,
                 pipeline_factory: Callable[[], FacePipeline] | None = None, update_people: bool = True):
        self.conn = conn
        self.update_people = update_people
        self._index: IdentityIndex | None = None
        self.config = config
        self.cache = CachePaths(config.cache_dir)
        self._pipeline_factory = pipeline_factory or self._default_pipeline
        self._pipeline: FacePipeline | None = None
        self._stage_base: dict[str, float] = {}
        self._previews: deque[Future[float]] = deque()
        self._preview_pool: ThreadPoolExecutor | None = None

    def _default_pipeline(self) -> FacePipeline:
        from faceorg.vision.pipeline import FacePipeline  # torch and the models load only when needed

        return FacePipeline(self.config)

    @property
    def pipeline(self) -> FacePipeline:
        """Loaded only when a file needs analysing: a rescan of an unchanged library loads no model."""
        if self._pipeline is None:
            self._pipeline = self._pipeline_factory()
            self._stage_base = dict(self._pipeline.stage_seconds)  # a ready pipeline may carry earlier totals
        return self._pipeline

    # -- the worker side: no SQLite here -------------------------------------------
    def _prepare(self, candidate: Candidate, plan: ScanPlan) -> Prepared:
        if candidate.size == 0:
            return Prepared(candidate, "fail", error="empty file (0 bytes)")
        try:
            digest = content_hash(candidate.path)
        except PermissionError:
            return Prepared(candidate, "fail", error="permission denied")
        except OSError as error:
            return Prepared(candidate, "fail", error=f"cannot read file: {error.strerror or error}")
        if plan.hash_by_path.get(str(candidate.path)) == digest:
            return Prepared(candidate, "touch", hash=digest)
        if digest in plan.missing_hashes:
            return Prepared(candidate, "move", hash=digest)
        return self._decode(candidate, digest)

    def _decode(self, candidate: Candidate, digest: str) -> Prepared:
        start = time.perf_counter()
        try:
            decoded = decode(candidate.path, self.config.detect_max_side)
        except DecodeError as error:
            return Prepared(candidate, "fail", hash=digest, error=str(error))
        except MemoryError:
            return Prepared(candidate, "fail", hash=digest, error="image too large to decode in memory")
        return Prepared(candidate, "analyse", hash=digest, decoded=decoded, decode_seconds=time.perf_counter() - start)

    # -- the owning thread: models and SQLite --------------------------------------
    def scan(self, roots: list[Path | str], progress: ProgressCallback | None = None,
             should_stop: Callable[[], bool] = lambda: False) -> ScanSummary:
        started = time.perf_counter()
        summary = ScanSummary()
        self._new_faces: list[int] = []
        self._stage_base = dict(self._pipeline.stage_seconds) if self._pipeline is not None else {}
        plan = plan_scan(self.conn, roots)
        summary.unchanged = plan.unchanged
        with transaction(self.conn):
            photos.mark_missing(self.conn, plan.vanished_ids)
        summary.vanished = len(plan.vanished_ids)
        for path, folder_id, reason in plan.unreadable:
            self._store_failure(Candidate(path, folder_id, 0, 0.0), None, reason, summary)
        total = len(plan.candidates)
        done = 0

        def report(current: str) -> None:
            if progress:
                progress(ScanProgress(done, total, summary.faces, len(summary.failed), time.perf_counter() - started, current))

        report("")
        workers = self.config.decode_workers or min(4, (os.cpu_count() or 1) + 1)
        pending: list[tuple[Prepared, PhotoFaces]] = []
        waiting: list[Prepared] = []
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="faceorg-decode") as pool, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="faceorg-previews") as self._preview_pool:
            queue: deque[Future[Prepared]] = deque()
            items = iter(plan.candidates)
            try:
                while True:
                    while len(queue) < workers * 2 and (c := next(items, None)) is not None:
                        queue.append(pool.submit(self._prepare, c, plan))
                    if not queue or should_stop():
                        summary.cancelled = bool(queue)
                        break
                    prepared = queue.popleft().result()
                    if prepared.action == "analyse":
                        waiting.append(prepared)
                        if queue and len(waiting) < self.pipeline.detect_batch:
                            continue
                        pending += self._detect(waiting, summary)
                        waiting = []
                        if queue and not self._batch_full(pending):
                            continue
                        done += self._flush(pending, summary)
                        pending = []
                    else:
                        self._store_other(prepared, summary)
                        done += 1
                    report(str(prepared.candidate.path))
                pending += self._detect(waiting, summary)
                if pending:
                    done += self._flush(pending, summary)
            finally:
                for future in queue:
                    future.cancel()
                self._drain_previews(summary, 0)
        self._preview_pool = None
        if self.update_people and summary.scanned:
            summary.people_created = after_scan(self.conn, self._new_faces).people_created
        self._index = None
        report("")
        summary.seconds = time.perf_counter() - started
        if self._pipeline is not None:  # this scan's share of the pipeline's running totals
            summary.stage_seconds.update({k: v - self._stage_base.get(k, 0.0) for k, v in self._pipeline.stage_seconds.items()})
        return summary

    def _batch_full(self, pending: list[tuple[Prepared, PhotoFaces]]) -> bool:
        """Enough faces to fill the analyzers' batch, or enough photos that the user should see them."""
        faces = sum(len(photo.records) for _, photo in pending)
        return faces >= self.config.face_batch or len(pending) >= PHOTOS_PER_FLUSH

    def _detect(self, prepared: list[Prepared], summary: ScanSummary) -> list[tuple[Prepared, PhotoFaces]]:
        if not prepared:
            return []
        summary.stage_seconds["decode"] = summary.stage_seconds.get("decode", 0.0) + sum(p.decode_seconds for p in prepared)
        return list(zip(prepared, self.pipeline.detect_many([p.decoded for p in prepared])))

    def _flush(self, pending: list[tuple[Prepared, PhotoFaces]], summary: ScanSummary) -> int:
        """Analyse the faces of several photos in one batch, then store each photo."""
        try:
            self.pipeline.analyse([photo for _, photo in pending])
        except Exception as error:  # a model failing on odd pixels must not end the scan
            for prepared, _ in pending:
                self._store_failure(prepared.candidate, prepared.hash, f"analysis failed: {error}", summary)
            return len(pending)
        for prepared, photo in pending:
            self._store_analysis(prepared, photo, summary)
        return len(pending)

    def _facts(self, prepared: Prepared) -> FileFacts:
        c = prepared.candidate
        decoded = prepared.decoded
        return FileFacts(
            path=str(c.path), size=c.size, mtime=c.mtime, hash=prepared.hash,
            width=decoded.original_size[0] if decoded else None,
            height=decoded.original_size[1] if decoded else None,
            taken_at=decoded.taken_at if decoded else None,
        )

    def _store_analysis(self, prepared: Prepared, photo: PhotoFaces, summary: ScanSummary) -> None:
        start = time.perf_counter()
        old = photos.get_by_path(self.conn, str(prepared.candidate.path))
        old_faces = [r[0] for r in self.conn.execute("SELECT id FROM faces WHERE photo_id = ?", (old.id,))] if old else []
        with transaction(self.conn):
            decided = remember(self.conn, old.id) if old else []
            model_set = models.model_set_id(self.conn, self.pipeline.versions)
            photo_id = photos.upsert(self.conn, self._facts(prepared), prepared.candidate.folder_id, PhotoStatus.OK,
                                     model_set_id=model_set, face_count=len(photo.records))
            face_ids = face_repo.replace_faces(self.conn, photo_id, photo.records)
            mark_background(self.conn, list(zip(face_ids, photo.records)),
                            JunkRules(min_score=self.pipeline.detector.background_score))
            carry_over(self.conn, decided, [(i, r.box) for i, r in zip(face_ids, photo.records)])
            if self.update_people:
                place_new_faces(self.conn, self._identity_index(), face_ids)
                self._new_faces += face_ids
        self.cache.remove_crops(old_faces)
        summary.scanned += 1
        summary.faces += len(face_ids)
        summary.stage_seconds["store"] = summary.stage_seconds.get("store", 0.0) + time.perf_counter() - start
        self._drain_previews(summary, PREVIEWS_AHEAD)
        self._previews.append(self._preview_pool.submit(
            _timed_previews, self.cache, prepared.hash, photo.decoded.image, photo.decoded.scale,
            [(i, r.box) for i, r in zip(face_ids, photo.records)], self.config.thumbnail_px, self.config.crop_px))

    def _drain_previews(self, summary: ScanSummary, keep: int) -> None:
        """Wait until at most `keep` photos' previews are still being written."""
        while len(self._previews) > keep:
            seconds = self._previews.popleft().result()
            summary.stage_seconds["previews"] = summary.stage_seconds.get("previews", 0.0) + seconds

    def _identity_index(self) -> IdentityIndex:
        """The faces people already have, loaded once per scan and grown as faces join them."""
        if self._index is None:
            self._index = IdentityIndex.load(self.conn)
        return self._index

    def _store_other(self, prepared: Prepared, summary: ScanSummary) -> None:
        c = prepared.candidate
        if prepared.action == "fail":
            self._store_failure(c, prepared.hash, prepared.error or "unknown error", summary)
            return
        with transaction(self.conn):
            if prepared.action == "touch":
                row = photos.get_by_path(self.conn, str(c.path))
                photos.touch(self.conn, row.id, c.size, c.mtime)
                summary.unchanged += 1
                return
            moved = photos.missing_with_hash(self.conn, prepared.hash)
            if moved is not None:
                photos.move(self.conn, moved.id, FileFacts(str(c.path), c.size, c.mtime, prepared.hash), c.folder_id)
                summary.moved += 1
                return
        # the vanished twin was claimed by another copy: analyse this one afresh
        redo = self._decode(c, prepared.hash)
        if redo.action == "fail":
            self._store_failure(c, prepared.hash, redo.error, summary)
        else:
            self._flush(self._detect([redo], summary), summary)

    def _store_failure(self, candidate: Candidate, digest: str | None, reason: str, summary: ScanSummary) -> None:
        with transaction(self.conn):
            photos.upsert(self.conn, FileFacts(str(candidate.path), candidate.size, candidate.mtime, digest),
                          candidate.folder_id, PhotoStatus.FAILED, error=reason)
        summary.failed.append((str(candidate.path), reason))


def _timed_previews(*args) -> float:
    """`write_previews` on the previews worker; returns its seconds for the stage times."""
    started = time.perf_counter()
    write_previews(*args)
    return time.perf_counter() - started
