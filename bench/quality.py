"""How right are expression and age on labelled photos nobody tuned on? Prints the figures of issue 14.

    python tools/build_eval_sets.py ...                        # once: the sets under /work/data/eval14
    PYTHONPATH=$PWD python bench/quality.py --close-up         # the app as it is: every set, cal and test split
    PYTHONPATH=$PWD python bench/quality.py --raw              # before issue 14: no close-ups, no calibration
    PYTHONPATH=$PWD python bench/quality.py --fit --close-up   # refit resources/calibration.json on the cal splits

(`--raw` still uses today's chip and flip averaging; the figures of the code before issue 14
are in the issue-14 note.)

Each photo goes through the app's own path: decode, MTCNN with the configured smallest
face, dlib landmarks, the analyzers; the largest face is the subject. A photo where no
face is found counts as a miss for every expression and is left out of the age figures
(the share found is printed). Detections are cached under /work/data/cache/i14.

Expression: accuracy, balanced accuracy (mean recall over the classes the set has),
per-class recall, the confusion matrix, and each expression filter's precision and recall
with the rule the app applies (`core.calibration.ExpressionRule.matches`); precision depends
on how common each class is in the set, so it is also given at equal class shares.
Age: MAE overall and by band, signed bias by band (prediction - truth), share within
±5 / ±10 years, and how often the stated range holds the true age. The age is the learned
head's (vision/age_head.py, fitted by bench/age_head.py on `utkface_train` and `utkface_rest`,
which neither split here contains); `--fit` fits the monotone map and the range on the head's answers.
The figures before the head (issue 14, second round) are in resources/weights/age_head_utkface.txt.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from faceorg.config import default_config  # noqa: E402
from faceorg.core import calibration  # noqa: E402
from faceorg.core.expression import EXPRESSIONS  # noqa: E402
from faceorg.vision.aligned import AlignedFace  # noqa: E402
from faceorg.vision.decode import decode  # noqa: E402

DATA = Path("/work/data/eval14")
CACHE = Path("/work/data/cache/i14")
EXPRESSION_SETS = ("ckplus", "wild")
AGE_SETS = ("utkface",)
BANDS = calibration.AGE_BANDS


def read_manifest(name: str) -> list[dict]:
    with open(DATA / name / "manifest.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def detect_set(name: str, min_face: int, close_up: bool) -> list[dict]:
    """Each photo's largest face (rect, dlib shape) or None, cached per setting."""
    close_up = close_up and has_close_ups(name)  # else the rule changes nothing: share the cache
    detector = default_config().detector
    suffix = "" if detector == "mtcnn" else f"-{detector}"
    cache = CACHE / f"det-{name}-min{min_face}-{'closeup' if close_up else 'plain'}{suffix}.json"
    if cache.is_file():
        return json.loads(cache.read_text())
    from faceorg.vision.pipeline import FacePipeline

    config = replace(default_config(), min_face_px=min_face, device="cpu")
    pipeline = FacePipeline(config, analyzer_names=[], close_ups=close_up)
    torch_threads()
    rows = []
    for k, row in enumerate(read_manifest(name)):
        if k % 50 == 0:
            print(f"  detecting {name} {k}...", file=sys.stderr, flush=True)
        decoded = load(name, row["file"], close_up)
        faces = pipeline.detect(decoded).aligned
        face = max(faces, key=lambda f: (f.rect[2] - f.rect[0]) * (f.rect[3] - f.rect[1]), default=None)
        rows.append(
            {**row, "rect": list(face.rect) if face else None, "shape5": face.shape5.tolist() if face else None}
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(rows))
    return rows


def torch_threads() -> None:
    """One thread: on a loaded shared machine two OpenMP threads mostly wait for each other."""
    import torch

    torch.set_num_threads(1)


def has_close_ups(name: str) -> bool:
    from PIL import Image

    from faceorg.vision.close_up import CLOSE_UP_SIDE

    return any(max(Image.open(DATA / name / "images" / r["file"]).size) <= CLOSE_UP_SIDE for r in read_manifest(name))


def load(name: str, file: str, close_up: bool):
    decoded = decode(DATA / name / "images" / file, 1024)
    if close_up:
        from faceorg.vision.close_up import close_up_view

        return close_up_view(decoded)
    return decoded


def aligned(name: str, rows: list[dict], close_up: bool) -> list[AlignedFace]:
    return [AlignedFace(load(name, r["file"], close_up).image, np.array(r["shape5"]), tuple(r["rect"])) for r in rows]


