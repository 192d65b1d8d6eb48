"""A person album as the library knows it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AssignedBy(StrEnum):
    """Who put a face into a person: a user's choice is a fact, the others are guesses."""

    CLUSTER = "cluster"
    PREDICTED = "predicted"
    USER = "user"


@dataclass(frozen=True)
class Person:
    id: int
    name: str | None
    hidden: bool
    cover_face_id: int | None
    face_count: int
    photo_count: int

    @property
    def label(self) -> str:
        return self.name or f"Person {self.id}"
