"""GUI fixtures: a main window on a throwaway library, with the session's models."""

from __future__ import annotations

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
