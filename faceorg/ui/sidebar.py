"""The sidebar: Library (all photos and each folder), People, Unsorted faces, saved Filters."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from faceorg.store.browse import Folder
from faceorg.ui.models import FACES_MIME

RoleKind = Qt.ItemDataRole.UserRole + 10
RoleValue = Qt.ItemDataRole.UserRole + 11


class Sidebar(QTreeWidget):
    """Emits `chosen(kind, value)`: ("all", None), ("folder", id), ("people", None),
    ("unsorted", None), ("filter", name)."""

    chosen = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(14)
        self.setMinimumWidth(200)
        self.library = self._section("Library")
        self.all_photos = self._item(self.library, "All photos", "all", None)
        self.people_section = self._section("People")
        self.people = self._item(self.people_section, "People", "people", None)
        self.unsorted = self._item(self.people_section, "Unsorted faces", "unsorted", None)
        self.review = self._item(self.people_section, "Review", "review", None)  # issue 10: "Is this Ada?"
        self.filters = self._section("Filters")
        self.expandAll()
        self.setAcceptDrops(True)
        self.currentItemChanged.connect(self._on_current)
        self.itemClicked.connect(self._on_click)
        self._current_at_press: QTreeWidgetItem | None = None
        self.setCurrentItem(self.all_photos)

    def dragEnterEvent(self, event) -> None:
        """Faces dragged from an album: hovering People opens it, to drop them on a person there."""
        if event.mimeData().hasFormat(FACES_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if not event.mimeData().hasFormat(FACES_MIME):
            super().dragMoveEvent(event)
            return
        item = self.itemAt(event.position().toPoint())
        if item is self.people:
            self.select("people")
        event.acceptProposedAction()

    def mousePressEvent(self, event) -> None:
        self._current_at_press = self.currentItem()
        super().mousePressEvent(event)

    def _on_click(self, item: QTreeWidgetItem, _column: int) -> None:
        """Clicking the item already chosen chooses it again (back to People from an album)."""
        if item is self._current_at_press:
            self._on_current(item, None)

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title.upper()])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setData(0, RoleKind, "")  # never an empty value: see delegate.model_value
        item.setData(0, RoleValue, "")
        font = item.font(0)
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        item.setFont(0, font)
        return item

    @staticmethod
    def _item(parent: QTreeWidgetItem, text: str, kind: str, value: object) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setData(0, RoleKind, kind)
        item.setData(0, RoleValue, "" if value is None else value)  # never an empty value: see delegate.model_value
        return item

    @staticmethod
    def _choice(item: QTreeWidgetItem) -> tuple[str, object]:
        value = item.data(0, RoleValue)
        return item.data(0, RoleKind), (None if value == "" else value)

    def _on_current(self, current: QTreeWidgetItem | None, _previous) -> None:
        if current is not None and current.data(0, RoleKind):
            self.chosen.emit(*self._choice(current))

    def set_counts(self, photos: int, people: int, unsorted: int) -> None:
        self.all_photos.setText(0, f"All photos  ({photos})")
        self.people.setText(0, f"People  ({people})")
        self.unsorted.setText(0, f"Unsorted faces  ({unsorted})")

    def set_folders(self, folders: list[Folder]) -> None:
        current = self.current_choice()
        for i in reversed(range(1, self.library.childCount())):
            self.library.removeChild(cast(QTreeWidgetItem, self.library.child(i)))
        for folder in folders:
            item = self._item(
                self.library, f"{Path(folder.path).name or folder.path}  ({folder.photos})", "folder", folder.id
            )
            item.setToolTip(0, folder.path)
        self._restore(current)

    def set_filters(self, names: list[str]) -> None:
        current = self.current_choice()
        self.filters.takeChildren()
        for name in names:
            self._item(self.filters, name, "filter", name)
        self.filters.setHidden(not names)
        self._restore(current)

    def current_choice(self) -> tuple[str, object] | None:
        item = self.currentItem()
        return self._choice(item) if item is not None else None

    def _restore(self, choice: tuple[str, object] | None) -> None:
        if choice is None:
            return
        for section in (self.library, self.people_section, self.filters):
            for i in range(section.childCount()):
                child = cast(QTreeWidgetItem, section.child(i))  # i < childCount()
                if self._choice(child) == choice:
                    self.blockSignals(True)
                    self.setCurrentItem(child)
                    self.blockSignals(False)
                    return

    def select(self, kind: str, value: object = None) -> None:
        for section in (self.library, self.people_section, self.filters):
            for i in range(section.childCount()):
                child = cast(QTreeWidgetItem, section.child(i))  # i < childCount()
                if self._choice(child) == (kind, value):
                    if child is self.currentItem():
                        self._on_current(child, None)  # chosen again: the page goes back to it
                    else:
                        self.setCurrentItem(child)
                    return
