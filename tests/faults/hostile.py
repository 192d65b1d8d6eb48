"""Hostile files, generated at test time (none is committed): what each must become in the library.

Each `Hostile` names a file, how to make it from a real face photo, and what a scan must
record: `failed` with a stage and words in the reason, or `ok` with a face found (the
pixels hold one) or with none (no face fits).
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin


@dataclass(frozen=True)
class Hostile:
    name: bytes  # a POSIX file name may hold any bytes
    make: Callable[[Image.Image, Path], None]
    status: str  # "ok" | "failed"
    faces: str = ""  # for ok: "some" or "none"
    reason: tuple[str, ...] = ()  # for failed: the stage, then words the reason must hold

    def path(self, folder: Path) -> Path:
        return Path(os.fsdecode(os.path.join(os.fsencode(folder), self.name)))


def _gray(face: Image.Image) -> np.ndarray:
    return np.asarray(face.convert("L"), dtype=np.float64)


def _save(mode_maker: Callable[[Image.Image], Image.Image], fmt: str, **params) -> Callable[[Image.Image, Path], None]:
    def make(face: Image.Image, path: Path) -> None:
        mode_maker(face).save(path, fmt, **params)

    return make


def _gray16(face: Image.Image) -> Image.Image:
    return Image.fromarray((_gray(face) * 257).astype(np.uint16))  # full 16-bit range: clipping makes it white


def _int32(face: Image.Image) -> Image.Image:
    return Image.fromarray((_gray(face) * 65793 + 1_000_000).astype(np.int32))


def _float01(face: Image.Image) -> Image.Image:
    return Image.fromarray((_gray(face) / 255.0).astype(np.float32))


def _palette(face: Image.Image) -> Image.Image:
    return face.convert("P", palette=Image.Palette.ADAPTIVE, colors=256)


def _rgba(face: Image.Image) -> Image.Image:
    image = face.convert("RGBA")
    image.putalpha(200)
    return image


def _blank(size: tuple[int, int]) -> Callable[[Image.Image, Path], None]:
    return lambda face, path: Image.new("RGB", size, (128, 100, 90)).save(path, "PNG")


def _copy_jpeg(face: Image.Image, path: Path) -> None:
    face.save(path, "JPEG", quality=92)


def _text_orientation_exif() -> bytes:
    """A little-endian TIFF block whose Orientation (274) is the ASCII string 'abc'."""
    entry = struct.pack("<HHI4s", 274, 2, 4, b"abc\x00")
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + struct.pack("<I", 0)


def _text_orientation(face: Image.Image, path: Path) -> None:
    face.save(path, "JPEG", quality=92, exif=_text_orientation_exif()[6:])


def _png_text_bomb(face: Image.Image, path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    # a few kB that inflate past the limit
    info.add_text("Comment", "A" * (PngImagePlugin.MAX_TEXT_CHUNK + 1024), zip=True)
    face.save(path, "PNG", pnginfo=info)


def _declares_more_than_it_holds(face: Image.Image, path: Path) -> None:
    """A real JPEG whose frame header is patched to claim 12000x12000 pixels."""
    buffer = io.BytesIO()
    face.resize((512, 330)).save(buffer, "JPEG", quality=90)
    data = bytearray(buffer.getvalue())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 12000, 12000)
    path.write_bytes(bytes(data))


def _cut_jpeg(face: Image.Image, path: Path) -> None:
    buffer = io.BytesIO()
    face.save(buffer, "JPEG", quality=92)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 3])


def _png_bomb_header(face: Image.Image, path: Path) -> None:
    """A PNG that claims 40000x40000 pixels (1.6 gigapixels) in a few bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 40000, 40000, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


HOSTILE: tuple[Hostile, ...] = (
    Hostile(b"tiny_30x30.png", _blank((30, 30)), "ok", faces="none"),
    Hostile(b"strip_20000x3.png", _blank((20000, 3)), "ok", faces="none"),
    Hostile(b"strip_3x20000.png", _blank((3, 20000)), "ok", faces="none"),
    Hostile(b"name_not_utf8_\xe9\xff.jpg", _copy_jpeg, "ok", faces="some"),
    Hostile(b"orientation_as_text.jpg", _text_orientation, "ok", faces="some"),
    Hostile(b"png_text_chunk_bomb.png", _png_text_bomb, "failed", reason=("decode", "MAX_TEXT_CHUNK")),
    Hostile(b"declares_12000x12000.jpg", _declares_more_than_it_holds, "failed", reason=("decode", "truncated")),
    Hostile(b"cut_in_three.jpg", _cut_jpeg, "failed", reason=("decode", "truncated")),
    Hostile(b"gigapixel_header.png", _png_bomb_header, "failed", reason=("decode", "too large")),
    Hostile(b"empty.jpg", lambda face, path: path.write_bytes(b""), "failed", reason=("read", "empty")),
    Hostile(
        b"text_named.png",
        lambda face, path: path.write_text("not a picture"),
        "failed",
        reason=("decode", "not an image"),
    ),
    Hostile(b"gray16.png", _save(_gray16, "PNG"), "ok", faces="some"),
    Hostile(b"gray16.tif", _save(_gray16, "TIFF"), "ok", faces="some"),
    Hostile(b"int32.tif", _save(_int32, "TIFF"), "ok", faces="some"),
    Hostile(b"float32.tif", _save(_float01, "TIFF"), "ok", faces="some"),
    Hostile(b"cmyk.jpg", _save(lambda f: f.convert("CMYK"), "JPEG", quality=92), "ok", faces="some"),
    Hostile(b"lab.tif", _save(lambda f: f.convert("LAB"), "TIFF"), "ok", faces="some"),
    Hostile(b"palette.png", _save(_palette, "PNG"), "ok", faces="some"),
    Hostile(b"alpha.png", _save(_rgba, "PNG"), "ok", faces="some"),
    Hostile(b"gray_alpha.png", _save(lambda f: f.convert("LA"), "PNG"), "ok", faces="some"),
)


def write_hostile(face: Image.Image, folder: Path) -> dict[str, Hostile]:
    """Every hostile file in `folder`; returns them by the path a library stores (non-UTF-8 bytes escaped)."""
    from faceorg.core.paths import path_text

    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for item in HOSTILE:
        path = item.path(folder)
        item.make(face, path)
        written[path_text(path)] = item
    return written
