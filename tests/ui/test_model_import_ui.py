"""File ▸ Import SwinFace model…: a checkpoint in the official layout (random weights, made by the
tests' own script) is imported and re-analyses the library's faces; a tampered one is refused in a sentence."""

from __future__ import annotations

import pytest
import torch
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from faceorg.store.db import connect
from faceorg.ui import dialogs
from faceorg.ui.model_import import ModelImporter
from tests.helpers import copy_photos
from tests.ui.conftest import settle
from tests.ui.test_main_window import drop_paths
from tests.vision import swinface_checkpoint

MENU_TEXT = "Import SwinFace model…"


@pytest.fixture
def models_window(qtbot, config, pipeline, tmp_path):
    from faceorg.ui.main_window import MainWindow

    config = config.with_overrides(models_dir=tmp_path / "models")
    win = MainWindow(
        config, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), pipeline_factory=lambda: pipeline
    )
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    settle(win)


def choose_file(window, monkeypatch, path) -> None:
    """Pick `path` in the file dialog and trigger the menu item."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(path), "")))
    action = next(a for m in window.menuBar().actions() for a in m.menu().actions() if a.text() == MENU_TEXT)
    action.trigger()


def eyeglasses(config) -> list[tuple[float, str]]:
    conn = connect(config.db_path)
    try:
        return conn.execute(
            "SELECT p, model FROM face_attributes WHERE name = 'Eyeglasses' ORDER BY face_id"
        ).fetchall()
    finally:
        conn.close()


def test_import_re_analyses_the_faces_with_swinface(models_window, qtbot, faces_dir, tmp_path, monkeypatch):
    window = models_window
    copy_photos(faces_dir, ["img1.jpg"], tmp_path / "photos")
    with qtbot.waitSignal(window.attributes.finished, timeout=600_000):
        drop_paths(window, [tmp_path / "photos"])
    before = eyeglasses(window.config)
    assert before and all("swinface" not in model for _, model in before)
    source = swinface_checkpoint.make(tmp_path / "checkpoint_step_79999_gpu_0.pt", heads={"Eyeglasses": [-8.0, 8.0]})
    importer = window.findChild(ModelImporter)
    with qtbot.waitSignal(importer.imported, timeout=120_000):
        choose_file(window, monkeypatch, source)
    assert (window.config.models_dir / "swinface.safetensors").is_file()
    with qtbot.waitSignal(window.attributes.finished, timeout=600_000) as done:
        pass
    assert done.args[0].done == len(before)
    after = eyeglasses(window.config)
    assert len(after) == len(before)
    assert all(p > 0.99 and "swinface@" in model for p, model in after), after


def test_a_tampered_checkpoint_is_refused_in_one_sentence(models_window, qtbot, tmp_path, monkeypatch):
    source = swinface_checkpoint.make(tmp_path / "checkpoint.pt")
    checkpoint = torch.load(source, weights_only=True)
    checkpoint["state_dict_om"]["output_fcs.24.weight"] = torch.zeros(3, 512)  # Eyeglasses with three outputs
    torch.save(checkpoint, source)
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, text: shown.append(text))
    importer = models_window.findChild(ModelImporter)
    with qtbot.waitSignal(importer.refused, timeout=120_000):
        choose_file(models_window, monkeypatch, source)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0].startswith("SwinFace was not imported: ")
    assert "output_fcs.24.weight" in shown[0] and shown[0].endswith(".") and "\n" not in shown[0]
    assert shown[0].count(". ") == 0, "one sentence"
    assert not (models_window.config.models_dir / "swinface.safetensors").exists()
