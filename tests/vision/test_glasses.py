"""Spectacle frames from the image: drawn frames raise `frame_lines` on a plain synthetic face, upright
or tilted, colour or grey, and raise the Eyeglasses probability at the same parsing shares."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from faceorg.vision import glasses, parsing_attributes

EYES = ((88.0, 110.0), (168.0, 110.0))


def _face(frames: bool, tilt: float = 0.0, colour=(205, 160, 135)) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A 256 px skin-coloured face with shading and noise, dark eyes and brows; with `frames`, a
    3 px dark frame around each eye joined by a bridge. Tilted by `tilt` degrees about the centre."""
    rng = np.random.default_rng(3)
    shade = np.linspace(0.8, 1.1, 256)[None, :, None] * np.linspace(1.05, 0.9, 256)[:, None, None]
    image = Image.fromarray(
        np.clip(np.array(colour) * shade + rng.normal(0, 4, (256, 256, 3)), 0, 255).astype(np.uint8)
    )
    draw = ImageDraw.Draw(image)
    for x, y in EYES:
        draw.ellipse((x - 16, y - 7, x + 16, y + 7), fill=(60, 45, 40))
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=(20, 15, 15))
        draw.line((x - 20, y - 24, x + 20, y - 27), fill=(70, 50, 40), width=6)
    draw.line((128, 95, 122, 150), fill=(180, 135, 115), width=8)  # the nose's shaded side
    if frames:
        for x, y in EYES:
            draw.rounded_rectangle((x - 30, y - 18, x + 30, y + 22), radius=10, outline=(30, 30, 30), width=3)
        draw.line((EYES[0][0] + 30, 104, EYES[1][0] - 30, 104), fill=(30, 30, 30), width=3)
    image = image.filter(ImageFilter.GaussianBlur(0.8)).rotate(tilt, Image.Resampling.BILINEAR, center=(128, 128))
    turn = math.radians(-tilt)  # PIL turns counter-clockwise on screen, y down
    eyes = [
        (
            128 + (x - 128) * math.cos(turn) - (y - 128) * math.sin(turn),
            128 + (x - 128) * math.sin(turn) + (y - 128) * math.cos(turn),
        )
        for x, y in EYES
    ]
    return np.asarray(image), eyes


def test_drawn_frames_score_well_above_the_same_face_without():
    bare, eyes = _face(False)
    framed, _ = _face(True)
    assert glasses.frame_lines(framed, *eyes) > 2 * glasses.frame_lines(bare, *eyes)


def test_a_tilted_face_is_read_along_its_eyes():
    bare, eyes = _face(False, tilt=20)
    framed, _ = _face(True, tilt=20)
    assert glasses.frame_lines(framed, *eyes) > 2 * glasses.frame_lines(bare, *eyes)
    upright, upright_eyes = _face(True)
    assert glasses.frame_lines(framed, *eyes) > 0.6 * glasses.frame_lines(upright, *upright_eyes)


def test_grey_photos_score_as_their_colour_originals():
    framed, eyes = _face(True)
    grey = np.repeat(framed.mean(2, keepdims=True), 3, axis=2).astype(np.uint8)
    assert abs(glasses.frame_lines(grey, *eyes) - glasses.frame_lines(framed, *eyes)) < 0.05 * glasses.frame_lines(
        framed, *eyes
    )
    assert glasses.frame_lines(framed[..., 0], *eyes) > 0  # one-channel input


def _features(frame_lines: float | None) -> dict[str, float]:
    shares = {f"share_{n}": 0.01 for n in ("skin", "eye_g", "l_eye", "r_eye", "hair", "hat", "mouth")}
    found = shares | dict(hair_dark=0.5, hair_saturation=0.2, hair_lightness=0.3, hair_grey=0.0)
    return found if frame_lines is None else found | {"frame_lines": frame_lines}


def test_frames_raise_the_eyeglasses_probability_at_the_same_parsing():
    bare, eyes = _face(False)
    framed, _ = _face(True)
    low = parsing_attributes.probabilities(_features(glasses.frame_lines(bare, *eyes)))["Eyeglasses"]
    high = parsing_attributes.probabilities(_features(glasses.frame_lines(framed, *eyes)))["Eyeglasses"]
    assert high > low


def test_a_face_without_eyes_gets_every_attribute_but_eyeglasses():
    found = parsing_attributes.probabilities(_features(None))
    assert "Eyeglasses" not in found
    assert {"Wearing_Hat", "Bald", "Black_Hair"} <= found.keys()
