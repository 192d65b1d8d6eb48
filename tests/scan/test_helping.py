"""A job the waiting thread takes over when the worker has not begun it, and only then."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from faceorg.scan.helping import Job


def test_a_job_the_busy_worker_has_not_begun_is_done_by_the_waiting_thread_once():
    release = threading.Event()
    ran: list[str] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        blocker = Job(pool, release.wait)  # the worker is busy with this one
        job = Job(pool, lambda: ran.append(threading.current_thread().name) or len(ran))
        assert job.result() == 1
        release.set()
        assert blocker.result() is True
    assert ran == [threading.current_thread().name], "done here, and not again by the worker"


def test_a_job_the_worker_has_begun_is_waited_for_not_done_twice():
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def work() -> int:
        started.set()
        release.wait()
        ran.append(threading.current_thread().name)
        return 7

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker") as pool:
        job = Job(pool, work)
        started.wait()
        threading.Timer(0.05, release.set).start()
        assert job.result() == 7
    assert len(ran) == 1 and ran[0].startswith("worker")
