"""Writing a photo's thumbnail and its faces' crops while the decoded pixels are in memory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from faceorg.core.face import Box
from faceorg.store.cache import CachePaths

CROP_MARGIN = 0.3


def save_jpeg(image: Image.Image, target: Path) -> None:
    """Write atomically, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        image.save(tmp, "JPEG", quality=85)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def thumbnail(image: np.ndarray, max_side: int) -> Image.Image:
    picture = Image.fromarray(image)
    picture.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return picture


def face_crop(image: np.ndarray, box: Box, scale: float, side: int) -> Image.Image:
    """A square around the face with a margin, from the decoded image (box in original pixels)."""
    cx, cy = (box.x1 + box.x2) / 2 * scale, (box.y1 + box.y2) / 2 * scale
    half = max(box.width, box.height) * scale * (0.5 + CROP_MARGIN)
    picture = Image.fromarray(image).crop((int(cx - half), int(cy - half), int(cx + half), int(cy + half)))
    return picture.resize((side, side), Image.Resampling.BILINEAR)


def write_previews(cache: CachePaths, content_hash: str, image: np.ndarray, scale: float,
                   faces: list[tuple[int, Box]], thumb_px: int, crop_px: int) -> None:
    save_jpeg(thumbnail(image, thumb_px), cache.thumbnail(content_hash))
    for face_id, box in faces:
        save_jpeg(face_crop(image, box, scale, crop_px), cache.crop(face_id))
