"""Per-attribute AUC, positives, and precision/recall at the default threshold of the parsing attributes.

    python bench/attribute_features.py            # parse the photos once (cached under /work/data/attributes)
    python bench/attributes.py [--fit] [--size 512 --scale 2.0]

Photos: the largest face of ../shared/faces/deepface (colour, 61 single-person photos) and
../shared/faces/lfw_tune t0001-t0224 (LFW, grey and slightly rotated); 285 labelled, 230 of
them parsed when the shipped curves were fitted (the machine was too loaded to parse more). Labels:
bench/attribute_labels.csv, read by eye from the photos by the issue-15 engineer (no public
attribute set with images could be fetched from here); colour attributes are labelled on
the colour photos only. The split is stratified per
attribute: its labelled photos, sorted by name, go alternately to the fit and the check
split, positives and negatives separately, so both get half of the few positives (a split
by person left the fit split without a single bald head). `--fit` fits each attribute's
logistic curve (a, b) on the fit split and prints the `RULES` to paste into
faceorg/vision/parsing_attributes.py; without it the shipped rules are measured.
`--compare 256` refits every curve at 512 px and at 256 px input on the photos parsed at
both sizes and prints both check AUCs (what a smaller, 4x cheaper input costs).
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
        rows = list(csv.DictReader(handle))
    return {row["file"]: {k: int(v) for k, v in row.items() if k != "file" and v != ""} for row in rows}


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


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float = 10.0) -> tuple[float, float]:
    """Maximum-likelihood a, b of p = sigmoid(a x + b) with an L2 penalty a^2 / (2c) (few positives):
    Newton's method on the two parameters, as scikit-learn's LogisticRegression(C=c) solves it."""
    X = np.stack([x, np.ones_like(x)], axis=1)
    w = np.zeros(2)
    for _ in range(100):
        p = 1 / (1 + np.exp(-(X @ w)))
        grad = X.T @ (p - y) + np.array([w[0] / c, 0.0])
        hess = X.T @ (X * (p * (1 - p))[:, None]) + np.diag([1 / c, 1e-9])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return float(w[0]), float(w[1])


def load_features(size: int, scale: float) -> dict[str, dict[str, float]]:
    from faceorg.vision import parsing_attributes as pa

    found = {}
    for line in (DATA / f"features_{size}_{scale:g}.jsonl").open():
        row = json.loads(line)
        found[row["file"]] = pa.derived_features(row["features"])
    return found


def check_auc(feats: dict, rows: dict, truth: dict, name: str) -> float:
    """Fit the attribute's curve on the fit rows and return its AUC on the check rows."""
    from faceorg.vision import parsing_attributes as pa

    rule = pa.Rule(*pa.FEATURE_OF[name], 1.0, 0.0)
    x = {s: np.array([rule.x(feats[f]) for f in rows[s]]) for s in rows}
    y = {s: np.array([truth[f][name] for f in rows[s]]) for s in rows}
    if y["fit"].sum() == 0:
        return float("nan")
    a, b = fit_logistic(x["fit"], y["fit"])
    return auc(1 / (1 + np.exp(-(a * x["check"] + b))), y["check"])


def compare(size: int, scale: float) -> int:
    from faceorg.vision import parsing_attributes as pa

    big, small, truth = load_features(512, scale), load_features(size, scale), labels()
    files = sorted(f for f in truth if f in big and f in small)
    print(f"{len(files)} labelled photos parsed at both 512 and {size} px")
    for name in pa.FEATURE_OF:
        labelled = [f for f in files if name in truth[f]]
        if not labelled:
            continue
        rows = stratified(labelled, lambda f, name=name: truth[f][name])
        positives = sum(truth[f][name] for f in rows["check"])
        print(
            f"{name:22s} check AUC at 512: {check_auc(big, rows, truth, name):.3f}   "
            f"at {size}: {check_auc(small, rows, truth, name):.3f}   ({positives} positives)"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--scale", type=float, default=2.0)
    parser.add_argument("--compare", type=int, metavar="SIZE", help="check AUC at 512 px against SIZE px input")
    args = parser.parse_args()
    if args.compare:
        return compare(args.compare, args.scale)

    from faceorg.vision import parsing_attributes as pa

    feats = {}
    for line in (DATA / f"features_{args.size}_{args.scale:g}.jsonl").open():
        row = json.loads(line)
        feats[row["file"]] = pa.derived_features(row["features"])
    truth = labels()
    files = sorted(f for f in truth if f in feats)
    print(f"{len(files)} labelled photos parsed, input {args.size}, crop {args.scale:g}x the face box")
    rules = dict(pa.RULES)
    print(
        f"{'attribute':22s} {'AUC fit':>8s} {'pos':>4s} {'AUC check':>10s} {'pos':>4s} {'n':>4s} "
        f"{'prec@0.5':>9s} {'rec@0.5':>8s}  offered"
    )
    for name, (feature, log) in pa.FEATURE_OF.items():
        rows = stratified([f for f in files if name in truth[f]], lambda f, name=name: truth[f][name])
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
        print(
            f"{name:22s} {auc(p['fit'], y['fit']):8.3f} {int(y['fit'].sum()):4d} "
            f"{auc(p['check'], y['check']):10.3f} {int(y['check'].sum()):4d} {len(rows['check']):4d} "
            f"{precision:9.2f} {recall:8.2f}  {'yes' if offered else 'no'}"
        )
    if args.fit:
        print("\nRULES = {")
        for name, r in rules.items():
            print(f'    "{name}": Rule("{r.feature}", {r.log}, {r.a:.4f}, {r.b:.4f}),')
        print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
