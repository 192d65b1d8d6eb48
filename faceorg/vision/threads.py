"""How many threads one model call may use: a fixed, measured number, never "all cores".

On a computer that is also doing other things (a browser, a build, other people's jobs),
a convolution split over every core waits for the slowest core at each step. Measured on
this project's 2-core machine (`bench/threads.py`, per photo at 1000 px, detector and
analyzers interleaved 1 thread vs 2; the figures are in that script's docstring): under
load, 1 thread is several times faster than 2; with no other load, 2 threads gain little
(the decode workers already keep the second core busy). So each model thread runs its ops
on one thread, and spare cores go to more workers (decode, previews), not to more threads
per op. One number governs torch and onnxruntime alike: onnxruntime sessions read it from
torch, where `apply_thread_policy` sets it.
"""

from __future__ import annotations

MODEL_THREADS = 1
"""Intra-op threads per model thread (Config.model_threads): measured best on a loaded machine."""


def apply_thread_policy(threads: int = MODEL_THREADS) -> int:
    """Fix torch's intra-op thread count for this process; returns the number set."""
    import torch

    threads = max(1, int(threads))
    torch.set_num_threads(threads)
    return threads


def model_threads() -> int:
    """The intra-op thread count in force (what `apply_thread_policy` set)."""
    import torch

    return torch.get_num_threads()