# -- expression --------------------------------------------------------------------
def expression_report(rows: list[dict], probs: np.ndarray, rule: calibration.ExpressionRule) -> dict:
    """Figures for one split; `probs` has a row per photo with a face (NaN rows where none)."""
    truth = np.array([EXPRESSIONS.index(r["label"]) for r in rows])
    found = ~np.isnan(probs[:, 0])
    predicted = np.where(found, np.nan_to_num(probs).argmax(axis=1), -1)
    present = sorted(set(truth.tolist()))
    recall = {EXPRESSIONS[c]: float(np.mean(predicted[truth == c] == c)) for c in present}
    confusion = np.zeros((len(EXPRESSIONS), len(EXPRESSIONS) + 1), dtype=int)
    for t, p in zip(truth, predicted):
        confusion[t, p] += 1  # column -1: no face found
    filters = {}
    for c, name in enumerate(EXPRESSIONS):
        chosen = np.array([found[i] and rule.matches(name, probs[i]) for i in range(len(rows))], dtype=bool)
        tp = int(np.sum(chosen & (truth == c)))
        # the precision had every class of the set been equally common (independent of the set's mix)
        rates = [np.mean(chosen[truth == k]) for k in present]
        equal = (np.mean(chosen[truth == c]) / sum(rates)) if c in present and sum(rates) else float("nan")
        filters[name] = (
            tp / chosen.sum() if chosen.sum() else float("nan"),
            tp / max(1, int(np.sum(truth == c))),
            int(chosen.sum()),
            equal,
        )
    top = np.nan_to_num(probs).max(axis=1)
    reliability = [
        (lo, hi, int(np.sum(b)), float(np.mean(top[b])), float(np.mean(predicted[b] == truth[b])))
        for lo, hi in ((0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))
        for b in [found & (top >= lo) & (top < hi)]
        if b.any()
    ]
    return {
        "n": len(rows),
        "found": float(found.mean()),
        "accuracy": float(np.mean(predicted == truth)),
        "reliability": reliability,
        "balanced": float(np.mean(list(recall.values()))),
        "recall": recall,
        "confusion": confusion,
        "filters": filters,
    }


def print_expression(title: str, report: dict, rule: calibration.ExpressionRule) -> None:
    print(
        f"\n## {title}: {report['n']} photos, face found {report['found']:.0%}, accuracy {report['accuracy']:.1%}, "
        f"balanced accuracy {report['balanced']:.1%}"
    )
    print("recall: " + ", ".join(f"{k} {v:.0%}" for k, v in report["recall"].items()))
    print("confusion (rows truth, columns predicted, last = no face):")
    print("          " + " ".join(f"{e[:7]:>8}" for e in EXPRESSIONS) + "     none")
    for c, name in enumerate(EXPRESSIONS):
        if report["confusion"][c].sum():
            print(f"{name:>9} " + " ".join(f"{v:>8}" for v in report["confusion"][c]))
    print(
        "confidence of the top expression vs how often it is right: "
        + ", ".join(
            f"[{lo:.1f},{min(hi, 1):.1f}) n {n} said {said:.0%} right {right:.0%}"
            for lo, hi, n, said, right in report["reliability"]
        )
    )
    print("filters (precision / recall / photos returned; * = offered):")
    for name, (precision, recall, count, equal) in report["filters"].items():
        offered = "*" if rule.offered(name) else " "
        print(
            f"  {offered}{name:<9} precision {precision:6.1%}  recall {recall:6.1%}  returned {count:4d}  "
            f"precision at equal class shares {equal:6.1%}"
        )


def expression_probs(name: str, rows: list[dict], close_up: bool, raw: bool, flip: bool | None) -> np.ndarray:
    from faceorg.vision.expression import ExpressionAnalyzer

    analyzer = ExpressionAnalyzer("cpu", calibrated=not raw)
    if flip is not None:
        analyzer.flip = flip
    with_face = [r for r in rows if r["rect"]]
    out = np.full((len(rows), len(EXPRESSIONS)), np.nan)
    if with_face:
        probs = analyzer.probabilities(aligned(name, with_face, close_up))
        out[[i for i, r in enumerate(rows) if r["rect"]]] = probs
    return out


