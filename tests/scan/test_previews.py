"""Thumbnails and face crops: sizes, never enlarged, the face's own pixels."""

from __future__ import annotations

import numpy as np
from PIL import Image

from faceorg.core.face import Box
from faceorg.scan.previews import face_crop, thumbnail


def test_a_thumbnail_fits_the_longer_side_keeps_the_shape_and_never_enlarges():
    wide = np.zeros((600, 1000, 3), np.uint8)
    assert thumbnail(wide, 320).size == (320, 192)
    assert thumbnail(Image.fromarray(wide), 320).size == (320, 192), "a PIL image is taken as it is"
    small = np.zeros((100, 50, 3), np.uint8)
    assert thumbnail(small, 320).size == (50, 100)


def test_a_face_crop_is_square_and_shows_the_face_not_its_surroundings():
    image = np.zeros((1000, 1000, 3), np.uint8)
    image[400:600, 400:600] = 255  # a white "face", 200 px, in original pixels 400 px at scale 0.5
    crop = np.asarray(face_crop(image, Box(800, 800, 1200, 1200), 0.5, 160))
    assert crop.shape == (160, 160, 3)
    assert crop[80, 80].min() == 255, "the face is in the middle"
    assert crop[2, 2].max() == 0, "the margin around it is the photo's own pixels"
