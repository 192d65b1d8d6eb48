"""Identity verification on the deepface photos: accuracy at the project's threshold and ROC AUC.

Pairs: master.csv (300 labelled pairs), and all 1 830 pairs of the 61 labelled photos
(identities.csv). Each photo contributes its largest face.

    .venv/bin/python bench/verification.py [--embedder torch|dlib] [--detector retinaface|mtcnn]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faceorg.config import default_config  # noqa: E402
from faceorg.core.identity import SAME_PERSON_DISTANCE  # noqa: E402
from faceorg.core.metrics import accuracy_at, best_accuracy, roc_auc  # noqa: E402
from faceorg.vision.pipeline import FacePipeline  # noqa: E402

DEEPFACE = Path(__file__).resolve().parents[2] / "shared" / "faces" / "deepface"


def embeddings(embedder: str, detector: str | None = None) -> dict[str, np.ndarray]:
    from faceorg.vision.catalogue import EMBEDDERS

    pipeline = FacePipeline(
        default_config().with_overrides(embedder=embedder, detector=detector), [EMBEDDERS[embedder]]
    )
    found = {}
    for path in sorted(DEEPFACE.glob("img*.jpg")):
        records = pipeline.run(path).records
        if records:
            found[path.name] = max(records, key=lambda r: r.box.width * r.box.height).embedding
    return found


def face_recognition_embeddings() -> dict[str, np.ndarray]:
    """face_recognition's usual pipeline (HOG detector, its 5-point alignment, the same dlib
    descriptor), the largest face per photo, normalised so cosine distance applies too."""
    from bench import yardsticks

    library = yardsticks.face_recognition()
    found = {}
    for path in sorted(DEEPFACE.glob("img*.jpg")):
        image = library.load_image_file(path)
        boxes = library.face_locations(image)
        if boxes:
            largest = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
            vector = library.face_encodings(image, [largest])[0]
            found[path.name] = vector / np.linalg.norm(vector)
    return found


def report(name: str, pairs: list[tuple[str, str, bool]], emb: dict[str, np.ndarray]) -> None:
    usable = [(a, b, s) for a, b, s in pairs if a in emb and b in emb]
    distances = np.array([1.0 - float(emb[a] @ emb[b]) for a, b, _ in usable])
    same = np.array([s for _, _, s in usable])
    best, at = best_accuracy(distances, same)
    print(
        f"{name}: {len(usable)} pairs ({same.sum()} same person)  ROC AUC {roc_auc(distances, same):.4f}  "
        f"accuracy at {SAME_PERSON_DISTANCE} {accuracy_at(distances, same, SAME_PERSON_DISTANCE):.4f}  "
        f"(best {best:.4f} at {at:.3f}); same-person max {distances[same].max():.4f}, "
        f"different-person min {distances[~same].min():.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--embedder",
        default="torch",
        choices=("torch", "dlib", "face_recognition"),
        help="faceorg's embedder, or face_recognition's whole pipeline as a yardstick",
    )
    parser.add_argument("--detector", help="faceorg's detector (default: the configured one)")
    args = parser.parse_args()
    if not DEEPFACE.is_dir():
        sys.exit(f"no photos at {DEEPFACE}")
    started = time.perf_counter()
    emb = (
        face_recognition_embeddings()
        if args.embedder == "face_recognition"
        else embeddings(args.embedder, args.detector)
    )
    print(
        f"embedded {len(emb)} of 62 photos with the {args.embedder} embedder ({args.detector or 'default'} detector) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    with (DEEPFACE / "master.csv").open(newline="") as handle:
        master = [(r["file_x"], r["file_y"], r["Decision"] == "Yes") for r in csv.DictReader(handle)]
    with (DEEPFACE / "identities.csv").open(newline="") as handle:
        who = {r["file"]: r["identity"] for r in csv.DictReader(handle)}
    everything = [(a, b, who[a] == who[b]) for a, b in itertools.combinations(sorted(who), 2)]
    report("master.csv", master, emb)
    report("all labelled pairs", everything, emb)


if __name__ == "__main__":
    main()
