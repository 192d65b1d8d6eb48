"""Calibration maps and the expression-filter offering rule (core.calibration), on data with a known truth."""

from __future__ import annotations

import numpy as np
import pytest

from faceorg.core.calibration import (
    AGE_COVERAGE,
    OFFER_PRECISION,
    ExpressionRule,
    apply_age,
    filter_precision,
    fit_age,
    fit_temperature,
    fit_thresholds,
    isotonic,
    load_calibration,
    temperature_scale,
)
from faceorg.core.describe import age_fact, expression_fact
from faceorg.core.expression import EXPRESSIONS


def biased_ages(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """True ages 0-90 and a model that makes the old younger and the young older, noisier with age."""
    rng = np.random.default_rng(seed)
    truth = rng.uniform(0, 90, n)
    predicted = 12 + 0.6 * truth + rng.normal(0, 1 + 0.12 * truth)
    return truth, predicted


def test_isotonic_fit_is_non_decreasing_and_undoes_a_monotone_distortion():
    x = np.linspace(0, 10, 200)
    kx, ky = isotonic(x, np.sqrt(x) + np.random.default_rng(0).normal(0, 0.05, 200))
    assert np.all(np.diff(ky) >= 0) and np.all(np.diff(kx) > 0)
    assert np.interp(9.0, kx, ky) == pytest.approx(3.0, abs=0.1)


def test_age_map_is_monotone_removes_bias_and_its_range_holds_on_held_out_photos():
    truth, predicted = biased_ages(4000, seed=1)
    params = fit_age(predicted[:2000], truth[:2000])
    grid = np.linspace(-10, 120, 500)
    assert np.all(np.diff(apply_age(grid, params)[0]) >= 0)
    age, low, high = apply_age(predicted[2000:], params)
    held = truth[2000:]
    assert np.mean(np.abs(age - held)) < 0.8 * np.mean(np.abs(predicted[2000:] - held))
    for lo, hi in ((0, 20), (60, 90)):  # no band left biased by the map
        band = (held >= lo) & (held <= hi)
        assert abs(np.mean(age[band] - held[band])) < 4
    coverage = np.mean((held >= low) & (held <= high))
    assert AGE_COVERAGE - 0.05 <= coverage <= AGE_COVERAGE + 0.05
    assert np.all(low <= age) and np.all(age <= high)


def test_shipped_age_map_is_monotone_over_the_whole_range():
    params = load_calibration().get("age")
    if not params:
        pytest.skip("no resources/calibration.json (run bench/quality.py --fit)")
    age, low, high = apply_age(np.linspace(0, 100, 1001), params)
    assert np.all(np.diff(age) >= 0) and np.all(np.diff(low) >= 0) and np.all(np.diff(high) >= 0)
    assert np.all(low <= age) and np.all(age <= high)


def overconfident(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A classifier right 60 % of the time that always says about 0.97."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 7, n)
    guess = np.where(rng.random(n) < 0.6, labels, rng.integers(0, 7, n))
    probs = np.full((n, 7), 0.005)
    probs[np.arange(n), guess] = 0.97
    return probs / probs.sum(axis=1, keepdims=True), labels


def test_temperature_makes_an_overconfident_model_honest_on_held_out_rows():
    probs, labels = overconfident(6000, seed=2)
    temperature = fit_temperature(probs[:3000], labels[:3000])
    assert temperature > 1.5
    scaled = temperature_scale(probs[3000:], temperature)
    np.testing.assert_allclose(scaled.sum(axis=1), 1.0)
    accuracy = np.mean(scaled.argmax(axis=1) == labels[3000:])
    assert scaled.max(axis=1).mean() == pytest.approx(accuracy, abs=0.05)


def test_only_expressions_precise_enough_are_offered():
    rng = np.random.default_rng(3)
    n = 2000
    labels = rng.integers(0, 7, n)
    probs = rng.dirichlet(np.ones(7), n)
    happy, sad = EXPRESSIONS.index("happy"), EXPRESSIONS.index("sad")
    probs[labels == happy, happy] += 5  # happy faces are found
    probs[rng.random(n) < 0.3, sad] += 5  # "sad" is said at random
    probs /= probs.sum(axis=1, keepdims=True)
    found = fit_thresholds([(probs[:1000], labels[:1000]), (probs[1000:], labels[1000:])])
    assert "happy" in found and "sad" not in found
    rule = ExpressionRule(1.0, found)
    assert rule.offered("happy") and not rule.offered("sad")
    precision, _, _ = filter_precision(probs, labels, happy, rule.threshold("happy"))
    assert precision >= OFFER_PRECISION
    face = probs[np.flatnonzero((labels == happy) & (probs.argmax(axis=1) == happy))[0]]
    assert rule.matches("happy", face) and not rule.matches("sad", face)


def test_shipped_rule_offers_only_filters_measured_at_or_above_the_bar():
    rule = ExpressionRule.load()
    if rule.everything:
        pytest.skip("no resources/calibration.json (run bench/quality.py --fit)")
    assert rule.offered("happy")
    for name in EXPRESSIONS:
        if rule.offered(name):
            assert rule.precision(name) >= OFFER_PRECISION


def test_words_of_doubt_and_a_stated_range():
    rule = ExpressionRule(1.0, {"happy": {"threshold": 0.0, "precision": 0.93, "recall": 0.8}})
    sad = dict.fromkeys(EXPRESSIONS, 0.05) | {"sad": 0.7}
    happy = dict.fromkeys(EXPRESSIONS, 0.02) | {"happy": 0.88}
    assert expression_fact(happy, rule) == "happy (88%)"
    assert expression_fact(sad, rule) == "perhaps sad (70%) or angry (5%), often wrong"
    params = {"knots": [[0, 0], [100, 100]], "log_low": -0.2, "log_high": 0.2}
    assert age_fact(34.0, 6.0, params) == f"34 ({35 * np.exp(-0.2) - 1:.0f}–{35 * np.exp(0.2) - 1:.0f})"
    assert age_fact(34.0, 6.0, None) == "about 34 (± 6)"
