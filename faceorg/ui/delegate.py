"""Painting one grid tile: the picture fitted into a square, a caption, an optional subtitle."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from faceorg.ui.models import SubtitleRole


def model_value(index: QModelIndex | QPersistentModelIndex, role: int):
    """Ask our Python model directly: PySide6 (6.12, Python 3.11) drops a reference to None
    each time QModelIndex.data() returns an empty value, and enough of those crash Python."""
    return index.model().data(index, role)


class TileDelegate(QStyledItemDelegate):
    """Square tiles of `side` pixels; `round_images` draws faces as circles (people view)."""

    def __init__(self, side: int = 180, round_images: bool = False, captions: int = 1, parent=None):
        super().__init__(parent)
        self.side = side
        self.round_images = round_images
        self.captions = captions
        self._scaled: OrderedDict[int, QPixmap] = OrderedDict()

    def set_side(self, side: int) -> None:
        """A new tile size (the thumbnail size slider): the scaled pictures are redone."""
        self.side = side
        self._scaled.clear()

    def sizeHint(
        self, option: QStyleOptionViewItem | None, index: QModelIndex | QPersistentModelIndex | None
    ) -> QSize:  # the same for every tile: callers may pass None for both
        return QSize(self.side + 12, self.side + 12 + 18 * self.captions)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        palette = option.palette
        if selected or hovered:
            colour = palette.color(QPalette.ColorRole.Highlight)
            colour.setAlpha(90 if selected else 35)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(rect.adjusted(2, 2, -2, -2)), 8, 8)
        frame = QRect(rect.x() + 6, rect.y() + 6, self.side, self.side)
        pixmap = model_value(index, Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            self._draw_image(painter, frame, pixmap)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
            if self.round_images:
                painter.drawEllipse(frame)
            else:
                painter.drawRoundedRect(QRectF(frame), 6, 6)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        text_rect = QRect(rect.x() + 4, frame.bottom() + 4, rect.width() - 8, 18)
        caption = option.fontMetrics.elidedText(
            str(model_value(index, Qt.ItemDataRole.DisplayRole) or ""), Qt.TextElideMode.ElideMiddle, text_rect.width()
        )
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, caption)
        subtitle = model_value(index, SubtitleRole)
        if subtitle and self.captions > 1:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                text_rect.translated(0, 18),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                str(subtitle),
            )
        painter.restore()

    def _fitted(self, pixmap: QPixmap, size: QSize) -> QPixmap:
        """Scaled once per picture and tile size, so scrolling only blits."""
        key = pixmap.cacheKey()
        scaled = self._scaled.get(key)
        if scaled is None or (scaled.width() != size.width() and scaled.height() != size.height()):
            mode = (
                Qt.AspectRatioMode.KeepAspectRatioByExpanding
                if self.round_images
                else Qt.AspectRatioMode.KeepAspectRatio
            )
            scaled = pixmap.scaled(size, mode, Qt.TransformationMode.SmoothTransformation)
            self._scaled[key] = scaled
            while len(self._scaled) > 600:
                self._scaled.popitem(last=False)
        else:
            self._scaled.move_to_end(key)
        return scaled

    def _draw_image(self, painter: QPainter, frame: QRect, pixmap: QPixmap) -> None:
        scaled = self._fitted(pixmap, frame.size())
        x = frame.x() + (frame.width() - scaled.width()) // 2
        y = frame.y() + (frame.height() - scaled.height()) // 2
        if self.round_images:
            path = QPainterPath()
            path.addEllipse(QRectF(frame))
            painter.setClipPath(path)
            painter.drawPixmap(x, y, scaled)
            painter.setClipping(False)
            painter.setPen(QColor(0, 0, 0, 40))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(frame)
        else:
            painter.drawPixmap(x, y, scaled)
