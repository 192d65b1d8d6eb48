"""The filter bar offers only expressions whose filter was measured precise enough, and says how sure it is."""

from __future__ import annotations

from faceorg.core.calibration import OFFER_PRECISION, ExpressionRule
from faceorg.core.expression import EXPRESSIONS
from faceorg.ui.filter_bar import FilterBar


def test_only_measured_expressions_are_buttons_and_they_say_how_sure(qtbot):
    rule = ExpressionRule(
        1.0,
        {
            "happy": {"threshold": 0.0, "precision": 0.934, "recall": 0.8},
            "surprise": {"threshold": 0.5, "precision": 0.71, "recall": 0.4},
        },
    )
    bar = FilterBar(rule=rule)
    qtbot.addWidget(bar)
    assert set(bar.expression_buttons) == {"happy", "surprise"}
    assert bar.expression_buttons["happy"].text() == "Happy, at least 90 % sure"
    assert bar.expression_buttons["surprise"].text() == "Surprise, at least 70 % sure"
    bar.expression_buttons["happy"].setChecked(True)
    assert bar.current().expressions == frozenset({"happy"})


def test_the_shipped_calibration_offers_no_filter_below_the_bar(qtbot):
    rule = ExpressionRule.load()
    bar = FilterBar(rule=rule)
    qtbot.addWidget(bar)
    if rule.everything:
        assert set(bar.expression_buttons) == set(EXPRESSIONS)  # uncalibrated: as before
        return
    assert "happy" in bar.expression_buttons
    for name in bar.expression_buttons:
        assert rule.precision(name) >= OFFER_PRECISION
