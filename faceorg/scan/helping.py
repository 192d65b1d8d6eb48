"""A job handed to a worker that the thread waiting for it may do itself if the worker has not begun.

A scan thread that would otherwise sit idle until a busy worker reaches its job does the job
instead: on a busy computer the worker may wait a long time for a core, while the waiting
thread already has one. The job runs exactly once, by whichever thread starts it first.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from typing import Generic, TypeVar

T = TypeVar("T")


class Job(Generic[T]):
    def __init__(self, pool: Executor, function: Callable[..., T], *args: object):
        self._run = partial(function, *args)
        self._future = pool.submit(self._run)

    def result(self) -> T:
        """The job's result: done here if the worker has not started it, else waited for. Call once."""
        if self._future.cancel():
            return self._run()
        return self._future.result()
