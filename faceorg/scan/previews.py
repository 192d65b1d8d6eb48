"""Writing a photo's thumbnail and its faces' crops while the decoded pixels are in memory."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from faceorg.core.face import Box
from faceorg.store.cache import CachePaths

CROP_MARGIN = 0.3


def jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def save_bytes(data: bytes, target: Path) -> None:
    """Write atomically, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_jpeg(image: Image.Image, target: Path) -> None:
    save_bytes(jpeg_bytes(image), target)


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


def encode_previews(
    image: np.ndarray, scale: float, boxes: list[Box], thumb_px: int, crop_px: int
) -> tuple[bytes, list[bytes]]:
    """The thumbnail and one crop per box as JPEG bytes: made where the pixels are (a Ray worker too)."""
    return jpeg_bytes(thumbnail(image, thumb_px)), [jpeg_bytes(face_crop(image, b, scale, crop_px)) for b in boxes]


def save_previews(cache: CachePaths, content_hash: str, thumb: bytes, crops: list[tuple[int, bytes]]) -> None:
    save_bytes(thumb, cache.thumbnail(content_hash))
    for face_id, crop in crops:
        save_bytes(crop, cache.crop(face_id))


def write_previews(
    cache: CachePaths,
    content_hash: str,
    image: np.ndarray,
    scale: float,
    faces: list[tuple[int, Box]],
    thumb_px: int,
    crop_px: int,
) -> None:
    thumb, crops = encode_previews(image, scale, [box for _, box in faces], thumb_px, crop_px)
    save_previews(cache, content_hash, thumb, [(face_id, crop) for (face_id, _), crop in zip(faces, crops)])
