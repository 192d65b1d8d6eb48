"""The main window: sidebar, pages, filter bar, status area, menus; a client of the Library.

Reads go through the `QueryRunner` (pool threads); every change (a scan, a decision, an undo)
is a Library operation that runs on its writer thread and reports what changed, so only the
views that show it reload. The window holds no connection of its own for writing and no SQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QListView, QMainWindow, QSplitter, QStackedWidget, QWidget

from faceorg.config import Config
from faceorg.core.filters import Filter, describe_filter, filter_from_dict, filter_to_dict
from faceorg.core.plural import count
from faceorg.library import Library, OpChanges
from faceorg.people import decisions
from faceorg.store import browse, people
from faceorg.store import faces as face_repo
from faceorg.ui import attribute_runner, dialogs, menus
from faceorg.ui.app_style import style_sheet, wants_dark
from faceorg.ui.delegate import model_value
from faceorg.ui.model_import import ModelImporter
from faceorg.ui.models import ItemRole, PhotoGridModel
from faceorg.ui.pages import AlbumPage, EmptyState, PeoplePage, PhotosPage
from faceorg.ui.queries import QueryRunner
from faceorg.ui.review_page import ReviewPage
from faceorg.ui.scan_status import MessageArea, ScanStatus
from faceorg.ui.sidebar import Sidebar
from faceorg.ui.thumbnails import ImageCache
from faceorg.ui.viewer import PhotoViewer, describe_photo, load_for_screen
from faceorg.ui.worker import LibraryWorker
from faceorg.vision.decode import camera

QUIT_WAIT_SECONDS = 1.5
"""Quitting mid-scan waits this long for the scan to stop; then the process ends regardless
(the photo being stored is rolled back by SQLite and scanned again next time)."""


class MainWindow(QMainWindow):
    photosShown = Signal()  # the grid holds the answer to the current filter (tests wait on it)
    foldersShown = Signal()  # the sidebar holds the library's folders (the settings dialog lists them too)

    def __init__(self, config: Config, settings: QSettings | None = None, pipeline_factory=None):
        super().__init__()
        self.config = config
        self.settings = settings or QSettings("faceorg", "faceorg")
        self.setWindowTitle("faceorg")
        self.setAcceptDrops(True)
        self.theme = str(self.settings.value("ui/theme", "system"))
        self.setStyleSheet(style_sheet(wants_dark(self.theme)))
        self.library = Library(config, pipeline_factory)
        self.cache = self.library.cache
        self.images = ImageCache(self.cache, parent=self)
        self.queries = QueryRunner(config.db_path, self)
        self.worker = LibraryWorker(self.library)
        self.scanning = False
        self.closed = False
        self.choice: tuple[str, object] = ("all", None)
        self.folder_paths: dict[int, str] = {}
        self.everyone: list = []  # every person the sidebar last loaded (names for the move dialog)
        self._build()
        self.queries.failed.connect(lambda topic, text: self.notify(f"Could not load {topic}: {text}"))
        self._connect_worker()
        self.attributes = attribute_runner.install(self)
        self._build_menus()
        self._restore_settings()
        menus.install(self)
        self.refresh()

    # -- layout --------------------------------------------------------------------
    def _build(self) -> None:
        self.sidebar = Sidebar()
        self.sidebar.chosen.connect(self.show_choice)
        self.stack = QStackedWidget()
        self.empty = EmptyState()
        self.empty.addRequested.connect(self.add_folder_dialog)
        self.photos = PhotosPage(self.images, self.library.reader())
        self.photos.filter_bar.changed.connect(lambda _f: self.load_photos())
        self.photos.filter_bar.saveRequested.connect(self.save_filter)
        self.photos.grid.activated.connect(self.open_photo)
        self.people_page = PeoplePage(self.images)
        self.people_page.grid.activated.connect(self.open_person)
        self.people_page.model.renameRequested.connect(self.rename_person)
        self.people_page.model.facesDropped.connect(lambda faces, pid: self._run(self.library.move_faces(faces, pid)))
        self.people_page.mergeRequested.connect(self.merge_selected)
        self.people_page.hideRequested.connect(self.hide_selected)
        self.people_page.forgetRequested.connect(self.forget_selected)
        self.people_page.show_hidden.toggled.connect(lambda _c: self.load_people())
        self.album = AlbumPage(self.images)
        self.album.backRequested.connect(self.back_to_people)
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
        self.review_page = ReviewPage(
            self.library.reader(),
            self.images,
            lambda op: self._run(self.library.submit(op), lambda _r: self.review_page.load()),
        )
        for page in (self.empty, self.photos, self.people_page, self.album, self.viewer, self.review_page):
            self.stack.addWidget(page)
        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 1000])
        self.setCentralWidget(splitter)
        self.messages = MessageArea()
        self.messages.undoRequested.connect(self.undo)
        self.statusBar().addPermanentWidget(self.messages, 1)
        self.scan_status = ScanStatus()
        # plain flags, called directly (not queued behind the running scan)
        self.scan_status.pauseToggled.connect(lambda paused: self.worker.pause(paused))
        self.scan_status.cancelRequested.connect(lambda: self.worker.cancel())
        self.statusBar().addPermanentWidget(self.scan_status)
        self.viewer_return: PhotosPage | AlbumPage = self.photos
        self.viewer_list: list[browse.GridPhoto] | PhotoGridModel = []
        self.viewer_row = 0

    def _connect_worker(self) -> None:
        self.worker.progress.connect(self.scan_status.show_progress)
        self.worker.scanFinished.connect(self._scan_finished)
        self.worker.libraryChanged.connect(self.refresh)
        self.worker.failed.connect(lambda text: dialogs.show_error(self, text))

    def notify(self, text: str, undo: bool = False) -> None:
        """A message in the status bar (beside the scan's progress, never under it)."""
        self.messages.show_message(text, undo)

    def _run(self, future, on_done=None, on_error=None) -> None:
        """An operation's outcome: its message (with Undo when it can be undone), or its refusal."""

        def done(result, changes: OpChanges) -> None:
            if changes.message:
                self.notify(changes.message, changes.undoable)
            if on_done is not None:
                on_done(result)

        self.worker.run(future, done, on_error)

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
        self._action(file, "Files That Could Not Be &Read…", self.open_failures)
        self._action(file, "Import SwinFace model…", ModelImporter(self).ask)
        file.addSeparator()
        self._action(file, "&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences)
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self._action(edit, "Select &All", lambda: self._current_grid().selectAll(), QKeySequence.StandardKey.SelectAll)
        view = bar.addMenu("&View")
        self._action(view, "Sort by &Date Taken", lambda: self.set_order("taken"), "Ctrl+1")
        self._action(view, "Sort by &Name", lambda: self.set_order("name"), "Ctrl+2")
        self.group_action = self._action(view, "&Group by Month", self.set_grouped, "Ctrl+G")
        self.group_action.setCheckable(True)
        view.addSeparator()
        self._action(view, "&People", self.back_to_people, "Ctrl+P")
        self._action(view, "&All Photos", lambda: self.sidebar.select("all"), "Ctrl+L")
        self._action(view, "Clear &Filters", self.photos.filter_bar.clear, "Ctrl+Backspace")
        people_menu = bar.addMenu("&People")
        self._action(people_menu, "&Merge Selected People", self.merge_selected, "Ctrl+M")
        self._action(people_menu, "&Not This Person", self.reject_selected, QKeySequence.StandardKey.Delete)
        self._action(people_menu, "Mo&ve Faces To…", self.move_selected, "Ctrl+Shift+M")
        self._action(people_menu, "New Person from &Selection", self.new_person_from_selection, "Ctrl+N")
        self._action(people_menu, "&Hide Person", self.hide_selected, "Ctrl+H")
        self._action(people_menu, "&Forget Person…", self.forget_selected)
        self._action(people_menu, "&Regroup All People", lambda: self._run(self.library.recluster()))
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
        self.photos.set_tile_size(int(cast("int | str", self.settings.value("grid/tile", 170))))
        grouped = str(self.settings.value("grid/grouped", "false")).lower() == "true"
        self.group_action.setChecked(grouped)
        self.photos.set_grouped(grouped)
        self.sidebar.set_filters(list(self.saved_filters()))

    @property
    def _filters_key(self) -> str:
        """Saved filters belong to one library (they name its people): keyed like its cache folder."""
        return f"filters/{self.cache.root.name}"

    def saved_filters(self) -> dict[str, dict]:
        try:
            return json.loads(str(self.settings.value(self._filters_key, "{}")))
        except ValueError:
            return {}

    def save_filter(self, flt: Filter) -> None:
        name, ok = QInputDialog.getText(self, "Save Filter", "Name:", text=describe_filter(flt))
        if ok and name.strip():
            saved = self.saved_filters()
            saved[name.strip()] = filter_to_dict(flt)
            self._store_filters(saved)

    def _store_filters(self, saved: dict[str, dict]) -> None:
        self.settings.setValue(self._filters_key, json.dumps(saved))
        self.sidebar.set_filters(list(saved))

    def delete_saved_filter(self, name: str) -> None:
        saved = self.saved_filters()
        if saved.pop(name, None) is not None:
            self._store_filters(saved)
            if self.choice == ("filter", name):
                self.sidebar.select("all")
            self.notify(f"Deleted the saved filter {name}")

    def rename_saved_filter(self, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename Saved Filter", "Name:", text=name)
        saved = self.saved_filters()
        if ok and new.strip() and new.strip() != name and name in saved:
            saved = {new.strip() if k == name else k: v for k, v in saved.items()}
            self._store_filters(saved)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("grid/order", self.order)
        self.settings.setValue("grid/tile", self.photos.tile_size.value())
        self.settings.setValue("grid/grouped", self.photos.grouped)
        self.settings.sync()  # written now: the process may end without running destructors (app.leave)
        self.closed = True
        self.library.close(QUIT_WAIT_SECONDS)
        self.queries.wait_idle(2000)
        self.images.wait_idle(2000)
        self.photos.model.conn.close()
        super().closeEvent(event)

    # -- drag and drop, folders, scans ---------------------------------------------
    @staticmethod
    def _read_only_action(event) -> Qt.DropAction | None:
        """The app only reads dropped files: Copy (or Link), never Move, whatever was proposed."""
        offered = event.possibleActions()
        for action in (Qt.DropAction.CopyAction, Qt.DropAction.LinkAction):
            if offered & action:
                return action
        return None

    def _set_drop_highlight(self, on: bool) -> None:
        self.stack.setProperty("dropTarget", on)
        self.stack.style().unpolish(self.stack)
        self.stack.style().polish(self.stack)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        action = self._read_only_action(event)
        if action is not None and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.setDropAction(action)
            event.accept()
            self._set_drop_highlight(True)

    def dragMoveEvent(self, event) -> None:
        action = self._read_only_action(event)
        if action is not None:
            event.setDropAction(action)
            event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_highlight(False)
        action = self._read_only_action(event)
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths and action is not None:
            event.setDropAction(action)
            event.accept()
            self.scan_paths(paths)

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a Folder of Photos")
        if folder:
            self.scan_paths([folder])

    def scan_paths(self, paths: list[str]) -> None:
        if self.scanning:
            self.notify("A scan is already running; the new folders will be added when it ends.")
            self._queued = getattr(self, "_queued", []) + paths
            return
        self.scanning = True
        self.scan_status.set_running(True)
        self.scan_status.label.setText("Preparing scan…")
        self.worker.scan(list(paths))

    def rescan(self) -> None:
        if self.folder_paths:
            self.scan_paths(list(self.folder_paths.values()))

    def _scan_finished(self, summary) -> None:
        self.scanning = False
        self.scan_status.show_summary(summary)
        queued, self._queued = getattr(self, "_queued", []), []
        if queued:
            self.scan_paths(queued)

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        self.settings.setValue("ui/theme", theme)
        self.setStyleSheet(style_sheet(wants_dark(theme)))

    def open_settings(self):
        from faceorg.config import settings_path
        from faceorg.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self, settings_path())
        self.foldersShown.connect(dialog.fill_folders)
        dialog.finished.connect(lambda _r: self.foldersShown.disconnect(dialog.fill_folders))
        dialog.open()
        return dialog

    def open_failures(self):
        from faceorg.ui.failures_dialog import FailuresDialog

        dialog = FailuresDialog(self)
        dialog.open()
        return dialog

    def retry_failed(self, paths: list[str]) -> None:
        """Read these failed files again: marked changed, then their folders rescanned (the rest is skipped)."""
        self._run(self.library.retry_failed(paths), self.scan_paths)

    def remove_current_folder(self) -> None:
        kind, value = self.choice
        if kind != "folder":
            dialogs.show_error(self, "Choose a folder in the sidebar first.")
            return
        self.remove_folder(int(cast(int, value)))  # a folder choice holds its folder id

    def remove_folder(self, folder_id: int) -> None:
        if dialogs.confirm(
            self,
            "Remove Folder",
            "Remove this folder's photos and faces from the library? "
            "The photos themselves stay where they are, untouched.",
            "Remove",
        ):
            self._run(self.library.remove_folder(folder_id), lambda _gone: self.sidebar.select("all"))

    # -- what the sidebar shows ----------------------------------------------------
    def refresh(self, changes: OpChanges | None = None) -> None:
        """Reload what `changes` touched (everything when None)."""
        if self.closed:
            return  # the writer's last notices (a pass stopping) find no connection left to read with
        changes = changes or OpChanges(people=True, faces=True, photos=True)
        if changes.snapshot_stale or self.choice[0] in ("people", "unsorted"):
            self.show_choice(*self.choice, keep_page=True)
        if changes.faces and self.stack.currentWidget() is self.viewer:
            self._view_row(self.viewer_row)  # a face named from the viewer shows its new name
        if changes.people or changes.snapshot_stale:
            self.queries.ask("sidebar", self._sidebar_data, self._show_sidebar)

    def _sidebar_data(self, conn):
        index = self.library.snapshot(conn)
        everyone = people.all_people(conn, counts=index.person_counts())
        return browse.folders(conn), everyone, len(index.unsorted_faces()), index.attribute_names, len(index.photo_ids)

    def _show_sidebar(self, data) -> None:
        folders, people_list, unsorted, attributes, photo_total = data
        self.folder_paths = {f.id: f.path for f in folders}
        self.everyone = people_list
        self.sidebar.set_folders(folders)
        self.foldersShown.emit()
        named = [p for p in people_list if p.face_count and not p.hidden]
        self.sidebar.set_counts(photo_total, len(named), unsorted)
        self.photos.filter_bar.set_people(people_list)
        self.photos.filter_bar.set_attributes(attributes)
        on_all_photos = self.stack.currentWidget() is self.photos and self.choice[0] == "all"
        if photo_total == 0 and not self.scanning and on_all_photos:
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
            self.photos.title.setText(self._page_title())
            if self.stack.currentWidget() is not self.empty:
                self.stack.setCurrentWidget(self.photos)
            self.load_photos()
        elif kind == "people":
            if not (keep_page and self.stack.currentWidget() in (self.album, self.viewer)):
                self.stack.setCurrentWidget(self.people_page)
            self.load_people()
            if keep_page and self.stack.currentWidget() is self.album:
                self.load_album(self.album.person_id)
        elif kind == "unsorted":
            self.stack.setCurrentWidget(self.album)
            self.load_album(None)
        elif kind == "review":
            self.stack.setCurrentWidget(self.review_page)
            self.review_page.load()

    def set_order(self, order: str) -> None:
        self.order = order
        self.load_photos()

    def set_grouped(self, grouped: bool) -> None:
        """Month headers over the photo grid (when sorted by date taken; by name there are no months)."""
        self.group_action.setChecked(grouped)
        self.photos.set_grouped(grouped)
        self.load_photos()

    def back_to_people(self) -> None:
        """From an album or the viewer back to the people grid (‹ People, the sidebar, Ctrl+P, Esc)."""
        self.sidebar.select("people")
        self.stack.setCurrentWidget(self.people_page)

    def keyPressEvent(self, event) -> None:
        in_album = self.stack.currentWidget() is self.album and self.album.person_id is not None
        if event.key() == Qt.Key.Key_Escape and in_album:
            self.back_to_people()
            return
        super().keyPressEvent(event)

    def _page_title(self) -> str:
        kind, value = self.choice
        if kind == "folder":
            path = self.folder_paths.get(cast(int, value), "")
            return Path(path).name or path or "Folder"
        return str(value) if kind == "filter" else "All photos"

    def load_photos(self) -> None:
        flt = self.photos.filter_bar.current()
        folder = cast(int, self.choice[1]) if self.choice[0] == "folder" else None
        order = self.order

        by_month = self.photos.grouped and order == "taken"

        def fetch(conn):
            index = self.library.snapshot(conn, not flt.is_empty)
            return index.photos_by_month(flt, folder) if by_month else (index.photos(flt, order, folder), None)

        self.queries.ask("photos", fetch, lambda found: self._show_photos(*found))

    def _show_photos(self, ids, months=None) -> None:
        flt = self.photos.filter_bar.current()
        base = self._page_title()
        title = base if flt.is_empty or self.choice[0] == "filter" else f"{base} · {describe_filter(flt)}"
        self.photos.title.setText(title)
        self.photos.title.setToolTip(title)
        self.photos.model.set_ids(ids, months)
        self.photos.count.setText(count(len(ids), "photo"))
        self.photos.show_no_results(len(ids) == 0, not flt.is_empty)
        self.photosShown.emit()

    def load_people(self) -> None:
        hidden = self.people_page.show_hidden.isChecked()

        def fetch(conn):
            counts = self.library.snapshot(conn).person_counts()
            return [p for p in people.all_people(conn, include_hidden=hidden, counts=counts) if p.face_count]

        self.queries.ask("people", fetch, self.people_page.model.set_items)

    def load_album(self, person_id: int | None) -> None:
        background = self.album.show_background.isChecked()

        def fetch(conn):
            return (
                people.get(conn, person_id) if person_id is not None else None,
                browse.person_faces(conn, person_id, include_background=background),
            )

        self.queries.ask("album", fetch, lambda data: self._show_album(person_id, *data))

    def _show_album(self, person_id, person, tiles) -> None:
        if person_id is not None and person is None:
            self.back_to_people()
            return
        self.album_person = person
        title = "Unsorted faces" if person_id is None else person.label
        subtitle = count(len(tiles), "face")
        if person_id is None:
            subtitle += " · select faces and name them"
        self.album.show_person(person_id, title, subtitle)
        self.album.model.set_items(tiles)

    def open_person(self, index: QModelIndex) -> None:
        self.open_person_id(model_value(index, ItemRole).id)

    def open_person_id(self, person_id: int) -> None:
        self.stack.setCurrentWidget(self.album)
        self.load_album(person_id)

    def album_owner(self):
        """The person whose album is shown (None for the unsorted faces)."""
        person = getattr(self, "album_person", None)
        return person if person is not None and person.id == self.album.person_id else None

    # -- the viewer ----------------------------------------------------------------
    def open_photo(self, index: QModelIndex) -> None:
        self.viewer_return = self.photos
        self.viewer_list = self.photos.model
        if self.photos.model.photo_index(index.row()) >= 0:  # not a month header
            self._view_row(self.photos.model.photo_index(index.row()))

    def open_face_photo(self, index: QModelIndex) -> None:
        self.viewer_return = self.album
        self.viewer_list = [
            browse.GridPhoto(t.photo_id, t.photo_path, None, Path(t.photo_path).name, None)
            for t in self.album.model.items
        ]
        self._view_row(index.row())

    def _view_row(self, row: int) -> None:
        if not self.viewer_list:
            return
        self.viewer_row = row % len(self.viewer_list)
        photo = self.viewer_list[self.viewer_row]
        if photo is None:  # gone from the library a moment ago; the grid is catching up
            return
        size = self.viewer.size() if self.viewer.width() > 100 else QSize(1600, 1200)

        def fetch(conn):
            found = face_repo.of_photo(conn, photo.id)
            dims = browse.photo_size(conn, photo.id)
            ids = [f.id for f in found]
            owners = {
                face: people.get(conn, pid) if pid is not None else None
                for face, (pid, _by) in people.assignments(conn, ids).items()
            }
            details = browse.photo_details(conn, photo.id)
            about = describe_photo(details, camera(photo.path)) if details else ""
            shown = load_for_screen(photo.path, size), QSize(*(dims or (1, 1))), found, browse.person_names(conn, ids)
            return shown, owners, about

        def show(data) -> None:
            shown, self.viewer.owners, self.viewer.details = data
            self.viewer.show_photo(photo.path, *shown)

        self.queries.ask("viewer", fetch, show)
        self.stack.setCurrentWidget(self.viewer)
        self.viewer.setFocus()

    def show_viewer_face_menu(self, index: int, where) -> None:
        """A click on a face box: name it, say it is someone else, or not this person."""
        face = self.viewer.canvas.faces[index]
        menus.face_menu(self, [face.id], self.viewer.owners.get(face.id), self.viewer.path).popup(where)

    def step_photo(self, step: int) -> None:
        self._view_row(self.viewer_row + step)

    def close_viewer(self) -> None:
        self.stack.setCurrentWidget(self.viewer_return)
        grid = self.photos.grid if self.viewer_return is self.photos else self.album.grid
        row = self.photos.model.row_of(self.viewer_row) if grid is self.photos.grid else self.viewer_row
        grid.setCurrentIndex(grid.model().index(row, 0))
        grid.setFocus()

    # -- people decisions ----------------------------------------------------------
    def _current_grid(self):
        page = self.stack.currentWidget()
        grids: dict[QWidget | None, QListView] = {
            self.photos: self.photos.grid,
            self.people_page: self.people_page.grid,
            self.album: self.album.grid,
        }
        return grids.get(page, self.photos.grid)

    def _selected_people(self):
        return [model_value(i, ItemRole) for i in self.people_page.grid.selectionModel().selectedIndexes()]

    def rename_person(self, person_id: int | None, name: str | None) -> None:
        if person_id is None:
            return
        if name is None:
            current = next((p for p in self.everyone if p.id == person_id), None)
            name, ok = QInputDialog.getText(self, "Rename", "Name:", text=(current.name or "") if current else "")
            if not ok or not name.strip():
                return

        def refused(error: decisions.DecisionError) -> None:
            if isinstance(error, decisions.NameTaken):
                if dialogs.confirm(
                    self,
                    "Name in use",
                    f"{error.owner.label} already has that name. Are they the same person?",
                    "Merge them",
                ):
                    self._run(self.library.merge(error.owner.id, [person_id]))
            else:
                dialogs.show_error(self, str(error))

        self._run(self.library.rename(person_id, name), on_error=refused)

    def merge_selected(self) -> None:
        chosen = self._selected_people()
        if len(chosen) < 2:
            dialogs.show_error(self, "Select two or more people to merge (Ctrl-click).")
            return
        target = next((p for p in chosen if p.name), chosen[0])
        others = [p for p in chosen if p.id != target.id]
        names = ", ".join(p.label for p in others)
        if dialogs.confirm(
            self,
            "Merge",
            f"Merge {names} into {target.label}? Their faces all become {target.label}'s. Edit ▸ Undo takes it back.",
            "Merge",
        ):
            self._run(self.library.merge(target.id, [p.id for p in others]))

    def _target_people(self):
        if self.stack.currentWidget() is self.people_page:
            return self._selected_people()
        person = getattr(self, "album_person", None)
        return [person] if person is not None and self.album.person_id == person.id else []

    def hide_selected(self) -> None:
        for person in self._target_people():
            if person.hidden:  # un-hiding needs no confirmation: it hides nothing
                self._run(self.library.hide(person.id, False))
            elif dialogs.confirm(
                self, "Hide", f"Hide {person.label}? Hidden people stay in the library, out of the way.", "Hide"
            ):
                self._run(self.library.hide(person.id, True))

    def forget_selected(self) -> None:
        for person in self._target_people():
            if dialogs.confirm(
                self,
                "Forget",
                f"Forget {person.label} for good? Their faces' data and crops "
                "are deleted and cannot be brought back. The photos stay.",
                "Forget",
            ):
                self._run(self.library.forget(person.id))
        if self.stack.currentWidget() is self.album:
            self.back_to_people()

    def reject_selected(self) -> None:
        faces = self.album.selected_faces() if self.stack.currentWidget() is self.album else []
        if faces and self.album.person_id is not None:
            self._run(self.library.reject(faces))

    def move_selected(self) -> None:
        faces = self.album.selected_faces()
        if not faces:
            dialogs.show_error(self, "Select faces first.")
            return
        self.ask_name_for_faces(faces, exclude=self.album.person_id)

    def ask_name_for_faces(self, faces: list[int], exclude: int | None = None, title: str = "Move faces to") -> None:
        """Who these faces are: an existing person (by name) or a new one."""
        choices = [p for p in self.everyone if (p.face_count or p.name) and p.id != exclude]
        name = dialogs.choose_name(self, title, [p.label for p in choices])
        if name is None:
            return
        match = next((p for p in choices if p.label.lower() == name.lower()), None)
        if match is not None:
            self._run(self.library.move_faces(faces, match.id))
        else:
            self._run(self.library.new_person(faces, name))

    def new_person_from_selection(self) -> None:
        faces = self.album.selected_faces()
        if not faces:
            dialogs.show_error(self, "Select faces first.")
            return
        self.new_person_from_faces(faces)

    def new_person_from_faces(self, faces: list[int]) -> None:
        name, ok = QInputDialog.getText(self, "New Person", "Name (optional):")
        if ok:
            self._run(self.library.new_person(faces, name.strip() or None))

    def cover_from_selection(self) -> None:
        faces = self.album.selected_faces()
        if len(faces) == 1 and self.album.person_id is not None:
            self._run(self.library.set_cover(self.album.person_id, faces[0]))

    def suggest_split(self) -> None:
        person_id = self.album.person_id
        if person_id is not None:
            self._run(self.library.suggest_split(person_id), lambda groups: self._offer_split(person_id, groups))

    def _offer_split(self, person_id: int, groups: list[list[int]]) -> None:
        if not groups:
            dialogs.show_error(self, "These faces look like one person: there is nothing to split.")
            return
        sizes = ", ".join(f"{len(g)}" for g in groups)
        self._select_faces(groups[1:])
        if dialogs.confirm(
            self,
            "Split",
            f"The faces form {len(groups)} groups ({sizes} faces). The largest stays "
            "here; each other group (selected in the album now) becomes a new person.",
            "Split",
        ):
            self._run(self.library.split(person_id, groups))

    def _select_faces(self, groups: list[list[int]]) -> None:
        """Select the faces that would leave, as the split's preview."""
        wanted = {f for group in groups for f in group}
        selection = self.album.grid.selectionModel()
        selection.clearSelection()
        for row, tile in enumerate(self.album.model.items):
            if tile.id in wanted:
                selection.select(self.album.model.index(row), selection.SelectionFlag.Select)

    def undo(self) -> None:
        self._run(self.library.undo(), on_error=lambda error: self.notify(str(error).capitalize()))
