"""Contact sheets of zoomed mouths, for reading Mouth_Slightly_Open by eye without names or scores.

    python bench/mouth_sheets.py [--data DATA] [--out /work/data/mouth_sheets] [--seed 15]

Every photo of the labelled sets with a Mouth_Slightly_Open label (bench/attributes.py; celeba_sample
too, as a check of the reader against CelebA's own labels) is cut around its outer lip edge from the
kept mesh landmarks (DATA/mesh_marks: pixels of the photo as the scan decodes it, longer side at
most `detect_max_side`), padded 40 % of the lips' width on each side,
upscaled, and laid out in shuffled order on 5x4 sheets, each tile marked with an index only. The
key (index -> file) goes to OUT/key.csv, beside the sheets and outside the repository.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from attributes import labels  # noqa: E402
from contact_sheet import contact_sheet  # noqa: E402

PHOTOS = {
    "deepface": Path("/work/shared/faces/deepface"),
    "lfw_tune": Path("/work/shared/faces/lfw_tune"),
    "celeba_test": Path("/work/data/celeba_test"),
    "celeba_sample": Path("/work/data/celeba_sample"),
}
OUTER_LIPS = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
LAYOUT = {"sheet": ((280, 182), 5, 4), "zoom": ((440, 286), 3, 3)}
"""Tile size, columns, rows: the first pass, and a bigger second look at the tiles read as unsure."""


def mouth_box(marks: np.ndarray) -> tuple[float, float, float, float]:
    """Box around the outer lip edge, 40 % of the lips' width added on each side, at least 0.65 as high as wide."""
    lips = marks[list(OUTER_LIPS), :2]
    (x0, y0), (x1, y1) = lips.min(0), lips.max(0)
    cx, cy, w = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * 1.8
    h = max((y1 - y0) + 0.8 * (x1 - x0), 0.65 * w)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def mouth_tile(photo: Path, marks: np.ndarray, size: tuple[int, int]) -> Image.Image:
    """The zoomed mouth, contrast stretched, fitted into one tile."""
    from faceorg.config import default_config
    from faceorg.vision.decode import decode

    image = Image.fromarray(decode(photo, default_config().detect_max_side).image)
    crop = image.crop(tuple(round(v) for v in mouth_box(marks)))
    crop = ImageOps.autocontrast(crop, cutoff=1)
    crop = ImageOps.contain(crop, size, Image.LANCZOS)
    tile = Image.new("RGB", size, (40, 40, 40))
    tile.paste(crop, ((size[0] - crop.width) // 2, (size[1] - crop.height) // 2))
    return tile


def draw(files: list[tuple[int, str]], data: Path, out: Path, kind: str) -> int:
    """Sheets of the (index, file) tiles, laid out as LAYOUT[kind]; returns how many."""
    size, cols, rows = LAYOUT[kind]
    per = cols * rows
    for start in range(0, len(files), per):
        tiles = []
        for index, file in files[start : start + per]:
            set_name, name = file.split("/", 1)
            marks = np.load(data / "mesh_marks" / file.replace("/", "__").replace(".jpg", ".npy"))
            tiles.append((index, mouth_tile(PHOTOS[set_name] / name, marks, size)))
        contact_sheet(tiles, cols, rows).save(out / f"{kind}_{start // per + 1:02d}.png")
    return (len(files) + per - 1) // per


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/work/data/attributes_h15"))
    parser.add_argument("--out", type=Path, default=Path("/work/data/mouth_sheets"))
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--again", type=Path, help="readings (index,reading): draw the unsure ones (u) bigger")
    args = parser.parse_args()

    if args.again:
        with (args.out / "key.csv").open(newline="") as handle:
            key = {int(r["index"]): r["file"] for r in csv.DictReader(handle)}
        with args.again.open(newline="") as handle:
            unsure = [int(r["index"]) for r in csv.DictReader(handle) if r["reading"] == "u"]
        count = draw([(i, key[i]) for i in unsure], args.data, args.out, "zoom")
        print(f"{len(unsure)} unsure mouths on {count} zoom sheets in {args.out}")
        return 0
    files = [f for s in labels(old_mouth=True).values() for f, lab in s.items() if "Mouth_Slightly_Open" in lab]
    random.Random(args.seed).shuffle(files)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "key.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([("index", "file"), *enumerate(files, 1)])
    count = draw(list(enumerate(files, 1)), args.data, args.out, "sheet")
    print(f"{len(files)} mouths on {count} sheets in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
