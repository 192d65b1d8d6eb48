"""The files the scans could not read, each with the stage and the reason, and a Retry.

Retry reads the chosen files (all when none is chosen) again through the library's scan;
the list refreshes when that scan ends, so a file that reads now leaves it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from faceorg.core.plural import count
from faceorg.store import photos


class FailuresDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Files That Could Not Be Read")
        self.window_ = window
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("failuresSummary")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("failuresTable")
        self.table.setHorizontalHeaderLabels(["File", "Reason"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.retry = QPushButton("Retry")
        self.retry.setObjectName("retryFailed")
        self.retry.setToolTip("Read the selected files again (all of them when none is selected)")
        self.retry.clicked.connect(self.retry_chosen)
        buttons.addButton(self.retry, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        window.worker.scanFinished.connect(self.load)
        self.finished.connect(lambda _r: window.worker.scanFinished.disconnect(self.load))
        self.load()

    def load(self, _summary=None) -> None:
        self.window_.queries.ask("failures", photos.failures, self.show_failures)

    def show_failures(self, rows: list[tuple[str, str]]) -> None:
        self.table.setRowCount(len(rows))
        for row, (path, reason) in enumerate(rows):
            for column, text in enumerate((path, reason or "")):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.summary.setText(
            f"{count(len(rows), 'file')} could not be read." if rows else "Every file in the library could be read."
        )
        self.retry.setEnabled(bool(rows) and not self.window_.scanning)

    def paths(self) -> list[str]:
        chosen = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        rows = chosen or range(self.table.rowCount())
        items = [self.table.item(r, 0) for r in rows]
        return [item.text() for item in items if item is not None]

    def retry_chosen(self) -> None:
        paths = self.paths()
        if paths:
            self.retry.setEnabled(False)
            self.window_.retry_failed(paths)
