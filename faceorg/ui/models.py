"""Qt item models for the three grids: photos, faces, people. They hold plain rows from the store."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from faceorg.core.person import Person
from faceorg.core.plural import count
from faceorg.store.browse import FaceTile, GridPhoto, photo_rows
from faceorg.ui.thumbnails import ImageCache

ItemRole = Qt.ItemDataRole.UserRole + 1
SubtitleRole = Qt.ItemDataRole.UserRole + 2
FACES_MIME = "application/x-faceorg-faces"
"""Faces dragged from an album: their ids, comma-separated (only within this app)."""


class _TileModel(QAbstractListModel):
    """Rows of one kind, each with an image key; repaints a row when its image arrives."""

    def __init__(self, images: ImageCache, parent=None):
        super().__init__(parent)
        self.images = images
        self.items: list[Any] = []
        self._rows_by_key: dict[object, list[int]] = {}
        images.ready.connect(self._image_ready)

    def image_key(self, item: Any) -> object:
        raise NotImplementedError

    def set_items(self, items: list[Any]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self._rows_by_key = {}
        for row, item in enumerate(self.items):
            self._rows_by_key.setdefault(self.image_key(item), []).append(row)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def _image_ready(self, key: object) -> None:
        for row in self._rows_by_key.get(key, ()):
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def item(self, index: QModelIndex | QPersistentModelIndex) -> Any:
        return self.items[index.row()] if index.isValid() and 0 <= index.row() < len(self.items) else None


class PhotoGridModel(QAbstractListModel):
    """The photo grid over a list of photo ids; row details are read a page at a time when first
    painted, so 100 000 results cost one array, not 100 000 objects."""

    PAGE = 256

    def __init__(self, images: ImageCache, conn: sqlite3.Connection, parent=None):
        super().__init__(parent)
        self.images = images
        self.conn = conn
        self.ids = np.zeros(0, dtype=np.int64)
        self._pages: dict[int, list[GridPhoto | None]] = {}
        self._rows_by_key: dict[object, list[int]] = {}
        images.ready.connect(self._image_ready)

    def set_ids(self, ids: np.ndarray) -> None:
        self.beginResetModel()
        self.ids = np.asarray(ids, dtype=np.int64)
        self._pages = {}
        self._rows_by_key = {}
        self.endResetModel()

    @property
    def items(self) -> list[GridPhoto | None]:
        """Every row (loads all pages: for tests and the viewer's list, not for painting)."""
        return [self.photo(row) for row in range(len(self.ids))]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, row: int) -> GridPhoto | None:
        return self.photo(row)

    def photo(self, row: int) -> GridPhoto | None:
        page = row // self.PAGE
        if page not in self._pages:
            start = page * self.PAGE
            ids = self.ids[start : start + self.PAGE].tolist()
            found = {p.id: p for p in photo_rows(self.conn, ids)}
            rows = [found.get(int(i)) for i in ids]  # None: gone since (a folder removed) until the new ids come
            self._pages[page] = rows
            for offset, item in enumerate(rows):
                if item is not None:
                    self._rows_by_key.setdefault(("thumb", item.hash), []).append(start + offset)
        return self._pages[page][row % self.PAGE]

    def item(self, index: QModelIndex | QPersistentModelIndex) -> GridPhoto | None:
        return self.photo(index.row()) if index.isValid() and 0 <= index.row() < len(self.ids) else None

    def _image_ready(self, key: object) -> None:
        for row in self._rows_by_key.get(key, ()):
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        photo = self.item(index)
        if photo is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return photo.name
        if role == Qt.ItemDataRole.DecorationRole:
            return self.images.thumbnail(photo.hash, photo.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            return photo.path
        if role == ItemRole:
            return photo
        return None


class FaceGridModel(_TileModel):
    def __init__(self, images: ImageCache, names: dict[int, str] | None = None, parent=None):
        super().__init__(images, parent)
        self.names = names or {}

    def image_key(self, item: FaceTile) -> object:
        return ("crop", item.id)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [FACES_MIME]

    def mimeData(self, indexes) -> QMimeData:
        """The dragged faces (a face dropped onto a person in People goes to that person)."""
        data = QMimeData()
        ids = sorted({self.item(i).id for i in indexes if self.item(i) is not None})
        data.setData(FACES_MIME, QByteArray(",".join(map(str, ids)).encode()))
        return data

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        face: FaceTile | None = self.item(index)
        if face is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return Path(face.photo_path).name
        if role == Qt.ItemDataRole.DecorationRole:
            return self.images.crop(face.id)
        if role == SubtitleRole:
            return "confirmed" if face.confirmed else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"face {face.id} in {face.photo_path}"
        if role == ItemRole:
            return face
        return None


class PeopleModel(_TileModel):
    """People with their cover faces; the name is edited in place (F2 or double-click)."""

    renameRequested = Signal(int, str)
    facesDropped = Signal(list, int)  # face ids, the person they were dropped on

    def __init__(self, images: ImageCache, parent=None):
        super().__init__(images, parent)
        self.everyone: list[Person] = []
        self.query = ""

    def set_items(self, items: list[Person]) -> None:
        self.everyone = list(items)
        super().set_items([p for p in self.everyone if self._matches(p)])

    def set_query(self, text: str) -> None:
        """Search by name: every word of the query starts a word of the label (any case)."""
        self.query = text.strip().lower()
        super().set_items([p for p in self.everyone if self._matches(p)])

    def _matches(self, person: Person) -> bool:
        words = person.label.lower().split()
        return all(any(w.startswith(q) for w in words) for q in self.query.split())

    def image_key(self, item: Person) -> object:
        return ("crop", item.cover_face_id)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDropEnabled

    def mimeTypes(self) -> list[str]:
        return [FACES_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def canDropMimeData(
        self, data: QMimeData, action, row: int, column: int, parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        return data.hasFormat(FACES_MIME) and self.item(parent) is not None

    def dropMimeData(
        self, data: QMimeData, action, row: int, column: int, parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Faces dropped onto a person: a request to move them there (the store decides, then views refresh)."""
        person: Person | None = self.item(parent)
        if person is None or not data.hasFormat(FACES_MIME):
            return False
        ids = [int(i) for i in bytes(data.data(FACES_MIME)).decode().split(",") if i]  # type: ignore[call-overload]
        if ids:
            self.facesDropped.emit(ids, person.id)
        return False  # nothing is removed from the source by the view: the library moves the faces

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        person: Person | None = self.item(index)
        if person is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return person.label if role == Qt.ItemDataRole.DisplayRole else (person.name or "")
        if role == Qt.ItemDataRole.DecorationRole:
            return self.images.crop(person.cover_face_id) if person.cover_face_id else None
        if role == SubtitleRole:
            hidden = " · hidden" if person.hidden else ""
            return f"{count(person.photo_count, 'photo')}{hidden}"
        if role == ItemRole:
            return person
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        person: Person | None = self.item(index)
        if person is None or role != Qt.ItemDataRole.EditRole:
            return False
        name = " ".join(str(value).split())
        if name and name != (person.name or ""):
            self.renameRequested.emit(person.id, name)
        return False  # the store is the truth: the view refreshes from it
