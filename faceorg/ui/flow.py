"""A layout that wraps its widgets onto more rows when the window is narrow (filter pills, buttons).

One long row of controls set the window's minimum width above 1400 px; wrapping keeps every
control reachable on a 1280 px (or 1024 px) screen.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def insert_widget(self, index: int, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    def index_of(self, widget: QWidget) -> int:
        return next(i for i, item in enumerate(self._items) if item.widget() is widget)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        """As wide as the widest single control: everything else wraps."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _rows(self, area: QRect) -> list[list[tuple[QLayoutItem, int, QSize]]]:
        """Items with their x and size, row by row. A widget marked `keepWithNext` (a group's
        label) never ends a row: it wraps together with the item after it."""
        items = [item for item in self._items if not item.isEmpty()]
        gap = self.spacing()
        rows: list[list[tuple[QLayoutItem, int, QSize]]] = []
        row: list[tuple[QLayoutItem, int, QSize]] = []
        x = area.x()
        for k, item in enumerate(items):
            hint = item.sizeHint()
            need = hint.width()
            widget = item.widget()
            if widget is not None and widget.property("keepWithNext") and k + 1 < len(items):
                after = items[k + 1].sizeHint()
                need += gap + after.width()
                hint = QSize(hint.width(), max(hint.height(), after.height()))  # its text centred as the next one's
            if row and x + need > area.right() + 1:
                rows.append(row)
                row, x = [], area.x()
            row.append((item, x, hint))
            x += hint.width() + gap
        return [*rows, row] if row else rows

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Lay the rows out, each item centred on its row's middle line, so a label and the pills
        beside it (same font, text centred in boxes of one height) share one baseline."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        y = area.y()
        for row in self._rows(area):
            height = max(hint.height() for _, _, hint in row)
            if move:
                for item, x, hint in row:
                    item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), hint))
            y += height + self.spacing()
        if y > area.y():
            y -= self.spacing()
        return y - rect.y() + margins.bottom()
