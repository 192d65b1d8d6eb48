"""Fixing faces where they are seen: a click on a face in the viewer, right-click menus, search."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from faceorg.store import people
from faceorg.store.db import connect


@pytest.fixture
def menus_shown(monkeypatch):
    shown: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, *args: shown.append(self))
    return shown


def action(menu: QMenu, text: str):
    found = [a for a in menu.actions() if a.text().startswith(text)]
    assert found, f"no {text!r} in {[a.text() for a in menu.actions()]}"
    return found[0]


def open_viewer_on_a_person(win, qtbot):
    qtbot.waitUntil(lambda: win.photos.model.rowCount() > 60, timeout=20_000)
    conn = connect(win.config.db_path)
    row, face = next(
        (row, f)
        for row, photo in enumerate(win.photos.model.items)
        for f in conn.execute(
            "SELECT id, person_id FROM faces WHERE photo_id = ? AND person_id IS NOT NULL", (photo.id,)
        ).fetchall()[:1]
    )
    win.open_photo(win.photos.model.index(row))
    qtbot.waitUntil(
        lambda: any(f.id == face[0] for f in win.viewer.canvas.faces) and bool(win.viewer.owners), timeout=20_000
    )
    index = next(i for i, f in enumerate(win.viewer.canvas.faces) if f.id == face[0])
    return conn, face[0], face[1], index


def click_face(win, qtbot, index):
    centre = win.viewer.canvas.face_rect(index).center().toPoint()
    qtbot.mouseClick(win.viewer.canvas, Qt.MouseButton.LeftButton, pos=centre)


def test_someone_else_from_the_viewer(library_window, qtbot, menus_shown, monkeypatch):
    win = library_window
    conn, face, owner, index = open_viewer_on_a_person(win, qtbot)
    click_face(win, qtbot, index)
    assert menus_shown, "clicking a face box offers what to do with it"
    monkeypatch.setattr("faceorg.ui.dialogs.choose_name", lambda *args: "Zed Newman")
    action(menus_shown[-1], "Someone Else").trigger()
    qtbot.waitUntil(lambda: win.viewer.names.get(face) == "Zed Newman", timeout=20_000)
    zed = people.by_name(conn, "Zed Newman")
    row = conn.execute("SELECT person_id, assigned_by FROM faces WHERE id = ?", (face,)).fetchone()
    assert tuple(row) == (zed.id, "user")
    qtbot.waitUntil(lambda: "Zed Newman" in win.messages.label.text(), timeout=20_000)
    assert win.messages.undo.isVisibleTo(win)
    win.messages.undo.click()  # Undo in the message takes it back
    qtbot.waitUntil(
        lambda: conn.execute("SELECT person_id FROM faces WHERE id = ?", (face,)).fetchone()[0] == owner, timeout=20_000
    )


def test_not_this_person_from_the_viewer(library_window, qtbot, menus_shown):
    win = library_window
    conn, face, owner, index = open_viewer_on_a_person(win, qtbot)
    click_face(win, qtbot, index)
    label = people.get(conn, owner).label
    action(menus_shown[-1], f"Not {label}").trigger()
    qtbot.waitUntil(
        lambda: conn.execute("SELECT person_id FROM faces WHERE id = ?", (face,)).fetchone()[0] is None, timeout=20_000
    )
    assert conn.execute("SELECT 1 FROM rejections WHERE face_id = ? AND person_id = ?", (face, owner)).fetchone()


def test_people_search_and_person_menu(library_window, qtbot, menus_shown, monkeypatch):
    win = library_window
    win.sidebar.select("people")
    qtbot.waitUntil(lambda: win.people_page.model.rowCount() >= 10, timeout=20_000)
    first = win.people_page.model.items[0]
    win.rename_person(first.id, "Grace Hopper")
    qtbot.waitUntil(lambda: any(p.name == "Grace Hopper" for p in win.people_page.model.items), timeout=20_000)
    win.people_page.search.setText("hop")
    assert [p.name for p in win.people_page.model.items] == ["Grace Hopper"]
    win.people_page.search.setText("")
    assert win.people_page.model.rowCount() >= 10
    grid = win.people_page.grid
    row = next(r for r, p in enumerate(win.people_page.model.items) if p.id == first.id)
    grid.customContextMenuRequested.emit(grid.visualRect(win.people_page.model.index(row)).center())
    menu = menus_shown[-1]
    assert [a.text() for a in menu.actions() if a.text()][:3] == ["Open", "Rename…", "Hide"]
    monkeypatch.setattr("faceorg.ui.dialogs.confirm", lambda *args: True)
    action(menu, "Hide").trigger()
    conn = connect(win.config.db_path)
    qtbot.waitUntil(lambda: people.get(conn, first.id).hidden, timeout=20_000)
    qtbot.waitUntil(lambda: win.messages.label.text().startswith("Hid"), timeout=20_000)


def test_a_saved_filter_can_be_deleted(library_window, qtbot, menus_shown):
    win = library_window
    win._store_filters({"Smiles": {"expressions": ["happy"]}})
    assert win.sidebar.filters.childCount() == 1
    item = win.sidebar.filters.child(0)
    win.sidebar.customContextMenuRequested.emit(win.sidebar.visualItemRect(item).center())
    action(menus_shown[-1], "Delete Saved Filter").trigger()
    assert win.saved_filters() == {} and win.sidebar.filters.childCount() == 0


def test_drag_faces_onto_a_person(library_window, qtbot):
    """The album's faces carry their ids when dragged; dropped on a person in People, they move there."""
    win = library_window
    win.sidebar.select("unsorted")
    qtbot.waitUntil(lambda: win.album.person_id is None and win.album.model.rowCount() > 0, timeout=20_000)
    face = win.album.model.items[0].id
    dragged = win.album.model.mimeData([win.album.model.index(0)])
    win.sidebar.select("people")
    qtbot.waitUntil(lambda: win.people_page.model.rowCount() >= 2, timeout=20_000)
    target = win.people_page.model.items[1]
    index = win.people_page.model.index(1)
    assert win.people_page.model.canDropMimeData(dragged, Qt.DropAction.MoveAction, -1, -1, index)
    win.people_page.model.dropMimeData(dragged, Qt.DropAction.MoveAction, -1, -1, index)
    conn = connect(win.config.db_path)
    owner = "SELECT person_id FROM faces WHERE id = ?"
    qtbot.waitUntil(lambda: conn.execute(owner, (face,)).fetchone()[0] == target.id, timeout=20_000)
    qtbot.waitUntil(lambda: win.messages.label.text().startswith("Moved 1 face to"), timeout=20_000)


def test_the_person_filter_shows_faces(library_window, qtbot):
    combo = library_window.photos.filter_bar.person
    qtbot.waitUntil(lambda: combo.count() > 3 and not combo.itemIcon(1).isNull(), timeout=20_000)