# -- age ---------------------------------------------------------------------------
def age_outputs(name: str, rows: list[dict], close_up: bool, raw: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(true age, stated age, stated low, stated high) for photos with a face."""
    from faceorg.vision.age_gender import AgeGenderAnalyzer

    with_face = [r for r in rows if r["rect"]]
    analyzer = AgeGenderAnalyzer("cpu", calibrated=not raw)
    results = analyzer(aligned(name, with_face, close_up))
    truth = np.array([float(r["label"]) for r in with_face])
    age = np.array([r["age"] for r in results])
    spread = np.array([r["age_spread"] for r in results])
    params = None if raw else calibration.load_calibration().get("age")
    low, high = calibration.stated_range(age, params) if params else (age - spread, age + spread)
    return truth, age, low, high


def band_balanced_mae(truth: np.ndarray, error: np.ndarray) -> float:
    """The mean of the bands' MAEs: what a set with as many photos in each band measures (issue 14's
    own figures were taken on 30 photos per band), whatever the share of old people in this set."""
    bands = [(truth >= lo) & (truth <= hi) for lo, hi in BANDS]
    return float(np.mean([np.mean(np.abs(error[band])) for band in bands if band.any()]))


def print_age(title: str, n: int, truth, age, low, high) -> None:
    error = age - truth
    inside = (truth >= np.floor(low)) & (truth <= np.ceil(high))
    print(
        f"\n## {title}: {n} photos, face found {len(truth) / max(1, n):.0%}; MAE {np.mean(np.abs(error)):.2f}, "
        f"within ±5 {np.mean(np.abs(error) <= 5):.0%}, within ±10 {np.mean(np.abs(error) <= 10):.0%}, "
        f"range holds truth {inside.mean():.0%} (mean width {np.mean(high - low):.1f})"
    )
    print(f"  MAE, each band weighted alike (issue 14 took 30 photos a band): {band_balanced_mae(truth, error):.2f}")
    for lo, hi in BANDS:
        band = (truth >= lo) & (truth <= hi)
        if band.any():
            label = f"{lo}-{hi}" if hi < 200 else f"{lo}+"
            print(
                f"  {label:>6}: n {band.sum():4d}  MAE {np.mean(np.abs(error[band])):5.2f}  "
                f"bias {np.mean(error[band]):+6.2f}  range holds {inside[band].mean():4.0%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description="expression and age quality on labelled photos")
    parser.add_argument("--raw", action="store_true", help="the models' own outputs, no calibration")
    parser.add_argument("--fit", action="store_true", help="refit resources/calibration.json on the calibration splits")
    parser.add_argument("--min-face", type=int, default=default_config().min_face_px)
    parser.add_argument("--close-up", action="store_true", help="apply the close-up rule (small single-face photos)")
    parser.add_argument("--flip", choices=("on", "off"), help="override test-time flip averaging")
    parser.add_argument("--sets", default=",".join(EXPRESSION_SETS + AGE_SETS))
    args = parser.parse_args()
    sets = args.sets.split(",")
    flip = None if args.flip is None else args.flip == "on"
    rule = calibration.ExpressionRule.load() if not args.raw else calibration.ExpressionRule.argmax()
    print(
        f"# bench/quality.py  detector={default_config().detector} raw={args.raw} min_face={args.min_face} "
        f"close_up={args.close_up} "
        f"flip={args.flip or 'default'}"
    )
    if args.fit:
        fit(args)
        rule = calibration.ExpressionRule.load()
    for name in sets:
        rows = detect_set(name, args.min_face, args.close_up)
        if name in EXPRESSION_SETS:
            probs = expression_probs(name, rows, args.close_up, args.raw, flip)
            for split in ("cal", "test"):
                keep = [i for i, r in enumerate(rows) if r["split"] == split]
                report = expression_report([rows[i] for i in keep], probs[keep], rule)
                print_expression(f"{name} / {split}", report, rule)
        else:
            with_face = [r for r in rows if r["rect"]]
            truth, age, low, high = age_outputs(name, rows, args.close_up, args.raw)
            for split in ("cal", "test"):
                keep = np.array([r["split"] == split for r in with_face])
                total = sum(r["split"] == split for r in rows)
                print_age(f"{name} / {split}", total, truth[keep], age[keep], low[keep], high[keep])


def fit(args) -> None:
    """Fit every calibration on the cal splits only and write resources/calibration.json."""
    sets = []
    for name in EXPRESSION_SETS:
        rows = detect_set(name, args.min_face, args.close_up)
        raw = expression_probs(name, rows, args.close_up, True, None)
        keep = [i for i, r in enumerate(rows) if r["split"] == "cal" and r["rect"]]
        sets.append((raw[keep], np.array([EXPRESSIONS.index(rows[i]["label"]) for i in keep])))
    temperature = calibration.fit_temperature(
        np.concatenate([p for p, _ in sets]), np.concatenate([y for _, y in sets])
    )
    filters = calibration.fit_thresholds([(calibration.temperature_scale(p, temperature), y) for p, y in sets])
    rows = [r for r in detect_set("utkface", args.min_face, args.close_up) if r["rect"]]
    cal = [r for r in rows if r["split"] == "cal"]
    truth, age, _, _ = age_outputs("utkface", cal, args.close_up, True)
    ages = calibration.fit_age(age, truth)
    calibration.save(
        {
            "about": "Fitted by bench/quality.py --fit on the calibration splits of tools/build_eval_sets.py "
            "(CK+48 posed + wild expression photos; UTKFace ages 0-90); checked on their test splits. "
            "expression.filters: per offered class, the calibrated probability of the top expression from which "
            "the filter is applied, its lowest precision over the cal sets and its recall (core.calibration).",
            "fitted_on": {
                "expression": [
                    f"{s}/cal ({sum(r['split'] == 'cal' for r in read_manifest(s))} photos)" for s in EXPRESSION_SETS
                ],
                "age": [f"utkface/cal ({len(cal)} faces)"],
            },
            "expression": {"temperature": round(temperature, 4), "filters": filters},
            "age": ages,
        }
    )
    print(
        "fitted:",
        json.dumps(
            {"temperature": temperature, "filters": filters, "age": {k: v for k, v in ages.items() if k != "knots"}}
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
