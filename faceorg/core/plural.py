"""Counts in words: "1 face", "2 faces" (the UI said "1 faces")."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
