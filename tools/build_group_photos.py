"""Build /work/data/groups: group photos with every face boxed, for measuring detector recall.

Source: the nine PASCAL VOC 2011 photos in dlib's examples/faces folder, with the face boxes
dlib's author drew in `training.xml` and `testing.xml` (43 faces, most 37-45 px). dlib is under
the Boost Software License 1.0; the photos come from Flickr through PASCAL VOC and are used
here only to measure, never shipped. They are read from a local git clone of
https://github.com/davisking/dlib (nothing is downloaded by faceorg):

    python tools/build_group_photos.py --dlib-repo PATH_TO_DLIB_GIT [--out /work/data/groups]

Writes the photos and `boxes.json` ({file: [[x1, y1, x2, y2], ...]}).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

LISTS = ("examples/faces/training.xml", "examples/faces/testing.xml")


def git_show(repo: Path, path: str) -> bytes:
    command = ["git", "--git-dir", str(repo), "show", f"HEAD:{path}"]
    return subprocess.run(command, check=True, capture_output=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlib-repo", type=Path, required=True, help="a git directory of davisking/dlib")
    parser.add_argument("--out", type=Path, default=Path("/work/data/groups"))
    args = parser.parse_args()
    repo = args.dlib_repo / ".git" if (args.dlib_repo / ".git").exists() else args.dlib_repo
    args.out.mkdir(parents=True, exist_ok=True)
    boxes: dict[str, list[list[int]]] = {}
    for listing in LISTS:
        for image in ElementTree.fromstring(git_show(repo, listing)).iter("image"):
            name = image.get("file")
            boxes[name] = [
                [
                    int(b.get("left")),
                    int(b.get("top")),
                    int(b.get("left")) + int(b.get("width")),
                    int(b.get("top")) + int(b.get("height")),
                ]
                for b in image.iter("box")
            ]
            (args.out / name).write_bytes(git_show(repo, f"examples/faces/{name}"))
    (args.out / "boxes.json").write_text(json.dumps(boxes, indent=1), encoding="utf-8")
    print(f"{len(boxes)} photos, {sum(map(len, boxes.values()))} faces in {args.out}")


if __name__ == "__main__":
    main()
