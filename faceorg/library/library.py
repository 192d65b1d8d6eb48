"""The Library: the one object the desktop app and the command line talk to (Anki's collection).

It owns the writer (one thread, one connection: every change and every scan runs there), the
scan controls, the per-library cache folder and the filter snapshot. Every change is an
operation: it runs on the writer inside one transaction and returns `OpChanges`, so a view
refreshes only what changed. Reads open their own connections (`reader`) on any thread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faceorg.config import Config, default_config
from faceorg.library import ops
from faceorg.library.changes import OpChanges
from faceorg.library.control import ScanControl
from faceorg.library.writer import Writer
from faceorg.scan.attribute_pass import AttributePass, AttributeProgress, AttributeSummary
from faceorg.scan.progress import ScanProgress, ScanSummary
from faceorg.store.cache import CachePaths
from faceorg.store.db import connect, transaction
from faceorg.store.face_index import FaceIndex

if TYPE_CHECKING:
    from faceorg.scan.scanner import Scanner

Operation = Callable[[sqlite3.Connection, CachePaths], tuple[Any, OpChanges]]


class Library:
    def __init__(self, config: Config, pipeline_factory=None, scanner_factory=None, attribute_model=None):
        """`scanner_factory(conn, config, cache)` replaces the local Scanner (the Ray scan uses it);
        `attribute_model` the attribute pass's models (tests and benches pass a subset)."""
        self.config = config
        self._attribute_model = attribute_model
        self._scanner_factory = scanner_factory
        self.cache = CachePaths.for_library(config.cache_dir, config.db_path)
        if Path(config.db_path).expanduser().resolve() == default_config().db_path.resolve():
            self.cache.adopt_shared(config.cache_dir)  # covers made before caches were per library
        self.control = ScanControl()
        self._pipeline_factory = pipeline_factory
        self._scanner: Scanner | None = None
        self._attribute_pass: AttributePass | None = None
        self._scans_asked = 0  # scans queued or running: the attribute pass steps aside meanwhile
        self._scans_lock = threading.Lock()
        self._attribute_lock = threading.Lock()
        self._generation = 0
        self._snapshots: dict[bool, tuple[int, FaceIndex]] = {}
        self._snapshot_locks = {True: threading.Lock(), False: threading.Lock()}
        self._listeners: list[Callable[[OpChanges], None]] = []
        connect(config.db_path).close()  # create and migrate the file before any reader opens it
        self._writer = Writer(lambda: connect(config.db_path))

    # -- reading -------------------------------------------------------------------
    def reader(self) -> sqlite3.Connection:
        """A connection for reads on the calling thread (WAL: readers never wait for the writer)."""
        return connect(self.config.db_path, migrate=False)

    def snapshot(self, conn: sqlite3.Connection, with_faces: bool = True) -> FaceIndex:
        """The filter snapshot, reloaded after a change made it stale. Without faces it is the
        photo order alone, so an unfiltered grid paints quickly."""
        generation = self._generation
        full = self._snapshots.get(True)
        if full is not None and full[0] == generation:
            return full[1]
        with self._snapshot_locks[with_faces]:  # one lock per kind: the quick one never waits for the full one
            cached = self._snapshots.get(with_faces)
            if cached is None or cached[0] != generation:
                cached = (generation, FaceIndex.load(conn, with_faces=with_faces))
                self._snapshots[with_faces] = cached
            return cached[1]

    def snapshot_ready(self) -> bool:
        full = self._snapshots.get(True)
        return full is not None and full[0] == self._generation

    # -- changing ------------------------------------------------------------------
    def on_change(self, listener: Callable[[OpChanges], None]) -> None:
        """`listener(changes)` is called on the writer thread after every operation that changed something."""
        self._listeners.append(listener)

    def _changed(self, changes: OpChanges) -> None:
        if changes.snapshot_stale:
            self._generation += 1
        for listener in self._listeners:
            listener(changes)

    def submit(self, operation: Operation, atomic: bool = True) -> Future:
        """Run `operation(conn, cache)` on the writer, in one transaction unless it must manage its
        own (forgetting checkpoints the WAL after committing); the future holds (result, OpChanges)."""

        def work(conn: sqlite3.Connection):
            if atomic:
                with transaction(conn):
                    result, changes = operation(conn, self.cache)
            else:
                result, changes = operation(conn, self.cache)
            self._changed(changes)
            return result, changes

        return self._writer.submit(work)

    def perform(self, operation: Operation, atomic: bool = True) -> tuple[Any, OpChanges]:
        """`submit` and wait: for the command line and tests."""
        return self.submit(operation, atomic).result()

    # -- scanning ------------------------------------------------------------------
    def scan(
        self,
        paths: list[str | Path],
        progress: Callable[[ScanProgress], None] | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> Future:
        """Scan on the writer; between photos it lets queued operations through and obeys
        `control` (pause, cancel). `on_wait` hears if another process's scan of this library
        must finish first. The future holds the ScanSummary."""
        self.control.reset()
        self._count_scan(+1)

        def work(conn: sqlite3.Connection) -> ScanSummary:
            def between_photos() -> bool:
                self._writer.run_pending()
                return self.control.checkpoint(self._writer.run_pending)

            try:
                summary = self._scanner_for(conn).scan(
                    paths, progress=progress, should_stop=between_photos, on_wait=on_wait
                )
            finally:
                self._count_scan(-1)
                self._changed(OpChanges(people=True, faces=True, photos=True))
            return summary

        return self._writer.submit(work, nestable=False)

    def _scanner_for(self, conn: sqlite3.Connection):
        from faceorg.scan.scanner import Scanner

        if self._scanner is None or self._scanner.conn is not conn:
            if self._scanner_factory is not None:
                self._scanner = self._scanner_factory(conn, self.config, self.cache)
            else:
                self._scanner = Scanner(conn, self.config, self._pipeline_factory, cache=self.cache)
        return self._scanner

    def _count_scan(self, step: int) -> None:
        with self._scans_lock:
            self._scans_asked += step

    def scan_changed(self) -> None:
        """Called while a scan runs (from its progress): new photos are in, views may catch up."""
        self._changed(OpChanges(people=True, faces=True, photos=True))

    # -- the second pass: attributes -----------------------------------------------
    def find_attributes(self, progress: Callable[[AttributeProgress], None] | None = None) -> Future:
        """The attribute pass (glasses, hats, hair ...), resumable, on a background thread of its
        own: only reading the pending faces and storing each batch's answers go through the
        writer, so a rename or a merge never waits behind a batch of parsing. Between batches it
        obeys `control` like a scan and steps aside (stops, to be started again) while a scan is
        asked for or running: the first pass never shares the CPU with it. The future holds the
        AttributeSummary."""
        self.control.reset()

        def should_stop() -> bool:
            return self._scans_asked > 0 or self.control.checkpoint()

        def work() -> AttributeSummary:
            summary = None
            with self._attribute_lock:  # one pass at a time: the models are not shared between threads
                try:
                    summary = self._attribute_pass_for().run(progress, should_stop=should_stop)
                    return summary
                except CancelledError:  # the library closed under it: what was stored stays, the rest waits
                    return AttributeSummary(cancelled=True)
                finally:
                    if summary is None or summary.done or summary.failed or summary.refreshed:
                        self._changed(OpChanges(faces=True))

        return _in_background(work, "faceorg-attributes")

    def _on_writer(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run one short piece of work on the writer and wait for it (the attribute pass's reads and writes)."""
        return self._writer.submit(work).result()

    def _attribute_pass_for(self) -> AttributePass:
        """Kept between runs, so the models load once; dropped when a model is imported."""
        if self._attribute_pass is None:
            self._attribute_pass = AttributePass(
                None, self.config, model=self._attribute_model, on_writer=self._on_writer
            )
        return self._attribute_pass

    def attributes_changed(self) -> None:
        """Called while the attribute pass runs: new values are in, the filter bar may offer more."""
        self._changed(OpChanges(faces=True))

    def import_swinface(self, source: Path) -> Future:
        """`faceorg models import`: check and copy the checkpoint into the user's model folder (on
        the writer, so no attribute pass is mid-batch with the old models); the future holds its path
        or raises ImportRefused with one sentence."""

        def work(_conn: sqlite3.Connection) -> Path:
            from faceorg.vision.swinface import import_checkpoint

            target = import_checkpoint(Path(source), self.config.user_models_dir)
            self._attribute_pass = None
            return target

        return self._writer.submit(work)

    # -- the user's decisions, as operations ---------------------------------------
    def rename(self, person_id: int, name: str) -> Future:
        return self.submit(lambda conn, _cache: ops.rename(conn, person_id, name))

    def merge(self, target_id: int, source_ids: list[int]) -> Future:
        return self.submit(lambda conn, _cache: ops.merge(conn, target_id, source_ids))

    def move_faces(self, face_ids: list[int], person_id: int) -> Future:
        return self.submit(lambda conn, _cache: ops.move_faces(conn, face_ids, person_id))

    def new_person(self, face_ids: list[int], name: str | None) -> Future:
        return self.submit(lambda conn, _cache: ops.new_person(conn, face_ids, name))

    def name_faces(self, face_ids: list[int], name: str) -> Future:
        """Faces go to the person with that name, or to a new person called so."""
        return self.submit(lambda conn, _cache: ops.name_faces(conn, face_ids, name))

    def reject(self, face_ids: list[int]) -> Future:
        return self.submit(lambda conn, _cache: ops.reject(conn, face_ids))

    def hide(self, person_id: int, hidden: bool) -> Future:
        return self.submit(lambda conn, _cache: ops.hide(conn, person_id, hidden))

    def set_cover(self, person_id: int, face_id: int) -> Future:
        return self.submit(lambda conn, _cache: ops.set_cover(conn, person_id, face_id))

    def suggest_split(self, person_id: int) -> Future:
        return self.submit(lambda conn, _cache: ops.suggest_split(conn, person_id))

    def split(self, person_id: int, groups: list[list[int]]) -> Future:
        return self.submit(lambda conn, _cache: ops.split(conn, person_id, groups))

    def forget(self, person_id: int) -> Future:
        return self.submit(lambda conn, cache: ops.forget(conn, person_id, cache), atomic=False)

    def undo(self) -> Future:
        return self.submit(lambda conn, _cache: ops.undo(conn))

    def remove_folder(self, folder_id: int) -> Future:
        return self.submit(lambda conn, cache: ops.remove_folder(conn, folder_id, cache), atomic=False)

    def retry_failed(self, paths: list[str]) -> Future:
        """The future holds the folders to rescan so these failed files are attempted again."""
        return self.submit(lambda conn, _cache: ops.retry_failed(conn, paths))

    def set_excluded(self, path: str, skip: bool) -> Future:
        """A folder the scan skips (or no longer skips); the future holds the excluded folders."""
        return self.submit(lambda conn, _cache: ops.set_excluded(conn, path, skip))

    def recluster(self) -> Future:
        return self.submit(lambda conn, _cache: ops.recluster(conn))

    # -- the end -------------------------------------------------------------------
    def close(self, timeout: float | None = 1.5) -> bool:
        """Cancel any scan and stop the writer; True when it ended within `timeout` seconds. If
        not (a model mid-batch), the daemon thread dies with the process and SQLite rolls back
        the photo it was storing."""
        self.control.cancel()
        return self._writer.stop(timeout)


def _in_background(work: Callable[[], Any], name: str) -> Future:
    """Run `work` on a thread of its own. Not a daemon: an interpreter's exit (the CLI, tests) waits
    for the batch in hand once `close` has cancelled it, so no model's native threads are torn down
    under it ("terminate called without an active exception"); the app ends with os._exit anyway."""
    future: Future = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)

    threading.Thread(target=run, name=name, daemon=False).start()
    return future
