"""Per-attribute AUC, positives, and precision/recall at the default threshold of the parsing attributes,
each set checked by curves fitted on the other sets only.

    python bench/attribute_features.py [--set S] --out DATA   # parse each set once (label maps kept)
    python bench/attributes.py [--data DATA ...] [--fit] [--recompute] [--size 512 --scale 2.0] [--compare 384]
        [--with-fresh] [--also ATTRIBUTE=FEATURE[:log]]
    python bench/attributes.py --data DATA FRESH_DATA --recompute --check-set fresh_attr [--trial A] [--also ...]

Labelled sets (a photo is keyed `<folder>/<file>` as in the features file):
- `deepface`: ../shared/faces/deepface, 61 colour portraits, labelled by eye (bench/attribute_labels.csv);
- `lfw_tune`: ../shared/faces/lfw_tune t0001-t0224, 224 grey LFW photos, by eye (same file; no hair colours);
- `celeba_test`: 200 CelebA test-partition photos (tools/build_celeba_test_set.py), by eye
  (bench/celeba_test_labels.csv: Eyeglasses, Wearing_Hat, Bald, Mouth_Slightly_Open, Blond_Hair, Black_Hair);
- `celeba_sample`: 32 CelebA photos with CelebA's own 40 labels (tools/build_celeba_sample.py).
- `fresh_attr` (FRESH_SETS, left out of the fits): 250 CelebA test photos labelled blind for issue 15
  (bench/fresh_attribute_labels.csv); only Black_Hair's curve is fitted with it (`--with-fresh --fit`).
Mouth_Slightly_Open of the first three is read from bench/mouth_labels.csv (`MOUTH_LABELS`, read
again from zoomed mouths; `--old-mouth` scores the set files' by-eye labels instead); their
Wearing_Earrings, Wearing_Necklace, Bangs and Brown_Hair from bench/accessory_labels.csv (`ACCESSORY_LABELS`).
For every attribute and every set S, the logistic curve is fitted on the other sets and S is scored
with it (leave one set out); the table gives each set's check AUC with its positives and the pooled
check figures (every photo scored by a curve that never saw its set): AUC, precision and recall at
p >= 0.5. An attribute is offered where the pooled precision is >= 0.8. `--fit` prints the `RULES`
fitted on every set, to paste into faceorg/vision/parsing_attributes.py. `--check FILE` scores the
shipped RULES on a label file no curve was fitted on: bench/lfw_glasses_check_labels.csv, Eyeglasses
read by eye (blind to the scores; 13 too blurred to tell left out) on 170 grey LFW photos t0225-t0407
(parse them with `bench/attribute_features.py --limit 186` after the labelled ones). `--recompute` rebuilds the
features from the kept label maps with today's `parsing.features` (to try a new feature without
parsing again). `--compare SIZE` prints the pooled check AUC at 512 px and at SIZE px input.
`--data` takes several folders (a set parsed into a folder of its own, e.g. `bench/attribute_features.py
--set fresh_attr --out /work/data/fresh_attr_h15`). `--check-set fresh_attr` scores the shipped RULES on a
set of FRESH_SETS (no fitting); `--with-fresh` puts the FRESH_SETS in the leave-one-set-out table (and in
`--fit`); `--also Black_Hair=hair_saturation` tries a further term in an attribute's curve (`--without-also`
drops every further term); with `--check-set`, `--trial Black_Hair` fits that attribute's curve (with those
changes) on the four sets and scores it beside the shipped one.
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
SET_LABELS = {
    "deepface": REPO / "bench" / "attribute_labels.csv",
    "lfw_tune": REPO / "bench" / "attribute_labels.csv",
    "celeba_test": REPO / "bench" / "celeba_test_labels.csv",
    "celeba_sample": Path("/work/data/celeba_sample/labels.csv"),
}
FRESH_SETS = {"fresh_attr": REPO / "bench" / "fresh_attribute_labels.csv"}
"""Sets no shipped curve was fitted on, scored with `--check-set NAME` (and joined to the leave-one-set-out
table with `--with-fresh`). `fresh_attr`: 250 CelebA test-partition photos drawn at random (seed 15) from
those after `celeba_test`'s (tools/build_fresh_attr_set.py), labelled by eye (issue 15) before any score of
them was computed: each photo at 196 x 240 px on shuffled 4x4 sheets marked with an anonymous index only,
every attribute read 1, 0 or unsure (CelebA's meanings: Black_Hair is black, not dark brown; a sunglass
counts as Eyeglasses; a beret, beanie or do-rag as a hat, a hood or a headband not); the 96 photos with
an unsure hair attribute whose hair showed were seen again at 267 x 327 px (49 Black_Hair, 12 Blond_Hair,
3 Gray_Hair and 2 Bald decided). Mouth_Slightly_Open read, as
MOUTH_LABELS, from zoomed mouths cut from the mesh landmarks on their own freshly shuffled sheets (it
agreed with the whole-photo reading on 172 of the 190 both decided). Blank = still unsure, left out."""


MOUTH_LABELS = REPO / "bench" / "mouth_labels.csv"
"""Mouth_Slightly_Open read again (issue 15) for the 485 photos of deepface, lfw_tune and celeba_test
that had a by-eye label: CelebA's definition (the lips are apart: teeth or a dark gap between them),
read from zoomed mouths, not the whole small photo. `bench/mouth_sheets.py` cut each mouth from the
kept mesh landmarks (the lips' box padded 40 % of their width each side, contrast stretched,
280 px wide), shuffled them onto sheets marked with an anonymous index only (no file name, old
label or score), and each tile was read as open, closed or unsure; the 76 unsure ones were looked
at again at 440 px (34 decided). Blank = still unsure (42: hidden by a hand, a microphone or a
moustache, or too blurred), left out. The same reader, blind, agreed with CelebA's own label on
29 of the 32 celeba_sample photos mixed into the sheets (3 CelebA "closed" read open), and on a
second blind reading of 222 mouths (every label that changed and as many that did not, shuffled
afresh under new indices) read 214 of the 217 it decided as before. Where a photo is listed here
this label replaces the set file's; `labels(old_mouth=True)` keeps the old."""
ACCESSORY_LABELS = REPO / "bench" / "accessory_labels.csv"
ACCESSORIES = ("Wearing_Earrings", "Wearing_Necklace", "Bangs", "Brown_Hair")
"""Wearing_Earrings, Wearing_Necklace, Bangs and Brown_Hair (CelebA's meanings) read blind (issue 15)
for the 485 photos of deepface, lfw_tune and celeba_test: `bench/accessory_sheets.py` cut the middle
400 px of each kept 512 px parsing crop (ears, neck and forehead with a margin), contrast stretched,
226 px, shuffled onto sheets of 20 marked with an anonymous index only (no file name, set, other
label or score), and each tile was read for all four at once. Blank = could not tell: an ear hidden
by hair, or too small or blurred to see a stud, is blank, not 0 (so most long-haired women are
blank for earrings and most men with visible ears 0); a neck hidden by a collar, scarf or the
crop's edge is blank; a fringe swept to one side over part of the forehead is blank; auburn, red and
brown-blond hair are blank for Brown_Hair, and every grey lfw_tune photo is blank for it (no
colour). celeba_sample keeps CelebA's own labels. Checks, on 6 more sheets shuffled afresh under new
indices (`--second`): 88 of the 485 read again agreed wherever both readings decided (earrings 59
of 59, necklace 60 of 60, Bangs 82 of 83, Brown_Hair 39 of 39; 1-3 each decided only once); the 32
celeba_sample photos mixed in agreed with CelebA's own label on every decided earring (17, 5 with),
necklace (13, 1 with) and Bangs (29, 1 with) tile, but 7 of the 22 heads CelebA calls not brown
were read brown (its 4 brown ones all brown): this reading's brown is broader than CelebA's. One
reader read both times and many photos show the same famous faces, so the second reading is not
independent. Where a photo is listed here these four replace the set file's."""


def labels(old_mouth: bool = False, fresh: bool = False) -> dict[str, dict[str, dict[str, int]]]:
    """set -> file -> {attribute: 0/1} (an attribute left blank for a photo is unlabelled there);
    Mouth_Slightly_Open from MOUTH_LABELS where it lists the photo, unless `old_mouth`; with `fresh`
    the FRESH_SETS too."""
    found: dict[str, dict[str, dict[str, int]]] = {}
    for name, path in {**SET_LABELS, **(FRESH_SETS if fresh else {})}.items():
        if not path.exists():
            continue
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        found[name] = {}
        for row in rows:
            file = row["file"] if "/" in row["file"] else f"{name}/{row['file']}"
            if file.split("/")[0] == name:
                found[name][file] = {k: int(v) for k, v in row.items() if k != "file" and v not in ("", None)}
    if not old_mouth and MOUTH_LABELS.exists():
        relabel(found, MOUTH_LABELS, "Mouth_Slightly_Open")
    if ACCESSORY_LABELS.exists():
        for name in ACCESSORIES:
            relabel(found, ACCESSORY_LABELS, name)
    return found


def relabel(found: dict[str, dict[str, dict[str, int]]], path: Path, name: str) -> None:
    """Replace `name` by the label in `path` (file, name) for every photo it lists; blank leaves it unlabelled."""
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            lab = found.get(row["file"].split("/")[0], {}).get(row["file"])
            if lab is not None:
                lab.pop(name, None)
                if row[name] != "":
                    lab[name] = int(row[name])


