"""The main window: sidebar, pages, filter bar, status area, menus; wires them to the library.

Reads go through the `QueryRunner` (pool threads), scans and re-clustering through the
`LibraryWorker` (its own thread); user decisions are short transactions here.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from PySide6.QtCore import QByteArray, QMetaObject, QModelIndex, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QSplitter, QStackedWidget

from faceorg.config import Config
from faceorg.core.filters import Filter, describe_filter, filter_from_dict, filter_to_dict
from faceorg.people import decisions
from faceorg.people.split import suggest_split
from faceorg.store import browse, people
from faceorg.store import faces as face_repo
from faceorg.store.cache import CachePaths
from faceorg.store.db import connect
from faceorg.store.face_index import FaceIndex
from faceorg.ui import dialogs
from faceorg.ui.app_style import style_sheet
from faceorg.ui.delegate import model_value
from faceorg.ui.models import ItemRole
from faceorg.ui.pages import AlbumPage, EmptyState, PeoplePage, PhotosPage
from faceorg.ui.queries import QueryRunner
from faceorg.ui.scan_status import ScanStatus
from faceorg.ui.sidebar import Sidebar
from faceorg.ui.thumbnails import ImageCache
from faceorg.ui.viewer import PhotoViewer, load_for_screen
from faceorg.ui.worker import start_worker


class MainWindow(QMainWindow):
    scanRequested = Signal(list)
    reclusterRequested = Signal()
    photosShown = Signal()  # the grid holds the answer to the current filter (tests wait on it)

    def __init__(self, config: Config, settings: QSettings | None = None, pipeline_factory=None):
        super().__init__()
        self.config = config
        self.settings = settings or QSettings("faceorg", "faceorg")
        self.setWindowTitle("faceorg")
        self.setAcceptDrops(True)
        self.setStyleSheet(style_sheet())
        self.conn = connect(config.db_path)  # short writes of user decisions
        self.cache = CachePaths(config.cache_dir)
        self.images = ImageCache(self.cache, parent=self)
        self.queries = QueryRunner(config.db_path, self)
        self.queries.failed.connect(lambda topic, text: self.statusBar().showMessage(f"Could not load {topic}: {text}", 8000))
        self.worker, self.worker_thread = start_worker(config, pipeline_factory)
        self.scanning = False
        self.choice: tuple[str, object] = ("all", None)
        self._indexes: dict[bool, tuple[int, FaceIndex]] = {}
        self._index_locks = {True: threading.Lock(), False: threading.Lock()}
        self._generation = 0
        self._build()
        self._connect_worker()
        self._build_menus()
        self._restore_settings()
        self.refresh()

    # -- layout --------------------------------------------------------------------
    def _build(self) -> None:
        self.sidebar = Sidebar()
        self.sidebar.chosen.connect(self.show_choice)
        self.stack = QStackedWidget()
        self.empty = EmptyState()
        self.empty.addRequested.connect(self.add_folder_dialog)
        self.photos = PhotosPage(self.images, self.conn)
        self.photos.filter_bar.changed.connect(lambda _f: self.load_photos())
        self.photos.filter_bar.saveRequested.connect(self.save_filter)
        self.photos.grid.activated.connect(self.open_photo)
        self.people_page = PeoplePage(self.images)
        self.people_page.grid.activated.connect(self.open_person)
        self.people_page.model.renameRequested.connect(self.rename_person)
        self.people_page.mergeRequested.connect(self.merge_selected)
        self.people_page.hideRequested.connect(self.hide_selected)
        self.people_page.forgetRequested.connect(self.forget_selected)
        self.people_page.show_hidden.toggled.connect(lambda _c: self.load_people())
        self.album = AlbumPage(self.images)
        self.album.backRequested.connect(lambda: self.sidebar.select("people"))
        self.album.renameRequested.connect(lambda: self.rename_person(self.album.person_id, None))
        self.album.rejectRequested.connect(self.reject_selected)
        self.album.moveRequested.connect(self.move_selected)
        self.album.newPersonRequested.connect(self.new_person_from_selection)
        self.album.nameSelectionRequested.connect(self.move_selected)
        self.album.coverRequested.connect(self.cover_from_selection)
        self.album.splitRequested.connect(self.suggest_split)
        self.album.backgroundToggled.connect(lambda _on: self.load_album(None))
        self.album.grid.activated.connect(self.open_face_photo)
        self.viewer = PhotoViewer()
        self.viewer.navigate.connect(self.step_photo)
        self.viewer.closed.connect(self.close_viewer)
        for page in (self.empty, self.photos, self.people_page, self.album, self.viewer):
            self.stack.addWidget(page)
        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 1000])
        self.setCentralWidget(splitter)
        self.scan_status = ScanStatus()
        self.scan_status.pauseToggled.connect(self.worker.pause)
        self.scan_status.cancelRequested.connect(self.worker.cancel)
        self.statusBar().addPermanentWidget(self.scan_status, 1)
        self.viewer_return = self.photos
        self.viewer_list: list[browse.GridPhoto] = []
        self.viewer_row = 0

    def _connect_worker(self) -> None:
        self.scanRequested.connect(self.worker.scan)
        self.reclusterRequested.connect(self.worker.recluster)
        self.worker.progress.connect(self.scan_status.show_progress)
        self.worker.scanFinished.connect(self._scan_finished)
        self.worker.libraryChanged.connect(self.refresh)
        self.worker.failed.connect(lambda text: dialogs.show_error(self, text))
        self.worker.reclustered.connect(lambda r: self.statusBar().showMessage(
            f"People regrouped: {r.clusters} groups, {r.unsorted} unsorted faces", 6000))

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Add Folder…", self.add_folder_dialog, QKeySequence.StandardKey.Open)
        self._action(file, "&Rescan Library", self.rescan, "Ctrl+R")
        self.remove_folder_action = self._action(file, "Remove Folder from Library…", self.remove_current_folder)
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self._action(edit, "Select &All", lambda: self._current_grid().selectAll(), QKeySequence.StandardKey.SelectAll)
        view = bar.addMenu("&View")
        self._action(view, "Sort by &Date Taken", lambda: self.set_order("taken"), "Ctrl+1")
        self._action(view, "Sort by &Name", lambda: self.set_order("name"), "Ctrl+2")
        self._action(view, "&People", lambda: self.sidebar.select("people"), "Ctrl+P")
        self._action(view, "&All Photos", lambda: self.sidebar.select("all"), "Ctrl+L")
        self._action(view, "Clear &Filters", self.photos.filter_bar.clear, "Ctrl+Backspace")
        people_menu = bar.addMenu("&People")
        self._action(people_menu, "&Merge Selected People", self.merge_selected, "Ctrl+M")
        self._action(people_menu, "&Not This Person", self.reject_selected, QKeySequence.StandardKey.Delete)
        self._action(people_menu, "Mo&ve Faces To…", self.move_selected, "Ctrl+Shift+M")
        self._action(people_menu, "New Person from &Selection", self.new_person_from_selection, "Ctrl+N")
        self._action(people_menu, "&Hide Person", self.hide_selected, "Ctrl+H")
        self._action(people_menu, "&Forget Person…", self.forget_selected)
        self._action(people_menu, "&Regroup All People", self.reclusterRequested.emit)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About faceorg", lambda: dialogs.show_about(self))

    # -- settings ------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        self.order = str(self.settings.value("grid/order", "taken"))
        self.sidebar.set_filters(list(self.saved_filters()))

    def saved_filters(self) -> dict[str, dict]:
        try:
            return json.loads(str(self.settings.value("filters/saved", "{}")))
        except ValueError:
            return {}

    def save_filter(self, flt: Filter) -> None:
        name, ok = QInputDialog.getText(self, "Save Filter", "Name:", text=describe_filter(flt))
        if ok and name.strip():
            saved = self.saved_filters()
            saved[name.strip()] = filter_to_dict(flt)
            self.settings.setValue("filters/saved", json.dumps(saved))
            self.sidebar.set_filters(list(saved))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("grid/order", self.order)
        self.worker.cancel()
        QMetaObject.invokeMethod(self.worker, "shutdown", Qt.ConnectionType.BlockingQueuedConnection)
        self.worker.deleteLater()  # deleted by its own thread as that thread ends
        self.worker_thread.quit()
        self.worker_thread.wait(30000)
        self.queries.wait_idle()
        self.images.wait_idle()
        self.conn.close()
        super().closeEvent(event)

    # -- drag and drop, folders, scans ---------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.scan_paths(paths)

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a Folder of Photos")
        if folder:
            self.scan_paths([folder])

    def scan_paths(self, paths: list[str]) -> None:
        if self.scanning:
            self.statusBar().showMessage("A scan is already running; the new folders will be added when it ends.", 5000)
            self._queued = getattr(self, "_queued", []) + paths
            return
        self.scanning = True
        self.scan_status.set_running(True)
        self.scan_status.label.setText("Preparing scan…")
        self.scanRequested.emit(list(paths))

    def rescan(self) -> None:
        folders = [f.path for f in browse.folders(self.conn)]
        if folders:
            self.scan_paths(folders)

    def _scan_finished(self, summary) -> None:
        self.scanning = False
        self.scan_status.show_summary(summary)
        queued, self._queued = getattr(self, "_queued", []), []
        if queued:
            self.scan_paths(queued)

    def remove_current_folder(self) -> None:
        kind, value = self.choice
        if kind != "folder":
            dialogs.show_error(self, "Choose a folder in the sidebar first.")
            return
        if dialogs.confirm(self, "Remove Folder", "Remove this folder's photos and faces from the library? "
                           "The photos themselves stay where they are, untouched.", "Remove"):
            with self.conn:
                gone = browse.remove_folder(self.conn, int(value))
            self.cache.remove_crops(gone)
            self.sidebar.select("all")
            self.refresh()

    # -- what the sidebar shows ----------------------------------------------------
    def face_index(self, conn, with_faces: bool = True) -> FaceIndex:
        """The filter snapshot, reloaded (on a pool thread) after the library changed. An
        unfiltered grid makes do with the photo order alone, so the first paint is quick."""
        generation = self._generation
        full = self._indexes.get(True)
        if full is not None and full[0] == generation:
            return full[1]
        with self._index_locks[with_faces]:  # one lock per kind: the quick one never waits for the full one
            cached = self._indexes.get(with_faces)
            if cached is None or cached[0] != generation:
                cached = (generation, FaceIndex.load(conn, with_faces=with_faces))
                self._indexes[with_faces] = cached
            return cached[1]

    def refresh(self) -> None:
        self._generation += 1
        self.show_choice(*self.choice, keep_page=True)
        self.queries.ask("sidebar", self._sidebar_data, self._show_sidebar)

    def _sidebar_data(self, conn):
        index = self.face_index(conn)
        everyone = people.all_people(conn, counts=index.person_counts())
        return browse.folders(conn), everyone, len(index.unsorted_faces()), index.attribute_names, len(index.photo_ids)

    def _show_sidebar(self, data) -> None:
        folders, people_list, unsorted, attributes, photo_total = data
        self.sidebar.set_folders(folders)
        named = [p for p in people_list if p.face_count and not p.hidden]
        self.sidebar.set_counts(photo_total, len(named), unsorted)
        self.photos.filter_bar.set_people(people_list)
        self.photos.filter_bar.set_attributes(attributes)
        if photo_total == 0 and not self.scanning and self.stack.currentWidget() is self.photos and self.choice[0] == "all":
            self.stack.setCurrentWidget(self.empty)
        elif photo_total and self.stack.currentWidget() is self.empty:
            self.stack.setCurrentWidget(self.photos)

    def show_choice(self, kind: str, value: object, keep_page: bool = False) -> None:
        self.choice = (kind, value)
        if keep_page and self.stack.currentWidget() is self.viewer:
            return
        if kind in ("all", "folder", "filter"):
            if kind == "filter" and not keep_page:
                saved = self.saved_filters().get(str(value))
                if saved:
                    self.photos.filter_bar.apply(filter_from_dict(saved))
            self.photos.title.setText({"all": "All photos", "folder": "Folder", "filter": str(value)}[kind])
            if self.stack.currentWidget() is not self.empty:
                self.stack.setCurrentWidget(self.photos)
            self.load_photos()
        elif kind == "people":
            if not (keep_page and self.stack.currentWidget() is self.album):
                self.stack.setCurrentWidget(self.people_page)
            self.load_people()
            if keep_page and self.stack.currentWidget() is self.album:
                self.load_album(self.album.person_id)
        elif kind == "unsorted":
            self.stack.setCurrentWidget(self.album)
            self.load_album(None)

    def set_order(self, order: str) -> None:
        self.order = order
        self.load_photos()

    def load_photos(self) -> None:
        flt = self.photos.filter_bar.current()
        folder = self.choice[1] if self.choice[0] == "folder" else None
        order = self.order
        self.queries.ask("photos", lambda conn: self.face_index(conn, not flt.is_empty).photos(flt, order, folder), self._show_photos)

    def _show_photos(self, ids) -> None:
        flt = self.photos.filter_bar.current()
        base = {"all": "All photos", "folder": "Folder", "filter": str(self.choice[1])}.get(self.choice[0], "All photos")
        self.photos.title.setText(base if flt.is_empty or self.choice[0] == "filter" else f"{base} · {describe_filter(flt)}")
        self.photos.model.set_ids(ids)
        self.photos.count.setText(f"{len(ids)} photo{'s' if len(ids) != 1 else ''}")
        self.photosShown.emit()

    def load_people(self) -> None:
        hidden = self.people_page.show_hidden.isChecked()

        def fetch(conn):
            counts = self.face_index(conn).person_counts()
            return [p for p in people.all_people(conn, include_hidden=hidden, counts=counts) if p.face_count]

        self.queries.ask("people", fetch, self.people_page.model.set_items)

    def load_album(self, person_id: int | None) -> None:
        background = self.album.show_background.isChecked()

        def fetch(conn):
            return (people.get(conn, person_id) if person_id is not None else None,
                    browse.person_faces(conn, person_id, include_background=background))

        self.queries.ask("album", fetch, lambda data: self._show_album(person_id, *data))

    def _show_album(self, person_id, person, tiles) -> None:
        if person_id is not None and person is None:
            self.sidebar.select("people")
            return
        title = "Unsorted faces" if person_id is None else person.label
        subtitle = f"{len(tiles)} face{'s' if len(tiles) != 1 else ''}"
        if person_id is None:
            subtitle += " · select faces and name them"
        self.album.show_person(person_id, title, subtitle)
        self.album.model.set_items(tiles)

    def open_person(self, index: QModelIndex) -> None:
        person = model_value(index, ItemRole)
        self.stack.setCurrentWidget(self.album)
        self.load_album(person.id)

    # -- the viewer ----------------------------------------------------------------
    def open_photo(self, index: QModelIndex) -> None:
        self.viewer_return = self.photos
        self.viewer_list = self.photos.model
        self._view_row(index.row())

    def open_face_photo(self, index: QModelIndex) -> None:
        self.viewer_return = self.album
        self.viewer_list = [browse.GridPhoto(t.photo_id, t.photo_path, None, Path(t.photo_path).name, None)
                            for t in self.album.model.items]
        self._view_row(index.row())

    def _view_row(self, row: int) -> None:
        if not self.viewer_list:
            return
        self.viewer_row = row % len(self.viewer_list)
        photo = self.viewer_list[self.viewer_row]
        size = self.viewer.size() if self.viewer.width() > 100 else QSize(1600, 1200)

        def fetch(conn):
            found = face_repo.of_photo(conn, photo.id)
            dims = conn.execute("SELECT width, height FROM photos WHERE id = ?", (photo.id,)).fetchone()
            return load_for_screen(photo.path, size), QSize(*(dims or (1, 1))), found, browse.person_names(conn, [f.id for f in found])

        self.queries.ask("viewer", fetch, lambda data: self.viewer.show_photo(photo.path, *data))
        self.stack.setCurrentWidget(self.viewer)
        self.viewer.setFocus()

    def step_photo(self, step: int) -> None:
        self._view_row(self.viewer_row + step)

    def close_viewer(self) -> None:
        self.stack.setCurrentWidget(self.viewer_return)
        grid = self.photos.grid if self.viewer_return is self.photos else self.album.grid
        grid.setCurrentIndex(grid.model().index(self.viewer_row, 0))
        grid.setFocus()

    # -- people decisions ----------------------------------------------------------
    def _current_grid(self):
        page = self.stack.currentWidget()
        return {self.photos: self.photos.grid, self.people_page: self.people_page.grid, self.album: self.album.grid}.get(page, self.photos.grid)

    def _decide(self, action, *args) -> bool:
        try:
            action(self.conn, *args)
        except decisions.DecisionError as error:
            dialogs.show_error(self, str(error))
            return False
        self.refresh()
        return True

    def _selected_people(self):
        return [model_value(i, ItemRole) for i in self.people_page.grid.selectionModel().selectedIndexes()]

    def rename_person(self, person_id: int | None, name: str | None) -> None:
        if person_id is None:
            return
        if name is None:
            current = people.get(self.conn, person_id)
            name, ok = QInputDialog.getText(self, "Rename", "Name:", text=current.name or "" if current else "")
            if not ok or not name.strip():
                return
        try:
            decisions.name(self.conn, person_id, name)
        except decisions.NameTaken as taken:
            if dialogs.confirm(self, "Name in use", f"{taken.owner.label} already has that name. Are they the same person?",
                               "Merge them"):
                self._decide(decisions.merge, taken.owner.id, [person_id])
            return
        except decisions.DecisionError as error:
            dialogs.show_error(self, str(error))
            return
        self.refresh()

    def merge_selected(self) -> None:
        chosen = self._selected_people()
        if len(chosen) < 2:
            dialogs.show_error(self, "Select two or more people to merge (Ctrl-click).")
            return
        target = next((p for p in chosen if p.name), chosen[0])
        self._decide(decisions.merge, target.id, [p.id for p in chosen if p.id != target.id])

    def hide_selected(self) -> None:
        targets = self._selected_people() if self.stack.currentWidget() is self.people_page else (
            [people.get(self.conn, self.album.person_id)] if self.album.person_id else [])
        for person in filter(None, targets):
            if dialogs.confirm(self, "Hide", f"Hide {person.label}? Hidden people stay in the library, out of the way.", "Hide"):
                self._decide(decisions.hide, person.id, not person.hidden)

    def forget_selected(self) -> None:
        targets = self._selected_people() if self.stack.currentWidget() is self.people_page else (
            [people.get(self.conn, self.album.person_id)] if self.album.person_id else [])
        for person in filter(None, targets):
            if dialogs.confirm(self, "Forget", f"Forget {person.label} for good? Their faces' data and crops are deleted "
                               "and cannot be brought back. The photos stay.", "Forget"):
                self._decide(decisions.forget, person.id, self.cache)
        if self.stack.currentWidget() is self.album:
            self.sidebar.select("people")

    def reject_selected(self) -> None:
        faces = self.album.selected_faces() if self.stack.currentWidget() is self.album else []
        if faces and self.album.person_id is not None:
            self._decide(decisions.reject, faces)

    def move_selected(self) -> None:
        faces = self.album.selected_faces()
        if not faces:
            dialogs.show_error(self, "Select faces first.")
            return
        everyone = [p for p in people.all_people(self.conn) if (p.face_count or p.name) and p.id != self.album.person_id]
        name = dialogs.choose_name(self, "Move faces to", [p.label for p in everyone])
        if name is None:
            return
        match = next((p for p in everyone if p.label.lower() == name.lower()), None)
        if match is not None:
            self._decide(decisions.move, faces, match.id)
        else:
            self._decide(decisions.new_person, faces, name)

    def new_person_from_selection(self) -> None:
        faces = self.album.selected_faces()
        if not faces:
            dialogs.show_error(self, "Select faces first.")
            return
        name, ok = QInputDialog.getText(self, "New Person", "Name (optional):")
        if ok:
            self._decide(decisions.new_person, faces, name.strip() or None)

    def cover_from_selection(self) -> None:
        faces = self.album.selected_faces()
        if len(faces) == 1 and self.album.person_id is not None:
            self._decide(decisions.set_cover, self.album.person_id, faces[0])

    def suggest_split(self) -> None:
        person_id = self.album.person_id
        if person_id is None:
            return
        groups = suggest_split(self.conn, person_id)
        if not groups:
            dialogs.show_error(self, "These faces look like one person: there is nothing to split.")
            return
        sizes = ", ".join(f"{len(g)}" for g in groups)
        self._select_faces(groups[1:])
        if dialogs.confirm(self, "Split", f"The faces form {len(groups)} groups ({sizes} faces). The largest stays here; "
                           "each other group (selected in the album now) becomes a new person.", "Split"):
            self._decide(decisions.split, person_id, groups)

    def _select_faces(self, groups: list[list[int]]) -> None:
        """Select the faces that would leave, as the split's preview."""
        wanted = {f for group in groups for f in group}
        selection = self.album.grid.selectionModel()
        selection.clearSelection()
        for row, tile in enumerate(self.album.model.items):
            if tile.id in wanted:
                selection.select(self.album.model.index(row), selection.SelectionFlag.Select)

    def undo(self) -> None:
        try:
            summary = decisions.undo(self.conn)
        except decisions.DecisionError as error:
            self.statusBar().showMessage(str(error), 4000)
            return
        self.statusBar().showMessage(f"Undone: {summary}", 6000)
        self.refresh()

