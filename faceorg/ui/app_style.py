"""The app's style sheet, read from resources/ (one look for the window and its dialogs)."""

from __future__ import annotations

from faceorg.resources import resources_dir


def style_sheet() -> str:
    path = resources_dir() / "style.qss"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
