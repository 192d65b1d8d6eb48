"""Build the `celeba_test` set under /work/data/celeba_test: CelebA test-partition photos (182638.jpg on)
whose attributes were labelled by eye in bench/celeba_test_labels.csv (their official rows are not
fetchable from these machines).

Source: the root folder of https://github.com/Trung-Jeager-2019/validation (17,476 img_align_celeba
photos, 178 x 218; no licence stated). The photos are CelebA's (Liu et al. 2015,
http://mmlab.ie.cuhk.edu.hk/projects/CelebA.html): non-commercial research use only, so they stay
out of faceorg's repository and only measured figures are quoted. CelebA's test identities are
disjoint from its training ones; the face parser was trained on CelebAMask-HQ, which draws from all
of CelebA, so a photo here may have been seen by the parser (not by our attribute curves).

    python tools/build_celeba_test_set.py GIT_DIR [--count 320] [--out /work/data/celeba_test]

GIT_DIR is a (bare) git checkout or mirror of the repository above; the first COUNT photos by
name are taken.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

COMMIT = "62fff513e561aac7824186b1b4ed9ec40aa5bfca"


def git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--count", type=int, default=320)
    parser.add_argument("--out", type=Path, default=Path("/work/data/celeba_test"))
    args = parser.parse_args()
    listed = git(args.git_dir, "ls-tree", "--name-only", COMMIT).decode().split()
    names = sorted(n for n in listed if n.endswith(".jpg"))
    args.out.mkdir(parents=True, exist_ok=True)
    for name in names[: args.count]:
        (args.out / name).write_bytes(git(args.git_dir, "show", f"{COMMIT}:{name}"))
    print(f"{min(len(names), args.count)} CelebA test photos in {args.out}")


if __name__ == "__main__":
    main()
