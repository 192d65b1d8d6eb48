"""Issue 11 item 5: the list of files that could not be read (with Retry), the month headers, excluded folders."""

from __future__ import annotations

import shutil

from tests.helpers import SELFTEST_PHOTO
from tests.ui.test_main_window import drop_paths


def _rows(dialog) -> list[tuple[str, str]]:
    table = dialog.table
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_a_broken_file_is_listed_with_its_reason_and_leaves_after_a_good_retry(window, qtbot, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(SELFTEST_PHOTO, folder / "good.jpg")
    broken = folder / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 this is not really a JPEG")
    with qtbot.waitSignal(window.worker.scanFinished, timeout=300_000):
        drop_paths(window, [folder])

    dialog = window.open_failures()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    [(path, reason)] = _rows(dialog)
    assert path.endswith("broken.jpg")
    assert reason.startswith(("decode:", "read:")) and len(reason.split(":", 1)[1].strip()) > 3, reason
    assert "1 file could not be read" in dialog.summary.text()
    dialog.grab().save(str(tmp_path / "failures.png"))

    shutil.copy(SELFTEST_PHOTO, broken)
    with qtbot.waitSignal(window.worker.scanFinished, timeout=300_000) as finished:
        dialog.retry.click()
    assert finished.args[0].failed == []
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=10_000)
    assert "Every file" in dialog.summary.text()
