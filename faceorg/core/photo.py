"""A photo as the library knows it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PhotoStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    MISSING = "missing"


@dataclass(frozen=True)
class Photo:
    """One row of the library: where the file is, what it was when we last read it."""

    id: int
    path: str
    size: int
    mtime: float
    hash: str | None
    width: int | None
    height: int | None
    taken_at: float | None
    status: PhotoStatus
    error: str | None
    face_count: int
