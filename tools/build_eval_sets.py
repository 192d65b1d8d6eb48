"""Build the labelled evaluation sets of bench/quality.py under /work/data/eval14 (never committed).

    python tools/build_eval_sets.py --out /work/data/eval14 \
        --ckplus  /work/.mirror/WuJie1010+Facial-Expression-Recognition.Pytorch/repo \
        --wild    /work/.mirror/muxspace+facial_expressions/repo --train-per-class 1500 \
        --utkface /work/.mirror/bagashvilit+facial_recognition_bias/repo --train-per-age 150 --rest

Each argument is a bare git mirror of a public GitHub repository; files are read from its
HEAD with `git show`, so nothing else is needed. Sets, sources and licences:

* ``ckplus`` (posed): CK+48 from github.com/WuJie1010/Facial-Expression-Recognition.Pytorch
  (repository MIT; the images are the Extended Cohn-Kanade database, free for
  non-commercial research). 48 x 48 grey faces, the last three frames of each posed
  sequence; we keep the peak (last) frame of each sequence. "contempt" has no FER2013
  class and is dropped; CK+ has no neutral class.
* ``wild`` (in the wild): github.com/muxspace/facial_expressions (Apache-2.0 repository;
  many photos come from LFW and the web, labels by students). Classes are mapped to FER2013
  names, "contempt" dropped, at most `--per-class` photos per class.
* ``wild_train`` (expression, for fitting the expression head of bench/expression_head.py):
  at most `--train-per-class` further muxspace photos per class, only of persons on the
  ``cal`` side of the split and none in ``wild``; every row is split ``train``, so the
  ``wild`` test split (other persons) stays unseen.
* ``utkface`` (age): UTKFace aligned chips from github.com/bagashvilit/facial_recognition_bias
  (UTKFace: non-commercial research only). The true age is the first field of the file
  name; at most `--per-age` photos per year of age 0-90.
* ``utkface_train`` (age, for fitting the learned age head of bench/age_head.py): at most
  `--train-per-age` further photos per year of age from the same mirror, none of them in
  ``utkface``; every row is split ``train``, so the ``utkface`` test split stays unseen.
* ``utkface_rest`` (age, `--rest`): every further photo of the mirror (ages 0-90), in neither
  ``utkface`` nor ``utkface_train``: the years of age with more than `--per-age` +
  `--train-per-age` photos (mostly 20-39 and infants); split ``train`` as well.

Splits are by person where the set names one (CK+ subject, LFW-style name), else by a hash
of the file name, so calibration and test never share a photo: `manifest.csv` per set
holds file, label, person, split (``cal`` or ``test``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import subprocess
from collections import defaultdict
from pathlib import Path

FER_NAMES = {
    "anger": "angry",
    "disgust": "disgust",
    "fear": "fear",
    "happy": "happy",
    "happiness": "happy",
    "sadness": "sad",
    "surprise": "surprise",
    "neutral": "neutral",
}


def split_of(person: str) -> str:
    """A stable half-and-half split by person (or photo) name."""
    return "cal" if hashlib.sha256(person.encode()).digest()[0] % 2 == 0 else "test"


def git_files(mirror: Path, under: str) -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", str(mirror), "ls-tree", "-r", "--name-only", "HEAD", under],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line for line in out.splitlines() if line]


def git_bytes(mirror: Path, path: str) -> bytes:
    command = ["git", "--git-dir", str(mirror), "show", f"HEAD:{path}"]
    return subprocess.run(command, check=True, capture_output=True).stdout


def write_set(out: Path, name: str, rows: list[tuple[str, str, str, bytes]], split: str = "") -> None:
    """rows: (file name, label, person, bytes) -> out/name/images/* and out/name/manifest.csv.

    Each row's split is `split` where given, else `split_of` its person."""
    folder = out / name / "images"
    folder.mkdir(parents=True, exist_ok=True)
    with open(out / name / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "label", "person", "split"])
        for file, label, person, data in rows:
            (folder / file).write_bytes(data)
            writer.writerow([file, label, person, split or split_of(person)])
    print(f"{name}: {len(rows)} photos -> {out / name}")


def ckplus_rows(mirror: Path) -> list[tuple[str, str, str, bytes]]:
    peak: dict[tuple[str, str], str] = {}
    for path in git_files(mirror, "CK+48"):
        _, folder, file = path.split("/")
        if folder not in FER_NAMES:
            continue
        subject, sequence, _ = file.split("_")
        key = (folder, f"{subject}_{sequence}")
        peak[key] = max(peak.get(key, ""), path)
    return [
        (path.split("/")[-1], FER_NAMES[folder], path.split("/")[-1].split("_")[0], git_bytes(mirror, path))
        for (folder, _), path in sorted(peak.items())
    ]


def legend_rows(mirror: Path) -> list[tuple[str, str]]:
    """(image file, FER2013 label) for every labelled photo of the muxspace legend."""
    legend = git_bytes(mirror, "data/legend.csv").decode("utf-8", "replace").splitlines()
    rows = []
    for row in csv.DictReader(legend):
        label = FER_NAMES.get(row["emotion"].strip().lower())
        if label:
            rows.append((row["image"].strip(), label))
    return rows


def wild_rows_index(mirror: Path, per_class: int) -> list[tuple[str, str, str]]:
    """(file, label, person) of the ``wild`` set: the first `per_class` per class in hash order."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for file, label in legend_rows(mirror):
        by_label[label].append(file)
    rows = []
    for label, files in sorted(by_label.items()):
        for file in sorted(set(files), key=lambda f: hashlib.sha256(f.encode()).hexdigest())[:per_class]:
            rows.append((file, label, re.sub(r"_\d+$", "", Path(file).stem)))
    return rows


def wild_rows(mirror: Path, per_class: int) -> list[tuple[str, str, str, bytes]]:
    return [(f, label, p, git_bytes(mirror, f"images/{f}")) for f, label, p in wild_rows_index(mirror, per_class)]


def wild_train_rows(mirror: Path, per_class: int, train_per_class: int) -> list[tuple[str, str, str, bytes]]:
    """Photos for fitting the expression head: persons of the cal half only, none in ``wild``."""
    in_wild = {row[0] for row in wild_rows_index(mirror, per_class)}
    by_label: dict[str, list[str]] = defaultdict(list)
    for file, label in legend_rows(mirror):
        person = re.sub(r"_\d+$", "", Path(file).stem)
        if file not in in_wild and split_of(person) == "cal":
            by_label[label].append(file)
    rows = []
    for label, files in sorted(by_label.items()):
        for file in sorted(set(files), key=lambda f: hashlib.sha256(f.encode()).hexdigest())[:train_per_class]:
            person = re.sub(r"_\d+$", "", Path(file).stem)
            rows.append((file, label, person, git_bytes(mirror, f"images/{file}")))
    return rows


def utkface_paths(mirror: Path, skip: int, take: int) -> list[tuple[int, str]]:
    """(age, path) of the photos from `skip` to `skip + take` of each year of age 0-90, in hash order."""
    by_age: dict[int, list[str]] = defaultdict(list)
    for path in git_files(mirror, "data/images"):
        age = int(path.split("/")[-1].split("_")[0])
        if age <= 90:
            by_age[age].append(path)
    return [
        (age, path)
        for age, paths in sorted(by_age.items())
        for path in sorted(paths, key=lambda p: hashlib.sha256(p.encode()).hexdigest())[skip : skip + take]
    ]


def utkface_rows(mirror: Path, skip: int, take: int) -> list[tuple[str, str, str, bytes]]:
    rows = []
    for age, path in utkface_paths(mirror, skip, take):
        file = path.split("/")[-1]
        rows.append((file, str(age), file, git_bytes(mirror, path)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/work/data/eval14"))
    parser.add_argument("--ckplus", type=Path)
    parser.add_argument("--wild", type=Path)
    parser.add_argument("--utkface", type=Path)
    parser.add_argument("--per-class", type=int, default=120)
    parser.add_argument("--per-age", type=int, default=14)
    parser.add_argument("--train-per-age", type=int, default=0, help="also build utkface_train (0: no)")
    parser.add_argument("--rest", action="store_true", help="also build utkface_rest (needs --train-per-age)")
    parser.add_argument("--train-per-class", type=int, default=0, help="also build wild_train (0: no)")
    args = parser.parse_args()
    if args.ckplus:
        write_set(args.out, "ckplus", ckplus_rows(args.ckplus))
    if args.wild:
        write_set(args.out, "wild", wild_rows(args.wild, args.per_class))
    if args.wild and args.train_per_class:
        rows = wild_train_rows(args.wild, args.per_class, args.train_per_class)
        write_set(args.out, "wild_train", rows, split="train")
    if args.utkface:
        write_set(args.out, "utkface", utkface_rows(args.utkface, 0, args.per_age))
    if args.utkface and args.train_per_age:
        rows = utkface_rows(args.utkface, args.per_age, args.train_per_age)
        write_set(args.out, "utkface_train", rows, split="train")
    if args.utkface and args.train_per_age and args.rest:
        rows = utkface_rows(args.utkface, args.per_age + args.train_per_age, 1_000_000)
        write_set(args.out, "utkface_rest", rows, split="train")


if __name__ == "__main__":
    main()
