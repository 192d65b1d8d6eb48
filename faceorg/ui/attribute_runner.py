"""The desktop's second pass: after a scan (and at start when faces wait), the Library finds attributes.

The pass runs on the Library's own background thread (its models never hold the writer, so
the user's decisions go straight through), so the window only starts it, shows its progress in the
scan's status area (its Pause and Cancel act on it too) and lets the filter bar catch up while
values arrive. A scan asked for meanwhile makes the pass step aside; it starts again after.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future

from PySide6.QtCore import QObject, Signal

from faceorg.library import Library
from faceorg.scan.attribute_pass import AttributeProgress, AttributeSummary

CATCH_UP_SECONDS = 5.0
"""While the pass runs, the filter snapshot reloads at most this often (new pills appear)."""

log = logging.getLogger(__name__)


class AttributeRunner(QObject):
    progress = Signal(object)  # AttributeProgress, on the GUI thread
    finished = Signal(object)  # AttributeSummary
    failed = Signal(str)

    def __init__(self, library: Library, scanning: Callable[[], bool], parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self._scanning = scanning
        self.running = False
        self._again = False
        self._last_change = 0.0
        self.finished.connect(self._finished)  # queued from the writer thread to this (GUI) thread

    def start(self) -> None:
        """Start the pass, or run it once more after the current one (a model was imported)."""
        if self._scanning():
            return  # the scan's end starts it
        if self.running:
            self._again = True
            return
        self.running, self._again = True, False
        self.library.find_attributes(self._on_progress).add_done_callback(self._done)

    def after_scan(self, summary) -> None:
        if not summary.cancelled:
            self.start()

    def _on_progress(self, p: AttributeProgress) -> None:  # on the pass's thread
        if p.total:
            self.progress.emit(p)
        now = time.monotonic()
        if p.done and now - self._last_change > CATCH_UP_SECONDS:
            self._last_change = now
            self.library.attributes_changed()

    def _done(self, future: Future) -> None:  # on the pass's thread; the signal is queued to the GUI
        try:
            summary = future.result()
        except Exception as error:  # a message, never a traceback dialog; the scan's results stand
            log.exception("attribute pass")
            self.failed.emit(f"Finding attributes stopped: {error}")
            summary = AttributeSummary(cancelled=True)
        self.finished.emit(summary)

    def _finished(self, summary: AttributeSummary) -> None:
        self.running = False
        if self._again and not summary.cancelled:
            self.start()


def install(window) -> AttributeRunner:
    """Wire the pass into the window: its status area, its messages, the end of every scan, and now."""
    runner = AttributeRunner(window.library, lambda: window.scanning, window)
    status = window.scan_status
    runner.progress.connect(lambda p: None if window.scanning else status.show_attributes(p))
    runner.finished.connect(lambda s: None if window.scanning else status.show_attributes_done(s))
    runner.failed.connect(window.notify)
    window.worker.scanFinished.connect(runner.after_scan)  # after the window's own handler
    runner.start()  # faces left waiting by an earlier session
    return runner
