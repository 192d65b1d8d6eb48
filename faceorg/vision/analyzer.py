"""The analyzer contract and the registry the pipeline composes its analyzers from.

An analyzer is one small class: it loads its model lazily, takes a batch of aligned
faces and returns, for each face, the `FaceRecord` fields it fills. Adding a model is
adding one file that calls `register`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from faceorg.core.errors import UsageError
from faceorg.vision.aligned import AlignedFace


class Analyzer(Protocol):
    """Maps a batch of faces to one dict of `FaceRecord` field updates per face."""

    name: str
    version: str

    def __call__(self, faces: Sequence[AlignedFace]) -> list[dict[str, Any]]: ...


AnalyzerFactory = Callable[[str], Analyzer]
"""Builds an analyzer for a torch device name ("cpu", "cuda", "cuda:1")."""

_REGISTRY: dict[str, AnalyzerFactory] = {}


def register(name: str) -> Callable[[AnalyzerFactory], AnalyzerFactory]:
    """Class decorator: make an analyzer available to the pipeline under `name`."""

    def add(factory: AnalyzerFactory) -> AnalyzerFactory:
        _REGISTRY[name] = factory
        return factory

    return add


def create(name: str, device: str) -> Analyzer:
    """Instantiate a registered analyzer, with one clear error for an unknown name."""
    if name not in _REGISTRY:
        raise UsageError(f"unknown analyzer {name!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](device)


def registered() -> list[str]:
    return sorted(_REGISTRY)
