"""Which torch device to run on: CUDA when torch sees a GPU, else the CPU; a flag overrides."""

from __future__ import annotations

from faceorg.core.errors import UsageError


def resolve_device(requested: str = "auto") -> str:
    """'auto' -> 'cuda' or 'cpu'; an explicit CUDA request without a GPU is a clear error."""
    import torch

    requested = (requested or "auto").lower()
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError(f"device {requested!r} asked for, but torch sees no CUDA GPU; use --device cpu")
    if requested not in ("cpu",) and not requested.startswith("cuda"):
        raise UsageError(f"unknown device {requested!r}; use auto, cpu or cuda")
    return requested


def reduced_precision(device: str):
    """float16 autocast on a GPU (measured to keep results: tests/vision/test_half_precision.py),
    full float32 on the CPU, where float16 is slow and bfloat16 loses more."""
    import contextlib

    import torch

    if device.startswith("cuda"):
        return torch.autocast(device_type="cuda", dtype=torch.float16)
    return contextlib.nullcontext()
