"""Finding the photo files below the folders (or single files) the user gave us."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from faceorg.vision.decode import is_photo_path


def absolute(path: Path | str) -> Path:
    """An absolute, symlink-resolved path, so one file always has one key in the library."""
    return Path(os.path.realpath(os.path.expanduser(str(path))))


def photo_files(root: Path, unreadable: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """Photo files below `root` in a stable order, skipping hidden folders and files.

    A folder that cannot be listed is added to `unreadable` with the reason, so it is
    recorded and reported like a file (its photos cannot be found); a root that is
    itself a photo yields itself.
    """
    if root.is_file():
        if is_photo_path(root):
            yield root
        return

    def note(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append((Path(error.filename or root), f"cannot list folder: {error.strerror or error}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=note, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and is_photo_path(Path(name)):
                yield Path(dirpath) / name
