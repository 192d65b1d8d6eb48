"""Starting the desktop app: the QApplication, the style sheet, the main window, error reporting."""

from __future__ import annotations

import logging
import os
import sys
from typing import cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from faceorg import __version__
from faceorg.config import Config, load_config
from faceorg.logfile import start_logging
from faceorg.resources import resources_dir

log = logging.getLogger(__name__)


def create_app(argv: list[str] | None = None) -> QApplication:
    app = cast("QApplication | None", QApplication.instance()) or QApplication(argv or sys.argv[:1])
    app.setApplicationName("faceorg")
    app.setOrganizationName("faceorg")
    app.setApplicationVersion(__version__)
    icon = resources_dir() / "icons" / "faceorg.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _report_uncaught(kind, error, tb) -> None:
    """Any unexpected error becomes a message box, not a crash; the trace goes to the log file."""
    log.error("uncaught error", exc_info=(kind, error, tb))
    if QApplication.instance() is not None:
        QMessageBox.critical(
            None,
            "faceorg",
            f"Something went wrong: {error}\n\nYour library is safe; the last action may not have completed.",
        )


def run_app(config: Config | None = None, argv: list[str] | None = None) -> int:
    from faceorg.scan.resume import finish_pending_at_start
    from faceorg.ui.main_window import MainWindow
    from faceorg.ui.system_libraries import advice, missing_packages

    missing = missing_packages()
    if missing:
        print(advice(missing), file=sys.stderr)
        return 1
    config = config or load_config()
    start_logging(config)
    app = create_app(argv)
    sys.excepthook = _report_uncaught
    finish_pending_at_start(config)  # what an interrupted scan left (issue 12)
    window = MainWindow(config)
    if os.environ.get("FACEORG_EXIT_AFTER_PAINT") == "1":
        _quit_after_first_paint(app, window)
    window.show()
    return leave(app.exec())


def leave(code: int) -> int:
    """End the process as soon as the window has closed. Tearing down torch, onnxruntime and their
    thread pools at interpreter exit took seconds (16 s on a loaded machine); by now everything
    that matters is saved (closeEvent synced the settings, stopped the writer, waited for the
    caches; SQLite rolls back a photo cut short), so nothing is lost by skipping it."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class _FirstPaint(QObject):
    """For start-up measurements (tools/build_bundle.py): quit once the window has painted."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.app = app

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self.app.quit)
        return False


def _quit_after_first_paint(app: QApplication, window) -> None:
    window.installEventFilter(_FirstPaint(app))
