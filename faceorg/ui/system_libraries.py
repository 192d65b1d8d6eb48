"""Before Qt starts on Linux/X11: name the Debian/Ubuntu packages of missing system libraries.

Without this a fresh machine shows Qt's "could not load the Qt platform plugin xcb" trace,
which names neither the library nor the package (libxcb-cursor0 was the usual culprit).
"""

from __future__ import annotations

import ctypes
import os
import sys

XCB_LIBRARIES = {  # what Qt 6's xcb platform plugin loads -> the Debian/Ubuntu package that has it
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def missing_packages() -> list[str]:
    """Packages to install for the X11 window, in the order above; [] when all load (or not X11)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or (platform and not platform.startswith("xcb")):
        return []
    missing = []
    for library, package in XCB_LIBRARIES.items():
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(package)
    return missing


def advice(packages: list[str]) -> str:
    return (
        "faceorg cannot open its window: Qt needs system libraries that are not installed.\n"
        f"On Debian or Ubuntu:  sudo apt-get install {' '.join(packages)}\n"
        "(The command line works without them: faceorg --help.)"
    )
