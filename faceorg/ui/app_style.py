"""The app's style sheets, read from resources/: the light one, and dark overrides on top of it."""

from __future__ import annotations

from faceorg.resources import resources_dir

THEMES = ("system", "light", "dark")


def _read(name: str) -> str:
    path = resources_dir() / name
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def style_sheet(dark: bool = False) -> str:
    return _read("style.qss") + ("\n" + _read("style-dark.qss") if dark else "")


def wants_dark(theme: str) -> bool:
    """'system' follows the desktop's colour scheme (Qt 6.5+ reports it)."""
    if theme != "system":
        return theme == "dark"
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark
