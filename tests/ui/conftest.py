"""GUI fixtures: a main window on a throwaway library, with the session's models."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings


def settle(win) -> None:
    """Wait for the writer to end after closing: an attribute batch still in the models' hands when
    the test process exits aborts it (the app itself leaves with os._exit, see app.leave)."""
    assert win.library.close(120), "the library's writer did not stop"


@pytest.fixture
def window(qtbot, config, pipeline, tmp_path):
    from faceorg.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(config, settings, pipeline_factory=lambda: pipeline)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    yield win
    win.close()
    settle(win)


@pytest.fixture
def library_window(qtbot, people_library, session_config, pipeline, tmp_path):
    from faceorg.ui.main_window import MainWindow

    db = Path(people_library.execute("PRAGMA database_list").fetchone()[2])
    config = session_config.with_overrides(db_path=db)
    win = MainWindow(
        config, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), pipeline_factory=lambda: pipeline
    )
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    yield win
    win.close()
    settle(win)
