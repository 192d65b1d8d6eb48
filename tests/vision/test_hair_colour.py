"""Hair colour is measured in CIE L*a*b*: the conversion gives the standard's values for known colours,
and a blond crop's hair reads lighter and yellower than a black one's. Pure black "hair" (the crop's
overhang outside the photo, a black wall the parsing took for hair) is not black hair."""

from __future__ import annotations

import numpy as np
import pytest

from faceorg.vision import parsing, parsing_attributes
from faceorg.vision.nets.bisenet import CLASSES


def test_lab_of_known_colours_matches_the_cie_values():
    found = parsing.lab(np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32))
    assert found[0] == pytest.approx([1.0, 0.0, 0.0], abs=2e-3)
    assert found[1] == pytest.approx([0.0, 0.0, 0.0], abs=2e-3)
    assert found[2] == pytest.approx([0.5324, 0.8009, 0.6720], abs=3e-3)  # sRGB red: L* 53.24, a* 80.09, b* 67.20


def _hair_features(rgb: tuple[int, int, int]) -> dict[str, float]:
    labels = np.zeros((64, 64), np.uint8)
    labels[:20] = CLASSES.index("hair")
    crop = np.zeros((64, 64, 3), np.uint8)
    crop[:20] = rgb
    return parsing.features(labels, crop)


def test_blond_hair_is_lighter_and_yellower_than_black_hair():
    blond, black = _hair_features((225, 200, 120)), _hair_features((25, 20, 20))
    assert blond["hair_lightness"] > black["hair_lightness"] + 0.5
    assert blond["hair_b"] > black["hair_b"] + 0.2


def test_pure_black_pixels_labelled_hair_are_not_black_hair():
    black_hair, black_wall = _hair_features((25, 20, 20)), _hair_features((0, 1, 0))
    assert black_hair["hair_dark"] > 0.9 and black_wall["hair_dark"] == 0.0
    full = {**black_hair, "share_eye_g": 0.0, "share_l_eye": 0.01, "share_r_eye": 0.01}
    wall = {**black_wall, "share_eye_g": 0.0, "share_l_eye": 0.01, "share_r_eye": 0.01}
    assert (
        parsing_attributes.probabilities(full)["Black_Hair"]
        > 0.5
        > parsing_attributes.probabilities(wall)["Black_Hair"]
    )


def test_half_overhang_half_black_hair_still_reads_as_black_hair():
    labels = np.zeros((64, 64), np.uint8)
    labels[:20] = CLASSES.index("hair")
    crop = np.zeros((64, 64, 3), np.uint8)
    crop[:20, 32:] = (25, 20, 20)  # the left half of the hair lies outside the photo
    assert parsing.features(labels, crop)["hair_dark"] > 0.9


def test_dark_brown_hair_reads_less_black_than_black_hair_of_the_same_darkness():
    eyes = {"share_eye_g": 0.0, "share_l_eye": 0.01, "share_r_eye": 0.01}
    black, brown = _hair_features((25, 20, 20)), _hair_features((60, 35, 15))
    assert black["hair_dark"] == brown["hair_dark"] == 1.0
    assert black["hair_saturation"] < brown["hair_saturation"]
    p = {
        name: parsing_attributes.probabilities({**f, **eyes})["Black_Hair"]
        for name, f in (("black", black), ("brown", brown))
    }
    assert p["black"] > p["brown"]


def test_a_black_and_white_photo_gets_no_hair_colour_but_keeps_the_rest():
    """Grey hair pixels have no saturation, which the Black_Hair curve reads as black: a grey photo
    must say nothing about hair colour (it was never labelled there), and still say the other attributes."""
    eyes = {"share_eye_g": 0.0, "share_l_eye": 0.01, "share_r_eye": 0.01}
    labels = np.zeros((64, 64), np.uint8)
    labels[:20] = CLASSES.index("hair")
    labels[20:] = CLASSES.index("skin")
    colour = np.zeros((64, 64, 3), np.uint8)
    colour[:20], colour[20:] = (90, 60, 30), (200, 150, 120)  # brown hair, skin
    grey = np.repeat(colour.mean(axis=2, keepdims=True).astype(np.uint8), 3, axis=2)
    said_in_colour = parsing_attributes.probabilities({**parsing.features(labels, colour), **eyes})
    said_in_grey = parsing_attributes.probabilities({**parsing.features(labels, grey), **eyes})
    assert parsing_attributes.HAIR_COLOURS <= said_in_colour.keys()
    assert not parsing_attributes.HAIR_COLOURS & said_in_grey.keys()
    assert {"Wearing_Hat", "Bald", "Bangs"} <= said_in_grey.keys()
