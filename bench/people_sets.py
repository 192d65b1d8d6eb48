"""The labelled photo sets people grouping is measured on, and which face of a photo is the labelled one.

Each set is a folder of photos and an `identities.csv` (file, identity). A photo's
labelled face is its main subject: the largest face, discounted by its distance from
the photo's centre (LFW photos are cropped around the named person; other faces are
bystanders, kept in the data, left out of the scores).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared" / "faces"
DATA = Path("/work/data")


@dataclass(frozen=True)
class PhotoSet:
    root: Path
    note: str

    def available(self) -> bool:
        return (self.root / "identities.csv").is_file() or self.root.name == "facenet" and self.root.is_dir()

    def identities(self) -> dict[str, str]:
        path = self.root / "identities.csv"
        if not path.is_file():
            return {}
        with path.open(newline="") as handle:
            return {row["file"]: row["identity"] for row in csv.DictReader(handle)}


SETS = {
    "deepface": PhotoSet(SHARED / "deepface", "deepface's test portraits, 13 people, plus group photos"),
    "lfw": PhotoSet(SHARED / "lfw_tune", "LFW news photos, 160 people (split FIT / CHECK by person)"),
    "facenet": PhotoSet(SHARED / "facenet", "facenet-pytorch's test photos (unlabelled group photo; junk check only)"),
    "lfw10": PhotoSet(DATA / "lfw10", "100 LFW news photos of 10 people, not in lfw_tune (tools/build_lfw10_set.py)"),
}


def photo_files(name: str) -> list[Path]:
    root = SETS[name].root
    pattern = "**/*" if name == "facenet" else "*"
    return sorted(p for p in root.glob(pattern) if p.suffix.lower() in {".jpg", ".jpeg", ".png"})


def half(identity: str) -> str:
    """FIT or CHECK, from a hash of the person's name: deterministic, about half each."""
    return "FIT" if hashlib.sha1(identity.encode()).digest()[0] % 2 == 0 else "CHECK"


def main_face(boxes: np.ndarray, photo_size: tuple[int, int]) -> int:
    """Index of the photo's main subject among its face boxes (x1, y1, x2, y2)."""
    width, height = photo_size
    centres = np.stack([(boxes[:, 0] + boxes[:, 2]) / 2 / width, (boxes[:, 1] + boxes[:, 3]) / 2 / height], axis=1)
    off = np.linalg.norm(centres - 0.5, axis=1)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return int(np.argmax(area * np.clip(1.0 - 1.5 * off, 0.05, None)))
