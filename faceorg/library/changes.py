"""What an operation changed, so each view refreshes only what it shows (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OpChanges:
    people: bool = False  # names, hidden flags, covers: people lists are re-read
    faces: bool = False  # which person a face belongs to: the filter snapshot is stale too
    photos: bool = False  # photos came or went: every view, folders included
    message: str = ""  # what was done, in words, for the status bar
    undoable: bool = False

    @property
    def snapshot_stale(self) -> bool:
        return self.faces or self.photos

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(
            self.people or other.people,
            self.faces or other.faces,
            self.photos or other.photos,
            other.message or self.message,
            self.undoable or other.undoable,
        )
