"""The scan loop: plan, then for every new or changed file hash, decode, detect, analyse, store.

Hashing and decoding run ahead in a small thread pool (Pillow releases the GIL); the
models run on the calling thread (with the fixed thread count of faceorg/vision/threads.py),
faces of several photos batched through the analyzers; thumbnails and face crops are
written by their own worker, never on the model thread. Each photo is stored in its own
transaction, so an interruption (Ctrl-C, Cancel, a crash) leaves the library consistent
and the next scan resumes where this one stopped. The user's files are only ever opened
for reading.

Whatever one file does (a decoder or a model raising on its pixels, a name that is not
UTF-8) costs only that file: it is recorded as failed, with the stage and the reason, and
the scan goes on; a batch that fails is retried photo by photo. Only a failure of the
library itself (disk full, file unwritable) ends the scan, as a `LibraryWriteError`.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from faceorg.config import Config
from faceorg.core.paths import path_text
from faceorg.core.photo import PhotoStatus
from faceorg.people.carry_over import carry_over, remember
from faceorg.people.index import IdentityIndex
from faceorg.people.junk import JunkRules, mark_background
from faceorg.people.update import place_new_faces
from faceorg.scan.hashing import content_hash
from faceorg.scan.plan import Candidate, ScanPlan, plan_scan
from faceorg.scan.previews import write_previews
from faceorg.scan.progress import ScanProgress, ScanSummary
from faceorg.scan.resume import finish_pending, group_pending, mark_grouping, mark_previews, previews_done
from faceorg.store import faces as face_repo
from faceorg.store import models, photos
from faceorg.store.cache import CachePaths
from faceorg.store.db import file_of, transaction, write_failure
from faceorg.store.lock import scan_lock
from faceorg.store.photos import FileFacts
from faceorg.vision import catalogue
from faceorg.vision.decode import Decoded, DecodeError, decode

if TYPE_CHECKING:
    from faceorg.core.photo import Photo
    from faceorg.vision.pipeline import FacePipeline, PhotoFaces

log = logging.getLogger(__name__)
ProgressCallback = Callable[[ScanProgress], None]
PHOTOS_PER_FLUSH = 8
"""At most this many analysed photos wait for their batch: results keep appearing during a scan
(every second or two), and the analyzers get batches big enough to pay. The three default
analyzers, ms per face at 1 model thread (bench/analyzer_batch.py, 62 faces of camera photos,
2-core machine shared with other jobs, load average 4.6-7.5): batch 4: 21.1 / 31.5 / 39.7, batch 8:
22.5 / 26.8 / 34.7, batch 16: 25.2 / 26.4 / 40.8 (was 4 photos, about 4 faces, before)."""
PREVIEWS_AHEAD = 8
"""At most this many photos wait for their previews (each holds its decoded pixels)."""
_PER_FILE_STORE_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, ValueError)
"""Errors storing one photo that are about that photo's data, not about the library."""
_CACHE_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES)


def _add(summary: ScanSummary, stage: str, started: float) -> None:
    """Time since `started` added to the stage: where the scan's thread spent it, waits included."""
    summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + time.perf_counter() - started


