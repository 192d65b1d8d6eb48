"""Shared fixtures: the real photos in ../shared/faces, a throwaway library, the real models.

Models are loaded once per test session; a library built from the deepface photos is
scanned once and reused read-only by the tests that only look at it.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
FACES = REPO.parent / "shared" / "faces"


def need_faces() -> Path:
    if not (FACES / "deepface" / "identities.csv").is_file():
        pytest.skip(f"the shared test photos are not at {FACES} (clone the project beside its shared/ folder)")
    return FACES


@pytest.fixture(scope="session", autouse=True)
def _private_user_folders(tmp_path_factory):
    """The user's settings file and log folder (platformdirs reads XDG_* on Linux) stay out of
    the tests: no test reads the developer's settings.json or writes into their log."""
    root = tmp_path_factory.mktemp("user")
    saved = {key: os.environ.get(key) for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_STATE_HOME"] = str(root / "state")
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    return need_faces()


@pytest.fixture(scope="session")
def identities(faces_dir: Path) -> dict[str, str]:
    with (faces_dir / "deepface" / "identities.csv").open(newline="") as handle:
        return {row["file"]: row["identity"] for row in csv.DictReader(handle)}


@pytest.fixture
def config(tmp_path: Path):
    from faceorg.config import default_config

    return default_config().with_overrides(db_path=tmp_path / "library.db", cache_dir=tmp_path / "cache", device="cpu")


@pytest.fixture(scope="session")
def session_config(tmp_path_factory):
    from faceorg.config import default_config

    root = tmp_path_factory.mktemp("session-library")
    return default_config().with_overrides(db_path=root / "library.db", cache_dir=root / "cache", device="cpu")


@pytest.fixture(scope="session")
def pipeline(session_config):
    """The real models, loaded once for the whole session."""
    from faceorg.vision.pipeline import FacePipeline

    return FacePipeline(session_config)


@pytest.fixture(scope="session")
def deepface_library(faces_dir, session_config, pipeline):
    """The deepface folder (61 labelled portraits, 2 group photos) scanned once into a session library."""
    from faceorg.scan.scanner import Scanner
    from faceorg.store.db import connect

    conn = connect(session_config.db_path)
    summary = Scanner(conn, session_config, lambda: pipeline).scan([faces_dir / "deepface"])
    return conn, summary


@pytest.fixture
def people_library(deepface_library, session_config, tmp_path):
    """A private copy of the scanned deepface library that a test may change."""
    import shutil
    import sqlite3

    from faceorg.store.cache import CachePaths
    from faceorg.store.db import connect

    source, _ = deepface_library
    path = tmp_path / "copy.db"
    target = sqlite3.connect(path)
    source.backup(target)
    target.close()
    cache = CachePaths.for_library(session_config.cache_dir, session_config.db_path).root
    if cache.is_dir():  # face crops belong to their library: the copy gets its own
        shutil.copytree(cache, CachePaths.for_library(session_config.cache_dir, path).root)
    conn = connect(path)
    yield conn
    conn.close()
