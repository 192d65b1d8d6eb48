"""Printing for the command line: data on stdout, progress and messages on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from faceorg.core.describe import face_facts
from faceorg.core.face import FaceRecord


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def say(message: str) -> None:
    print(message, file=sys.stderr)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def face_json(face: FaceRecord, with_embedding: bool = False) -> dict[str, Any]:
    """One face as the documented JSON object (probabilities, never logits)."""
    data: dict[str, Any] = {
        "box": [round(v, 1) for v in face.box.as_list()],
        "score": _round(face.score),
        "landmarks": [[round(x, 1), round(y, 1)] for x, y in face.landmarks],
        "expression": {k: _round(v) for k, v in face.expression.items()},
        "age": _round(face.age, 1),
        "age_spread": _round(face.age_spread, 1),
        "gender": {"male": _round(face.male)},
        "attributes": {k: _round(v) for k, v in sorted(face.attributes.items())},
        "quality": {k: _round(v, 3) for k, v in face.quality.items()},
    }
    made_by = {k: m for k, m in (("expression", face.expression_model), ("age", face.age_model)) if m}
    if made_by:
        data["made_by"] = made_by  # values an imported model replaced, e.g. {"age": "swinface@1a2b..."}
    if with_embedding and face.embedding is not None:
        data["embedding"] = [round(float(v), 6) for v in face.embedding]
    return data


def face_line(face: FaceRecord) -> str:
    """One face as a human-readable line."""
    box = ", ".join(f"{v:.0f}" for v in face.box.as_list())
    return "  ".join(
        [f"[{box}] score {face.score:.2f}"] + [f"{label.lower()} {value}" for label, value in face_facts(face)]
    )
