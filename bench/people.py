"""People albums measured on labelled photo sets, through the app's own store and code.

Each set's photos were run once through the real face pipeline (`bench/people_cache.py`);
here they are stored in a fresh SQLite library photo by photo as a scan stores them
(background rules, incremental placement, then the after-scan regrouping), and the
albums are compared with the truth on each photo's labelled face (its main subject).

Printed per set: pairwise P/R/F, BCubed P/R/F, the share of labelled faces left unsorted
(all, and among those not flagged background), the share flagged background, albums
that mix people, people split over several albums, and the BCubed F of the same photos
scanned in two batches. `--review` also simulates a user answering the review queue.

    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/people.py [--review] [--sets deepface lfw-FIT ...]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.people_cache import has_cache, load_cache  # noqa: E402
from bench.people_sets import SETS, half, main_face  # noqa: E402
from faceorg.core.face import Box, FaceRecord  # noqa: E402
from faceorg.core.metrics import bcubed_scores, pairwise_scores  # noqa: E402
from faceorg.core.photo import PhotoStatus  # noqa: E402
from faceorg.people.index import IdentityIndex  # noqa: E402
from faceorg.people.junk import mark_background  # noqa: E402
from faceorg.people.update import after_scan, place_new_faces  # noqa: E402
from faceorg.store import faces as face_repo  # noqa: E402
from faceorg.store import photos  # noqa: E402
from faceorg.store.db import connect, transaction  # noqa: E402
from faceorg.vision import quality  # noqa: E402


@dataclass
class CachedPhoto:
    file: str
    records: list[FaceRecord]
    labelled: int | None
    """Index of the labelled face among `records`, if the photo is labelled and has faces."""
    identity: str | None


def load_photos(set_name: str) -> list[CachedPhoto]:
    """The cached faces of a set, grouped by photo, quality measured by the current code."""
    data = load_cache(set_name)
    identities = SETS[set_name].identities()
    by_file: dict[str, list[int]] = defaultdict(list)
    for row, file in enumerate(data["files"].tolist()):
        by_file[file].append(row)
    found = []
    for file, rows in sorted(by_file.items()):
        records = []
        for r in rows:
            landmarks = data["landmarks"][r].reshape(-1, 2)
            box = Box(*map(float, data["box"][r]))
            records.append(
                FaceRecord(
                    box=box,
                    score=float(data["score"][r]),
                    landmarks=[tuple(map(float, p)) for p in landmarks],
                    quality=_quality(data, r, landmarks, box),
                    embedding=data["embedding"][r].astype(np.float32),
                )
            )
        identity = identities.get(file)
        labelled = main_face(data["box"][rows], tuple(data["photo_size"][rows[0]])) if identity else None
        found.append(CachedPhoto(file, records, labelled, identity))
    return found


def _quality(data, row: int, landmarks: np.ndarray, box: Box) -> dict[str, float]:
    """Measured again from the cached chip by the code under test (the cache may predate it)."""
    if hasattr(quality, "from_chip"):
        return quality.from_chip(data["chip"][row], landmarks, box.side)
    chip = data["chip"][row]  # the code before issue 10: sharpness of the 150 px chip
    return {"side_px": box.side, "sharpness": quality.sharpness(chip), "yaw": quality.yaw(landmarks)}


def subsets(names: list[str]) -> dict[str, list[CachedPhoto]]:
    """Set name -> photos; lfw also as its FIT and CHECK halves (split by person)."""
    chosen: dict[str, list[CachedPhoto]] = {}
    for name in names:
        base = name.split("-")[0]
        if not has_cache(base):
            print(f"{name}: skipped, not cached yet (run bench/people_cache.py {base})")
            continue
        every = load_photos(base)
        if "-" in name:
            which = name.split("-")[1]
            every = [p for p in every if p.identity is not None and half(p.identity) == which]
        chosen[name] = every
    return chosen


def build_library(conn: sqlite3.Connection, set_photos: list[CachedPhoto], batches: int = 1) -> dict[int, str]:
    """Store the photos as a scan does, in `batches` scans; returns labelled face id -> identity."""
    folder = photos.ensure_folder(conn, "/bench")
    truth: dict[int, str] = {}
    size = -(-len(set_photos) // batches)
    for start in range(0, len(set_photos), size):
        index = IdentityIndex.load(conn)
        new: list[int] = []
        for k, photo in enumerate(set_photos[start : start + size]):
            with transaction(conn):
                facts = photos.FileFacts(path=f"/bench/{photo.file}", size=1, mtime=0.0, hash=f"{start + k:032x}")
                photo_id = photos.upsert(conn, facts, folder, PhotoStatus.OK, face_count=len(photo.records))
                face_ids = face_repo.replace_faces(conn, photo_id, photo.records)
                mark_background(conn, list(zip(face_ids, photo.records)))
                place_new_faces(conn, index, face_ids)
            new += face_ids
            if photo.labelled is not None:
                truth[face_ids[photo.labelled]] = photo.identity
        after_scan(conn, new)
    return truth


@dataclass
class Scores:
    faces: int
    people: int
    pairwise: tuple[float, float, float]
    bcubed: tuple[float, float, float]
    unsorted: float
    unsorted_kept: float
    """Among faces not set aside whose person has another labelled face here (a singleton has no album to join)."""
    background: float
    mixed: int
    split: int


def score(conn: sqlite3.Connection, truth: dict[int, str]) -> Scores:
    ids = sorted(truth)
    rows = {
        r[0]: (r[1], r[2])
        for r in conn.execute(f"SELECT id, person_id, background FROM faces WHERE id IN ({','.join(map(str, ids))})")
    }
    predicted = [rows[i][0] for i in ids]
    labels = [truth[i] for i in ids]
    background = [bool(rows[i][1]) for i in ids]
    albums: dict[int, set[str]] = defaultdict(set)
    places: dict[str, set[int]] = defaultdict(set)
    for p, t in zip(predicted, labels):
        if p is not None:
            albums[p].add(t)
            places[t].add(p)
    repeated = {t for t in labels if labels.count(t) > 1}
    kept = [p for p, b, t in zip(predicted, background, labels) if not b and t in repeated]
    return Scores(
        faces=len(ids),
        people=len(set(labels)),
        pairwise=pairwise_scores(predicted, labels),
        bcubed=bcubed_scores(predicted, labels),
        unsorted=predicted.count(None) / len(ids),
        unsorted_kept=kept.count(None) / max(1, len(kept)),
        background=sum(background) / len(ids),
        mixed=sum(len(v) > 1 for v in albums.values()),
        split=sum(len(v) > 1 for v in places.values()),
    )


def fresh_library(set_photos: list[CachedPhoto], batches: int = 1) -> tuple[sqlite3.Connection, dict[int, str]]:
    conn = connect(Path(tempfile.mkdtemp()) / "library.db")
    return conn, build_library(conn, set_photos, batches)


def table(results: dict[str, tuple[Scores, float, float]]) -> None:
    print(
        f"{'set':<12}{'faces':>6}{'ppl':>5} | {'pair P':>6} {'R':>5} {'F':>5} | {'B3 P':>5} {'R':>5} {'F':>5} | "
        f"{'unsorted':>8} {'(rep.)':>6} {'backgr':>6} | {'mixed':>5} {'split':>5} | {'2-batch F':>9} {'sec':>5}"
    )
    for name, (s, two, seconds) in results.items():
        print(
            f"{name:<12}{s.faces:>6}{s.people:>5} | {s.pairwise[0]:6.3f} {s.pairwise[1]:5.3f} {s.pairwise[2]:5.3f} | "
            f"{s.bcubed[0]:5.3f} {s.bcubed[1]:5.3f} {s.bcubed[2]:5.3f} | {s.unsorted:8.1%} {s.unsorted_kept:6.1%} "
            f"{s.background:6.1%} | {s.mixed:>5} {s.split:>5} | {two:9.3f} {seconds:5.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="*", default=["deepface", "lfw-FIT", "lfw-CHECK", "lfw10"])
    parser.add_argument("--review", action="store_true", help="also simulate a user answering the review queue")
    parser.add_argument("--one-scan", action="store_true", help="skip the two-batch scan (half the time)")
    args = parser.parse_args()
    results = {}
    reviews = {}
    for name, set_photos in subsets(args.sets).items():
        started = time.perf_counter()
        conn, truth = fresh_library(set_photos)
        seconds = time.perf_counter() - started
        scores = score(conn, truth)
        two = float("nan")
        if not args.one_scan:
            two_conn, two_truth = fresh_library(set_photos, batches=2)
            two = score(two_conn, two_truth).bcubed[2]
        results[name] = (scores, two, seconds)
        if args.review:
            from bench.people_review import simulate

            reviews[name] = simulate(conn, truth, len(set_photos))
    table(results)
    if args.review:
        from bench.people_review import review_table

        review_table(reviews)


if __name__ == "__main__":
    main()
