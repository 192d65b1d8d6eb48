"""The Qt side of the Library: its callbacks (on the writer thread) become signals on the GUI thread.

Pause and Cancel go straight to the library's thread-safe flags: nothing waits in a queue
behind the running scan.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from faceorg.library import Library, OpChanges
from faceorg.people.decisions import DecisionError
from faceorg.scan.progress import ScanProgress, ScanSummary

CATCH_UP_SECONDS = 1.5
"""During a scan the views catch up with the new photos at most this often."""

log = logging.getLogger(__name__)


class LibraryWorker(QObject):
    """Lives on the GUI thread; signals emitted from the writer thread are queued to it."""

    progress = Signal(object)  # ScanProgress
    scanFinished = Signal(object)  # ScanSummary
    failed = Signal(str)
    libraryChanged = Signal(object)  # OpChanges
    _done = Signal(object, object)  # (callback, result or error)

    def __init__(self, library: Library):
        super().__init__()
        self.library = library
        self._last_change = 0.0
        self._done.connect(lambda callback, outcome: callback(outcome))
        library.on_change(self.libraryChanged.emit)

    # thread-safe controls: plain flags, never queued behind the scan
    def cancel(self) -> None:
        self.library.control.cancel()

    def pause(self, paused: bool) -> None:
        self.library.control.pause(paused)

    def _on_progress(self, p: ScanProgress) -> None:
        self.progress.emit(p)
        now = time.monotonic()
        if now - self._last_change > CATCH_UP_SECONDS:
            self._last_change = now
            self.library.scan_changed()

    def scan(self, paths: list[str | Path]) -> None:
        future = self.library.scan(paths, progress=self._on_progress)
        future.add_done_callback(self._scan_done)

    def _scan_done(self, future: Future) -> None:
        try:
            summary = future.result()
        except Exception as error:  # reported to the user as a message, never a traceback dialog
            log.exception("library worker")
            self.failed.emit(f"The scan stopped: {error}")
            summary = ScanSummary(cancelled=True)
        self.scanFinished.emit(summary)

    def run(
        self,
        future: Future,
        on_done: Callable[[Any, OpChanges], None] | None = None,
        on_error: Callable[[DecisionError], None] | None = None,
    ) -> None:
        """Deliver an operation's outcome on the GUI thread: `on_done(result, changes)`, or the
        decision's refusal to `on_error` (default: the `failed` signal with its text)."""

        def finished(f: Future) -> None:
            try:
                result, changes = f.result()
            except DecisionError as error:
                self._done.emit(on_error or (lambda e: self.failed.emit(str(e))), error)
                return
            except Exception as error:
                log.exception("library operation")
                self._done.emit(lambda e: self.failed.emit(f"That did not work: {e}"), error)
                return
            if on_done is not None:
                self._done.emit(lambda outcome: on_done(*outcome), (result, changes))

        future.add_done_callback(finished)
