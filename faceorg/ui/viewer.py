"""The photo viewer: the picture with its face boxes, and what we know of the face under the mouse."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from faceorg.core.describe import face_facts
from faceorg.core.plural import count
from faceorg.store.faces import StoredFace


def load_for_screen(path: str, size: QSize) -> QImage:
    """Decode scaled to the screen (JPEG DCT scaling), upright by EXIF; runs on a worker thread."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    stored = reader.size()
    side = max(size.width(), size.height())
    if stored.isValid() and max(stored.width(), stored.height()) > side:
        # fit the stored (not yet rotated) picture into a square, so orientation cannot matter
        reader.setScaledSize(stored.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def describe_photo(details, camera: str | None) -> str:
    """The info panel's text for the photo itself: when, with what, how big, where."""
    import datetime as dt

    lines = []
    if details.taken_at:
        lines.append(f"Taken: {dt.datetime.fromtimestamp(details.taken_at):%-d %B %Y, %H:%M}")
    if camera:
        lines.append(f"Camera: {html.escape(camera)}")
    if details.width and details.height:
        lines.append(
            f"Size: {details.width} × {details.height} ({details.width * details.height / 1e6:.1f} MP), "
            f"{details.bytes / 1e6:.1f} MB"
        )
    lines.append(f"Folder: {html.escape(str(Path(details.path).parent))}")
    return "<br>".join(lines)


def describe(face: StoredFace, name: str | None) -> str:
    """The info panel's text for one face."""
    lines = [f"<b>{html.escape(name or 'Unknown person')}</b>"]
    lines += [f"{label}: {value}" for label, value in face_facts(face.record)]
    return "<br>".join(lines)


class PhotoCanvas(QWidget):
    """Paints the photo fitted to the widget and the boxes of its faces."""

    hovered = Signal(int)  # index into faces, -1 for none
    clicked = Signal(int, QPoint)  # a face box clicked (left or right): its index, where on screen

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image = QImage()
        self.original = QSize(1, 1)
        self.faces: list[StoredFace] = []
        self.active = -1

    def show_photo(self, image: QImage, original: QSize, faces: list[StoredFace]) -> None:
        self.image, self.original, self.faces, self.active = image, original, faces, -1
        self.update()

    def _placement(self) -> tuple[QRectF, float]:
        if self.image.isNull():
            return QRectF(), 1.0
        fitted = QSize(self.image.size()).scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        rect = QRectF(
            (self.width() - fitted.width()) / 2, (self.height() - fitted.height()) / 2, fitted.width(), fitted.height()
        )
        return rect, fitted.width() / max(1, self.original.width())

    def face_rect(self, index: int) -> QRectF:
        rect, scale = self._placement()
        box = self.faces[index].record.box
        return QRectF(rect.x() + box.x1 * scale, rect.y() + box.y1 * scale, box.width * scale, box.height * scale)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(24, 24, 26))
        rect, _ = self._placement()
        if not self.image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(rect, self.image)
        for i in range(len(self.faces)):
            active = i == self.active
            painter.setPen(QPen(QColor(255, 204, 0) if active else QColor(255, 255, 255, 190), 3 if active else 2))
            painter.drawRoundedRect(self.face_rect(i), 4, 4)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.set_active(self.face_at(event.position()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.face_at(event.position())
        if index >= 0:
            self.set_active(index)
            self.clicked.emit(index, event.globalPosition().toPoint())
        else:
            super().mousePressEvent(event)

    def face_at(self, point: QPointF) -> int:
        hits = [i for i in range(len(self.faces)) if self.face_rect(i).contains(point)]
        return min(hits, key=lambda i: self.face_rect(i).width()) if hits else -1

    def set_active(self, index: int) -> None:
        if index != self.active:
            self.active = index
            self.update()
            self.hovered.emit(index)


class PhotoViewer(QWidget):
    """Left/Right move through the current results; Escape returns; Tab steps through the faces."""

    navigate = Signal(int)
    closed = Signal()
    faceClicked = Signal(int, QPoint)  # the face's index, where to show its menu

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("photoViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the dark style covers the button bar too
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 6)
        self.back = QPushButton("‹ Back", objectName="viewerBack")  # type: ignore[call-overload]
        self.back.clicked.connect(self.closed)
        self.title = QLabel(objectName="viewerTitle")  # type: ignore[call-overload]
        previous = QPushButton("←", objectName="viewerPrevious")  # type: ignore[call-overload]
        previous.clicked.connect(lambda: self.navigate.emit(-1))
        following = QPushButton("→", objectName="viewerNext")  # type: ignore[call-overload]
        following.clicked.connect(lambda: self.navigate.emit(1))
        for widget in (self.back, self.title):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(previous)
        bar.addWidget(following)
        for button in (self.back, previous, following):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addLayout(bar)
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(layout, 1)
        self.canvas = PhotoCanvas()
        self.info = QLabel(objectName="faceInfo")  # type: ignore[call-overload]
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.info.setMinimumWidth(240)
        self.info.setWordWrap(True)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.info)
        self.names: dict[int, str | None] = {}
        self.owners: dict[int, object] = {}  # face id -> its Person (None: nobody yet)
        self.details = ""  # the photo's date, camera, size and folder (HTML)
        self.path = ""
        self.canvas.hovered.connect(self._describe)
        self.canvas.clicked.connect(self.faceClicked)

    def show_photo(
        self, path: str, image: QImage, original: QSize, faces: list[StoredFace], names: dict[int, str | None]
    ) -> None:
        self.path, self.names = path, names
        self.title.setText(Path(path).name)
        self.canvas.show_photo(image, original, faces)
        self._describe(-1)

    def _describe(self, index: int) -> None:
        faces = self.canvas.faces
        if index < 0:
            self.info.setText(
                f"<b>{html.escape(Path(self.path).name)}</b><br>{count(len(faces), 'face')}"
                f"<br><br>{self.details}<br><br>Point at a face to see who it is; "
                "click it to name it or say it is someone else.<br>← → next photo · Esc back"
            )
            return
        self.info.setText(describe(faces[index], self.names.get(faces[index].id)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.navigate.emit(-1 if key == Qt.Key.Key_Left else 1)
        elif key == Qt.Key.Key_Escape:
            self.closed.emit()
        elif key == Qt.Key.Key_Tab and self.canvas.faces:
            self.canvas.set_active((self.canvas.active + 1) % len(self.canvas.faces))
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab steps through faces, not widgets
