"""What the vision layer knows about one face, ready to be stored or printed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Box:
    """A face rectangle in original-image pixels (x1, y1) top-left, (x2, y2) bottom-right."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    @property
    def side(self) -> float:
        """The shorter side: the size that decides whether a face is too small."""
        return min(self.width, self.height)

    def as_list(self) -> list[float]:
        return [self.x1, self.y1, self.x2, self.y2]


@dataclass
class FaceRecord:
    """One detected face and everything the analyzers said about it.

    Probabilities are calibrated values in [0, 1]; no logits leave the vision layer.
    """

    box: Box
    score: float
    landmarks: list[tuple[float, float]]
    embedding: np.ndarray | None = None
    expression: dict[str, float] = field(default_factory=dict)
    age: float | None = None
    age_spread: float | None = None
    male: float | None = None
    attributes: dict[str, float] = field(default_factory=dict)
    quality: dict[str, float] = field(default_factory=dict)
    pose: dict[str, float] = field(default_factory=dict)
    """Head yaw / pitch / roll in degrees (core.attributes.POSE_NAMES), once the mesh has seen the face."""
    expression_model: str | None = None
    age_model: str | None = None
