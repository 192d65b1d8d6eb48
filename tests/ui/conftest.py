"""GUI fixtures: a main window on a throwaway library, with the session's models."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings


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
