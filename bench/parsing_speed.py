"""ms per face of the face parsing at several input sizes, on this machine's CPU (or a GPU).

    python bench/parsing_speed.py [--device cpu] [--repeat 5]

Prints wall-clock and CPU-time ms per face for one face crop at 512, 384 and 256 px
(batch of 1, the attribute pass batches 8 faces but a CPU gains nothing from it). On a
loaded, shared machine wall time is mostly waiting: CPU time says what the work costs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import torch
    from PIL import Image

    from faceorg.vision import parsing
    from faceorg.vision.nets.bisenet import load_bisenet
    from faceorg.vision.weights import locate

    torch.set_num_threads(2)
    model = load_bisenet(locate(parsing.PARSING_MODEL), args.device)
    photo = np.asarray(Image.open(REPO.parent / "shared" / "faces" / "deepface" / "img1.jpg").convert("RGB"))
    for size in (512, 384, 256):
        crop = np.asarray(Image.fromarray(photo).resize((size, size)))
        parsing.parse(model, [crop], args.device)  # warm-up
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            parsing.parse(model, [crop], args.device)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall_ms, cpu_ms = 1000 * wall / args.repeat, 1000 * cpu / args.repeat
        print(f"input {size}: {wall_ms:7.0f} ms wall, {cpu_ms:7.0f} ms CPU per face")
    return 0


if __name__ == "__main__":
    sys.exit(main())
