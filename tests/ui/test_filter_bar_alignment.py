"""Each attribute group's label sits beside its first pill, on the pill's line: never alone at
the end of a row, never above it; with every attribute on, at the widths a window is likely to have."""

from __future__ import annotations

import pytest

from faceorg.core.attributes import CELEBA_ATTRIBUTES
from tests.ui.test_window_fixes import every_filter_on


@pytest.mark.parametrize("width", [1024, 1280, 1600])
@pytest.mark.parametrize("dark", [False, True])
def test_group_labels_share_a_line_with_their_first_pill(window, qtbot, width, dark):
    window.set_theme("dark" if dark else "light")
    every_filter_on(window)
    window.stack.setCurrentWidget(window.photos)
    window.resize(width, 760)
    qtbot.waitUntil(lambda: window.width() == width)
    qtbot.wait(50)
    bar = window.photos.filter_bar
    assert len(bar._group_labels) == 4
    for label in bar._group_labels:
        first = bar.flow.itemAt(bar.flow.index_of(label) + 1).widget()
        assert first in bar.attribute_toggles.values()
        text = label.text()
        lg, pg = label.geometry(), first.geometry()
        assert abs(lg.center().y() - pg.center().y()) <= 1, f"{text} is not on its pills' line"
        assert lg.height() == pg.height(), f"{text}'s text is not centred in a pill-high box (baselines differ)"
        assert 0 <= pg.left() - lg.right() <= 2 * bar.flow.spacing(), f"{text} is not beside its first pill"
    assert set(bar.attribute_toggles) <= set(CELEBA_ATTRIBUTES)
