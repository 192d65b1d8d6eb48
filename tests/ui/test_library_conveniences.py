"""Issue 11 item 5: the list of files that could not be read (with Retry), the month headers, excluded folders."""

from __future__ import annotations

import datetime as dt
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


def _dated_library(config, tmp_path) -> dict[str, float]:
    """Photos taken in three months, stored out of order; their names say the month."""
    from PIL import Image

    from faceorg.core.paths import path_text
    from faceorg.core.photo import PhotoStatus
    from faceorg.store import photos
    from faceorg.store.db import connect

    taken = {
        "2022-07-b.jpg": (2022, 7, 30),
        "2021-03-a.jpg": (2021, 3, 1),
        "2023-01-a.jpg": (2023, 1, 15),
        "2021-03-b.jpg": (2021, 3, 31),
        "2022-07-a.jpg": (2022, 7, 1),
    }
    folder = tmp_path / "dated"
    folder.mkdir()
    conn = connect(config.db_path)
    folder_id = photos.ensure_folder(conn, path_text(folder))
    for i, (name, (y, m, d)) in enumerate(taken.items()):
        path = folder / name
        Image.new("RGB", (64, 48), (40 * i, 90, 160)).save(path)
        when = dt.datetime(y, m, d, 12).timestamp()
        facts = photos.FileFacts(path_text(path), path.stat().st_size, path.stat().st_mtime, f"{i:032x}", 64, 48, when)
        photos.upsert(conn, facts, folder_id, PhotoStatus.OK)
    conn.close()
    return {name: dt.datetime(*ymd).timestamp() for name, ymd in taken.items()}


def _shown(model) -> list[str]:
    return [model.header(r) or model.item(model.index(r)).name for r in range(model.rowCount())]


def test_month_headers_come_in_date_order_with_each_photo_under_its_month(qtbot, config, tmp_path):
    from PySide6.QtCore import QSettings

    from faceorg.ui.main_window import MainWindow

    _dated_library(config, tmp_path)
    window = MainWindow(config, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window.photos.model.rowCount() == 5, timeout=10_000)
    assert window.photos.model.header_labels == [], "not grouped until asked"

    with qtbot.waitSignal(window.photosShown, timeout=10_000):
        window.group_action.trigger()
    model, grid = window.photos.model, window.photos.grid
    assert _shown(model) == [
        "March 2021",
        "2021-03-a.jpg",
        "2021-03-b.jpg",
        "July 2022",
        "2022-07-a.jpg",
        "2022-07-b.jpg",
        "January 2023",
        "2023-01-a.jpg",
    ]
    qtbot.waitUntil(lambda: grid.visualRect(model.index(7, 0)).height() > 0, timeout=5000)
    for row in (0, 3, 6):  # each header has a line of its own, its month's photos below it
        header, first = grid.visualRect(model.index(row, 0)), grid.visualRect(model.index(row + 1, 0))
        assert header.width() > grid.viewport().width() * 0.8
        assert first.top() >= header.bottom() and first.left() == header.left()
    assert not model.flags(model.index(3, 0)) & model.flags(model.index(4, 0)).ItemIsSelectable
    window.open_photo(model.index(4, 0))  # the viewer counts photos, not header rows
    assert window.viewer_list[window.viewer_row].name == "2022-07-a.jpg"
    window.close_viewer()
    assert grid.currentIndex().row() == 4
    window.stack.setCurrentWidget(window.photos)
    window.grab().save(str(tmp_path / "grouped.png"))

    with qtbot.waitSignal(window.photosShown, timeout=10_000):
        window.set_order("name")  # by name there are no months to head
    assert model.rowCount() == 5 and model.header_labels == []
    window.close()


def test_settings_exclude_a_folder_and_the_next_scan_skips_it(qtbot, config, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QPushButton

    from faceorg.store.db import connect
    from faceorg.store.excluded import excluded_folders
    from faceorg.ui.main_window import MainWindow

    _dated_library(config, tmp_path)
    private = tmp_path / "dated" / "private"
    private.mkdir()
    window = MainWindow(config, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: len(window.folder_paths) == 1, timeout=10_000)
    dialog = window.open_settings()
    assert dialog.excluded.count() == 0
    assert dialog.exclude_folder(str(private))
    qtbot.waitUntil(lambda: dialog.excluded.count() == 1, timeout=10_000)
    assert dialog.excluded.item(0).text() == str(private.resolve())
    conn = connect(config.db_path)
    assert excluded_folders(conn) == [str(private.resolve())], "stored in this library's file"
    conn.close()
    dialog.grab().save(str(tmp_path / "settings.png"))

    dialog.excluded.setCurrentRow(0)
    dialog.findChild(QPushButton, "includeButton").click()
    qtbot.waitUntil(lambda: dialog.excluded.count() == 0, timeout=10_000)
    dialog.close()
    window.close()
