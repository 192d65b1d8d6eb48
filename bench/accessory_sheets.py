"""Contact sheets for reading Wearing_Earrings, Wearing_Necklace, Bangs and Brown_Hair blind
(bench/accessory_labels.csv, `attributes.ACCESSORY_LABELS`).

    python bench/accessory_sheets.py [--data DATA] [--out DIR] [--second]

Each tile is the middle 400 px of a photo's kept 512 px parsing crop (DATA/maps_512_2, from
bench/attribute_features.py: ears, neck and forehead with a margin), contrast stretched, 226 px,
marked with an anonymous index only; the photos are shuffled, 20 to a sheet. DIR/index.json maps
each index to its photo: look at it only after every sheet has been read. `--second` makes the
check sheets: 88 of the labelled photos drawn again and the 32 celeba_sample photos (CelebA's own
labels), shuffled afresh under indices from 1000 (DIR/index2.json, sheets second_NN.png).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TILE, COLUMNS, ROWS = 230, 5, 4


def sheets(files: list[str], maps: Path, out: Path, prefix: str, first: int) -> None:
    import numpy as np
    from contact_sheet import contact_sheet
    from PIL import Image, ImageOps

    per = COLUMNS * ROWS
    for start in range(0, len(files), per):
        tiles = []
        for i in range(start, min(start + per, len(files))):
            crop = np.load(maps / files[i].replace("/", "__").replace(".jpg", ".npz"))["crop"]
            tile = Image.fromarray(crop).crop((56, 72, 456, 472)).resize((TILE - 4, TILE - 4), Image.Resampling.LANCZOS)
            tiles.append((first + i, ImageOps.autocontrast(tile, cutoff=1)))
        contact_sheet(tiles, COLUMNS, ROWS, ink="red").save(out / f"{prefix}_{start // per:02d}.png")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/work/data/attributes_h15"))
    parser.add_argument("--out", type=Path, default=Path("/work/data/acc_sheets"))
    parser.add_argument("--second", action="store_true", help="the check sheets (read again, CelebA's own)")
    args = parser.parse_args()
    maps = args.data / "maps_512_2"
    args.out.mkdir(parents=True, exist_ok=True)
    files = []
    for name in ("attribute_labels.csv", "celeba_test_labels.csv"):
        with (REPO / "bench" / name).open(newline="") as handle:
            files += [row["file"] for row in csv.DictReader(handle)]
    files = [f for f in files if (maps / f.replace("/", "__").replace(".jpg", ".npz")).exists()]
    random.Random(15).shuffle(files)
    if not args.second:
        json.dump(dict(enumerate(files)), (args.out / "index.json").open("w"))
        sheets(files, maps, args.out, "sheet", 0)
        print(f"{len(files)} photos")
        return 0
    rng = random.Random(1515)
    again = rng.sample(files, 88) + [f"celeba_sample/{i:06d}.jpg" for i in range(1, 33)]
    again = [f for f in again if (maps / f.replace("/", "__").replace(".jpg", ".npz")).exists()]
    rng.shuffle(again)
    json.dump({1000 + i: f for i, f in enumerate(again)}, (args.out / "index2.json").open("w"))
    sheets(again, maps, args.out, "second", 1000)
    print(f"{len(again)} photos")
    return 0


if __name__ == "__main__":
    sys.exit(main())
