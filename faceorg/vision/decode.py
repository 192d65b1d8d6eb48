"""Reading a photo file into an upright RGB array no larger than detection needs.

JPEGs are decoded in draft mode (the codec's DCT scaling) straight to the smallest
power-of-two reduction that still covers the wanted size, so a 24-megapixel file is
never fully decoded to find faces. EXIF orientation is applied before anything else
looks at the pixels. HEIC/HEIF is read through pillow-heif.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 250_000_000
"""Larger images are refused: a decompression bomb, or far beyond any camera."""

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif"})

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 36867
_DATETIME = 306
_ORIENTATION = 274

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # HEIC stays unsupported, every other format still works
    pillow_heif = None


class DecodeError(ValueError):
    """The file is not a photo we can read; the message says why in plain words."""


@dataclass(frozen=True)
class Decoded:
    """Upright RGB pixels plus how they relate to the original file.

    `scale` is decoded width / original (upright) width: a box found in `image`
    divided by `scale` is in original pixels.
    """

    image: np.ndarray
    original_size: tuple[int, int]
    scale: float
    taken_at: float | None


def _taken_at(exif: Image.Exif) -> float | None:
    """EXIF DateTimeOriginal (else DateTime) as a POSIX timestamp, read as local time."""
    text = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S").timestamp()
    except ValueError:
        return None


def _upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _open(path: Path) -> Image.Image:
    try:
        image = Image.open(path)
    except UnidentifiedImageError:
        raise DecodeError("not an image file (or a format faceorg cannot read)") from None
    except Image.DecompressionBombError:
        raise DecodeError("image is too large to be a photo (possible decompression bomb)") from None
    except PermissionError:
        raise DecodeError("permission denied") from None
    except FileNotFoundError:
        raise DecodeError("file vanished before it could be read") from None
    except OSError as error:
        raise DecodeError(f"unreadable: {error}") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise DecodeError(f"image is too large to be a photo ({width}x{height} pixels; possible decompression bomb)")
    if width == 0 or height == 0:
        image.close()
        raise DecodeError("image has no pixels")
    return image


def decode(path: Path | str, max_side: int | None) -> Decoded:
    """Read `path` upright as RGB with its longer side at most `max_side` (None: full size)."""
    path = Path(path)
    with _open(path) as image:
        exif = image.getexif()
        orientation = int(exif.get(_ORIENTATION, 1) or 1)
        original = _upright_size(image.size, orientation)
        if max_side and image.format == "JPEG" and max(original) > max_side:
            ratio = max_side / max(original)
            image.draft("RGB", (max(1, int(image.size[0] * ratio)), max(1, int(image.size[1] * ratio))))
        try:
            image.load()
            upright = ImageOps.exif_transpose(image) if orientation != 1 else image
            rgb = upright.convert("RGB")
        except (OSError, SyntaxError, ValueError) as error:
            raise DecodeError(f"damaged or truncated image: {error}") from None
        except Image.DecompressionBombError:
            raise DecodeError("image is too large to be a photo (possible decompression bomb)") from None
    if max_side and max(rgb.size) > max_side:
        ratio = max_side / max(rgb.size)
        rgb = rgb.resize((max(1, round(rgb.size[0] * ratio)), max(1, round(rgb.size[1] * ratio))), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return Decoded(
        image=np.asarray(rgb),
        original_size=original,
        scale=rgb.size[0] / original[0],
        taken_at=_taken_at(exif),
    )


def is_photo_path(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def camera(path: Path | str) -> str | None:
    """'Make Model' from EXIF, for the viewer's details; reads the header only, never the pixels."""
    try:
        with Image.open(path) as image:
            exif = image.getexif()
    except (OSError, ValueError):
        return None
    make, model = (str(exif.get(tag) or "").strip("\x00 ") for tag in (0x010F, 0x0110))
    if make and model.lower().startswith(make.split()[0].lower()):  # "NIKON CORPORATION" + "NIKON D750"
        make = ""
    return " ".join(part for part in (make, model) if part) or None
