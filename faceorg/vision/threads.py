"""How many threads one model call may use: a fixed, measured number, never "all cores".

On a computer that is also doing other things (a browser, a build, other people's jobs),
a convolution split over every core waits for the slowest core at each step. Measured on
this project's 2-core machine (`bench/threads.py`: 12 shared photos at detection size,
detection + all analyzers, 1 and 2 threads interleaved photo by photo), median per photo:

    machine state (1-min load)             RetinaFace 1 -> 2 threads   MTCNN 1 -> 2 threads
    "quiet": 7 other engineers' jobs (3-6)    165 -> 792 ms (x4.8)       328 -> 2295 ms (x7.0)
    + one busy process per core (6-22)        924 -> 4260 ms (x4.6)     1962 -> 15627 ms (x8.0)

A truly idle machine was not available while this was measured (the "quiet" pass already
had a load average of 3-6 on 2 cores), so whether 2 threads win when nothing else runs is
not known here; `bench/threads.py` answers it on any computer. Each model thread runs its ops
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
