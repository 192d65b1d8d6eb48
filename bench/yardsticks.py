"""The face_recognition library, imported as a yardstick for benchmarks (never by faceorg).

Its model package still imports pkg_resources, which new setuptools no longer ships; a
two-line stand-in answers the one function it calls.
"""

from __future__ import annotations

import sys
import types


def face_recognition():
    from faceorg.vision.weights import package_dir

    root = package_dir("face_recognition_models")
    shim = types.ModuleType("pkg_resources")
    shim.resource_filename = lambda package, name: str(root / name)
    sys.modules.setdefault("pkg_resources", shim)
    import face_recognition as library

    return library
