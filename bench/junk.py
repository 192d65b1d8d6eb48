"""Background-face rules on the shared photos: how many faces each rule sets aside, and a
check that no labelled portrait is among them.

    .venv/bin/python bench/junk.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faceorg.config import default_config  # noqa: E402
from faceorg.people.junk import JunkRules, background_reasons  # noqa: E402
from faceorg.vision.pipeline import FacePipeline  # noqa: E402

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"


def main() -> None:
    with (FACES / "deepface" / "identities.csv").open(newline="") as handle:
        labelled = {row["file"] for row in csv.DictReader(handle)}
    pipeline = FacePipeline(default_config().with_overrides(device="cpu"), analyzer_names=[])
    rules = JunkRules(min_score=pipeline.detector.background_score)  # each detector's scores have their own scale
    counts: dict[str, int] = {}
    total = flagged = lost = 0
    for path in sorted((FACES / "deepface").glob("*.jpg")) + sorted((FACES / "facenet").rglob("*.jpg")):
        records = pipeline.detect(pipeline.decode(path)).records
        largest = max(records, key=lambda r: r.box.width * r.box.height) if records else None
        for record in records:
            total += 1
            reasons = background_reasons(record.score, record.quality, rules)
            flagged += bool(reasons)
            for reason in reasons:
                counts[reason] = counts.get(reason, 0) + 1
            if reasons and path.name in labelled and record is largest:
                lost += 1
                print(f"  labelled portrait set aside: {path.name} {reasons}")
    print(f"detector: {pipeline.detector.version}; rules: {rules}")
    print(f"{total} faces, {flagged} set aside as background; by rule (a face can meet several): {counts}")
    print(f"labelled portraits set aside: {lost} of {len(labelled)}")


if __name__ == "__main__":
    main()
