"""Finding the photo files below the folders (or single files) the user gave us."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path

from faceorg.core.paths import path_text
from faceorg.vision.decode import is_photo_path


def absolute(path: Path | str) -> Path:
    """An absolute, symlink-resolved path, so one file always has one key in the library."""
    return Path(os.path.realpath(os.path.expanduser(str(path))))


def _inside(path: str, excluded: Collection[str]) -> bool:
    return any(path == e or path.startswith(e.rstrip(os.sep) + os.sep) for e in excluded)


def photo_files(
    root: Path, unreadable: list[tuple[Path, str]] | None = None, excluded: Collection[str] = ()
) -> Iterator[Path]:
    """Photo files below `root` in a stable order, skipping hidden folders and files, and the
    `excluded` folders (absolute paths as `path_text` writes them) with all below them.

    A folder that cannot be listed is added to `unreadable` with the reason, so it is
    recorded and reported like a file (its photos cannot be found); a root that is
    itself a photo yields itself.
    """
    if root.is_file():
        if is_photo_path(root) and not _inside(path_text(root), excluded):
            yield root
        return
    if _inside(path_text(root), excluded):
        return

    def note(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append((Path(error.filename or root), f"cannot list folder: {error.strerror or error}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=note, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and path_text(os.path.join(dirpath, d)) not in excluded
        )
        for name in sorted(filenames):
            if not name.startswith(".") and is_photo_path(Path(name)):
                yield Path(dirpath) / name
