"""AUC, positives and precision/recall at p >= 0.5 of the mesh attributes; head pose on the shared photos.

    python bench/mesh_features.py [--set S] --out DATA   # run the mesh once per set
    python bench/mesh_attributes.py [--data DATA] [--fit]
    python bench/mesh_attributes.py --data DATA --check-set fresh_attr   # the shipped curves on a fresh set

Mouth_Slightly_Open is checked as in bench/attributes.py: on the four labelled sets (those whose
mesh is in DATA), each set scored by a curve fitted on the others (leave one set out), for the
shipped measure, the mouth measures of `mesh_attributes.features` and the face parsing's mouth
share beside it, three times: on the mouth labels read again from zoomed mouths
(bench/mouth_labels.csv, `attributes.MOUTH_LABELS`), on the old by-eye labels, and on the old
labels of the photos the re-reading decided (celeba_sample keeps CelebA's own labels throughout);
`--fit` then prints its curve fitted on every set's re-read labels. Measures are recomputed from the kept landmarks
(DATA/mesh_marks, bench/mesh_features.py) where there are some.

Eyes_Closed is checked the same way on the sets of `EYE_SETS` (`eye_set`): the shared photos, random
UTKFace photos aged 0-3 and aged 4 and over, and random CelebA test photos, labelled by eye from
contact sheets of eye strips that showed no score, set or file name (bench/eye_sheets.py; unsure
left out). For each of `EYE_MEASURES` it prints every set's check AUC (closed eyes), the pooled
check AUC, how many photos p >= 0.5 returned and their precision and recall, then the shipped rule
as it is (no refit); `--fit` prints the shipped measure's curve fitted on every labelled photo.
DATA must hold the mesh of all those photos, e.g. /work/data/eyes_h15:

    python bench/mesh_features.py --set eval14/utkface_rest --ages 1-3 --out DATA
    python bench/mesh_features.py --set eval14/utkface_train --ages 1-3 --sample 200 --out DATA
    python bench/mesh_features.py --set eval14/utkface_train --ages 4-116 --sample 250 --out DATA
    python bench/mesh_features.py --set eval14/utkface --sample 300 --out DATA
    python bench/mesh_features.py --set celeba_test --out DATA   # and the shared photos (no --set)

Mouth_Slightly_Open on the shared photos alone: alternating fit and check halves, logistic fit as
bench/attributes.py (which see). `--fit` fits the curve on the fit half; without it the shipped
rule is measured. Mouth_Slightly_Open is also scored from the face parsing
(the shipped parsing curve, /work/data/attributes/features_512_2.jsonl) on the same check
photos, so the two can be compared. Looking_At_Camera (a pose threshold, nothing fitted) is
measured on bench/pose_labels.csv: the 50 most turned of the shared faces and 30 others drawn
at random, labelled by eye (facing the camera or not; the labeller saw the angles). Also prints
the median yaw/pitch/roll per set (pitch after `mesh_measures.PITCH_ZERO`, the raw median),
and how many labelled subjects a "turned away" rule on the mesh's yaw would set aside.
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
sys.path.insert(0, str(REPO / "bench"))
DATA = Path("/work/data/attributes")

from attributes import (  # noqa: E402
    FRESH_SETS,
    SET_LABELS,
    auc,
    check_line,
    fit_logistic,
    held_out,
    labels,
    logistic,
)

SHARED_SETS = ("deepface", "lfw_tune")
"""The mesh's mouth is compared on the shared photos' labels (the face mesh cache covers those)."""


def stratified(files: list[str], label) -> dict[str, list[str]]:
    """Alternate fit / check within the positives and within the negatives."""
    rows: dict[str, list[str]] = {"fit": [], "check": []}
    for value in (1, 0):
        for i, f in enumerate(f for f in files if label(f) == value):
            rows["fit" if i % 2 == 0 else "check"].append(f)
    return rows


EYE_LABELS = (REPO / "bench" / "eye_labels.csv", REPO / "bench" / "eye_closed_labels.csv")
"""Eyes_Closed read by eye: the shared photos (eye_labels.csv) and random draws of UTKFace and CelebA
test photos labelled blind (eye_closed_labels.csv, bench/eye_sheets.py)."""
EYE_SETS = ("shared", "utkface 0-3", "utkface 4+", "celeba_test")
PICKED = "shared, picked least open"
EYE_MEASURES = ("eye_open", "eye_open_max", "eye_open_min")
"""Eyelid gap over eye width (log, as the shipped curve): mean of both eyes (mesh1, mesh2), the more
open eye (mesh4: both must be shut), the less open eye."""


def eye_labels() -> dict[str, int]:
    found = {}
    for path in EYE_LABELS:
        with path.open(newline="") as handle:
            rows = csv.DictReader(handle)
            found |= {row["file"]: int(row["Eyes_Closed"]) for row in rows if row["Eyes_Closed"] != ""}
    return found


def eye_set(file: str) -> str:
    """The set a labelled photo is checked in. UTKFace (utkface_rest, utkface_train, utkface) splits
    by age, infants apart (many asleep); the shared LFW photos past t0224 were labelled because the
    mesh found them least open (picked by the measure: they are fitted on, never scored)."""
    folder, name = file.split("/", 1)
    if folder.startswith("utkface"):
        return "utkface 0-3" if int(name.split("_")[0]) <= 3 else "utkface 4+"
    if folder == "lfw_tune" and int(name[1:5]) > 224:
        return PICKED
    return "shared" if folder in SHARED_SETS else folder


def eye_held_out(data: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Each check set scored by the curve fitted on every other set; the picked shared photos join
    the fit except when the shared set is the one checked."""
    out = {}
    for held in EYE_SETS:
        rest = [s for s in data if s != held and not (held == "shared" and s == PICKED)]
        if held not in data or not rest:
            continue
        x, y = np.concatenate([data[s][0] for s in rest]), np.concatenate([data[s][1] for s in rest])
        if 0 < y.sum() < len(y):
            out[held] = logistic(fit_logistic(x, y), data[held][0])
    return out


