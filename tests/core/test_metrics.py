"""core.metrics on cases small enough to work out by hand."""

from __future__ import annotations

import pytest

from faceorg.core.metrics import bcubed_scores, pairwise_scores, roc_auc


def test_roc_auc_counts_the_pairs_ranked_right():
    # same-person distances 0.1, 0.4; different-person 0.3, 0.5. Of the four (same, different)
    # pairs, 0.1<0.3, 0.1<0.5 and 0.4<0.5 are ordered right, 0.4>0.3 is not: 3/4.
    assert roc_auc([0.1, 0.4, 0.3, 0.5], [True, True, False, False]) == pytest.approx(0.75)


def test_roc_auc_counts_a_tie_as_half():
    # same 0.2; different 0.2 (a tie: 1/2) and 0.3 (right: 1): (0.5 + 1) / 2
    assert roc_auc([0.2, 0.2, 0.3], [True, False, False]) == pytest.approx(0.75)
    assert roc_auc([0.9, 0.1], [True, False]) == 0.0  # every pair the wrong way round


def test_roc_auc_needs_both_kinds_of_pair():
    with pytest.raises(ValueError, match="both"):
        roc_auc([0.1, 0.2], [True, True])


def test_pairwise_and_bcubed_on_a_split_person():
    # truth: a a b; predicted puts the second a alone (None). Pairs: (0,1) same in truth only.
    precision, recall, _ = pairwise_scores([1, None, 2], ["a", "a", "b"])
    assert (precision, recall) == (1.0, 0.0)
    # BCubed recall: item 0 finds 1 of its 2 true mates (itself), item 1 likewise, item 2 all: (1/2 + 1/2 + 1) / 3
    precision, recall, _ = bcubed_scores([1, None, 2], ["a", "a", "b"])
    assert precision == 1.0 and recall == pytest.approx(2 / 3)
