"""The one background thread that owns the models and writes scans into the library.

The GUI thread never runs a model or a long query: it asks this worker to scan or
re-cluster and hears back through queued signals. Pause and cancel are thread-safe
flags the scan loop looks at between photos.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from faceorg.config import Config
from faceorg.people.recluster import recluster
from faceorg.scan.progress import ScanProgress, ScanSummary
from faceorg.scan.scanner import Scanner
from faceorg.store.db import connect

log = logging.getLogger(__name__)


class LibraryWorker(QObject):
    """Lives in its own QThread; every slot runs there."""

    progress = Signal(object)  # ScanProgress
    scanFinished = Signal(object)  # ScanSummary
    reclustered = Signal(object)  # ReclusterReport
    failed = Signal(str)
    libraryChanged = Signal()

    def __init__(self, config: Config, pipeline_factory=None):
        super().__init__()
        self.config = config
        self._pipeline_factory = pipeline_factory
        self._scanner: Scanner | None = None
        self._cancel = threading.Event()
        self._resume = threading.Event()
        self._resume.set()
        self._last_change = 0.0

    def _get_scanner(self) -> Scanner:
        if self._scanner is None:
            self._scanner = Scanner(connect(self.config.db_path), self.config, self._pipeline_factory)
        return self._scanner

    # thread-safe controls, called from the GUI thread
    def cancel(self) -> None:
        self._cancel.set()
        self._resume.set()

    def pause(self, paused: bool) -> None:
        if paused:
            self._resume.clear()
        else:
            self._resume.set()

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    def _should_stop(self) -> bool:
        self._resume.wait()
        return self._cancel.is_set()

    def _on_progress(self, p: ScanProgress) -> None:
        self.progress.emit(p)
        import time

        now = time.monotonic()
        if now - self._last_change > 1.5:
            self._last_change = now
            self.libraryChanged.emit()

    @Slot(list)
    def scan(self, paths: list[str]) -> None:
        self._cancel.clear()
        try:
            summary = self._get_scanner().scan(paths, progress=self._on_progress, should_stop=self._should_stop)
        except Exception as error:  # reported to the user as a message, never a traceback dialog
            log.exception("library worker")
            self.failed.emit(f"The scan stopped: {error}")
            summary = ScanSummary(cancelled=True)
        self.scanFinished.emit(summary)
        self.libraryChanged.emit()

    @Slot()
    def recluster(self) -> None:
        try:
            report = recluster(self._get_scanner().conn)
        except Exception as error:
            log.exception("library worker")
            self.failed.emit(f"Re-grouping people failed: {error}")
            return
        self.reclustered.emit(report)
        self.libraryChanged.emit()

    @Slot()
    def shutdown(self) -> None:
        if self._scanner is not None:
            self._scanner.conn.close()
            self._scanner = None


def start_worker(config: Config, pipeline_factory=None) -> tuple[LibraryWorker, QThread]:
    thread = QThread()
    thread.setObjectName("faceorg-library-worker")
    worker = LibraryWorker(config, pipeline_factory)
    worker.moveToThread(thread)
    thread.start()
    return worker, thread
