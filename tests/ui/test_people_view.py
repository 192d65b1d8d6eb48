"""People corrections through the window: merge and Ctrl+Z, split preview, background toggle."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from faceorg.store import people
from faceorg.store.db import connect
from tests.helpers import labelled_faces


def _select_people(win, ids):
    model, selection = win.people_page.model, win.people_page.grid.selectionModel()
    selection.clearSelection()
    for row, person in enumerate(model.items):
        if person.id in ids:
            selection.select(model.index(row), QItemSelectionModel.SelectionFlag.Select)


def _owner(conn, identities, who):
    labelled = labelled_faces(conn, identities)
    face = next(f for f, w in labelled.items() if w == who)
    return conn.execute("SELECT person_id FROM faces WHERE id = ?", (face,)).fetchone()[0]


def test_merge_then_ctrl_z(library_window, qtbot, identities, monkeypatch):
    win = library_window
    conn = connect(win.config.db_path)
    asked = []
    monkeypatch.setattr("faceorg.ui.dialogs.confirm", lambda *args: asked.append(args) or True)
    a, b = _owner(conn, identities, "person01"), _owner(conn, identities, "person02")
    win.sidebar.select("people")
    qtbot.waitUntil(lambda: win.people_page.model.rowCount() >= 10, timeout=10_000)
    before = win.people_page.model.rowCount()
    _select_people(win, {a, b})
    win.merge_selected()
    qtbot.waitUntil(lambda: win.people_page.model.rowCount() == before - 1, timeout=10_000)
    assert len(asked) == 1, "a merge is confirmed first"
    assert (people.get(conn, a) is None) != (people.get(conn, b) is None)
    qtbot.waitUntil(lambda: win.messages.label.text().startswith("Merged"), timeout=10_000)
    assert win.messages.undo.isVisibleTo(win)
    win.undo_action.trigger()  # Ctrl+Z
    qtbot.waitUntil(lambda: win.people_page.model.rowCount() == before, timeout=10_000)
    assert people.get(conn, a) is not None and people.get(conn, b) is not None


def test_split_suggestion_undoes_a_wrong_merge(library_window, qtbot, identities, monkeypatch):
    win = library_window
    conn = connect(win.config.db_path)
    a, b = _owner(conn, identities, "person01"), _owner(conn, identities, "person02")
    from faceorg.people import decisions

    decisions.merge(conn, a, [b])
    win.refresh()
    win.stack.setCurrentWidget(win.album)
    win.load_album(a)
    qtbot.waitUntil(lambda: win.album.person_id == a and win.album.model.rowCount() > 10, timeout=10_000)
    monkeypatch.setattr("faceorg.ui.dialogs.confirm", lambda *args: True)
    faces = [t.id for t in win.album.model.items]
    win.suggest_split()
    qtbot.waitUntil(lambda: len({p for p, _ in people.assignments(conn, faces).values()}) == 2, timeout=20_000)


def test_background_faces_are_shown_on_request(library_window, qtbot):
    win = library_window
    win.sidebar.select("unsorted")
    qtbot.waitUntil(lambda: win.album.person_id is None and win.album.title.text() == "Unsorted faces", timeout=10_000)
    qtbot.wait(300)
    hidden = win.album.model.rowCount()
    win.album.show_background.setChecked(True)
    qtbot.waitUntil(lambda: win.album.model.rowCount() > hidden, timeout=10_000)
