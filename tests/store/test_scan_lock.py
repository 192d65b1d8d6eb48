"""One scan at a time per library: a second process's scan waits for the first, and the lock
dies with its process, however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from faceorg.store.lock import LibraryBusy, lock_path, scan_lock

REPO = Path(__file__).resolve().parents[2]
HOLD = (
    "import sys, time; from pathlib import Path; from faceorg.store.lock import scan_lock\n"
    "with scan_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(float(sys.argv[2]))\n"
)


def _holder(db: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_scan_waits_for_the_first_process(tmp_path, config):
    from faceorg.scan.scanner import Scanner
    from faceorg.store.db import connect

    (tmp_path / "empty").mkdir()
    holder = _holder(config.db_path, 2.0)
    waited: list[float] = []
    started = time.monotonic()
    conn = connect(config.db_path)
    Scanner(conn, config, lambda: pytest.fail("nothing to analyse")).scan(
        [tmp_path / "empty"], on_wait=lambda: waited.append(time.monotonic() - started)
    )
    assert waited, "the second scan was told it waits"
    assert holder.wait(timeout=10) == 0
    assert time.monotonic() - started >= 1.0, "it ran only once the first had finished"


def test_a_killed_scan_leaves_no_stale_lock(tmp_path):
    db = tmp_path / "library.db"
    holder = _holder(db, 60)
    with pytest.raises(LibraryBusy):
        with scan_lock(db, wait=False):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    with scan_lock(db, wait=False):
        assert lock_path(db).exists()
