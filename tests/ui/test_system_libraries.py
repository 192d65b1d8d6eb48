"""A fresh Debian machine without libxcb-cursor0 is told which package to install."""

from __future__ import annotations

import ctypes

from faceorg.ui import system_libraries


def test_a_missing_library_names_its_package(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    real = ctypes.CDLL

    def without_cursor(name, *args, **kwargs):
        if name == "libxcb-cursor.so.0":
            raise OSError(f"{name}: cannot open shared object file")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(system_libraries.ctypes, "CDLL", without_cursor)
    missing = system_libraries.missing_packages()
    assert "libxcb-cursor0" in missing
    advice = system_libraries.advice(missing)
    assert "apt-get install" in advice and "libxcb-cursor0" in advice


def test_offscreen_needs_no_x11_library(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert system_libraries.missing_packages() == []
