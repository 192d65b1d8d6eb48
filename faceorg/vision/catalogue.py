"""Imports every analyzer and detector module so each registers itself; the pipeline names them."""

from faceorg.core.errors import UsageError
from faceorg.vision import (  # noqa: F401  (registration)
    age_gender,
    detect,
    embed_dlib,
    embed_torch,
    expression,
    retinaface,
)
from faceorg.vision.detector import background_score  # noqa: F401  (the scanner asks here, after registration)

EMBEDDERS = {"torch": "embed-torch", "dlib": "embed-dlib"}
"""--embedder choice -> registered analyzer name: dlib's ResNet in our torch port, or run by dlib-bin."""


def default_analyzers(embedder: str) -> list[str]:
    if embedder not in EMBEDDERS:
        raise UsageError(f"unknown embedder {embedder!r}; choose from {', '.join(sorted(EMBEDDERS))}")
    return [EMBEDDERS[embedder], "expression", "age-gender"]