def pooled(probs: dict[str, np.ndarray], data: dict, sets) -> tuple[list[str], float, int, int, int, int]:
    """Per-set AUC (positives) cells, then over all sets: AUC, positives, photos, returned and right at p >= 0.5."""
    cells = [
        f"{auc(probs[s], data[s][1]):6.3f} ({int(data[s][1].sum()):3d})" if s in probs else f"{'-':>13s}" for s in sets
    ]
    p = np.concatenate([probs[s] for s in probs])
    y = np.concatenate([data[s][1] for s in probs])
    chosen = p >= 0.5
    return cells, auc(p, y), int(y.sum()), len(y), int(chosen.sum()), int((chosen & (y == 1)).sum())


def eye_line(label: str, probs: dict[str, np.ndarray], data: dict) -> str:
    """Per-set AUC (positives), pooled AUC, positives, returned, precision and recall at p >= 0.5."""
    cells, area, positives, _, returned, tp = pooled(probs, data, EYE_SETS)
    return (
        f"{label:14s} " + " ".join(cells) + f"   {area:10.3f} {positives:4d} {returned:4d} "
        f"{tp / max(1, returned):5.2f} {tp / max(1, positives):4.2f}"
    )


def eyes_sets_report(rows: dict, fit: bool):
    """Eyes_Closed, leave one set out over EYE_SETS for each of EYE_MEASURES, and the shipped rule as it
    is; returns the shipped rule, refitted on every labelled photo with `fit`."""
    from faceorg.vision import mesh_attributes
    from faceorg.vision.parsing_attributes import Rule

    name = "Eyes_Closed"
    shipped = mesh_attributes.RULES[name]
    truth = eye_labels()
    print(f"{name}, leave one set out (positives):")
    print(f"{'measure':14s} " + " ".join(f"{s[:13]:>13s}" for s in EYE_SETS) + "   pooled AUC  pos  ret  prec  rec")
    for feature in dict.fromkeys((shipped.feature, *EYE_MEASURES)):
        rule = Rule(feature, True, 1.0, 0.0)
        data: dict[str, tuple[list, list]] = {}
        for f, value in truth.items():
            if f in rows:
                xs, ys = data.setdefault(eye_set(f), ([], []))
                xs.append(rule.x(rows[f]))
                ys.append(value)
        arrays = {s: (np.array(x), np.array(y)) for s, (x, y) in data.items()}
        print(eye_line(feature, eye_held_out(arrays), arrays))
        if feature == shipped.feature:
            scored = [f for f in truth if f in rows]
            as_is = {s: np.array([shipped.probability(rows[f]) for f in scored if eye_set(f) == s]) for s in EYE_SETS}
            print(eye_line("shipped as is", as_is, arrays) + "  (no refit: in-sample where it was fitted)")
        if fit and feature == shipped.feature:
            x = np.concatenate([d[0] for d in arrays.values()])
            shipped = Rule(feature, True, *fit_logistic(x, np.concatenate([d[1] for d in arrays.values()])))
    return shipped


