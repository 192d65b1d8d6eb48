"""What a person is told about one face, in words and percentages (never logits).

The command line prints these facts on one line, the viewer as a list; both come from here.
"""

from __future__ import annotations

from faceorg.core.expression import top_expression
from faceorg.core.face import FaceRecord


def face_facts(face: FaceRecord) -> list[tuple[str, str]]:
    """(label, value) pairs: expression, age, gender, then each attribute as yes/no."""
    facts: list[tuple[str, str]] = []
    if face.expression:
        name, p = top_expression(face.expression)
        facts.append(("Expression", f"{name} ({p:.0%})"))
    if face.age is not None:
        facts.append(("Age", f"about {face.age:.0f} (± {face.age_spread or 0:.0f})"))
    if face.male is not None:
        facts.append(("Gender", f"{'male' if face.male >= 0.5 else 'female'} ({max(face.male, 1 - face.male):.0%})"))
    for name, p in sorted(face.attributes.items()):
        if name != "Male":  # the gender line says it
            facts.append((name.replace("_", " "), f"{'yes' if p >= 0.5 else 'no'} ({p:.0%})"))
    return facts
