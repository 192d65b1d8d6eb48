"""The pages of the central area: empty state, photo grid, people, one album (or unsorted faces)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from faceorg.ui.delegate import TileDelegate
from faceorg.ui.filter_bar import FilterBar
from faceorg.ui.flow import FlowLayout
from faceorg.ui.grid import make_grid
from faceorg.ui.models import FaceGridModel, PeopleModel, PhotoGridModel
from faceorg.ui.thumbnails import ImageCache


def add_buttons(row, specs) -> dict[str, QPushButton]:
    """Push buttons (key, text, signal to emit) appended to a header row, by key."""
    buttons = {}
    for key, text, signal in specs:
        button = QPushButton(text, objectName=f"{key}Button")  # type: ignore[call-overload]
        button.clicked.connect(signal)
        row.addWidget(button)
        buttons[key] = button
    return buttons


TILE_MIN, TILE_MAX = 90, 320
"""Thumbnail sizes the slider offers, in pixels (the cached thumbnails are 320 px)."""


def shrinkable(label: QLabel) -> None:
    """A label that may be cut short (its full text in the tooltip) rather than widen the window."""
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(80)  # an explicit minimum overrides the label's own (its whole text)


class EmptyState(QWidget):
    addRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel("Drag a folder of photos here", objectName="emptyTitle")  # type: ignore[call-overload]
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel(  # type: ignore[call-overload]
            "faceorg finds every face, groups them into people and lets you filter by expression, "
            "age and attributes.\nEverything is computed on this computer; your photos are never changed.",
            objectName="emptyHint",
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        button = QPushButton("Add Folder…", objectName="emptyAdd")  # type: ignore[call-overload]
        button.clicked.connect(self.addRequested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        row.addStretch(1)
        for widget in (title, hint):
            layout.addWidget(widget)
        layout.addSpacing(16)
        layout.addLayout(row)
        layout.addStretch(3)


class PhotosPage(QWidget):
    """The filter bar over the photo grid."""

    def __init__(self, images: ImageCache, conn, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("All photos", objectName="pageTitle")  # type: ignore[call-overload]
        shrinkable(self.title)  # a long filter description is cut, it never widens the window
        self.filter_bar = FilterBar(images)
        self.model = PhotoGridModel(images, conn, self)
        self.delegate = TileDelegate(170)
        self.grid = make_grid(self.delegate, "photoGrid")
        self.grid.setModel(self.model)
        self.count = QLabel(objectName="resultCount")  # type: ignore[call-overload]
        self.tile_size = QSlider(Qt.Orientation.Horizontal, objectName="tileSize", minimum=TILE_MIN, maximum=TILE_MAX)  # type: ignore[call-overload]
        self.tile_size.setValue(170)
        self.tile_size.setFixedWidth(110)
        self.tile_size.setToolTip("Thumbnail size")
        self.tile_size.valueChanged.connect(self.set_tile_size)
        header = QHBoxLayout()
        header.setContentsMargins(12, 8, 12, 0)
        header.addWidget(self.title, 1)  # takes the free width; cut short only when there is none
        header.addWidget(self.count)
        header.addWidget(self.tile_size)
        self.no_results = QLabel(objectName="noResults", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)  # type: ignore[call-overload]
        self.no_results.setVisible(False)
        layout.addLayout(header)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.no_results)
        layout.addWidget(self.grid, 1)

    def set_tile_size(self, side: int) -> None:
        self.delegate.set_side(side)
        hint = self.delegate.sizeHint(None, None)
        self.grid.setGridSize(QSize(hint.width() + 4, hint.height() + 4))
        if self.tile_size.value() != side:
            self.tile_size.setValue(side)

    def show_no_results(self, empty: bool, filtered: bool) -> None:
        """Zero results say so, and how to get some back, instead of an empty grid."""
        self.no_results.setText(
            "No photos match these filters. Loosen one, or Clear them (Ctrl+Backspace)."
            if filtered
            else "No photos here yet."
        )
        self.no_results.setVisible(empty)


class PeoplePage(QWidget):
    mergeRequested = Signal()
    hideRequested = Signal()
    forgetRequested = Signal()

    def __init__(self, images: ImageCache, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.setContentsMargins(12, 8, 12, 4)
        header.addWidget(QLabel("People", objectName="pageTitle"))  # type: ignore[call-overload]
        self.search = QLineEdit(  # type: ignore[call-overload]
            objectName="peopleSearch", placeholderText="Search people by name", clearButtonEnabled=True
        )
        self.search.setMinimumWidth(200)
        self.search.setMaximumWidth(260)
        header.addWidget(self.search)
        header.addStretch(1)
        self.show_hidden = QCheckBox("Show hidden")
        header.addWidget(self.show_hidden)
        add_buttons(
            header,
            (
                ("merge", "Merge", self.mergeRequested),
                ("hide", "Hide", self.hideRequested),
                ("forget", "Forget…", self.forgetRequested),
            ),
        )
        self.hint = QLabel(  # type: ignore[call-overload]
            "Double-click a person to open their album · F2 renames · select two or more to merge",
            objectName="pageHint",
        )
        self.model = PeopleModel(images, self)
        self.search.textChanged.connect(self.model.set_query)
        self.grid = make_grid(TileDelegate(150, round_images=True, captions=2), "peopleGrid", editable=True)
        self.grid.setModel(self.model)
        self.grid.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)  # faces dragged from an album
        self.grid.setDropIndicatorShown(True)
        layout.addLayout(header)
        layout.addWidget(self.hint)
        layout.addWidget(self.grid, 1)


class AlbumPage(QWidget):
    """A person's faces, or the unsorted faces (person None), with the corrections the user can make."""

    backRequested = Signal()
    renameRequested = Signal()
    rejectRequested = Signal()
    moveRequested = Signal()
    newPersonRequested = Signal()
    coverRequested = Signal()
    nameSelectionRequested = Signal()
    splitRequested = Signal()
    backgroundToggled = Signal(bool)

    def __init__(self, images: ImageCache, parent=None):
        super().__init__(parent)
        self.person_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.setContentsMargins(12, 8, 12, 0)
        self.back = QPushButton("‹ People", objectName="backButton")  # type: ignore[call-overload]
        self.back.clicked.connect(self.backRequested)
        self.title = QLabel(objectName="pageTitle", textFormat=Qt.TextFormat.PlainText)  # type: ignore[call-overload]  # names are the user's text
        self.subtitle = QLabel(objectName="pageHint")  # type: ignore[call-overload]
        shrinkable(self.title)
        header.addWidget(self.back)
        header.addWidget(self.title)
        header.addWidget(self.subtitle)
        header.addStretch(1)
        tools = FlowLayout()  # the album's actions wrap in a narrow window rather than widen it
        tools.setContentsMargins(12, 4, 12, 4)
        self.buttons = add_buttons(
            tools,
            (
                ("rename", "Rename…", self.renameRequested),
                ("cover", "Use as cover", self.coverRequested),
                ("reject", "Not this person", self.rejectRequested),
                ("move", "Move to…", self.moveRequested),
                ("new", "New person from selection", self.newPersonRequested),
                ("split", "Suggest split…", self.splitRequested),
                ("name", "Name selected…", self.nameSelectionRequested),
            ),
        )
        self.show_background = QCheckBox("Show background faces", objectName="backgroundToggle")  # type: ignore[call-overload]
        self.show_background.setToolTip("Tiny, blurred, doubtful or turned-away faces are kept but set aside")
        self.show_background.toggled.connect(self.backgroundToggled)
        tools.addWidget(self.show_background)
        self.model = FaceGridModel(images, parent=self)
        self.grid = make_grid(TileDelegate(130, round_images=False, captions=2), "faceGrid")
        self.grid.setModel(self.model)
        self.grid.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)  # onto a person (via People in the sidebar)
        layout.addLayout(header)
        layout.addLayout(tools)
        layout.addWidget(self.grid, 1)

    def show_person(self, person_id: int | None, title: str, subtitle: str) -> None:
        self.person_id = person_id
        self.title.setText(title)
        self.title.setToolTip(title)
        self.subtitle.setText(subtitle)
        unsorted = person_id is None
        for key in ("rename", "cover", "reject", "split"):
            self.buttons[key].setVisible(not unsorted)
        self.buttons["name"].setVisible(unsorted)
        self.show_background.setVisible(unsorted)
        self.back.setVisible(not unsorted)

    def selected_faces(self) -> list[int]:
        return [self.model.item(i).id for i in self.grid.selectionModel().selectedIndexes()]