def pose_labels() -> dict[str, int]:
    with (REPO / "bench" / "pose_labels.csv").open(newline="") as handle:
        return {row["file"]: int(row["Looking_At_Camera"]) for row in csv.DictReader(handle)}


def facing_report(rows: dict) -> None:
    """The shipped pose threshold (not fitted) on the faces labelled by eye."""
    from faceorg.vision import mesh_attributes

    truth = pose_labels()
    files = sorted(f for f in truth if f in rows)
    y = np.array([truth[f] for f in files])
    p = np.array([mesh_attributes.facing(rows[f]["turned"]) for f in files])
    chosen = p >= 0.5
    tp = int((chosen & (y == 1)).sum())
    print(
        f"{'Looking_At_Camera':20s} AUC {auc(p, y):.3f} ({int(y.sum())} pos of {len(y)}) precision "
        f"{tp / max(1, chosen.sum()):.2f} recall {tp / max(1, y.sum()):.2f} at p >= 0.5 ({int(chosen.sum())} returned)"
    )


def mesh_rows(data: Path = DATA) -> dict[str, dict]:
    from faceorg.vision import mesh_attributes, mesh_measures

    rows = {}
    for line in (data / "mesh.jsonl").open():
        r = json.loads(line)
        r["eye_open"], r["mouth_open"] = (r["eye_r"] + r["eye_l"]) / 2, r["mouth"]
        r["eye_open_max"], r["eye_open_min"] = max(r["eye_r"], r["eye_l"]), min(r["eye_r"], r["eye_l"])
        r["pitch"] -= mesh_measures.PITCH_ZERO - r.get("pitch_zero", 0.0)  # cached before PITCH_ZERO was set
        r["turned"] = float(np.hypot(r["yaw"], r["pitch"]))
        kept = data / "mesh_marks" / (r["file"].replace("/", "__").replace(".jpg", ".npy"))
        if kept.exists():
            marks = np.load(kept)
            r |= mesh_attributes.features(marks, mesh_measures.head_pose(marks))
        rows[r["file"]] = r
    assert set(mesh_attributes.RULES) <= {"Eyes_Closed", "Mouth_Slightly_Open"}
    return rows


MOUTH_MEASURES = ("mouth_area", "mouth_open")
"""Mouth measures compared (log, as the shipped curve): inner-lip area over squared eye distance
(shipped since mesh2), the middle inner-lip gap over mouth width (mesh1)."""


def mouth_row(label: str, rule, rows: dict, truth: dict) -> tuple[str, dict]:
    """One table row: each set's check AUC (positives) and the pooled AUC, positives, precision and
    recall at p >= 0.5, every set scored by the curve fitted on the others; also returns the data."""
    name = "Mouth_Slightly_Open"
    data = {}
    for set_name, files in truth.items():
        found = [(rule.x(rows[f]), lab[name]) for f, lab in files.items() if f in rows and name in lab]
        if found:
            data[set_name] = (np.array([v[0] for v in found]), np.array([v[1] for v in found]))
    probs = held_out(data)
    cells, area, positives, photos, returned, tp = pooled(probs, data, SET_LABELS)
    line = (
        f"{label:19s} " + " ".join(cells) + f"   {area:10.3f} {positives:4d}/{photos:3d} "
        f"{tp / max(1, returned):5.2f} {tp / max(1, positives):4.2f}"
    )
    rates = [precision_recall(probs[s], data[s][1]) if s in probs else f"{'-':>13s}" for s in SET_LABELS]
    return line + f"\n{'  precision/recall':19s} " + " ".join(rates), data


