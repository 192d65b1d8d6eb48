"""Attributes derived from the other analyzers' outputs (see core.attributes.DERIVED)."""

from __future__ import annotations

from faceorg.core.face import FaceRecord


def derived_attributes(record: FaceRecord) -> dict[str, float]:
    """What we can honestly say without a dedicated attribute model."""
    found: dict[str, float] = {}
    if record.expression:
        found["Smiling"] = float(record.expression.get("happy", 0.0))
    if record.male is not None:
        found["Male"] = float(record.male)
    return found