def auc(scores: np.ndarray, truth: np.ndarray) -> float:
    pos, neg = scores[truth == 1], scores[truth == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float = 10.0) -> tuple[float, ...]:
    """Maximum-likelihood a (one weight per column of x), b of p = sigmoid(a . x + b) with an L2
    penalty |a|^2 / (2c) (few positives): Newton's method, as scikit-learn's LogisticRegression(C=c)
    solves it. Returns (a..., b)."""
    x = x.reshape(len(x), -1)
    X = np.concatenate([x, np.ones((len(x), 1))], axis=1)
    penalty = np.array([1 / c] * x.shape[1] + [0.0])
    w = np.zeros(X.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -40, 40)))
        grad = X.T @ (p - y) + penalty * w
        hess = X.T @ (X * (p * (1 - p))[:, None]) + np.diag(penalty + np.array([0.0] * x.shape[1] + [1e-9]))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return tuple(float(v) for v in w)


def logistic(weights: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    x = x.reshape(len(x), -1)
    return 1 / (1 + np.exp(-np.clip(x @ np.array(weights[:-1]) + weights[-1], -40, 40)))


def load_all(dirs: list[Path], size: int, scale: float, recompute: bool = False) -> dict[str, dict[str, float]]:
    """`load_features` of every DATA folder, merged (a set's features may sit in a folder of their own)."""
    return {f: row for data in dirs for f, row in load_features(data, size, scale, recompute).items()}


def load_features(data: Path, size: int, scale: float, recompute: bool = False) -> dict[str, dict[str, float]]:
    from faceorg.vision import parsing_attributes as pa

    if recompute:
        from faceorg.vision import parsing

        found = {}
        for path in sorted((data / f"maps_{size}_{scale:g}").glob("*.npz")):
            kept = np.load(path)
            file = path.stem.replace("__", "/", 1) + ".jpg"
            eyes = kept["landmarks"][:2] if "landmarks" in kept else None  # kept since h15attr
            found[file] = pa.derived_features(parsing.features(kept["labels"], kept["crop"], scale, eyes))
        return found
    found = {}
    for line in (data / f"features_{size}_{scale:g}.jsonl").open():
        row = json.loads(line)
        found[row["file"]] = pa.derived_features(row["features"])
    missing = {f for rule in pa.RULES.values() for row in found.values() for f in rule.needs() if f not in row}
    if missing:
        raise SystemExit(f"the cached features lack {sorted(missing)}: run with --recompute (from the kept label maps)")
    return found


def samples(feats: dict, truth: dict, name: str, terms) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """set -> (x, y) of the set's parsed photos labelled for `name`; x has one column per (feature, log) term."""
    from faceorg.vision import parsing_attributes as pa

    out = {}
    for set_name, files in truth.items():
        rows = [
            ([pa.term(feats[f], feature, log) for feature, log in terms], lab[name])
            for f, lab in files.items()
            if f in feats and name in lab
        ]
        if rows:
            out[set_name] = (np.array([r[0] for r in rows]), np.array([r[1] for r in rows]))
    return out


def held_out(data: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """set -> probabilities from the curve fitted on every other set (sets whose rest has no positive are left out)."""
    out = {}
    for held in data:
        rest = [s for s in data if s != held]
        x = np.concatenate([data[s][0] for s in rest]) if rest else np.array([])
        y = np.concatenate([data[s][1] for s in rest]) if rest else np.array([])
        if y.sum() == 0 or y.sum() == len(y):
            continue
        out[held] = logistic(fit_logistic(x, y), data[held][0])
    return out


def report(feats: dict, truth: dict, names: dict[str, tuple]) -> dict[str, tuple[float, float, float, int]]:
    """Print the table; returns name -> (pooled AUC, precision, recall, positives)."""
    order = [s for s in {**SET_LABELS, **FRESH_SETS} if s in truth]
    print(f"{'attribute':20s} " + " ".join(f"{s[:13]:>13s}" for s in order) + "   pooled AUC  pos  prec  rec  offered")
    result = {}
    for name, terms in names.items():
        data = samples(feats, truth, name, terms)
        probs = held_out(data)
        if not probs:
            continue
        cells = []
        for s in order:
            if s in probs:
                cells.append(f"{auc(probs[s], data[s][1]):6.3f} ({int(data[s][1].sum()):3d})")
            else:
                cells.append(f"{'-':>13s}")
        p = np.concatenate([probs[s] for s in probs])
        y = np.concatenate([data[s][1] for s in probs])
        chosen = p >= 0.5
        tp = int((chosen & (y == 1)).sum())
        precision = tp / chosen.sum() if chosen.sum() else float("nan")
        recall = tp / y.sum() if y.sum() else float("nan")
        pooled = auc(p, y)
        result[name] = (pooled, precision, recall, int(y.sum()))
        offered = "yes" if precision >= 0.8 else "no"
        print(
            f"{name:20s} "
            + " ".join(cells)
            + f"   {pooled:10.3f} {int(y.sum()):4d} {precision:5.2f} {recall:4.2f}  {offered}"
        )
    return result


def check(feats: dict, path: Path, trial: dict | None = None) -> int:
    """The shipped curves (fitted on the four sets) on photos none of them saw: AUC, precision, recall at
    p >= 0.5; and any `trial` rule (fitted on the four sets with a further term) beside its attribute's."""
    from faceorg.vision import parsing_attributes as pa

    with path.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["file"] in feats]
    print(f"{len(rows)} labelled photos of {path.name} parsed")
    for name in [c for c in rows[0] if c in pa.RULES]:
        for label, rule in (("", pa.RULES[name]), (" (trial)", (trial or {}).get(name))):
            if rule is not None:
                found = [(rule.probability(feats[r["file"]]), int(r[name])) for r in rows if r[name] != ""]
                p, y = np.array([v[0] for v in found]), np.array([v[1] for v in found])
                print(f"{name}{label}: {check_line(p, y)}")
    return 0


def refit(feats: dict, truth: dict, names: dict[str, tuple], trial: list[str]) -> dict:
    """attribute -> Rule of its `names` terms fitted on every set of `truth`, for each `trial` attribute."""
    from faceorg.vision.parsing_attributes import Rule

    out = {}
    for name in trial:
        data = samples(feats, truth, name, names[name])
        x = np.concatenate([d[0] for d in data.values()])
        *a, b = fit_logistic(x, np.concatenate([d[1] for d in data.values()]))
        (feature, log), more = names[name][0], names[name][1:]
        out[name] = Rule(feature, log, a[0], b, also=tuple((f, lg, w) for (f, lg), w in zip(more, a[1:])))
    return out


def check_line(p: np.ndarray, y: np.ndarray) -> str:
    """AUC (positives of labelled), precision and recall at p >= 0.5 and how many photos that returns."""
    chosen = p >= 0.5
    tp = int((chosen & (y == 1)).sum())
    return (
        f"AUC {auc(p, y):.3f} ({int(y.sum())} positives of {len(y)}), precision "
        f"{tp / max(1, chosen.sum()):.2f}, recall {tp / max(1, y.sum()):.2f} at p >= 0.5 ({int(chosen.sum())} returned)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, nargs="+", default=[DATA], help="feature folders (merged)")
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--recompute", action="store_true", help="features from the kept label maps")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--scale", type=float, default=2.0)
    parser.add_argument("--check", type=Path, help="score the shipped RULES on this label file (no fitting)")
    parser.add_argument("--check-set", choices=list(FRESH_SETS), help="score the shipped RULES on a FRESH_SETS set")
    parser.add_argument("--with-fresh", action="store_true", help="the FRESH_SETS join the leave-one-set-out table")
    parser.add_argument(
        "--also", action="append", default=[], metavar="ATTRIBUTE=FEATURE[:log]", help="try a further term (repeatable)"
    )
    parser.add_argument(
        "--trial", action="append", default=[], metavar="ATTRIBUTE", help="with --check-set: refit on the four sets"
    )
    parser.add_argument("--without-also", action="store_true", help="each curve on its first feature only")
    parser.add_argument("--compare", type=int, metavar="SIZE", help="pooled check AUC at 512 px against SIZE px")
    parser.add_argument("--old-mouth", action="store_true", help="Mouth from the set files, not MOUTH_LABELS")
    args = parser.parse_args()

    from faceorg.vision import parsing_attributes as pa

    truth = labels(old_mouth=args.old_mouth, fresh=args.with_fresh)
    names = {
        n: (pa.FEATURE_OF[n], *pa.ALSO_OF.get(n, ()))
        for n in pa.FEATURE_OF
        if any(n in lab for s in truth.values() for lab in s.values())
    }
    if args.without_also:
        names = {n: terms[:1] for n, terms in names.items()}
    for spec in args.also:
        name, feature = spec.split("=")
        names[name] = (*names[name], (feature.removesuffix(":log"), feature.endswith(":log")))
    feats = load_all(args.data, args.size, args.scale, args.recompute)
    if args.compare:
        small = load_all(args.data, args.compare, args.scale, args.recompute)
        both = {f: feats[f] for f in feats if f in small}
        print(f"{len(both)} photos parsed at both 512 and {args.compare} px; at 512:")
        big = report(both, truth, names)
        print(f"at {args.compare}:")
        low = report({f: small[f] for f in both}, truth, names)
        for name in big:
            print(f"{name:20s} pooled check AUC 512: {big[name][0]:.3f}  {args.compare}: {low[name][0]:.3f}")
        return 0
    if args.check or args.check_set:
        path = args.check or FRESH_SETS[args.check_set]
        return check(feats, path, refit(feats, labels(), names, args.trial))
    counts = {s: sum(f in feats for f in files) for s, files in truth.items()}
    print(f"parsed labelled photos per set: {counts}; input {args.size}, crop {args.scale:g}x the face box")
    report(feats, truth, names)
    if args.fit:
        print("\nRULES = {")
        for name, terms in names.items():
            data = samples(feats, truth, name, terms)
            x = np.concatenate([d[0] for d in data.values()])
            y = np.concatenate([d[1] for d in data.values()])
            if 0 < y.sum() < len(y):
                *a, b = fit_logistic(x, y)
                (feature, log), more = terms[0], terms[1:]
                also = ", ".join(f'("{f}", {lg}, {w:.4f})' for (f, lg), w in zip(more, a[1:]))
                also = f", also=({also},)" if more else ""
                print(
                    f'    "{name}": Rule("{feature}", {log}, {a[0]:.4f}, {b:.4f}{also}),  # {int(y.sum())} of {len(y)}'
                )
        print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
