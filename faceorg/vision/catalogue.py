"""Imports every analyzer module so each registers itself; the pipeline names them."""

from faceorg.core.errors import UsageError
from faceorg.vision import age_gender, embed_dlib, embed_torch, expression  # noqa: F401  (registration)

EMBEDDERS = {"torch": "embed-torch", "dlib": "embed-dlib"}
"""--embedder choice -> registered analyzer name: dlib's ResNet in our torch port, or run by dlib-bin."""


def default_analyzers(embedder: str) -> list[str]:
    if embedder not in EMBEDDERS:
        raise UsageError(f"unknown embedder {embedder!r}; choose from {', '.join(sorted(EMBEDDERS))}")
    return [EMBEDDERS[embedder], "expression", "age-gender"]
