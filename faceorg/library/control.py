"""Pause and Cancel for a running scan: plain thread-safe flags the scan loop reads between photos.

They are set from any thread (the GUI's buttons, Ctrl-C, quitting) and never wait for the
scan, which is what makes them work while the scan is busy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class ScanControl:
    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def cancel(self) -> None:
        self._cancel.set()
        self._running.set()  # a paused scan must wake up to stop

    def pause(self, paused: bool = True) -> None:
        if paused and not self._cancel.is_set():
            self._running.clear()
        else:
            self._running.set()

    def reset(self) -> None:
        """Before a new scan: not cancelled, not paused."""
        self._cancel.clear()
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def checkpoint(self, while_paused: Callable[[], None] = lambda: None, poll: float = 0.05) -> bool:
        """Called by the scan loop between photos: holds while paused (running `while_paused`
        meanwhile, so the user's decisions still go through), then says whether to stop."""
        while not self._running.wait(poll):
            while_paused()
        return self._cancel.is_set()
