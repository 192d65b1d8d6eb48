"""One scan at a time per library: an OS file lock beside the library file.

The operating system releases the lock when its process ends, however it ends (kill -9
included), so a crashed scan never leaves a stale lock. A second scan waits for the
first; work that must not wait (finishing pending work as the app starts) asks
without waiting and is told the library is busy.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from faceorg.store.db import StoreError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


class LibraryBusy(StoreError):
    """Another process is scanning this library."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".scan-lock")


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False


@contextmanager
def scan_lock(
    db_path: Path | None, wait: bool = True, on_wait: Callable[[], None] | None = None, poll_seconds: float = 0.2
) -> Iterator[None]:
    """Hold the library's scan lock; waits for it (telling `on_wait` once) or raises `LibraryBusy`."""
    if db_path is None:  # an in-memory library has no other process
        yield
        return
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            if not wait:
                raise LibraryBusy(f"another faceorg process is scanning {db_path}")
            if on_wait is not None:
                on_wait()
            while not _try_lock(fd):
                time.sleep(poll_seconds)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock
