"""Which input does the expression net read best? Chip size, padding and flip averaging, on the cal splits only.

    PYTHONPATH=$PWD python bench/expression_inputs.py [--close-up]

Uses the detections cached by bench/quality.py. Prints balanced accuracy per set and the
happy filter's precision and recall (top expression) for each variant; the chosen one
becomes the default in faceorg/vision/expression.py. The test splits are not looked at.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import EXPRESSION_SETS, aligned, detect_set  # noqa: E402

from faceorg.core.expression import EXPRESSIONS  # noqa: E402
from faceorg.vision.expression import ExpressionAnalyzer  # noqa: E402

VARIANTS = [
    (48, 0.2, False),
    (48, 0.2, True),
    (64, 0.2, True),
    (48, 0.1, True),
    (48, 0.3, True),
    (48, 0.4, True),
    (40, 0.25, True),
    (64, 0.15, True),
    (64, 0.1, True),
    (64, 0.2, False),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--close-up", action="store_true")
    parser.add_argument("--only", type=int, default=0, help="skip the first N variants")
    args = parser.parse_args()
    data = {}
    for name in EXPRESSION_SETS:
        rows = [r for r in detect_set(name, 40, args.close_up) if r["split"] == "cal" and r["rect"]]
        data[name] = (aligned(name, rows, args.close_up), np.array([EXPRESSIONS.index(r["label"]) for r in rows]))
    analyzer = ExpressionAnalyzer("cpu", calibrated=False)
    happy = EXPRESSIONS.index("happy")
    for size, padding, flip in VARIANTS[args.only :]:
        analyzer.chip_size, analyzer.padding, analyzer.flip = size, padding, flip
        parts = []
        for name, (faces, labels) in data.items():
            for face in faces:
                face._chips.clear()
            predicted = analyzer.probabilities(faces).argmax(axis=1)
            balanced = np.mean([np.mean(predicted[labels == c] == c) for c in sorted(set(labels.tolist()))])
            chosen = predicted == happy
            precision = np.mean(labels[chosen] == happy) if chosen.any() else float("nan")
            recall = np.mean(predicted[labels == happy] == happy)
            parts.append(f"{name} n={len(labels)} balanced {balanced:.1%} happy P {precision:.0%} R {recall:.0%}")
        print(f"chip {size} pad {padding} flip {flip}: " + " | ".join(parts), flush=True)


if __name__ == "__main__":
    main()
