"""load_config: defaults, then the settings file, then flags; a broken settings file is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
import pytest

from faceorg.config import Config, default_config, load_config, settings_path
from faceorg.core.errors import ConfigError, FaceorgError


def test_defaults_live_in_the_user_folders(tmp_path):
    config = load_config(settings_file=tmp_path / "absent.json")
    assert config == default_config()
    assert config.db_path == Path(platformdirs.user_data_dir("faceorg")) / "library.db"
    assert config.log_dir == Path(platformdirs.user_log_dir("faceorg"))
    assert (config.device, config.embedder, config.min_face_px) == ("auto", "torch", 20)
    assert (config.detector, config.model_threads, config.detect_max_side) == ("retinaface", 1, 1000)


def test_the_settings_file_overrides_defaults_and_flags_override_the_file(tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text(
        json.dumps(
            {
                "db_path": str(tmp_path / "lib.db"),
                "device": "cpu",
                "min_face_px": 60,
                "log_dir": str(tmp_path / "logs"),
                "no_such_setting": 1,
            }
        ),
        encoding="utf-8",
    )
    config = load_config(settings_file=settings, min_face_px=80, embedder=None)
    assert config.db_path == tmp_path / "lib.db" and isinstance(config.db_path, Path)
    assert config.log_dir == tmp_path / "logs"
    assert config.device == "cpu", "from the file"
    assert config.min_face_px == 80, "a flag beats the file"
    assert config.embedder == "torch", "a flag left out (None) changes nothing"
    assert not hasattr(config, "no_such_setting")


def test_a_db_flag_expands_the_home_folder(tmp_path):
    config = load_config(settings_file=tmp_path / "absent.json", db_path="~/photos.db")
    assert config.db_path == Path.home() / "photos.db"


def test_the_per_user_settings_file_is_read_by_default(_private_user_folders):
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"face_batch": 7}), encoding="utf-8")
    try:
        assert load_config().face_batch == 7
    finally:
        path.unlink()


def test_an_unreadable_settings_file_names_itself(tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="settings.json is unreadable") as raised:
        load_config(settings_file=settings)
    assert isinstance(raised.value, FaceorgError)


def test_the_configuration_is_frozen():
    with pytest.raises(AttributeError):
        default_config().device = "cpu"  # type: ignore[misc]
    assert Config.__dataclass_params__.frozen  # type: ignore[attr-defined]
