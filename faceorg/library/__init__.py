"""The Qt-free library: the one object the desktop app and the command line talk to."""

from faceorg.library.changes import OpChanges
from faceorg.library.library import Library

__all__ = ["Library", "OpChanges"]
