"""One frozen configuration, built from defaults, the settings file and command-line flags.

It is passed down explicitly; there are no module-level settings or singletons.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from faceorg.core.errors import ConfigError

APP_NAME = "faceorg"


@dataclass(frozen=True)
class Config:
    """Everything a scan, a query or the app needs to know about where and how to work."""

    db_path: Path
    cache_dir: Path
    log_dir: Path
    device: str = "auto"
    min_face_px: int = 20
    """bench/group_recall.py, 9 boxed PASCAL group photos (43 faces, most 37-45 px): RetinaFace finds
    43/43 at 12-24, 34 at 32, 19 at 40, with no false face at any; tiny faces are still marked
    background for people (faceorg/people/junk.py)."""
    detect_max_side: int = 1000
    """A 4000 px (12 MP) JPEG then decodes in draft mode at exactly 1/4: decode 1.3x faster than at
    1024 over 12-24 MP photos (1.4-3.9x on 12 MP), the same faces found (issue 13)."""
    face_batch: int = 32
    decode_workers: int = 0
    """0: one more than the cores, at most 4. On the 2-core machine at load average 8 (other jobs plus
    2 busy processes), interleaved in one run, 1 / 2 / 3 workers scanned 1.54 / 1.64 / 1.74 photos/s
    (decode+detect floor 1.77; bench/scan_configs.py): fewer did not help there (issue 13)."""
    model_threads: int = 1
    """Intra-op threads for torch and onnxruntime on the model thread (faceorg/vision/threads.py)."""
    embedder: str = "torch"
    detector: str = "retinaface"
    thumbnail_px: int = 320
    crop_px: int = 160
    models_dir: Path | None = None
    """Models the user imported (SwinFace); None: the per-user data folder's models/."""

    @property
    def user_models_dir(self) -> Path:
        return self.models_dir or Path(platformdirs.user_data_dir(APP_NAME)) / "models"

    def with_overrides(self, **overrides: Any) -> Config:
        """A copy with every override that is not None applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "settings.json"


def default_config() -> Config:
    data = Path(platformdirs.user_data_dir(APP_NAME))
    return Config(
        db_path=data / "library.db",
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME)),
    )


def _from_settings(base: Config, settings: dict[str, Any]) -> Config:
    known = {f.name: f for f in fields(Config)}
    values: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in known:
            continue
        values[key] = Path(value) if key in ("db_path", "cache_dir", "log_dir") else value
    return replace(base, **values)


def load_config(settings_file: Path | None = None, **overrides: Any) -> Config:
    """Defaults, then the settings file (JSON, unknown keys ignored), then flags."""
    config = default_config()
    path = settings_file or settings_path()
    if path.is_file():
        try:
            config = _from_settings(config, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise ConfigError(f"settings file {path} is unreadable: {error}") from error
    if overrides.get("db_path") is not None:
        overrides["db_path"] = Path(overrides["db_path"]).expanduser()
    return config.with_overrides(**overrides)
