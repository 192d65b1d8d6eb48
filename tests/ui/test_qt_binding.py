"""The Qt binding must not corrupt Python's reference counts (PySide6 6.12.0 did: every call
returning nothing dropped a reference to None, and a long session crashed the app)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPalette


class _Empty(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):
        return 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


def test_calls_returning_nothing_keep_none_alive(qapp):
    image = QImage(32, 32, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    model = _Empty()
    index = model.index(0)
    before = sys.getrefcount(None)
    for _ in range(2000):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QPalette().color(QPalette.ColorRole.Base))
        painter.drawRect(QRect(0, 0, 4, 4))
        index.data(Qt.ItemDataRole.DecorationRole)
    after = sys.getrefcount(None)
    painter.end()
    assert after - before > -100, f"the Qt binding dropped {before - after} references to None"
