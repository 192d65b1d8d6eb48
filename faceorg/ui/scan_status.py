"""The status area: scan progress (photos done/total, faces, ETA) with Pause and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from faceorg.scan.progress import ScanProgress, ScanSummary, format_duration


class ScanStatus(QWidget):
    pauseToggled = Signal(bool)
    cancelRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.label = QLabel(objectName="scanLabel")
        self.bar = QProgressBar(objectName="scanProgress")
        self.bar.setMaximumWidth(260)
        self.bar.setTextVisible(False)
        self.pause = QPushButton("Pause", objectName="pauseButton", checkable=True)
        self.pause.toggled.connect(self._paused)
        self.cancel = QPushButton("Cancel", objectName="cancelButton")
        self.cancel.clicked.connect(self.cancelRequested)
        for widget in (self.label, self.bar, self.pause, self.cancel):
            layout.addWidget(widget)
        self.set_running(False)

    def _paused(self, paused: bool) -> None:
        self.pause.setText("Resume" if paused else "Pause")
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
        self.label.setText(f"Scanning: {p.done} / {p.total} photos · {p.faces} faces · ETA {format_duration(p.eta)}{paused}")

    def show_summary(self, s: ScanSummary) -> None:
        self.set_running(False)
        verb = "Scan cancelled" if s.cancelled else "Scan finished"
        failed = f" · {len(s.failed)} could not be read" if s.failed else ""
        self.label.setText(f"{verb}: {s.scanned} new photos, {s.faces} faces, {s.unchanged} unchanged{failed} ({s.seconds:.0f} s)")
