"""Build the `lfw10` labelled set under /work/data/lfw10: 100 news photos of 10 people.

Source: the `images/` folder of https://github.com/krasserm/face-recognition (Apache-2.0
repository; the photos themselves are from Labeled Faces in the Wild,
http://vis-www.cs.umass.edu/lfw/, whose terms allow research use). None of these photos is
in ../shared/faces/lfw_tune, so this set was never seen while fitting on lfw_tune. The photos
stay out of faceorg's repository; this script rebuilds the set from a git checkout or mirror.

    python tools/build_lfw10_set.py [GIT_DIR] [--out /work/data/lfw10]

GIT_DIR defaults to a fresh shallow clone of the repository above.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import tempfile
from pathlib import Path

URL = "https://github.com/krasserm/face-recognition"
COMMIT = "363e4ec0f700e74b2ea7abceba289390d29dd43f"


def git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("git_dir", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/work/data/lfw10"))
    args = parser.parse_args()
    git_dir = args.git_dir
    if git_dir is None:
        clone = Path(tempfile.mkdtemp()) / "repo.git"
        subprocess.run(["git", "clone", "--bare", "--filter=blob:none", URL, str(clone)], check=True)
        git_dir = clone
    names = [
        n
        for n in git(git_dir, "ls-tree", "-r", "--name-only", COMMIT, "images").decode().splitlines()
        if n.lower().endswith(".jpg")
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for k, name in enumerate(sorted(names)):
        file = f"k{k + 1:04d}.jpg"
        (args.out / file).write_bytes(git(git_dir, "show", f"{COMMIT}:{name}"))
        rows.append((file, name.split("/")[1], f"{URL}/blob/{COMMIT}/{name}"))
    with (args.out / "identities.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([("file", "identity")] + [r[:2] for r in rows])
    with (args.out / "provenance.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([("file", "source")] + [(r[0], r[2]) for r in rows])
    print(f"{len(rows)} photos of {len({r[1] for r in rows})} people in {args.out}")


if __name__ == "__main__":
    main()
