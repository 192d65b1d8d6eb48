"""Build the `celeba_sample` labelled set under /work/data/celeba_sample: CelebA aligned photos with
their official 40 attribute rows (the check set of bench/attributes.py that nobody labelled by eye).

Sources (all public GitHub repositories; the photos and labels are CelebA's, Liu et al. 2015,
http://mmlab.ie.cuhk.edu.hk/projects/CelebA.html, whose terms allow non-commercial research use only,
so the set stays out of faceorg's repository and only its measured figures are quoted):
- attribute rows: `list_attr_celeba.txt` of https://github.com/zgjsxx/face-property-detection-pytorch
  (MIT repository; the official file cut to its first 20,000 rows, 000001.jpg-020000.jpg);
- photos: `celeba/NNNNNN.jpg` of https://github.com/andrew-valentin/HumanFaceImageGenerator
  (32 CelebA photos, aligned and in the wild; no licence stated, used only to measure).
Only photos whose row is in the attribute file are kept; a photo in several repositories is taken once.
(Public CelebA photos with the full 202,599-row file, or more than a few dozen of the first 20,000,
were not found in a form these machines can fetch; see bench/celeba_test_labels.csv for the
by-eye labelled CelebA test photos.)

    python tools/build_celeba_sample.py ATTR_GIT_DIR PHOTO_GIT_DIR... [--out /work/data/celeba_sample]

Each GIT_DIR is a (bare) git checkout or mirror of the repositories above; the script reads
HEAD of the first and, in the others, every `NNNNNN.jpg` in any commit's tree.
Writes the photos and `labels.csv` (file, then the 40 attributes as 0/1).
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
from pathlib import Path

PHOTO = re.compile(r"(^|/)(\d{6})\.jpg$")


def git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True).stdout


def attribute_rows(git_dir: Path) -> tuple[list[str], dict[str, list[int]]]:
    """Attribute names and file -> 0/1 values from the official list_attr_celeba.txt layout."""
    lines = git(git_dir, "show", "HEAD:list_attr_celeba.txt").decode().splitlines()
    names = lines[1].split()
    rows = {}
    for line in lines[2:]:
        parts = line.split()
        if len(parts) == len(names) + 1:
            rows[parts[0]] = [1 if v == "1" else 0 for v in parts[1:]]
    return names, rows


def photo_blobs(git_dir: Path) -> dict[str, str]:
    """NNNNNN.jpg -> blob id, over every commit (a photo deleted later still counts)."""
    found: dict[str, str] = {}
    for commit in git(git_dir, "rev-list", "--all").decode().split():
        for entry in git(git_dir, "ls-tree", "-r", commit).decode().splitlines():
            meta, path = entry.split("\t", 1)
            match = PHOTO.search(path)
            if match and meta.split()[1] == "blob":
                found.setdefault(f"{match.group(2)}.jpg", meta.split()[2])
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("attr_git_dir", type=Path)
    parser.add_argument("photo_git_dirs", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("/work/data/celeba_sample"))
    args = parser.parse_args()
    names, rows = attribute_rows(args.attr_git_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    kept: dict[str, list[int]] = {}
    for git_dir in args.photo_git_dirs:
        for file, blob in sorted(photo_blobs(git_dir).items()):
            if file in rows and file not in kept:
                (args.out / file).write_bytes(git(git_dir, "cat-file", "blob", blob))
                kept[file] = rows[file]
    with (args.out / "labels.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", *names])
        writer.writerows([file, *values] for file, values in sorted(kept.items()))
    print(f"{len(kept)} CelebA photos with attribute rows in {args.out}")


if __name__ == "__main__":
    main()
