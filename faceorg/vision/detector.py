"""The detector contract and the registry `Config.detector` names a detector from.

A detector takes same-sized RGB images and the smallest face worth finding (in their
pixels) and returns, per image, `Detection`s with MTCNN's 5 landmarks in MTCNN's order.
`background_score` is the confidence below which a face counts as doubtful: each
detector's scores have their own scale. Adding a detector is adding one file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from faceorg.core.errors import UsageError


@dataclass(frozen=True)
class Detection:
    """One face in detector-image pixels."""

    box: tuple[float, float, float, float]
    score: float
    landmarks: np.ndarray  # (5, 2): left eye, right eye, nose, left mouth, right mouth


class Detector(Protocol):
    name: str
    version: str
    smallest: float
    background_score: float

    def __call__(self, images: list[np.ndarray], min_face: float) -> list[list[Detection]]: ...


class DetectorFactory(Protocol):
    """Builds a detector for a device name ("cpu", "cuda", "cuda:1"); a detector class is one."""

    background_score: float

    def __call__(self, device: str) -> Detector: ...


_REGISTRY: dict[str, DetectorFactory] = {}


def register_detector(name: str) -> Callable[[DetectorFactory], DetectorFactory]:
    def add(factory: DetectorFactory) -> DetectorFactory:
        _REGISTRY[name] = factory
        return factory

    return add


def _factory(name: str) -> DetectorFactory:
    if name not in _REGISTRY:
        raise UsageError(f"unknown detector {name!r}; choose from {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def create_detector(name: str, device: str) -> Detector:
    """Instantiate a registered detector, with one clear error for an unknown name."""
    return _factory(name)(device)


def background_score(name: str) -> float:
    """The named detector's doubtful-face score, without loading its model."""
    return _factory(name).background_score


def registered_detectors() -> list[str]:
    return sorted(_REGISTRY)