def precision_recall(p: np.ndarray, y: np.ndarray) -> str:
    """Precision/recall at p >= 0.5, as a 13-wide table cell."""
    chosen = p >= 0.5
    tp = int((chosen & (y == 1)).sum())
    return f"{tp / max(1, chosen.sum()):.2f}/{tp / max(1, y.sum()):.2f}".rjust(13)


def mouth_sets_report(rows: dict, fit: bool, parsed: dict[str, dict] | None = None):
    """Mouth_Slightly_Open, leave one set out over the labelled sets, on the re-read labels
    (attributes.MOUTH_LABELS), on the old by-eye ones, and on the old ones of the photos the
    re-reading did not leave unsure, for the shipped measure, the other mesh
    measures and the parsing's mouth share (`parsed`: file -> parsing features); returns the
    shipped rule, refitted on the re-read labels of every set with `fit`."""
    from faceorg.vision import mesh_attributes
    from faceorg.vision import parsing_attributes as pa
    from faceorg.vision.parsing_attributes import Rule

    name = "Mouth_Slightly_Open"
    shipped = mesh_attributes.RULES[name]
    new, old = labels(), labels(old_mouth=True)
    versions = {
        "re-read mouth labels": new,
        "old by-eye labels": old,
        "old labels, photos the re-reading decided": {
            s: {f: lab if name in new[s].get(f, {}) else {} for f, lab in files.items()} for s, files in old.items()
        },
    }
    for title, truth in versions.items():
        print(f"{name}, leave one set out, {title} (celeba_sample: CelebA's own):")
        heads = " ".join(f"{s[:13]:>13s}" for s in SET_LABELS)
        print(f"{'measure':19s} {heads}   pooled AUC  pos/all  prec  rec")
        for feature in dict.fromkeys((shipped.feature, *MOUTH_MEASURES)):
            line, data = mouth_row(feature, Rule(feature, True, 1.0, 0.0), rows, truth)
            print(line)
            if fit and feature == shipped.feature and title.startswith("re-read"):
                x = np.concatenate([d[0] for d in data.values()])
                shipped = Rule(feature, True, *fit_logistic(x, np.concatenate([d[1] for d in data.values()])))
        if parsed:
            feature, log = pa.FEATURE_OF[name]
            print(mouth_row(f"parsing {feature}", Rule(feature, log, 1.0, 0.0), parsed, truth)[0])
    return shipped


def parsing_features(data: Path = DATA) -> dict[str, dict]:
    """file -> the face parsing's derived features (bench/attribute_features.py), if cached in DATA."""
    from faceorg.vision import parsing_attributes as pa

    path = data / "features_512_2.jsonl"
    if not path.exists():
        return {}
    return {row["file"]: pa.derived_features(row["features"]) for row in map(json.loads, path.open())}


def parsing_scores(data: Path = DATA) -> dict[str, float]:
    from faceorg.vision import parsing_attributes as pa

    path = data / "features_512_2.jsonl"
    if not path.exists():
        return {}
    found = {}
    for line in path.open():
        row = json.loads(line)
        found[row["file"]] = pa.RULES["Mouth_Slightly_Open"].probability(pa.derived_features(row["features"]))
    return found


