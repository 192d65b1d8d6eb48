"""The window's small promises, each once broken: it fits a laptop screen, says what it did,
takes drops without moving anything, titles folder pages by name, shows 'yes' pills."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from faceorg.core.attributes import CELEBA_ATTRIBUTES
from faceorg.core.filters import Filter
from faceorg.core.plural import count
from faceorg.store import people
from faceorg.store.db import connect


def every_filter_on(window) -> None:
    bar = window.photos.filter_bar
    bar.set_attributes(list(CELEBA_ATTRIBUTES))
    bar.apply(
        Filter(
            expressions=frozenset(bar.expression_buttons),
            age_min=20,
            age_max=45,
            attributes=tuple((name, i % 2 == 0) for i, name in enumerate(CELEBA_ATTRIBUTES)),
        )
    )


def test_the_window_fits_a_1024_pixel_screen_with_every_filter_on(window, qtbot):
    every_filter_on(window)
    window.photos.title.setText("All photos · " + "happy, sad, angry, surprised, " * 10)
    for page in (window.photos, window.people_page, window.album, window.viewer):
        window.stack.setCurrentWidget(page)
        qtbot.wait(50)
        assert window.minimumSizeHint().width() <= 1024, f"{type(page).__name__} widens the window"
        window.resize(1024, 720)
        qtbot.waitUntil(lambda: window.width() == 1024)
    window.stack.setCurrentWidget(window.photos)
    qtbot.wait(50)
    bar = window.photos.filter_bar
    for widget in (bar.save_button, bar.clear_button, bar.person, bar.attribute_toggles["Young"]):
        rect = widget.geometry()
        assert widget.isVisible() and rect.right() <= bar.width(), "every control stays on screen (it wraps)"
    assert bar.save_button.mapTo(window, QPoint(0, 0)).x() + bar.save_button.width() <= 1024


def test_a_yes_pill_is_readable(window, qtbot):
    bar = window.photos.filter_bar
    bar.set_attributes(["Eyeglasses"])
    toggle = bar.attribute_toggles["Eyeglasses"]
    toggle.set_state(True)
    window.stack.setCurrentWidget(window.photos)
    qtbot.wait(100)
    image = toggle.grab().toImage()
    colours = Counter(image.pixel(x, y) for x in range(image.width()) for y in range(image.height()))
    fill = QColor.fromRgb(colours.most_common(1)[0][0])
    assert fill.lightness() < 160 and fill.blue() > fill.red(), "the 'yes' pill is filled with the accent colour"


def test_status_messages_show_beside_a_running_scan(window, qtbot):
    window.scan_status.set_running(True)
    window.scan_status.label.setText("Scanning: 3 / 40 photos · 7 faces · ETA 1 min")
    window.notify("Merged Person 3 into Ada", undo=True)
    qtbot.wait(50)
    label = window.messages.label
    assert label.isVisible() and label.width() > 100 and label.text() == "Merged Person 3 into Ada"
    assert window.messages.undo.isVisible()
    message_rect = label.geometry().translated(label.mapTo(window, QPoint(0, 0)) - label.pos())
    status = window.scan_status
    status_rect = status.geometry().translated(status.mapTo(window, QPoint(0, 0)) - status.pos())
    assert not message_rect.intersects(status_rect)


def _drag(window, proposed, possible):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp")])
    enter = QDragEnterEvent(QPoint(300, 300), possible, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    return enter, mime


def test_drops_copy_never_move_and_highlight_while_hovering(window, qtbot, monkeypatch):
    scanned = []
    monkeypatch.setattr(window, "scan_paths", scanned.append)
    move_or_copy = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    enter, mime = _drag(window, Qt.DropAction.MoveAction, move_or_copy)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted() and enter.dropAction() == Qt.DropAction.CopyAction
    assert window.stack.property("dropTarget") is True, "the window shows it will take the drop"
    only_move = QDragEnterEvent(
        QPoint(300, 300), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window._set_drop_highlight(False)
    QApplication.sendEvent(window, only_move)
    assert not only_move.isAccepted(), "a drag that can only move is refused: the app never moves photos"
    drop = QDropEvent(QPointF(300, 300), move_or_copy, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.dropAction() == Qt.DropAction.CopyAction and scanned == [["/tmp"]]
    assert window.stack.property("dropTarget") is False


def test_zero_results_say_so(window, qtbot):
    window.stack.setCurrentWidget(window.photos)
    window.photos.filter_bar.age.setValue((30, 40))
    qtbot.waitUntil(lambda: "No photos match" in window.photos.no_results.text(), timeout=10_000)
    assert window.photos.no_results.isVisibleTo(window.photos) and window.photos.model.rowCount() == 0


def test_a_folder_page_is_titled_by_the_folder(window, qtbot):
    window.folder_paths = {5: "/home/ada/Pictures/Holiday 2024"}
    window.choice = ("folder", 5)
    assert window._page_title() == "Holiday 2024"


def _open_album(window, qtbot, person_id) -> None:
    window.sidebar.select("people")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.people_page)
    window.stack.setCurrentWidget(window.album)
    window.load_album(person_id)
    qtbot.waitUntil(lambda: window.album.person_id == person_id and window.album.title.text() == "Ada", timeout=10_000)


def _click_sidebar_people(window, qtbot) -> None:
    rect = window.sidebar.visualItemRect(window.sidebar.people)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@pytest.mark.parametrize("way", ["back button", "sidebar People", "Ctrl+P", "Esc"])
def test_back_from_an_album(window, qtbot, config, way):
    conn = connect(config.db_path)
    person_id = people.create(conn, "Ada")
    conn.close()
    _open_album(window, qtbot, person_id)
    window.activateWindow()
    window.album.grid.setFocus()
    if way == "back button":
        window.album.back.click()
    elif way == "sidebar People":
        _click_sidebar_people(window, qtbot)
    elif way == "Ctrl+P":
        qtbot.keyClick(window.album.grid, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    else:
        qtbot.keyClick(window.album.grid, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.people_page, timeout=5000)


def test_face_counts_read_right():
    assert count(1, "face") == "1 face" and count(2, "face") == "2 faces" and count(0, "photo") == "0 photos"


def test_the_thumbnail_size_slider_resizes_the_tiles_and_is_remembered(window, qtbot, config, tmp_path):
    before = window.photos.grid.gridSize().width()
    window.photos.tile_size.setValue(300)
    assert window.photos.grid.gridSize().width() > before + 100
    window.close()
    from faceorg.ui.main_window import MainWindow

    again = MainWindow(config, window.settings)
    qtbot.addWidget(again)
    assert again.photos.tile_size.value() == 300
    again.close()


def test_settings_switch_the_theme_and_keep_the_device(window, qtbot, tmp_path, monkeypatch):
    settings_file = tmp_path / "settings.json"
    monkeypatch.setattr("faceorg.config.settings_path", lambda: settings_file)
    dialog = window.open_settings()
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    qtbot.wait(50)
    background = window.sidebar.grab().toImage().pixelColor(5, window.sidebar.height() - 5)
    assert background.lightness() < 80, "the dark theme darkens the window"
    assert window.settings.value("ui/theme") == "dark"
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.accept()
    from faceorg.config import load_config

    assert load_config(settings_file).device == "cpu"
    dialog = window.open_settings()
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    qtbot.wait(50)
    assert window.sidebar.grab().toImage().pixelColor(5, window.sidebar.height() - 5).lightness() > 200
    dialog.accept()


def test_unhiding_asks_no_hide_question(window, qtbot, config, monkeypatch):
    conn = connect(config.db_path)
    person_id = people.create(conn, "Ada")
    people.set_hidden(conn, person_id, True)
    asked = []
    monkeypatch.setattr("faceorg.ui.dialogs.confirm", lambda *args: asked.append(args) or True)
    _open_album(window, qtbot, person_id)
    qtbot.waitUntil(lambda: window.album_owner() is not None, timeout=10_000)
    window.hide_selected()
    qtbot.waitUntil(lambda: not people.get(conn, person_id).hidden, timeout=10_000)
    assert asked == [], "showing a hidden person is not a 'Hide?' question"
    qtbot.waitUntil(lambda: window.messages.label.text() == "Showed Ada", timeout=10_000)
    assert window.messages.undo.isVisibleTo(window)
    conn.close()


def test_two_libraries_keep_their_own_covers_and_filters(window, qtbot, config, tmp_path):
    from faceorg.ui.main_window import MainWindow

    window._store_filters({"Smiles": {"expressions": ["happy"]}})
    other = MainWindow(config.with_overrides(db_path=tmp_path / "other" / "library.db"), window.settings)
    qtbot.addWidget(other)
    try:
        assert other.images.cache.crop(1) != window.images.cache.crop(1), "face 1 here is not face 1 there"
        assert other.saved_filters() == {} and list(window.saved_filters()) == ["Smiles"]
    finally:
        other.close()
