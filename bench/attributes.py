"""Per-attribute AUC, positives, and precision/recall at the default threshold of the parsing attributes.

    python bench/attribute_features.py            # parse the photos once (cached under /work/data/attributes)
    python bench/attributes.py [--fit] [--size 512 --scale 2.0]

Photos: the largest face of ../shared/faces/deepface (colour, 60 single-person photos used)
and ../shared/faces/lfw_tune (LFW, grey and slightly rotated). Labels:
bench/attribute_labels.csv, read by eye from the photos by the issue-15 engineer (no public
attribute set with images could be fetched from here); colour attributes are labelled on
the colour photos only. The split is stratified per
attribute: its labelled photos, sorted by name, go alternately to the fit and the check
split, positives and negatives separately, so both get half of the few positives (a split
by person left the fit split without a single bald head). `--fit` fits each attribute's
logistic curve (a, b) on the fit split and prints the `RULES` to paste into
faceorg/vision/parsing_attributes.py; without it the shipped rules are measured.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = Path("/work/data/attributes")
LABELS = REPO / "bench" / "attribute_labels.csv"


def labels() -> dict[str, dict[str, int]]:
    """file -> {attribute: 0/1} (an attribute left blank for a photo is unlabelled there)."""
    with LABELS.open(newline="") as handle:
        return {row["file"]: {k: int(v) for k, v in row.items() if k != "file" and v != ""} for row in csv.DictReader(handle)}


def stratified(files: list[str], label) -> dict[str, list[str]]:
    """Alternate fit / check within the positives and within the negatives."""
    rows: dict[str, list[str]] = {"fit": [], "check": []}
    for value in (1, 0):
        for i, f in enumerate(f for f in files if label(f) == value):
            rows["fit" if i % 2 == 0 else "check"].append(f)
    return rows


def auc(scores: np.ndarray, truth: np.ndarray) -> float:
    pos, neg = scores[truth == 1], scores[truth == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood a, b of p = sigmoid(a x + b), lightly regularised (few positives)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=10.0).fit(x[:, None], y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--scale", type=float, default=2.0)
    args = parser.parse_args()

    from faceorg.vision import parsing_attributes as pa

    feats = {}
    for line in (DATA / f"features_{args.size}_{args.scale:g}.jsonl").open():
        row = json.loads(line)
        feats[row["file"]] = pa.derived_features(row["features"])
    truth = labels()
    files = sorted(f for f in truth if f in feats)
    print(f"{len(files)} labelled photos parsed, input {args.size}, crop {args.scale:g}x the face box")
    rules = dict(pa.RULES)
    print(f"{'attribute':22s} {'AUC fit':>8s} {'pos':>4s} {'AUC check':>10s} {'pos':>4s} {'n':>4s} "
          f"{'prec@0.5':>9s} {'rec@0.5':>8s}  offered")
    for name, (feature, log) in pa.FEATURE_OF.items():
        rows = stratified([f for f in files if name in truth[f]], lambda f: truth[f][name])  # noqa: B023
        if not rows["fit"] or not rows["check"]:
            print(f"{name:22s} not labelled")
            continue
        rule = pa.Rule(feature, log, 1.0, 0.0)
        x = {s: np.array([rule.x(feats[f]) for f in rows[s]]) for s in rows}
        y = {s: np.array([truth[f][name] for f in rows[s]]) for s in rows}
        if args.fit:
            if y["fit"].sum() == 0:
                print(f"{name:22s} no positives in the fit split")
                continue
            rules[name] = pa.Rule(feature, log, *fit_logistic(x["fit"], y["fit"]))
        if name not in rules:
            continue
        p = {s: np.array([rules[name].probability(feats[f]) for f in rows[s]]) for s in rows}
        chosen = p["check"] >= 0.5
        tp = int((chosen & (y["check"] == 1)).sum())
        precision = tp / chosen.sum() if chosen.sum() else float("nan")
        recall = tp / y["check"].sum() if y["check"].sum() else float("nan")
        offered = precision >= 0.8
        print(f"{name:22s} {auc(p['fit'], y['fit']):8.3f} {int(y['fit'].sum()):4d} {auc(p['check'], y['check']):10.3f} "
              f"{int(y['check'].sum()):4d} {len(rows['check']):4d} {precision:9.2f} {recall:8.2f}  {'yes' if offered else 'no'}")
    if args.fit:
        print("\nRULES = {")
        for name, r in rules.items():
            print(f'    "{name}": Rule("{r.feature}", {r.log}, {r.a:.4f}, {r.b:.4f}),')
        print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
