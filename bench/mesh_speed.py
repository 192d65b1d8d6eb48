"""ms per face of the face mesh (crop + net + measures), on this machine's CPU (or a GPU).

    python bench/mesh_speed.py [--device cpu] [--repeat 20] [--threads 2]

Prints wall-clock and CPU-time ms per face at batch 1 and batch 8 (the attribute pass hands
the models 8 faces at a time). On a loaded, shared machine wall time is mostly waiting: CPU
time says what the work costs.
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
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch
    from PIL import Image

    from faceorg.core.face import Box
    from faceorg.vision.mesh_analyzer import MeshAttributes

    torch.set_num_threads(args.threads)
    model = MeshAttributes(args.device)
    photo = np.asarray(Image.open(REPO.parent / "shared" / "faces" / "deepface" / "img1.jpg").convert("RGB"))
    h, w = photo.shape[:2]
    face = (photo, Box(w * 0.3, h * 0.15, w * 0.7, h * 0.55), [(w * 0.42, h * 0.33), (w * 0.58, h * 0.33)])
    for batch in (1, 8):
        model([face] * batch)  # warm-up
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            model([face] * batch)
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        n = args.repeat * batch
        print(f"batch {batch}: {1000 * wall / n:6.1f} ms wall, {1000 * cpu / n:6.1f} ms CPU per face ({args.device})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
