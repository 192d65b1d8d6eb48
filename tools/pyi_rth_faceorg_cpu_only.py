"""PyInstaller runtime hook of the CPU-only faceorg bundle (FACEORG_BUNDLE_CPU_ONLY=1, see faceorg.spec).

That bundle lacks cuDNN's kernel libraries, so torch must never run on a GPU: hide them all
before torch is imported. `--device auto` then picks the CPU, and `--device cuda` says
that no GPU is visible.
"""

import os

os.environ["CUDA_VISIBLE_DEVICES"] = ""
