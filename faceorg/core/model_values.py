"""What an attribute model may give besides attribute probabilities: seven expression probabilities
and an age in years (SwinFace does), carried among its values under reserved names.

The attribute pass stores these in the face's own expression and age (the viewer and the filters
read those), with the model that made them, instead of among the attribute probabilities.
"""

from __future__ import annotations

EXPRESSION_PREFIX = "expression:"
AGE = "age:years"


def expression_key(name: str) -> str:
    return EXPRESSION_PREFIX + name


def split(values: dict[str, float]) -> tuple[dict[str, float], dict[str, float], float | None]:
    """(attribute probabilities, expression probabilities, age or None) of one face's values."""
    attributes = {k: v for k, v in values.items() if not k.startswith(EXPRESSION_PREFIX) and k != AGE}
    expressions = {k.removeprefix(EXPRESSION_PREFIX): v for k, v in values.items() if k.startswith(EXPRESSION_PREFIX)}
    return attributes, expressions, values.get(AGE)


def model_label(model: str | None) -> str | None:
    """'SwinFace' for a value SwinFace made (its versions read 'swinface@<sha>'), else None: the scan's own model."""
    return "SwinFace" if model and model.startswith("swinface@") else None
