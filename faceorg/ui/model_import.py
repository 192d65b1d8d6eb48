"""File ▸ Import SwinFace model…: the same checked import as `faceorg models import FILE`, from the desktop.

The Library runs it on its writer (reading and checking the checkpoint takes seconds); a file
that is not the official layout is refused in one sentence, and once imported the attribute
pass runs again so every face gets SwinFace's 40 attributes.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from faceorg.ui import dialogs

log = logging.getLogger(__name__)


class ModelImporter(QObject):
    imported = Signal(object)  # the imported file's path, on the GUI thread
    refused = Signal(str)  # one sentence

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.imported.connect(self._imported)
        self.refused.connect(lambda text: dialogs.show_error(self.window, text))

    def ask(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            "Import SwinFace Model",
            "",
            "SwinFace checkpoint (*.pt *.pth);;All files (*)",
        )
        if path:
            self.run(Path(path))

    def run(self, path: Path) -> None:
        self.window.notify(f"Checking {path.name}…")
        self.window.library.import_swinface(path).add_done_callback(self._done)

    def _done(self, future: Future) -> None:  # on the writer thread
        try:
            self.imported.emit(future.result())
        except Exception as error:  # ImportRefused says why in one sentence; anything else, its text
            log.info("SwinFace import refused: %s", error)
            self.refused.emit(f"SwinFace was not imported: {error}")

    def _imported(self, _target: Path) -> None:
        self.window.notify("Imported SwinFace: every face is analysed again for its 40 attributes.")
        self.window.attributes.start()
