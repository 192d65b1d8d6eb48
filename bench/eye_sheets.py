"""Contact sheets of eye strips for labelling Eyes_Closed by eye, blind to every score.

    python bench/eye_sheets.py --data DATA --sets utkface_rest utkface_train celeba_test:160 --out SHEETS
    python bench/eye_sheets.py --out SHEETS --merge ANSWERS >> bench/eye_closed_labels.csv
    python bench/eye_sheets.py --sets utkface_rest:320 utkface:160 --skip bench/eye_closed_labels.csv --out SHEETS2

bench/eye_closed_labels.csv was made so (DATA /work/data/eyes_h15, bench/mesh_features.py): a first
round of 908 photos (23 sheets): the 298 of a random 300 UTKFace utkface_rest photos aged 1-3 the
mesh found a face in, random utkface_train photos (200 aged 1-3, 250 aged 4 and over) and 160 of
the CelebA test photos; then, to reach 40 closed eyes, a second round of 480 (12 sheets): 320 more
random utkface_rest photos aged 1-3 and 160 random UTKFace test photos (utkface, any age). All
1,388 read by one labeller from the sheets alone: 40 closed, 1,104 open, 244 unsure (blurred,
sunglasses, squints and downcast eyes that could be either, or a strip the mesh put off the eyes).

The eye strips (DATA/eyes, written by bench/mesh_features.py) of every photo of the named sets
(`set:N` a seeded random N of it) go onto sheets of 40 tiles, all sets shuffled together, each
tile marked only with its sheet letter and number (A07): no set, age, file name or openness is
shown, so the labeller cannot lean on the measure being checked. SHEETS/key.csv maps the tile
marks to files; the labeller writes ANSWERS as lines `A07 c` (closed), `A07 o` (open) or
`A07 u` (unsure), and `--merge` turns them into `file,Eyes_Closed` rows (unsure left blank). `--skip LABELS` leaves out
photos already labelled there (a second random draw from what is left).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import string
import sys
from pathlib import Path

COLUMNS, ROWS = 4, 10
TILE_W, TILE_H = 288, 72


def files(data: Path, sets: list[str], skip: set[str] = frozenset()) -> list[str]:
    """The measured photos of the named sets not in `skip`; `set:N` keeps a seeded random N."""
    measured = [f for f in (json.loads(line)["file"] for line in (data / "mesh.jsonl").open()) if f not in skip]
    out = []
    for spec in sets:
        name, _, n = spec.partition(":")
        found = sorted(f for f in measured if f.split("/")[0] == name)
        out += sorted(random.Random(15).sample(found, int(n))) if n and int(n) < len(found) else found
    return out


def sheet(strips: list[Path], marks: list[str]):
    """One sheet: strips 1.5x enlarged in a grid, the mark above each."""
    from contact_sheet import contact_sheet
    from PIL import Image

    tiles = [
        (mark, Image.open(strip).convert("RGB").resize((TILE_W, TILE_H)))
        for mark, strip in zip(marks, strips, strict=True)
    ]
    return contact_sheet(tiles, COLUMNS, ROWS)


def labelled(path: Path | None) -> set[str]:
    if path is None:
        return set()
    with path.open(newline="") as handle:
        return {row["file"] for row in csv.DictReader(line for line in handle if not line.startswith("#"))}


def make(data: Path, sets: list[str], out: Path, skip: set[str]) -> None:
    chosen = files(data, sets, skip)
    random.Random(151).shuffle(chosen)
    out.mkdir(parents=True, exist_ok=True)
    per = COLUMNS * ROWS
    with (out / "key.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["mark", "file"])
        for s in range(0, len(chosen), per):
            letter = string.ascii_uppercase[s // per]
            batch = chosen[s : s + per]
            marks = [f"{letter}{i + 1:02d}" for i in range(len(batch))]
            strips = [data / "eyes" / f.replace("/", "__") for f in batch]
            sheet(strips, marks).save(out / f"sheet_{letter}.png")
            writer.writerows(zip(marks, batch, strict=True))
    print(f"{len(chosen)} photos on {-(-len(chosen) // per)} sheets in {out}")


def merge(out: Path, answers: Path) -> None:
    """Answers (`A07 c|o|u`) -> `file,Eyes_Closed` rows on stdout; a tile left unanswered is an error."""
    with (out / "key.csv").open(newline="") as handle:
        key = {row["mark"]: row["file"] for row in csv.DictReader(handle)}
    said = dict(line.split()[:2] for line in answers.open() if line.strip() and not line.startswith("#"))
    missing = sorted(set(key) - set(said))
    if missing:
        raise SystemExit(f"no answer for {missing[:10]}...")
    value = {"c": "1", "o": "0", "u": ""}
    for mark in sorted(key, key=lambda m: key[m]):
        print(f"{key[mark]},{value[said[mark]]}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/work/data/eyes_h15"))
    parser.add_argument("--sets", nargs="*", default=[])
    parser.add_argument("--out", type=Path, default=Path("/work/data/eyes_sheets"))
    parser.add_argument("--merge", type=Path)
    parser.add_argument("--skip", type=Path, help="a label file whose photos are left out")
    args = parser.parse_args()
    if args.merge:
        merge(args.out, args.merge)
    else:
        make(args.data, args.sets, args.out, labelled(args.skip))
    return 0


if __name__ == "__main__":
    sys.exit(main())
