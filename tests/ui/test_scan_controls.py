"""Pause, Cancel and quitting during a real scan of real photos: the buttons act while the scan runs."""

from __future__ import annotations

import time

from faceorg.scan.scanner import PHOTOS_PER_FLUSH
from faceorg.store.db import connect
from tests.helpers import copy_photos
from tests.ui.test_main_window import drop_paths

PHOTOS = [f"img{i}.jpg" for i in range(1, 15)]
ONE_BATCH = PHOTOS_PER_FLUSH + 1
"""What may still be stored after Cancel or Pause: the batch in the models' hands at that moment."""


def stored(config) -> int:
    conn = connect(config.db_path)
    try:
        return conn.execute("SELECT COUNT(*) FROM photos WHERE status = 'ok'").fetchone()[0]
    finally:
        conn.close()


def start_scan(window, qtbot, faces_dir, tmp_path, config) -> None:
    folder = tmp_path / "photos"
    copy_photos(faces_dir, PHOTOS, folder)
    drop_paths(window, [folder])
    qtbot.waitUntil(lambda: stored(config) >= 2, timeout=300_000)  # models loaded, photos flowing


def test_cancel_stops_the_scan_within_one_batch(window, qtbot, faces_dir, tmp_path, config):
    start_scan(window, qtbot, faces_dir, tmp_path, config)
    with qtbot.waitSignal(window.worker.scanFinished, timeout=60_000) as finished:
        at_cancel = stored(config)
        clicked = time.perf_counter()
        window.scan_status.cancel.click()
    print(f"Cancel to scan stopped: {time.perf_counter() - clicked:.2f} s")
    summary = finished.args[0]
    assert summary.cancelled
    assert stored(config) - at_cancel <= ONE_BATCH
    assert stored(config) < len(PHOTOS)
    assert not window.scan_status.cancel.isVisible()


def test_pause_holds_the_scan_and_resume_finishes_it(window, qtbot, faces_dir, tmp_path, config):
    start_scan(window, qtbot, faces_dir, tmp_path, config)
    window.scan_status.pause.click()
    at_pause = stored(config)
    assert window.scan_status.pause.text() == "Resume"
    qtbot.wait(4000)  # long enough for a batch in flight to land
    held = stored(config)
    qtbot.wait(3000)
    assert stored(config) == held, "a paused scan must not store more photos"
    assert held - at_pause <= ONE_BATCH
    assert held < len(PHOTOS)
    with qtbot.waitSignal(window.worker.scanFinished, timeout=600_000) as finished:
        window.scan_status.pause.click()
    assert not finished.args[0].cancelled
    assert stored(config) == len(PHOTOS)


def test_quitting_mid_scan_takes_under_two_seconds(window, qtbot, faces_dir, tmp_path, config):
    start_scan(window, qtbot, faces_dir, tmp_path, config)
    started = time.perf_counter()
    window.close()
    took = time.perf_counter() - started
    print(f"close() mid-scan: {took:.2f} s")
    assert took < 2.0
    qtbot.waitUntil(lambda: not window.library._writer._thread.is_alive(), timeout=60_000)
    assert stored(config) < len(PHOTOS)
