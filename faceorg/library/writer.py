"""The one writer: a thread with its own connection that runs every change, one at a time.

Scans run here too; between photos a scan lets queued operations through (`run_pending`), so
renaming a person never waits for a scan to end and there is only ever one writer. The thread
is a daemon: quitting mid-scan need not wait for the model to finish a batch, and SQLite rolls
back a transaction cut short.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, cast

Work = Callable[[sqlite3.Connection], Any]


@dataclass
class _Item:
    work: Work
    future: Future
    nestable: bool  # may run inside a scan's pause between photos (a scan itself may not)


class Writer:
    def __init__(self, open_connection: Callable[[], sqlite3.Connection]):
        self._open = open_connection
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._deferred: deque[_Item] = deque()
        self._thread = threading.Thread(target=self._loop, name="faceorg-writer", daemon=True)
        self._conn: sqlite3.Connection | None = None
        self._stopped = False
        self._thread.start()

    def submit(self, work: Work, nestable: bool = True) -> Future:
        """Queue `work`; once the writer is stopping, the future comes back cancelled (nobody waits forever)."""
        future: Future = Future()
        if self._stopped:
            future.cancel()
            return future
        self._queue.put(_Item(work, future, nestable))
        return future

    def run_pending(self) -> None:
        """Run the queued nestable operations now; only the writer thread calls this (from a scan)."""
        assert threading.current_thread() is self._thread, "run_pending belongs to the writer thread"
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self._queue.put(None)  # the stop sentinel: leave it for the main loop
                return
            if item.nestable:
                self._run(item)
            else:
                self._deferred.append(item)

    def _run(self, item: _Item) -> None:
        if not item.future.set_running_or_notify_cancel():
            return
        try:
            item.future.set_result(item.work(cast(sqlite3.Connection, self._conn)))  # opened by _loop before any _run
        except BaseException as error:  # handed to whoever waits on the future
            item.future.set_exception(error)

    def _loop(self) -> None:
        self._conn = self._open()
        try:
            while True:
                item = self._deferred.popleft() if self._deferred else self._queue.get()
                if item is None:
                    break
                self._run(item)
        finally:
            self._conn.close()
            self._cancel_left()

    def _cancel_left(self) -> None:
        """Operations still queued when the writer stops are cancelled, so nobody waits on them forever."""
        left = list(self._deferred)
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not None:
                left.append(item)
        for item in left:
            item.future.cancel()

    def stop(self, timeout: float | None = None) -> bool:
        """Ask the thread to end after the current operation; True if it ended within `timeout`."""
        self._stopped = True
        self._queue.put(None)
        self._thread.join(timeout)
        return not self._thread.is_alive()
