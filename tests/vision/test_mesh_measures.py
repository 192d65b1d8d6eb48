"""The mesh's mouth area: zero for shut lips, larger for a wider opening, the same at any scale, and
not shrunk by a smile that widens the mouth (the middle gap over the mouth's width is)."""

from __future__ import annotations

import numpy as np

from faceorg.vision import mesh_measures


def _mesh(gap: float, width: float = 50.0) -> np.ndarray:
    """Eyes 64 px apart; the inner lip ring an ellipse `width` wide and `gap` high below them."""
    marks = np.zeros((468, 3))
    for (outer, inner, _), x in ((mesh_measures.RIGHT_EYE, -32.0), (mesh_measures.LEFT_EYE, 32.0)):
        marks[outer, :2] = (x * 1.4, 0.0)
        marks[inner, :2] = (x * 0.6, 0.0)
    ring = mesh_measures.INNER_LIP_RING
    half = len(ring) // 2
    for i, index in enumerate(ring):
        angle = np.pi * i / half  # corner, over the upper lip to the other corner, back under the lower
        marks[index, :2] = (-width / 2 * np.cos(angle), 70.0 - gap / 2 * np.sin(angle))
    return marks


def test_shut_lips_have_no_area_and_a_wider_opening_more():
    assert mesh_measures.mouth_area(_mesh(0.0)) < 1e-9
    assert 0 < mesh_measures.mouth_area(_mesh(5.0)) < mesh_measures.mouth_area(_mesh(15.0))


def test_the_area_does_not_depend_on_the_face_size_or_place():
    marks = _mesh(10.0)
    moved = marks * 3.0 + np.array([200.0, 90.0, 0.0])
    assert np.isclose(mesh_measures.mouth_area(moved), mesh_measures.mouth_area(marks))


def test_a_smile_widening_the_mouth_does_not_shrink_the_area():
    narrow, wide = _mesh(10.0, width=40.0), _mesh(10.0, width=60.0)
    assert mesh_measures.mouth_openness(wide) < mesh_measures.mouth_openness(narrow)
    assert mesh_measures.mouth_area(wide) > mesh_measures.mouth_area(narrow)
