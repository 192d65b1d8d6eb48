"""Bangs reads the hair's share of the forehead band above the eyes (`parsing.bangs`): a fringe over
the forehead reads high, a bare forehead under the same hair low, wherever the eyes come from; and
every accessory curve fitted on the blind labels (bench/accessory_labels.csv) is computed."""

from __future__ import annotations

import numpy as np
import pytest

from faceorg.vision import parsing, parsing_attributes
from faceorg.vision.nets.bisenet import CLASSES

EYES = ((220.0, 300.0), (290.0, 300.0))  # the person's right and left eye centres: 70 px apart


def _head(hairline: int, tilt: float = 0.0) -> np.ndarray:
    """A 512 px label map: a skin face with eyes, hair from the top down to `hairline` (rows), turned
    `tilt` degrees about the eyes' midpoint."""
    labels = np.zeros((512, 512), np.uint8)
    labels[120:460, 150:360] = CLASSES.index("skin")
    labels[:hairline, 140:370] = CLASSES.index("hair")
    for (x, y), name in zip(EYES, ("r_eye", "l_eye")):
        labels[int(y) - 5 : int(y) + 5, int(x) - 10 : int(x) + 10] = CLASSES.index(name)
    if tilt:
        from PIL import Image

        labels = np.asarray(Image.fromarray(labels).rotate(tilt, Image.Resampling.NEAREST, center=(255, 300)))
    return labels


def _turned(points, degrees: float):
    """`points` turned as PIL's `rotate(degrees, center=(255, 300))` turns the image (counter-clockwise)."""
    a = np.radians(degrees)
    return [
        (255 + (x - 255) * np.cos(a) + (y - 300) * np.sin(a), 300 - (x - 255) * np.sin(a) + (y - 300) * np.cos(a))
        for x, y in points
    ]


def test_a_fringe_over_the_forehead_reads_higher_than_a_bare_forehead():
    fringe, bare = _head(hairline=275), _head(hairline=190)
    assert parsing.bangs(fringe, EYES) > 0.9 > 0.1 > parsing.bangs(bare, EYES)
    crop = np.full((512, 512, 3), 120, np.uint8)
    with_fringe = parsing_attributes.probabilities(parsing.features(fringe, crop, eyes=EYES))["Bangs"]
    without = parsing_attributes.probabilities(parsing.features(bare, crop, eyes=EYES))["Bangs"]
    assert with_fringe > 0.5 > without


@pytest.mark.parametrize("hairline", [190, 275])
def test_without_landmarks_the_parsed_eyes_place_the_band(hairline):
    labels = _head(hairline)
    assert parsing.bangs(labels) == pytest.approx(parsing.bangs(labels, EYES), abs=0.05)


def test_the_band_follows_a_tilted_head():
    fringe, bare = _head(275, tilt=25), _head(190, tilt=25)
    eyes = _turned(EYES, 25)
    assert parsing.bangs(fringe, eyes) > 0.9 > 0.1 > parsing.bangs(bare, eyes)


def test_a_hat_over_the_forehead_is_no_fringe():
    labels = _head(hairline=190)
    labels[:275, 140:370] = CLASSES.index("hat")
    assert parsing.bangs(labels, EYES) == 0.0


def test_the_accessory_attributes_are_computed():
    crop = np.full((512, 512, 3), (150, 110, 90), np.uint8)  # a colour photo: grey ones get no hair colour
    found = parsing_attributes.probabilities(parsing.features(_head(275), crop, eyes=EYES))
    assert {"Wearing_Earrings", "Wearing_Necklace", "Bangs", "Brown_Hair"} <= found.keys()
