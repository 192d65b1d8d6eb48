"""The selftest's Qt check: the Qt libraries, the platform plugin and the JPEG plugin load.

It lives in ui because only ui imports Qt; `faceorg --selftest` adds it to the engine's checks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from faceorg.selftest import SELFTEST_PHOTO, Report, error_text


def _qt_platform() -> str:
    """The platform Qt will use: QT_QPA_PLATFORM, else offscreen on a Linux without a display."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "offscreen"
    return ""


def check_qt(report: Report) -> None:
    """The Qt libraries, the platform plugin and the JPEG image plugin load.

    Run last: if the platform plugin is broken Qt aborts the process itself (after
    printing why), which still makes the selftest exit non-zero.
    """
    try:
        from PySide6 import __version__ as qt_version
        from PySide6.QtCore import QLibraryInfo
        from PySide6.QtGui import QGuiApplication, QImage, QImageReader
        from PySide6.QtWidgets import QApplication
    except Exception as error:
        report.fail("qt", f"PySide6 does not import: {error_text(error)}")
        return
    platform = _qt_platform()
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    name = platform.split(":")[0]
    if name and not any(plugins.glob(f"*q{name}.*")):
        report.fail("qt", f"platform plugin {platform!r} not found in {plugins}")
        return
    app = QGuiApplication.instance()
    if app is None:
        args = [sys.argv[0] or "faceorg"] + (["-platform", platform] if platform else [])
        app = QApplication(args)
    formats = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}  # type: ignore[call-overload]
    from faceorg.resources import resources_dir

    image = QImage(str(resources_dir() / SELFTEST_PHOTO))
    report.expect(
        "qt",
        not image.isNull() and "jpg" in formats,
        f"PySide6 {qt_version}, platform {QGuiApplication.platformName()}, "
        f"JPEG plugin {'ok' if not image.isNull() else 'MISSING'}",
    )