def _reason(stage: str, error: BaseException | str) -> str:
    """What a failure record says: the stage that failed, then the exact reason."""
    text = error if isinstance(error, str) else (str(error) or type(error).__name__)
    return f"{stage}: {text}"


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

    def __init__(
        self,
        conn: sqlite3.Connection,
        config: Config,
        pipeline_factory: Callable[[], FacePipeline] | None = None,
        update_people: bool = True,
        cache: CachePaths | None = None,
    ):
        self.conn = conn
        self.update_people = update_people
        self._index: IdentityIndex | None = None
        self.config = config
        self.cache = cache or CachePaths.for_library(config.cache_dir, config.db_path)
        self._pipeline_factory = pipeline_factory or self._default_pipeline
        self._pipeline: FacePipeline | None = None
        self._stage_base: dict[str, float] = {}
        self._previews: deque[tuple[Future[float], int]] = deque()  # (writing, photo id)
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
            return Prepared(candidate, "fail", error=_reason("read", "empty file (0 bytes)"))
        try:
            digest = content_hash(candidate.path)
        except PermissionError:
            return Prepared(candidate, "fail", error=_reason("read", "permission denied"))
        except OSError as error:
            return Prepared(candidate, "fail", error=_reason("read", f"cannot read file: {error.strerror or error}"))
        if plan.hash_by_path.get(path_text(candidate.path)) == digest:
            return Prepared(candidate, "touch", hash=digest)
        if digest in plan.missing_hashes:
            return Prepared(candidate, "move", hash=digest)
        return self._decode(candidate, digest)

    def _decode(self, candidate: Candidate, digest: str) -> Prepared:
        start = time.perf_counter()
        try:
            decoded = decode(candidate.path, self.config.detect_max_side)
        except MemoryError:
            reason = _reason("decode", "image too large to decode in memory")
            return Prepared(candidate, "fail", hash=digest, error=reason)
        except Exception as error:  # noqa: BLE001 - whatever a decoder raises on one file costs only that file
            detail = str(error) if isinstance(error, DecodeError) else f"{type(error).__name__}: {error}"
            return Prepared(candidate, "fail", hash=digest, error=_reason("decode", detail))
        return Prepared(candidate, "analyse", hash=digest, decoded=decoded, decode_seconds=time.perf_counter() - start)

    # -- the owning thread: models and SQLite --------------------------------------
    def scan(
        self,
        roots: list[Path | str],
        progress: ProgressCallback | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        on_wait: Callable[[], None] | None = None,
    ) -> ScanSummary:
        """Scan `roots`; raises `LibraryWriteError` (everything stored so far kept) if the library fails.

        One scan at a time per library: a second waits for the first (telling `on_wait`),
        then finishes whatever an interrupted scan left pending before it looks at files."""
        try:
            with scan_lock(file_of(self.conn), on_wait=on_wait):
                resumed = finish_pending(self.conn, self.config, self.cache, group=self.update_people)
                summary = self._scan(roots, progress, should_stop)
        except sqlite3.DatabaseError as error:
            if isinstance(error, _PER_FILE_STORE_ERRORS):
                raise
            raise write_failure(error, file_of(self.conn)) from error
        summary.resumed_grouped, summary.resumed_previews = resumed.grouped, resumed.previews
        summary.people_created += resumed.people_created
        return summary

    def _scan(
        self, roots: list[Path | str], progress: ProgressCallback | None, should_stop: Callable[[], bool]
    ) -> ScanSummary:
        started = time.perf_counter()
        summary = ScanSummary()
        self._stage_base = dict(self._pipeline.stage_seconds) if self._pipeline is not None else {}
        plan = self._begin(roots, summary)
        total = len(plan.candidates)
        self._done = 0

        def report(current: str) -> None:
            if progress:
                progress(
                    ScanProgress(
                        self._done, total, summary.faces, len(summary.failed), time.perf_counter() - started, current
                    )
                )

        report("")
        workers = self.config.decode_workers or min(4, (os.cpu_count() or 1) + 1)
        pending: list[tuple[Prepared, PhotoFaces]] = []
        waiting: list[Prepared] = []
        with (
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="faceorg-decode") as pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="faceorg-previews") as self._preview_pool,
        ):
            queue: deque[Future[Prepared]] = deque()
            items = iter(plan.candidates)
            try:
                while True:
                    while len(queue) < workers * 2 and (c := next(items, None)) is not None:
                        queue.append(pool.submit(self._prepare, c, plan))
                    if not queue or should_stop():
                        summary.cancelled = bool(queue)
                        break
                    waited = time.perf_counter()
                    prepared = queue.popleft().result()
                    _add(summary, "wait for decode", waited)
                    if prepared.action == "analyse":
                        waiting.append(prepared)
                        if queue and len(waiting) < self.pipeline.detect_batch:
                            continue
                        pending += self._detect(waiting, summary)
                        waiting = []
                        if queue and not self._batch_full(pending):
                            continue
                        self._flush(pending, summary)
                        pending = []
                    else:
                        self._store_other(prepared, summary)
                        self._done += 1
                    report(path_text(prepared.candidate.path))
                if not summary.cancelled:  # cancelled: the photos held for a batch wait for the next scan
                    pending += self._detect(waiting, summary)
                    if pending:
                        self._flush(pending, summary)
            finally:
                for future in queue:
                    future.cancel()
                self._drain_previews(summary, 0)
        self._preview_pool = None
        self._end(summary)
        report("")
        summary.seconds = time.perf_counter() - started
        if self._pipeline is not None:  # this scan's share of the pipeline's running totals
            totals = self._pipeline.stage_seconds
            summary.stage_seconds.update({k: v - self._stage_base.get(k, 0.0) for k, v in totals.items()})
        return summary

    def _begin(self, roots: list[Path | str], summary: ScanSummary) -> ScanPlan:
        """Plan the scan and record what needs no analysis: vanished and unreadable files."""
        plan = plan_scan(self.conn, roots)
        summary.unchanged = plan.unchanged
        with transaction(self.conn):
            photos.mark_missing(self.conn, plan.vanished_ids)
            photos.delete_failed(self.conn, plan.cleared_ids)
        summary.vanished = len(plan.vanished_ids)
        for path, folder_id, reason in plan.unreadable:
            self._store_failure(Candidate(path, folder_id, 0, 0.0), None, reason, summary)
        return plan

    def _end(self, summary: ScanSummary) -> None:
        """Group the faces stored but not grouped yet (this scan's, and any an interrupted one left)."""
        if self.update_people:
            started = time.perf_counter()
            summary.people_created = group_pending(self.conn)[1]
            _add(summary, "grouping", started)
        self._index = None

    def _batch_full(self, pending: list[tuple[Prepared, PhotoFaces]]) -> bool:
        """Enough faces to fill the analyzers' batch, or enough photos that the user should see them."""
        faces = sum(len(photo.records) for _, photo in pending)
        return faces >= self.config.face_batch or len(pending) >= PHOTOS_PER_FLUSH

    def _detect(self, prepared: list[Prepared], summary: ScanSummary) -> list[tuple[Prepared, PhotoFaces]]:
        if not prepared:
            return []
        summary.stage_seconds["decode"] = summary.stage_seconds.get("decode", 0.0) + sum(
            p.decode_seconds for p in prepared
        )
        return self._detect_batch(prepared, summary)

    def _detect_batch(self, prepared: list[Prepared], summary: ScanSummary) -> list[tuple[Prepared, PhotoFaces]]:
        """Detect faces in a batch; if the batch fails, photo by photo, so one photo costs only itself."""
        try:
            return list(zip(prepared, self.pipeline.detect_many(cast("list[Decoded]", [p.decoded for p in prepared]))))
        except Exception as error:  # noqa: BLE001 - a detector failing on odd pixels must not end the scan
            if len(prepared) > 1:
                return [pair for p in prepared for pair in self._detect_batch([p], summary)]
            self._fail(prepared[0], _reason("detect", error), summary)
            return []

    def _flush(self, pending: list[tuple[Prepared, PhotoFaces]], summary: ScanSummary) -> None:
        """Analyse the faces of several photos in one batch, then store each photo.

        A batch an analyzer fails on is analysed again photo by photo: only the photo it
        fails on alone is recorded as failed."""
        try:
            self.pipeline.analyse([photo for _, photo in pending])
        except Exception as error:  # noqa: BLE001 - a model failing on odd pixels must not end the scan
            log.exception("analysis failed for %s", ", ".join(str(p.candidate.path) for p, _ in pending))
            if len(pending) > 1:
                for pair in pending:
                    self._flush([pair], summary)
            else:
                self._fail(pending[0][0], _reason("analyse", error), summary)
            return
        for prepared, photo in pending:
            try:
                self._store_analysis(prepared, photo, summary)
            except _PER_FILE_STORE_ERRORS as error:
                self._fail(prepared, _reason("store", error), summary)
                continue
            self._done += 1

    def _fail(self, prepared: Prepared, reason: str, summary: ScanSummary) -> None:
        self._store_failure(prepared.candidate, prepared.hash, reason, summary)
        self._done += 1

    def _facts(self, prepared: Prepared) -> FileFacts:
        c = prepared.candidate
        decoded = prepared.decoded
        return FileFacts(
            path=path_text(c.path),
            size=c.size,
            mtime=c.mtime,
            hash=prepared.hash,
            width=decoded.original_size[0] if decoded else None,
            height=decoded.original_size[1] if decoded else None,
            taken_at=decoded.taken_at if decoded else None,
        )

    def _store_analysis(self, prepared: Prepared, photo: PhotoFaces, summary: ScanSummary) -> None:
        def previews(face_ids: list[int]) -> Future[float]:
            """Handed to the previews worker: the model thread goes on with the next photo."""
            self._drain_previews(summary, PREVIEWS_AHEAD)
            return cast(ThreadPoolExecutor, self._preview_pool).submit(self._write_previews, prepared, photo, face_ids)

        self.store_faces(
            prepared.candidate, self._facts(prepared), photo.records, self.pipeline.versions, previews, summary
        )

    def store_faces(
        self,
        candidate: Candidate,
        facts: FileFacts,
        records: list,
        versions: dict[str, str],
        previews: Callable[[list[int]], Future[float] | None],
        summary: ScanSummary,
    ) -> None:
        """Store one analysed photo in one transaction (the local scan and the cluster scan share this).

        Keyed by path: storing the same photo twice replaces its faces, never adds a second set.
        `previews` writes the thumbnail and crops once the face ids are known.
        """
        start = time.perf_counter()
        old = photos.get_by_path(self.conn, path_text(candidate.path))
        old_faces = (
            [r[0] for r in self.conn.execute("SELECT id FROM faces WHERE photo_id = ?", (old.id,))] if old else []
        )
        with transaction(self.conn):
            decided = remember(self.conn, old.id) if old else []
            model_set = models.model_set_id(self.conn, versions)
            photo_id = photos.upsert(
                self.conn, facts, candidate.folder_id, PhotoStatus.OK, model_set_id=model_set, face_count=len(records)
            )
            face_ids = face_repo.replace_faces(self.conn, photo_id, records)
            mark_previews(self.conn, photo_id)
            mark_background(
                self.conn,
                list(zip(face_ids, records)),
                JunkRules(min_score=catalogue.background_score(self.config.detector)),
            )
            carry_over(self.conn, decided, [(i, r.box) for i, r in zip(face_ids, records)])
            if self.update_people:
                place_new_faces(self.conn, self._identity_index(), face_ids)
                mark_grouping(self.conn, face_ids)
        self.cache.remove_crops(old_faces)
        writing = previews(face_ids)
        if writing is None:  # written already
            previews_done(self.conn, photo_id)
        else:  # the mark is cleared once the worker has written them: a kill before leaves it for the next start
            self._previews.append((writing, photo_id))
        summary.scanned += 1
        summary.faces += len(face_ids)
        _add(summary, "store", start)

    def _drain_previews(self, summary: ScanSummary, keep: int) -> None:
        """Wait until at most `keep` photos' previews are still being written (their errors surface here)."""
        while len(self._previews) > keep:
            writing, photo_id = self._previews.popleft()
            waited = time.perf_counter()
            seconds = writing.result()
            _add(summary, "wait for previews", waited)
            previews_done(self.conn, photo_id)
            summary.stage_seconds["previews"] = summary.stage_seconds.get("previews", 0.0) + seconds

    def _write_previews(self, prepared: Prepared, photo: PhotoFaces, face_ids: list[int]) -> float:
        """On the previews worker; returns its seconds. A full or unwritable cache stops the scan like a
        full library; other errors cost only previews."""
        started = time.perf_counter()
        try:
            write_previews(
                self.cache,
                cast(str, prepared.hash),  # an analysed photo was hashed
                photo.decoded.image,
                photo.decoded.scale,
                [(i, r.box) for i, r in zip(face_ids, photo.records)],
                self.config.thumbnail_px,
                self.config.crop_px,
            )
        except OSError as error:
            if error.errno in _CACHE_FULL:
                raise write_failure(error, self.cache.root) from error
        except Exception:  # noqa: BLE001,S110 - the photo is stored; only its previews are missing
            pass
        return time.perf_counter() - started

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
                row = photos.get_by_path(self.conn, path_text(c.path))
                photos.touch(self.conn, cast("Photo", row).id, c.size, c.mtime)  # planned from its row
                summary.unchanged += 1
                return
            moved = photos.missing_with_hash(self.conn, cast(str, prepared.hash))  # a move was hashed
            if moved is not None:
                facts = FileFacts(path_text(c.path), c.size, c.mtime, prepared.hash)
                photos.move(self.conn, moved.id, facts, c.folder_id)
                summary.moved += 1
                return
        # the vanished twin was claimed by another copy: analyse this one afresh
        redo = self._decode(c, cast(str, prepared.hash))
        if redo.action == "fail":
            self._store_failure(c, prepared.hash, cast(str, redo.error), summary)  # a failure says why
        else:
            self._done -= 1  # the caller counts this photo once
            self._flush(self._detect([redo], summary), summary)

    def _store_failure(self, candidate: Candidate, digest: str | None, reason: str, summary: ScanSummary) -> None:
        """Record the file as failed, with why; a failure to record it is itself only reported."""
        key = path_text(candidate.path)
        try:
            with transaction(self.conn):
                photos.upsert(
                    self.conn,
                    FileFacts(key, candidate.size, candidate.mtime, digest),
                    candidate.folder_id,
                    PhotoStatus.FAILED,
                    error=reason,
                )
        except _PER_FILE_STORE_ERRORS as error:
            reason = f"{reason} (not recorded in the library: {error})"
        summary.failed.append((key, reason))
