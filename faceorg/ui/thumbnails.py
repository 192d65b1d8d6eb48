"""Thumbnails and face crops loaded off the GUI thread, kept in a bounded in-memory cache.

The scan already wrote them to the disk cache; when one is missing (cache cleared, an
old library) the loader makes it from the original photo, read-only, and saves it.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

from faceorg.store.cache import CachePaths

Key = tuple[str, object]
"""("thumb", content hash) or ("crop", face id)."""


class _Bridge(QObject):
    loaded = Signal(object, QImage)


class _Load(QRunnable):
    def __init__(self, key: Key, cached: Path, source: str | None, make, bridge: _Bridge):
        super().__init__()
        self.key, self.cached, self.source, self.make, self.bridge = key, cached, source, make, bridge

    def run(self) -> None:
        image = QImage(str(self.cached)) if self.cached.is_file() else QImage()
        if image.isNull() and self.source and self.make:
            try:
                self.make(self.source, self.cached)
                image = QImage(str(self.cached))
            except Exception:  # an unreadable original simply has no thumbnail
                image = QImage()
        self.bridge.loaded.emit(self.key, image)


def _make_thumbnail(source: str, target: Path, side: int = 320) -> None:
    from faceorg.scan.previews import save_jpeg, thumbnail
    from faceorg.vision.decode import decode

    save_jpeg(thumbnail(decode(source, side * 2).image, side), target)


class ImageCache(QObject):
    """Ask for a key; get a QPixmap now if cached, else None now and `ready(key)` later."""

    ready = Signal(object)

    def __init__(self, cache: CachePaths, capacity: int = 2000, parent: QObject | None = None):
        super().__init__(parent)
        self.cache = cache
        self.capacity = capacity
        self._pixmaps: OrderedDict[Key, QPixmap] = OrderedDict()
        self._pending: set[Key] = set()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._bridge = _Bridge()
        self._bridge.loaded.connect(self._on_loaded)

    def thumbnail(self, content_hash: str | None, source: str) -> QPixmap | None:
        if not content_hash:
            return None
        return self._get(("thumb", content_hash), self.cache.thumbnail(content_hash), source, _make_thumbnail)

    def crop(self, face_id: int) -> QPixmap | None:
        return self._get(("crop", face_id), self.cache.crop(face_id), None, None)

    def _get(self, key: Key, cached: Path, source: str | None, make) -> QPixmap | None:
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        if key not in self._pending:
            self._pending.add(key)
            self._pool.start(_Load(key, cached, source, make, self._bridge))
        return None

    def _on_loaded(self, key: Key, image: QImage) -> None:
        self._pending.discard(key)
        self._pixmaps[key] = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
        while len(self._pixmaps) > self.capacity:
            self._pixmaps.popitem(last=False)
        self.ready.emit(key)

    def wait_idle(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)