def report(name: str, rule, rows: dict, truth: dict[str, int], fit: bool, parsing: dict[str, float]):
    from faceorg.vision.parsing_attributes import Rule

    files = sorted(f for f in truth if f in rows)
    split = stratified(files, lambda f: truth[f])
    x = {s: np.array([rule.x(rows[f]) for f in split[s]]) for s in split}
    y = {s: np.array([truth[f] for f in split[s]]) for s in split}
    if fit:
        rule = Rule(rule.feature, rule.log, *fit_logistic(x["fit"], y["fit"]))
    p = {s: 1 / (1 + np.exp(-(rule.a * x[s] + rule.b))) for s in split}
    chosen = p["check"] >= 0.5
    tp = int((chosen & (y["check"] == 1)).sum())
    precision = tp / chosen.sum() if chosen.sum() else float("nan")
    recall = tp / max(1, int(y["check"].sum()))
    print(
        f"{name:20s} fit AUC {auc(p['fit'], y['fit']):.3f} ({int(y['fit'].sum())} pos) | check AUC "
        f"{auc(p['check'], y['check']):.3f} ({int(y['check'].sum())} pos of {len(y['check'])}) "
        f"precision {precision:.2f} recall {recall:.2f} at p >= 0.5"
    )
    both = [f for f in split["check"] if f in parsing]
    if name == "Mouth_Slightly_Open" and both:
        yb = np.array([truth[f] for f in both])
        mesh_p = 1 / (1 + np.exp(-(rule.a * np.array([rule.x(rows[f]) for f in both]) + rule.b)))
        print(
            f"{'':20s} same {len(both)} check photos ({int(yb.sum())} pos): mesh AUC {auc(mesh_p, yb):.3f}, "
            f"parsing AUC {auc(np.array([parsing[f] for f in both]), yb):.3f}"
        )
    return rule


def check_set(rows: dict, name: str) -> int:
    """The shipped mesh curves on a set none of them was fitted on (attributes.FRESH_SETS)."""
    from faceorg.vision import mesh_attributes

    truth = labels(fresh=True)[name]
    print(f"{sum(f in rows for f in truth)} labelled photos of {name} with a mesh")
    for attribute, rule in mesh_attributes.RULES.items():
        found = [
            (rule.probability(rows[f]), lab[attribute]) for f, lab in truth.items() if f in rows and attribute in lab
        ]
        if found:
            p, y = np.array([v[0] for v in found]), np.array([v[1] for v in found])
            print(f"{attribute} (mesh): {check_line(p, y)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--data", type=Path, nargs="+", default=[DATA], help="mesh folders (merged)")
    parser.add_argument("--check-set", choices=list(FRESH_SETS), help="score the shipped RULES on a FRESH_SETS set")
    args = parser.parse_args()

    from faceorg.vision import mesh_attributes

    rows = {f: r for data in args.data for f, r in mesh_rows(data).items()}
    if args.check_set:
        return check_set(rows, args.check_set)
    shared = {f: v for name, files in labels().items() if name in SHARED_SETS for f, v in files.items()}
    mouth = {f: v["Mouth_Slightly_Open"] for f, v in shared.items() if "Mouth_Slightly_Open" in v}
    truths = {"Mouth_Slightly_Open": mouth}
    fitted = {}
    parsing = parsing_scores(args.data[0])
    for name, rule in mesh_attributes.RULES.items():
        if name in truths:
            fitted[name] = report(name, rule, rows, truths[name], args.fit, parsing)
    fitted["Mouth_Slightly_Open"] = mouth_sets_report(rows, args.fit, parsing_features(args.data[0]))
    fitted["Eyes_Closed"] = eyes_sets_report(rows, args.fit)
    facing_report(rows)
    deep = [r for f, r in rows.items() if f.startswith("deepface/")]
    lfw = [r for f, r in rows.items() if f.startswith("lfw_tune/")]
    for label, group in (("deepface", deep), ("LFW", lfw)):
        pose = np.array([[r["yaw"], r["pitch"], r["roll"]] for r in group])
        print(
            f"pose {label} ({len(group)} faces): median yaw/pitch/roll {np.median(pose, 0).round(1)}, "
            f"|yaw| 90th percentile {np.percentile(np.abs(pose[:, 0]), 90):.1f}"
        )
    turned = np.abs([r["yaw"] for f, r in rows.items() if f.split("/")[0] in SHARED_SETS])
    print(
        f"'turned away' by mesh yaw: of {len(turned)} labelled subjects (largest face, all real) a rule would set "
        + ", ".join(f"{int((turned > t).sum())} aside at |yaw| > {t}" for t in (30, 35, 40))
        + f"; largest |yaw| {turned.max():.1f}"
    )
    if args.fit:
        print("\nRULES = {")
        for name in mesh_attributes.RULES:
            r = fitted[name]
            print(f'    "{name}": Rule("{r.feature}", {r.log}, {r.a:.4f}, {r.b:.4f}),')
        print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
