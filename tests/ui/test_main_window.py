"""Driving the real main window: drop a folder, watch people appear, rename, filter."""

from __future__ import annotations

import time

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel

from faceorg.core.filters import Filter
from faceorg.store import browse, people
from faceorg.store.db import connect
from faceorg.store.face_index import FaceIndex
from tests.helpers import copy_photos


def drop_paths(window, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted(), "the window must accept a dragged folder"
    drop = QDropEvent(
        QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, drop)


def wait_for_scan(qtbot, window, timeout=600_000):
    with qtbot.waitSignal(window.worker.scanFinished, timeout=timeout) as blocker:
        pass
    return blocker.args[0]


def test_the_empty_library_says_what_to_do(window, qtbot):
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.empty)
    assert "Drag a folder" in window.empty.findChild(QLabel, "emptyTitle").text()


def test_drop_scan_people_rename_filter(window, qtbot, faces_dir, config):
    with qtbot.waitSignal(window.worker.scanFinished, timeout=600_000) as done:
        drop_paths(window, [faces_dir / "deepface"])
    summary = done.args[0]
    assert summary.scanned >= 60 and not summary.failed
    # people albums appear
    window.sidebar.select("people")
    qtbot.waitUntil(lambda: window.people_page.model.rowCount() >= 10, timeout=10_000)
    first = window.people_page.model.items[0]
    # rename one in place, as F2 + typing would
    index = window.people_page.model.index(0)
    window.people_page.model.setData(index, "Angelina Jolie")
    conn = connect(config.db_path)
    qtbot.waitUntil(lambda: people.get(conn, first.id).name == "Angelina Jolie", timeout=10_000)  # on the writer
    qtbot.waitUntil(lambda: any(p.name == "Angelina Jolie" for p in window.people_page.model.items), timeout=10_000)
    # filter by an expression and an age range: the grid shows exactly what the store query returns
    window.sidebar.select("all")
    bar = window.photos.filter_bar
    bar.expression_buttons["happy"].setChecked(True)
    bar.age.setValue((20, 45))
    expected = list(FaceIndex.load(conn).photos(Filter(expressions=frozenset({"happy"}), age_min=20, age_max=45)))
    assert 0 < len(expected) < summary.scanned
    qtbot.waitUntil(lambda: list(window.photos.model.ids) == expected, timeout=10_000)
    assert window.photos.count.text() == f"{len(expected)} photos"
    # and by person
    bar.clear()
    bar.person.setCurrentIndex(bar.person.findData(first.id))
    by_person = list(FaceIndex.load(conn).photos(Filter(person=first.id)))
    qtbot.waitUntil(lambda: list(window.photos.model.ids) == by_person, timeout=10_000)
    assert len(by_person) == first.photo_count
    conn.close()


def test_the_gui_stays_responsive_during_a_scan(window, qtbot, faces_dir, tmp_path):
    names = [f"img{i}.jpg" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)]
    folder = tmp_path / "photos"
    copy_photos(faces_dir, names, folder)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=10)
    timer.timeout.connect(tick)
    with qtbot.waitSignal(window.worker.scanFinished, timeout=600_000):
        timer.start()
        drop_paths(window, [folder])
    timer.stop()
    gaps.sort()
    worst, p99 = gaps[-1], gaps[int(len(gaps) * 0.99)]
    print(f"event loop during the scan: {len(gaps)} ticks, p99 gap {p99 * 1000:.0f} ms, worst {worst * 1000:.0f} ms")
    assert len(gaps) > 50
    assert p99 < 0.25 and worst < 1.0


def test_removing_a_folder_keeps_the_photos(window, qtbot, faces_dir, tmp_path, monkeypatch, config):
    folder = tmp_path / "photos"
    copy_photos(faces_dir, ["img1.jpg", "img2.jpg"], folder)
    before = sorted(p.name for p in folder.iterdir())
    with qtbot.waitSignal(window.worker.scanFinished, timeout=600_000):
        drop_paths(window, [folder])
    conn = connect(config.db_path)
    folder_id = browse.folders(conn)[0].id
    window.choice = ("folder", folder_id)
    monkeypatch.setattr("faceorg.ui.dialogs.confirm", lambda *a: True)
    window.remove_current_folder()
    qtbot.waitUntil(lambda: conn.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == 0, timeout=10_000)
    assert sorted(p.name for p in folder.iterdir()) == before
    conn.close()
