"""Calibrated expression and age: what the models' numbers mean on labelled photos.

The fitted numbers live in resources/calibration.json, written by `bench/quality.py --fit`
from the calibration splits of the sets built by tools/build_eval_sets.py (CK+48 posed,
a wild expression set, UTKFace ages) and checked on their test splits; the file names the
sets and the figures. Everything here is plain numpy so the CLI, the viewer, the filter
bar and the analyzers share one meaning:

* expression probabilities are temperature-scaled (softmax(log p / T));
* an expression is offered as a filter only where its measured precision is at least
  `OFFER_PRECISION`; the filter matches a face whose top expression it is with at least
  the class's fitted probability;
* age goes through a monotone map of the model's expected age, and the stated range
  holds the true age about `AGE_COVERAGE` of the time.

Fitted on: CK+48 cal (174 photos, split by subject), wild cal (307, split by person),
UTKFace cal (629 faces), detected as the app now does (RetinaFace, smallest face 20 px,
close-ups).
Measured with `bench/quality.py --close-up --min-face 20`, cal / test split:

* temperature 2.09: top expression said 0.8-1.0 -> right 74 % / 83 % (CK+), 100 % / 95 % (wild);
  said 0.6-0.8 -> right 75 % / 74 % (CK+), 90 % / 92 % (wild). Untempered, the net said
  0.9-0.99 where it was right about 71-84 % of the time.
* offered filters (lowest 90 % confidence bound of precision over the cal sets >= 0.7):
  happy (top, p >= 0.30): precision 95 % / 93 % CK+, 78 % / 71 % wild (67 % / 74 % at equal
  class shares); surprise: 95 % / 97 % CK+, 88 % / 72 % wild. Not offered: angry, disgust,
  fear, sad, neutral.
* age (issue 14: the learned head of vision/age_head.py, v3, then blend 0.15 of the inverse
  map): MAE 5.26 / 5.99 (head v2: 5.37 / 6.02; v1: 5.41 / 6.08; head-less monotone map:
  7.52 / 8.07; before issue 14, MTCNN: 8.63 / 9.18), band bias +2.7 .. -2.3 / +2.5 .. -3.2
  years (head-less: +2.5 .. -4.4), range holds 86 % / 81 %, mean width 20 years (head-less: 30).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from faceorg.core.expression import EXPRESSIONS

OFFER_PRECISION = 0.7
"""An expression filter that returns wrong photos more than 3 times in 10 is not offered."""
GOOD_PRECISION, GOOD_RECALL = 0.9, 0.75
"""Where a filter can be 90 % sure and still find three in four, it is set there."""
AGE_COVERAGE = 0.8
"""The stated age range is meant to hold the true age this often."""
CONFIDENCE_Z = 1.28
"""One-sided 90 % confidence for the precision a filter is offered on."""
AGE_BANDS = ((0, 12), (13, 19), (20, 39), (40, 59), (60, 200))
CALIBRATION_FILE = "calibration.json"


def calibration_path() -> Path:
    from faceorg.resources import resources_dir

    return resources_dir() / CALIBRATION_FILE


def load_calibration(path: Path | None = None) -> dict:
    """The fitted numbers; an empty dict (no calibration) where the file is absent."""
    path = path or calibration_path()
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def save(data: dict, path: Path | None = None) -> None:
    (path or calibration_path()).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# -- expression ----------------------------------------------------------------------------
def temperature_scale(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Rows of probabilities made softer (T > 1) or sharper (T < 1); each row still sums to 1."""
    logits = np.log(np.clip(np.asarray(probabilities, dtype=np.float64), 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=-1, keepdims=True)


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The T that minimises the negative log-likelihood of the true labels (grid search)."""
    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 161))
    rows = np.arange(len(labels))
    nll = [-np.mean(np.log(temperature_scale(probabilities, t)[rows, labels] + 1e-12)) for t in grid]
    return float(grid[int(np.argmin(nll))])


def filter_precision(
    probabilities: np.ndarray, labels: np.ndarray, cls: int, threshold: float
) -> tuple[float, float, int]:
    """(precision, recall, count) of 'top expression is cls with probability >= threshold'."""
    chosen = (probabilities.argmax(axis=1) == cls) & (probabilities[:, cls] >= threshold)
    tp = int(np.sum(chosen & (labels == cls)))
    precision = tp / chosen.sum() if chosen.sum() else float("nan")
    return precision, tp / max(1, int(np.sum(labels == cls))), int(chosen.sum())


def lower_bound(precision: float, count: int, z: float = CONFIDENCE_Z) -> float:
    """Wilson's lower confidence bound of a precision measured on `count` photos."""
    centre = precision + z * z / (2 * count)
    margin = z * np.sqrt(precision * (1 - precision) / count + z * z / (4 * count * count))
    return float((centre - margin) / (1 + z * z / count))


def fit_thresholds(sets: list[tuple[np.ndarray, np.ndarray]], min_count: int = 10) -> dict[str, dict]:
    """Per class the lowest probability at which its filter is precise enough on every set.

    `sets` holds (calibrated probabilities, labels) per labelled set, so a filter must be
    right on posed and on wild photos alike; a set that returns nothing for a threshold
    does not count against it. Precision is taken at its lower confidence bound
    (`lower_bound`): on a few dozen photos a measured 0.76 may well be 0.65 on the next set.
    We take the lowest threshold that is at least `GOOD_PRECISION`
    sure while still finding `GOOD_RECALL` of the class, else the lowest that reaches
    `OFFER_PRECISION`. Classes that never get there on at least `min_count` returned photos
    get no entry and are not offered.
    """
    found: dict[str, dict] = {}
    for cls, name in enumerate(EXPRESSIONS):
        candidates = []
        for threshold in np.round(np.arange(0.0, 0.96, 0.05), 2):
            parts = [filter_precision(probs, labels, cls, threshold) for probs, labels in sets]
            returned = sum(count for _, _, count in parts)
            if returned < min_count:
                continue
            precision = min(lower_bound(p, count) for p, _, count in parts if count)
            tp = sum(round(p * count) for p, _, count in parts if count)
            recall = tp / max(1, sum(int(np.sum(labels == cls)) for _, labels in sets))
            candidates.append((float(threshold), precision, recall))
        good = [c for c in candidates if c[1] >= GOOD_PRECISION and c[2] >= GOOD_RECALL]
        enough = [c for c in candidates if c[1] >= OFFER_PRECISION]
        if good or enough:
            threshold, precision, recall = (good or enough)[0]
            found[name] = {"threshold": threshold, "precision": round(precision, 3), "recall": round(recall, 3)}
    return found


@dataclass(frozen=True)
class ExpressionRule:
    """Which expressions are offered as filters and what a filter matches."""

    temperature: float = 1.0
    thresholds: dict[str, dict] = field(default_factory=dict)
    everything: bool = False  # the uncalibrated app: every class offered, top expression matches

    @classmethod
    def load(cls, data: dict | None = None) -> ExpressionRule:
        data = load_calibration() if data is None else data
        expression = data.get("expression")
        if not expression:
            return cls.argmax()
        return cls(float(expression["temperature"]), dict(expression["filters"]))

    @classmethod
    def argmax(cls) -> ExpressionRule:
        return cls(everything=True)

    def offered(self, name: str) -> bool:
        return self.everything or name in self.thresholds

    def threshold(self, name: str) -> float:
        """The least probability of the top expression the filter takes (0: any top expression)."""
        return float(self.thresholds.get(name, {}).get("threshold", 0.0))

    def precision(self, name: str) -> float | None:
        """Measured precision of the filter on the calibration sets (None where unmeasured)."""
        return None if self.everything or name not in self.thresholds else float(self.thresholds[name]["precision"])

    def matches(self, name: str, probabilities: np.ndarray) -> bool:
        """Does one face (calibrated probabilities in `EXPRESSIONS` order) pass the filter for `name`?"""
        cls = EXPRESSIONS.index(name)
        top = int(np.argmax(probabilities)) == cls
        return self.offered(name) and top and probabilities[cls] >= self.threshold(name)


# -- age -----------------------------------------------------------------------------------
def isotonic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool-adjacent-violators: the non-decreasing step fit of y on x, as (x, y) knots."""
    order = np.argsort(x, kind="mergesort")
    xs, ys = np.asarray(x, float)[order], np.asarray(y, float)[order]
    values, weights, starts = [], [], []
    for i, v in enumerate(ys):
        values.append(v)
        weights.append(1.0)
        starts.append(i)
        while len(values) > 1 and values[-2] > values[-1]:
            w = weights[-2] + weights[-1]
            values[-2] = (values[-2] * weights[-2] + values[-1] * weights[-1]) / w
            weights[-2] = w
            values.pop()
            weights.pop()
            starts.pop()
    ends = starts[1:] + [len(xs)]
    knots_x = np.array([(xs[s] + xs[e - 1]) / 2 for s, e in zip(starts, ends)])
    return knots_x, np.array(values)


def fit_age(predicted: np.ndarray, truth: np.ndarray, knots: int = 24, max_bias: float = 3.0) -> dict:
    """A monotone map predicted -> age, no age band biased by more than `max_bias` years, and the range.

    Two isotonic fits: the truth given the prediction (least error, but it pulls every
    answer towards the mean age, keeping children too old and old people too young), and the
    inverse of the prediction given the truth (unbiased for every true age, but noisier).
    The map is the blend of the two with the least mean error whose bias stays within
    `max_bias` in every band of `AGE_BANDS`. It is thinned to `knots` points at quantiles of
    the prediction and read by linear interpolation, so it stays non-decreasing.

    The range is [(a + 1) * exp(q_low) - 1, (a + 1) * exp(q_high) - 1] around the mapped age
    a: errors grow with age, and a log scale keeps a child's range narrow and an old
    person's wide.
    """
    at = np.unique(np.quantile(predicted, np.linspace(0, 1, knots)))
    fx, fy = isotonic(predicted, truth)
    forward = np.maximum.accumulate(np.interp(at, fx, fy))
    ix, iy = isotonic(truth, predicted)
    ages = np.unique(np.quantile(truth, np.linspace(0, 1, 4 * knots)))
    answers = np.maximum.accumulate(np.interp(ages, ix, iy)) + np.arange(len(ages)) * 1e-6  # strictly increasing
    inverse = np.interp(at, answers, ages)
    best = None
    for weight in np.linspace(0, 1, 21):
        mapped_knots = weight * inverse + (1 - weight) * forward
        error = np.interp(predicted, at, mapped_knots) - truth
        worst = max(
            abs(error[(truth >= lo) & (truth <= hi)].mean())
            for lo, hi in AGE_BANDS
            if np.any((truth >= lo) & (truth <= hi))
        )
        score = (worst > max_bias, np.mean(np.abs(error)))
        if best is None or score < best[0]:
            best = (score, weight, mapped_knots)
    assert best is not None  # the loop above runs 21 times and sets it on the first
    _, weight, mapped_knots = best
    mapped = np.interp(predicted, at, mapped_knots)
    ratio = np.log1p(truth) - np.log1p(mapped)
    tail = (1 - AGE_COVERAGE) / 2
    return {
        "knots": [[round(float(a), 3), round(float(b), 3)] for a, b in zip(at, mapped_knots)],
        "inverse_weight": round(float(weight), 2),
        "log_low": round(float(np.quantile(ratio, tail)), 4),
        "log_high": round(float(np.quantile(ratio, 1 - tail)), 4),
    }


def apply_age(predicted: np.ndarray, params: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(age, low, high) per age the model predicted."""
    kx, ky = np.array(params["knots"]).T
    age = np.interp(np.asarray(predicted, dtype=np.float64), kx, ky)
    return (age, *stated_range(age, params))


def stated_range(age: np.ndarray | float, params: dict) -> tuple[np.ndarray, np.ndarray]:
    """The range around a calibrated age that holds the true age about `AGE_COVERAGE` of the time."""
    age = np.asarray(age, dtype=np.float64)
    return np.maximum(0.0, np.expm1(np.log1p(age) + params["log_low"])), np.expm1(np.log1p(age) + params["log_high"])


def fingerprint(section: str, data: dict | None = None) -> str:
    """A short digest of one calibration section: an analyzer's version names the calibration it applies."""
    import hashlib

    data = load_calibration() if data is None else data
    text = json.dumps(data.get(section), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:8]
