"""Build the `fresh_attr` set of bench/attributes.py (issue 15): colour photos no attribute curve was fitted on,
and the shuffled contact sheets they were labelled from.

    python tools/build_fresh_attr_set.py GIT_DIR [--count 250] [--seed 15] [--out /work/data/fresh_attr]
        [--sheets /work/data/fresh_attr_sheets]

Photos: a seeded random sample of the CelebA test-partition photos (178 x 218, the whole head) of the
mirror that tools/build_celeba_test_set.py reads (GIT_DIR, same commit), leaving out the first 320 by
name (the `celeba_test` set's). CelebA: non-commercial research only, so never committed; the face
parser was trained on CelebAMask-HQ, drawn from all of CelebA. The muxspace photos first meant for
this (eval14/wild_train) are grey but for 174 of 3 persons, and UTKFace's chips cut the hair off.
Written as OUT/<name>.jpg, so `bench/attribute_features.py --set fresh_attr` and
`bench/mesh_features.py --set fresh_attr` find them. The sheets put each photo, 240 px high, in a
shuffled order on 4x4 sheets, each tile marked with an anonymous index only; the key
(index -> file) is SHEETS/key.csv.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from build_celeba_test_set import COMMIT, git
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from contact_sheet import contact_sheet  # noqa: E402

TILE, COLS, ROWS = (196, 240), 4, 4
SKIP = 320
"""The first photos by name: the `celeba_test` set's (tools/build_celeba_test_set.py --count 320)."""


def sample(git_dir: Path, count: int, seed: int, out: Path) -> list[str]:
    """`count` photos drawn at random (seeded) from the mirror's after the first SKIP, written to OUT;
    returns their `fresh_attr/<name>` keys."""
    names = sorted(n for n in git(git_dir, "ls-tree", "--name-only", COMMIT).decode().split() if n.endswith(".jpg"))
    chosen = sorted(random.Random(seed).sample(names[SKIP:], count))
    out.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        if not (out / name).exists():
            (out / name).write_bytes(git(git_dir, "show", f"{COMMIT}:{name}"))
    return [f"{out.name}/{name}" for name in chosen]


def sheets(files: list[str], out: Path, seed: int) -> int:
    """Shuffled 4x4 sheets of the photos, an index above each tile; writes OUT/key.csv; returns how many sheets."""
    order = sorted(files)
    random.Random(seed + 1).shuffle(order)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "key.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([("index", "file"), *enumerate(order, 1)])
    per = COLS * ROWS
    for start in range(0, len(order), per):
        tiles = []
        for k, file in enumerate(order[start : start + per]):
            with Image.open(Path("/work/data") / file) as image:
                tiles.append((start + k + 1, image.convert("RGB").resize(TILE, Image.Resampling.LANCZOS)))
        contact_sheet(tiles, COLS, ROWS).save(out / f"sheet_{start // per + 1:02d}.png")
    return (len(order) + per - 1) // per


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--count", type=int, default=250)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, default=Path("/work/data/fresh_attr"))
    parser.add_argument("--sheets", type=Path, default=Path("/work/data/fresh_attr_sheets"))
    args = parser.parse_args()
    files = sample(args.git_dir, args.count, args.seed, args.out)
    count = sheets(files, args.sheets, args.seed)
    print(f"{len(files)} photos in {args.out}, on {count} sheets in {args.sheets}")


if __name__ == "__main__":
    main()
