"""The status area: scan progress (photos done/total, faces, ETA) with Pause and Cancel, and messages."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from faceorg.core.plural import count
from faceorg.scan.attribute_pass import AttributeProgress, AttributeSummary
from faceorg.scan.progress import ScanProgress, ScanSummary, format_duration

MESSAGE_MS = 10_000
"""How long a status message stays: long enough to read it and press Undo."""


class ScanStatus(QWidget):
    pauseToggled = Signal(bool)
    cancelRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.label = QLabel(objectName="scanLabel")  # type: ignore[call-overload]  # its whole text: the status bar has room for it
        self.bar = QProgressBar(objectName="scanProgress")  # type: ignore[call-arg]
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.pause = QPushButton("Pause", objectName="pauseButton", checkable=True)  # type: ignore[call-overload]
        self.pause.toggled.connect(self._paused)
        self.cancel = QPushButton("Cancel", objectName="cancelButton")  # type: ignore[call-overload]
        self.cancel.clicked.connect(self.cancelRequested)
        for widget in (self.label, self.bar, self.pause, self.cancel):
            layout.addWidget(widget)
        self.set_running(False)
        self._attributes_shown = False

    def _paused(self, paused: bool) -> None:
        self.pause.setText("Resume" if paused else "Pause")
        if self.pause.isVisibleTo(self):  # said at once: no progress comes while paused
            self.label.setText(self.label.text().removesuffix(" (paused)") + (" (paused)" if paused else ""))
        self.pauseToggled.emit(paused)

    def set_running(self, running: bool) -> None:
        for widget in (self.bar, self.pause, self.cancel):
            widget.setVisible(running)
        if not running:
            self.pause.setChecked(False)

    def show_progress(self, p: ScanProgress) -> None:
        self.set_running(True)
        self.bar.setMaximum(max(1, p.total))
        self.bar.setValue(p.done)
        paused = " (paused)" if self.pause.isChecked() else ""
        self.label.setText(
            f"Scanning: {p.done} / {count(p.total, 'photo')} · {count(p.faces, 'face')} "
            f"· ETA {format_duration(p.eta)}{paused}"
        )

    def show_summary(self, s: ScanSummary) -> None:
        self.set_running(False)
        verb = "Scan cancelled" if s.cancelled else "Scan finished"
        failed = f" · {len(s.failed)} could not be read" if s.failed else ""
        self.label.setText(
            f"{verb}: {count(s.scanned, 'new photo')}, {count(s.faces, 'face')}, {s.unchanged} unchanged{failed} "
            f"({s.seconds:.0f} s)"
        )

    def show_attributes(self, p: AttributeProgress) -> None:
        """The second pass's own progress, with the same Pause and Cancel."""
        self.set_running(True)
        self.bar.setMaximum(max(1, p.total))
        self.bar.setValue(p.done)
        self.label.setText(p.message + (" (paused)" if self.pause.isChecked() else ""))
        self._attributes_shown = True

    def show_attributes_done(self, s: AttributeSummary) -> None:
        if not self._attributes_shown:
            return  # nothing was waiting: the scan's summary stays
        self._attributes_shown = False
        self.set_running(False)
        if s.cancelled:
            self.label.setText(f"Finding attributes stopped after {count(s.done, 'face')}; the rest continue later")
        else:
            self.label.setText(f"Attributes found for {count(s.done, 'face')} ({s.seconds:.0f} s)")


class MessageArea(QWidget):
    """What the last action did, beside the scan's progress (never hidden by it), with Undo when it can be."""

    undoRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.label = QLabel(objectName="statusMessage")  # type: ignore[call-overload]
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(120)
        self.undo = QPushButton("Undo", objectName="undoButton")  # type: ignore[call-overload]
        self.undo.clicked.connect(self._undo)
        self.undo.setVisible(False)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo)
        self._timer = QTimer(self, singleShot=True, interval=MESSAGE_MS)
        self._timer.timeout.connect(self.clear)

    def show_message(self, text: str, undo: bool = False) -> None:
        self.label.setText(text)
        self.label.setToolTip(text)
        self.undo.setVisible(undo)
        self._timer.start()

    def _undo(self) -> None:
        self.undo.setVisible(False)
        self.undoRequested.emit()

    def clear(self) -> None:
        self.label.clear()
        self.undo.setVisible(False)
