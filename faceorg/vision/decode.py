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
from typing import BinaryIO, cast

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from faceorg.core.errors import FaceorgError

MAX_PIXELS = 250_000_000
"""Larger images are refused: a decompression bomb, or far beyond any camera."""

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif"}
)

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 36867
_DATETIME = 306
_ORIENTATION = 274

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # HEIC stays unsupported, every other format still works
    pillow_heif = None  # type: ignore[assignment]


class DecodeError(FaceorgError):
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


def _exif(image: Image.Image) -> Image.Exif:
    """The EXIF block, or an empty one where it is damaged: bad metadata must not cost the pixels."""
    try:
        return image.getexif()
    except Exception:  # noqa: BLE001 - any parser error in metadata
        return Image.Exif()


def _orientation(exif: Image.Exif) -> int:
    """EXIF Orientation 1-8; anything else (text, out of range) counts as upright."""
    try:
        value = int(exif.get(_ORIENTATION, 1) or 1)
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value <= 8 else 1


def _safe_taken_at(exif: Image.Exif) -> float | None:
    try:
        return _taken_at(exif)
    except Exception:  # noqa: BLE001 - a damaged EXIF sub-block means no date, not no photo
        return None


def _upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _open(path: Path | BinaryIO) -> Image.Image:
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
    except (ValueError, SyntaxError) as error:  # e.g. a PNG text chunk that inflates past Pillow's limit
        raise DecodeError(f"unreadable metadata: {error}") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise DecodeError(f"image is too large to be a photo ({width}x{height} pixels; possible decompression bomb)")
    if width == 0 or height == 0:
        image.close()
        raise DecodeError("image has no pixels")
    return image


_SCALED_MODES = frozenset({"I", "F", "I;16", "I;16L", "I;16B", "I;16N", "I;32", "I;32L", "I;32B", "F;32", "F;32B"})


def to_rgb8(image: Image.Image) -> Image.Image:
    """8-bit RGB from any mode Pillow opens.

    Pillow's own conversion clips 16/32-bit integer and float pixels to 0..255, which
    turns a 16-bit scan into a white page; those are scaled by the range their values
    really span instead. Every other mode (palette, alpha, CMYK, LAB, YCbCr, 1-bit)
    Pillow converts correctly.
    """
    if image.mode == "RGB":
        return image
    if image.mode not in _SCALED_MODES:
        return image.convert("RGB")
    values = np.asarray(image, dtype=np.float64)
    finite = np.isfinite(values)
    low, high = (float(values[finite].min()), float(values[finite].max())) if finite.any() else (0.0, 0.0)
    span = high - low
    scaled = np.where(finite, (values - low) * (255.0 / span) if span > 0 else 0.0, 0.0)
    return Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8)).convert("RGB")


_MIN_BITS_PER_BLOCK = 1
"""Every 8x8 luminance block of a JPEG costs at least one bit (its DC Huffman code), baseline or progressive."""


def _byte_size(source: Path | BinaryIO) -> int:
    if isinstance(source, Path):
        return source.stat().st_size
    here = source.tell()
    size = source.seek(0, 2)
    source.seek(here)
    return size


def _check_jpeg_holds_its_pixels(path: Path | BinaryIO, image: Image.Image) -> None:
    """A JPEG shorter than its declared size can possibly encode is truncated or lies about its size.

    libjpeg fills a stream that ends early with grey and Pillow reports no error, so a
    file that declares 12000x12000 but holds 512x330 of data would pass as a blank photo.
    """
    blocks = -(-image.size[0] // 8) * -(-image.size[1] // 8)
    needed = blocks * _MIN_BITS_PER_BLOCK // 8
    have = _byte_size(path)
    if have < needed:
        raise DecodeError(
            f"damaged or truncated image: it declares {image.size[0]}x{image.size[1]} pixels, which need "
            f"at least {needed} bytes, but the file holds {have}"
        )


def decode(path: Path | str | BinaryIO, max_side: int | None) -> Decoded:
    """Read `path` (or an open binary file: a cluster worker gets bytes) upright as RGB, longer side <= `max_side`."""
    path = cast("Path | BinaryIO", path if hasattr(path, "read") else Path(path))
    with _open(path) as image:
        exif = _exif(image)
        orientation = _orientation(exif)
        original = _upright_size(image.size, orientation)
        if image.format == "JPEG":
            _check_jpeg_holds_its_pixels(path, image)
        if max_side and image.format == "JPEG" and max(original) > max_side:
            ratio = max_side / max(original)
            image.draft("RGB", (max(1, int(image.size[0] * ratio)), max(1, int(image.size[1] * ratio))))
        declared = image.size
        try:
            image.load()
            if image.size != declared:
                raise DecodeError(
                    f"damaged or truncated image: declares {declared[0]}x{declared[1]} pixels, "
                    f"decoded {image.size[0]}x{image.size[1]}"
                )
            upright = ImageOps.exif_transpose(image) if orientation != 1 else image
            rgb = to_rgb8(upright)
        except DecodeError:
            raise
        except (OSError, SyntaxError, ValueError) as error:
            raise DecodeError(f"damaged or truncated image: {error}") from None
        except Image.DecompressionBombError:
            raise DecodeError("image is too large to be a photo (possible decompression bomb)") from None
    if max_side and max(rgb.size) > max_side:
        ratio = max_side / max(rgb.size)
        rgb = rgb.resize(
            (max(1, round(rgb.size[0] * ratio)), max(1, round(rgb.size[1] * ratio))),
            Image.Resampling.BILINEAR,
            reducing_gap=2.0,
        )
    return Decoded(
        image=np.asarray(rgb),
        original_size=original,
        scale=rgb.size[0] / original[0],
        taken_at=_safe_taken_at(exif),
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
