"""Which torch device to run on: CUDA when torch sees a GPU, else the CPU; a flag overrides."""

from __future__ import annotations


def resolve_device(requested: str = "auto") -> str:
    """'auto' -> 'cuda' or 'cpu'; an explicit CUDA request without a GPU is a clear error."""
    import torch

    requested = (requested or "auto").lower()
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {requested!r} asked for, but torch sees no CUDA GPU; use --device cpu")
    if requested not in ("cpu",) and not requested.startswith("cuda"):
        raise ValueError(f"unknown device {requested!r}; use auto, cpu or cuda")
    return requested
