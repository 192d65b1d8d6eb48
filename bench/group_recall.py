"""Detector recall on group photos, for each smallest-face setting and each detector.

Group photos: /work/data/groups (built by tools/build_group_photos.py: 9 PASCAL VOC photos
from dlib's examples with 43 boxed faces, most 37-45 px) and the shared group photos whose
faces were counted by eye (selfie-many-people.jpg 7, multiface.jpg 6, couple.jpg 2). A found
face matches a boxed face when each box holds the other's centre (one to one); a found face
matching none is counted as false.

    .venv/bin/python bench/group_recall.py [--min-faces 16,20,24,32,40] [--detectors retinaface,mtcnn]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faceorg.config import default_config  # noqa: E402
from faceorg.vision.pipeline import FacePipeline  # noqa: E402

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"
GROUPS = Path("/work/data/groups")
COUNTED = {"deepface/selfie-many-people.jpg": 7, "facenet/multiface.jpg": 6, "deepface/couple.jpg": 2}


def _holds(box, point) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _centre(box):
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def match(found: list, truth: list) -> tuple[int, int]:
    """(true faces found, found faces that match no true face)."""
    free = list(truth)
    hits = 0
    for box in found:
        for t in free:
            if _holds(box, _centre(t)) and _holds(t, _centre(box)):
                free.remove(t)
                hits += 1
                break
    return hits, len(found) - hits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-faces", default="16,20,24,32,40")
    parser.add_argument("--detectors", default="retinaface,mtcnn")
    args = parser.parse_args()
    truth = json.loads((GROUPS / "boxes.json").read_text()) if (GROUPS / "boxes.json").is_file() else {}
    if not truth:
        print(f"no boxed group photos at {GROUPS}: run tools/build_group_photos.py (shared photos only)")
    total = sum(map(len, truth.values()))
    for detector in args.detectors.split(","):
        for min_face in (int(v) for v in args.min_faces.split(",")):
            config = default_config().with_overrides(device="cpu", detector=detector, min_face_px=min_face)
            pipeline = FacePipeline(config, analyzer_names=[])
            hits = false = 0
            for name, boxes in truth.items():
                records = pipeline.detect(pipeline.decode(GROUPS / name)).records
                h, f = match([(r.box.x1, r.box.y1, r.box.x2, r.box.y2) for r in records], boxes)
                hits, false = hits + h, false + f
            counted = {Path(name).name: len(pipeline.detect(pipeline.decode(FACES / name)).records) for name in COUNTED}
            shared = " ".join(f"{k} {v}/{COUNTED[n]}" for (n, (k, v)) in zip(COUNTED, counted.items()))
            print(
                f"{detector:<11} min_face {min_face:>3}: boxed groups {hits}/{total} found "
                f"({hits / max(total, 1):.0%}), {false} false; shared: {shared}"
            )


if __name__ == "__main__":
    main()
