"""Eyes_Closed from the mesh's eyelids: lids together read as closed, wide open as open, and one shut
eye beside an open one (a wink, or the mesh slipping on one eye) does not make the face closed-eyed."""

from __future__ import annotations

import numpy as np

from faceorg.vision import mesh_attributes, mesh_measures

EYE_WIDTH = 30.0


def _eye(marks: np.ndarray, eye, centre_x: float, gap: float) -> None:
    """Corners EYE_WIDTH apart at y = 0; each upper/lower lid pair `gap` (a share of the width) apart."""
    outer, inner, pairs = eye
    marks[outer, :2] = (centre_x - EYE_WIDTH / 2, 0.0)
    marks[inner, :2] = (centre_x + EYE_WIDTH / 2, 0.0)
    for i, (upper, lower) in enumerate(pairs):
        x = centre_x + (i - 1) * EYE_WIDTH / 4
        marks[upper, :2] = (x, -gap * EYE_WIDTH / 2)
        marks[lower, :2] = (x, gap * EYE_WIDTH / 2)


def _closed(right_gap: float, left_gap: float) -> float:
    marks = np.zeros((468, 3))
    _eye(marks, mesh_measures.RIGHT_EYE, -32.0, right_gap)
    _eye(marks, mesh_measures.LEFT_EYE, 32.0, left_gap)
    return mesh_attributes.probabilities(mesh_attributes.features(marks, (0.0, 0.0, 0.0)))["Eyes_Closed"]


def test_lids_together_read_as_closed_and_wide_open_lids_as_open():
    assert _closed(0.02, 0.02) > 0.5
    assert _closed(0.3, 0.3) < 0.5


def test_the_narrower_the_lids_the_more_likely_closed():
    gaps = (0.35, 0.25, 0.15, 0.05)
    chances = [_closed(g, g) for g in gaps]
    assert chances == sorted(chances) and chances[-1] > chances[0]


def test_one_shut_eye_beside_an_open_one_is_not_closed_eyes():
    assert _closed(0.02, 0.3) < 0.5
    assert _closed(0.3, 0.02) < 0.5
