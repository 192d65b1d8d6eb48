"""Decoding on generated images: orientation, draft-mode size, formats, and bad files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from faceorg.vision import decode as decode_module
from faceorg.vision.decode import DecodeError, decode


def _marked_image(width: int = 400, height: int = 200) -> Image.Image:
    """Red left half, blue right half: orientation errors show up as wrong colours."""
    array = np.zeros((height, width, 3), dtype=np.uint8)
    array[:, : width // 2] = (255, 0, 0)
    array[:, width // 2 :] = (0, 0, 255)
    return Image.fromarray(array)


def _save_with_orientation(path: Path, orientation: int) -> None:
    image = _marked_image()
    exif = Image.Exif()
    exif[274] = orientation
    exif[306] = "2021:06:15 10:30:00"
    image.save(path, "JPEG", exif=exif, quality=95)


def test_exif_orientation_6_is_turned_upright(tmp_path):
    # Orientation 6: the camera was turned; the upright picture is the stored one rotated 90° clockwise.
    path = tmp_path / "rotated.jpg"
    _save_with_orientation(path, 6)
    decoded = decode(path, None)
    height, width = decoded.image.shape[:2]
    assert (width, height) == (200, 400)
    assert decoded.original_size == (200, 400)
    top, bottom = decoded.image[10, 100], decoded.image[390, 100]
    assert top[0] > 200 and top[2] < 60, "the stored left (red) half must end up on top"
    assert bottom[2] > 200 and bottom[0] < 60


def test_exif_date_taken_is_read(tmp_path):
    path = tmp_path / "dated.jpg"
    _save_with_orientation(path, 1)
    import datetime as dt

    assert decode(path, None).taken_at == dt.datetime(2021, 6, 15, 10, 30).timestamp()


def test_large_jpeg_is_draft_decoded_to_the_size_detection_needs(tmp_path, monkeypatch):
    path = tmp_path / "big.jpg"
    Image.new("RGB", (6000, 4000), (120, 90, 60)).save(path, "JPEG", quality=80)
    drafted: list[tuple] = []
    from PIL import JpegImagePlugin

    real_draft = JpegImagePlugin.JpegImageFile.draft

    def recording_draft(self, mode, size):
        result = real_draft(self, mode, size)
        drafted.append((size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", recording_draft)
    decoded = decode(path, 1000)
    assert max(decoded.image.shape[:2]) == 1000
    assert decoded.original_size == (6000, 4000)
    assert decoded.scale == pytest.approx(1000 / 6000, rel=1e-3)
    assert drafted, "a large JPEG must be decoded in draft mode"
    assert max(drafted[0][1]) <= 1500, f"draft decoded {drafted[0][1]}, more than the 1/4 reduction needed"


@pytest.mark.parametrize("fmt,suffix", [("PNG", ".png"), ("WEBP", ".webp"), ("TIFF", ".tif"), ("BMP", ".bmp")])
def test_common_formats_decode(tmp_path, fmt, suffix):
    path = tmp_path / f"picture{suffix}"
    _marked_image().save(path, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    decoded = decode(path, None)
    assert decoded.image.shape == (200, 400, 3)
    assert decoded.image[100, 10, 0] > 200 and decoded.image[100, 390, 2] > 200


def test_heic_decodes(tmp_path):
    if decode_module.pillow_heif is None:
        pytest.skip("pillow-heif is not installed")
    path = tmp_path / "picture.heic"
    try:
        _marked_image().save(path, "HEIF", quality=95)
    except (KeyError, OSError) as error:
        pytest.skip(f"this pillow-heif build cannot write HEIF to make a test file: {error}")
    decoded = decode(path, None)
    assert decoded.image.shape == (200, 400, 3)
    assert decoded.image[100, 10, 0] > 180 and decoded.image[100, 390, 2] > 180


def test_non_image_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a photo")
    with pytest.raises(DecodeError, match="not an image"):
        decode(path, 1000)


def test_truncated_jpeg_is_a_clear_error(tmp_path):
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 3])
    with pytest.raises(DecodeError, match="truncated|damaged"):
        decode(path, None)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims a huge image: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(40000, 40000))
    with pytest.raises(DecodeError, match="too large"):
        decode(path, 1000)


def _ramp(low: float, high: float, dtype) -> np.ndarray:
    """A left-to-right ramp from `low` to `high`: its 8-bit decode must run from black to white."""
    return np.tile(np.linspace(low, high, 256), (64, 1)).astype(dtype)


@pytest.mark.parametrize(
    "values,fmt",
    [
        (_ramp(0, 65535, np.uint16), "PNG"),  # Pillow: I;16
        (_ramp(0, 65535, np.uint16), "TIFF"),
        (_ramp(0, 4095, np.uint16), "TIFF"),  # a 12-bit sensor in a 16-bit file
        (_ramp(-2_000_000, 2_000_000_000, np.int32), "TIFF"),  # I
        (_ramp(0.0, 1.0, np.float32), "TIFF"),  # F
        (_ramp(-3.5, 12.25, np.float32), "TIFF"),
    ],
)
def test_high_bit_depth_images_are_scaled_by_their_value_range_not_clipped(tmp_path, values, fmt):
    path = tmp_path / f"ramp.{fmt.lower()}"
    Image.fromarray(values).save(path, fmt)
    assert Image.open(path).mode in ("I;16", "I", "F"), "the file keeps its high bit depth"
    pixels = decode(path, None).image
    assert pixels.shape == (64, 256, 3) and pixels.dtype == np.uint8
    row = pixels[10, :, 0].astype(int)
    assert row[0] <= 1 and row[-1] >= 254, f"range {row.min()}..{row.max()}: clipped or not scaled"
    assert np.all(np.diff(row) >= 0) and len(set(row.tolist())) > 200, "the ramp keeps its gradations"


@pytest.mark.parametrize("mode", ["CMYK", "LAB", "P", "RGBA", "LA", "YCbCr", "1", "L"])
def test_every_other_mode_decodes_to_the_right_colours(tmp_path, mode):
    source = _marked_image()
    image = source.convert(mode)
    path = tmp_path / "picture.tif" if mode in ("CMYK", "LAB", "YCbCr") else tmp_path / "picture.png"
    if mode == "YCbCr":
        path = tmp_path / "picture.jpg"
    image.save(path)
    pixels = decode(path, None).image.astype(int)
    expected = np.asarray(source.convert("L").convert("RGB") if mode in ("LA", "1", "L") else source).astype(int)
    if mode == "1":
        expected = np.asarray(source.convert("1").convert("RGB")).astype(int)
    assert pixels.shape == expected.shape
    assert np.abs(pixels - expected).mean() < 8, f"{mode} decoded to the wrong colours"


def test_a_jpeg_declaring_more_pixels_than_it_holds_is_truncated(tmp_path):
    buffer = io.BytesIO()
    Image.effect_noise((512, 330), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    data = bytearray(buffer.getvalue())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 12000, 12000)
    path = tmp_path / "liar.jpg"
    path.write_bytes(bytes(data))
    with pytest.raises(DecodeError, match="truncated.*12000x12000"):
        decode(path, 1024)


def test_an_orientation_stored_as_text_counts_as_upright(tmp_path):
    entry = struct.pack("<HHI4s", 274, 2, 4, b"abc\x00")
    exif = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + struct.pack("<I", 0)
    path = tmp_path / "odd.jpg"
    _marked_image().save(path, "JPEG", exif=exif, quality=95)
    decoded = decode(path, None)
    assert decoded.original_size == (400, 200) and decoded.image[100, 10, 0] > 200
