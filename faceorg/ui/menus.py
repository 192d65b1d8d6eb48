"""Right-click menus on photos, faces, people and saved filters; a click on a face in the viewer.

Each menu is built by a function of the window and what was clicked, so tests can trigger its
actions; the actions themselves are the window's (Library operations with a message and Undo).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QListView, QMenu

from faceorg.ui.delegate import model_value
from faceorg.ui.models import ItemRole


def _add(menu: QMenu, text: str, slot, enabled: bool = True):
    action = menu.addAction(text)
    action.triggered.connect(slot)
    action.setEnabled(enabled)
    return action


def add_file_actions(menu: QMenu, path: str) -> None:
    menu.addSeparator()
    _add(menu, "Open in File Manager", lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent))))
    _add(menu, "Copy Path", lambda: QGuiApplication.clipboard().setText(path))


def photo_menu(window, row: int, path: str) -> QMenu:
    menu = QMenu(window)
    _add(menu, "Open", lambda: window.open_photo(window.photos.model.index(row)))
    add_file_actions(menu, path)
    return menu


def face_menu(window, faces: list[int], owner, path: str | None, open_photo=None) -> QMenu:
    """For faces of one person (`owner`, a Person or None for unsorted faces)."""
    menu = QMenu(window)
    many = len(faces) > 1
    if owner is None:
        _add(
            menu,
            "Name…" if not many else f"Name {len(faces)} Faces…",
            lambda: window.ask_name_for_faces(faces, title="Who is this?"),
        )
    else:
        _add(menu, f"Not {owner.label}", lambda: window._run(window.library.reject(faces)))
        _add(menu, "Someone Else…", lambda: window.ask_name_for_faces(faces, exclude=owner.id, title="Who is this?"))
        if not many:
            _add(
                menu, f"Use as {owner.label}'s Cover", lambda: window._run(window.library.set_cover(owner.id, faces[0]))
            )
    _add(
        menu,
        "New Person from These Faces…" if many else "New Person from This Face…",
        lambda: window.new_person_from_faces(faces),
    )
    if owner is not None and window.stack.currentWidget() is not window.album:
        _add(menu, f"Open {owner.label}", lambda: window.open_person_id(owner.id))
    if open_photo is not None:
        _add(menu, "Open Photo", open_photo)
    if path:
        add_file_actions(menu, path)
    return menu


def person_menu(window, chosen: list) -> QMenu:
    menu = QMenu(window)
    first = chosen[0]
    if len(chosen) == 1:
        _add(menu, "Open", lambda: window.open_person_id(first.id))
        _add(menu, "Rename…", lambda: window.rename_person(first.id, None))
    else:
        _add(menu, f"Merge {len(chosen)} People…", window.merge_selected)
    _add(menu, "Show" if all(p.hidden for p in chosen) else "Hide", window.hide_selected)
    menu.addSeparator()
    _add(menu, "Forget…", window.forget_selected)
    return menu


def filter_menu(window, name: str) -> QMenu:
    menu = QMenu(window)
    _add(menu, "Rename Saved Filter…", lambda: window.rename_saved_filter(name))
    _add(menu, "Delete Saved Filter", lambda: window.delete_saved_filter(name))
    return menu


def _selected_under(grid: QListView, pos: QPoint):
    """The item under the pointer joins (or, if unselected, replaces) the selection, as in file managers."""
    index = grid.indexAt(pos)
    if not index.isValid():
        return None, []
    selection = grid.selectionModel()
    if not selection.isSelected(index):
        grid.setCurrentIndex(index)
    return index, [model_value(i, ItemRole) for i in selection.selectedIndexes()]


def install(window) -> None:
    """Right-click menus on the three grids and the sidebar's saved filters; face clicks in the viewer."""
    from PySide6.QtCore import Qt

    def on_grid(grid: QListView, build):
        grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        def requested(pos: QPoint) -> None:
            index, chosen = _selected_under(grid, pos)
            if index is not None:
                menu = build(index, chosen)
                if menu is not None:
                    menu.popup(grid.viewport().mapToGlobal(pos))

        grid.customContextMenuRequested.connect(requested)

    def on_photo(index, _chosen):
        photo = model_value(index, ItemRole)  # None on a month header
        return photo_menu(window, index.row(), photo.path) if photo is not None else None

    on_grid(window.photos.grid, on_photo)
    on_grid(window.people_page.grid, lambda _i, chosen: person_menu(window, chosen))
    on_grid(
        window.album.grid,
        lambda index, chosen: face_menu(
            window,
            [t.id for t in chosen],
            window.album_owner(),
            model_value(index, ItemRole).photo_path,
            lambda: window.open_face_photo(index),
        ),
    )
    sidebar = window.sidebar
    sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def on_sidebar(pos: QPoint) -> None:
        item = sidebar.itemAt(pos)
        if item is not None:
            kind, value = sidebar._choice(item)
            if kind == "filter":
                filter_menu(window, str(value)).popup(sidebar.viewport().mapToGlobal(pos))

    sidebar.customContextMenuRequested.connect(on_sidebar)
    window.viewer.faceClicked.connect(window.show_viewer_face_menu)
