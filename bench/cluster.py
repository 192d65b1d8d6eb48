"""People clustering figures.

1. On the labelled deepface photos: pairwise precision/recall/F, BCubed F and the share of
   faces left unsorted for the chosen parameters, next to the alternatives (the defence of
   the choice), and the distances that fix the link distance.
2. On synthetic identity blobs: seconds for a full re-cluster and for assigning 1 000 new
   faces incrementally, at 10 000 and 100 000 faces (and 1 000 000 with --million).

    .venv/bin/python bench/cluster.py [--db LIBRARY_OF_DEEPFACE] [--million]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import identity_blobs  # noqa: E402
from faceorg.core.identity import ASSIGN_DISTANCE  # noqa: E402
from faceorg.core.metrics import bcubed_scores, pairwise_scores  # noqa: E402
from faceorg.people.cluster import NOISE, ClusterParams, cluster  # noqa: E402
from faceorg.people.index import IdentityIndex  # noqa: E402

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"


def labelled_embeddings(db: Path | None) -> tuple[np.ndarray, list[str]]:
    """The largest face of every labelled deepface photo, scanning the folder if no library is given."""
    from faceorg.config import default_config
    from faceorg.scan.scanner import Scanner
    from faceorg.store import faces
    from faceorg.store.db import connect

    with (FACES / "deepface" / "identities.csv").open(newline="") as handle:
        identities = {row["file"]: row["identity"] for row in csv.DictReader(handle)}
    if db is None:
        tmp = Path(tempfile.mkdtemp())
        db = tmp / "deepface.db"
        config = default_config().with_overrides(db_path=db, cache_dir=tmp / "cache")
        Scanner(connect(db), config, update_people=False).scan([FACES / "deepface"])
    conn = connect(db)
    vectors, truth = [], []
    for name, identity in sorted(identities.items()):
        row = conn.execute(
            """SELECT f.id FROM faces f JOIN photos p ON p.id = f.photo_id WHERE p.name = ?
                              ORDER BY (f.x2 - f.x1) * (f.y2 - f.y1) DESC LIMIT 1""",
            (name,),
        ).fetchone()
        if row:
            vectors.append(faces.load(conn, [row[0]])[0].record.embedding)
            truth.append(identity)
    return np.stack(vectors), truth


def link_distances(vectors: np.ndarray, truth: list[str]) -> tuple[float, float]:
    """(longest link any identity needs to stay connected, closest two identities come)."""
    from scipy.sparse.csgraph import minimum_spanning_tree

    labels = np.array(truth)
    distances = 1.0 - vectors @ vectors.T
    longest = 0.0
    for who in set(truth):
        inside = labels == who
        if inside.sum() > 1:
            longest = max(longest, minimum_spanning_tree(np.maximum(distances[np.ix_(inside, inside)], 1e-9)).max())
    return float(longest), float(distances[labels[:, None] != labels[None, :]].min())


def evaluate(vectors: np.ndarray, truth: list[str], params: ClusterParams) -> str:
    labels = cluster(vectors, params)
    predicted = [None if label == NOISE else int(label) for label in labels]
    p, r, f = pairwise_scores(predicted, truth)
    _, _, bf = bcubed_scores(predicted, truth)
    unsorted = predicted.count(None) / len(predicted)
    return f"P {p:.3f}  R {r:.3f}  F {f:.3f}  BCubed F {bf:.3f}  unsorted {unsorted:.1%}  people {labels.max() + 1}"


def deepface_figures(db: Path | None) -> None:
    vectors, truth = labelled_embeddings(db)
    longest, closest = link_distances(vectors, truth)
    print(f"deepface: {len(truth)} labelled faces of {len(set(truth))} people")
    print(f"  longest link inside one identity {longest:.4f}; closest two identities {closest:.4f}")
    chosen = ClusterParams()
    print(f"  chosen (reach {chosen.reach}, linkage cut {chosen.merge_distance}): {evaluate(vectors, truth, chosen)}")
    for merge in (0.05, 0.06, 0.08):
        print(f"  merge distance {merge:<5}     : {evaluate(vectors, truth, replace(chosen, merge_distance=merge))}")
    print(f"  min_cluster_size 3              : {evaluate(vectors, truth, replace(chosen, min_cluster_size=3))}")
    print("  (the figures on more sets, with the photos' cannot-links: bench/people.py)")


def timing(n: int) -> None:
    people = max(10, n // 20)
    vectors, _ = identity_blobs(n, people, seed=1)
    started = time.perf_counter()
    labels = cluster(vectors)
    full = time.perf_counter() - started
    known = labels != NOISE
    index = IdentityIndex(np.arange(known.sum()), labels[known], vectors[known])
    fresh, _ = identity_blobs(1000, people, seed=1)  # the same people, new faces
    started = time.perf_counter()
    placed = sum(p is not None for p in index.best_people(fresh, ASSIGN_DISTANCE))
    assign = time.perf_counter() - started
    print(
        f"{n:>9} faces ({people} people + 10% noise): full re-cluster {full:8.1f} s, {labels.max() + 1} people, "
        f"{(~known).sum()} unsorted; assigning 1000 new faces {assign:6.2f} s ({placed} placed)"
    )


def scan_update(n_faces: int, new: int = 1000) -> None:
    """What a scan adds to an existing library costs: place new faces, regroup around them."""
    from bench.synthetic import build_library
    from faceorg.people.update import after_scan, place_new_faces
    from faceorg.store.db import connect

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "library.db"
        build_library(db, n_photos=n_faces * 2 // 3, n_faces=n_faces)
        conn = connect(db)
        fresh = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM faces WHERE person_id IS NOT NULL ORDER BY (id * 7919) % 100003 LIMIT ?", (new,)
            )
        ]
        conn.executemany("UPDATE faces SET person_id = NULL, assigned_by = NULL WHERE id = ?", [(f,) for f in fresh])
        started = time.perf_counter()
        placed = place_new_faces(conn, IdentityIndex.load(conn), fresh)
        middle = time.perf_counter()
        report = after_scan(conn, fresh)
        done = time.perf_counter()
        print(
            f"{n_faces:>9}-face library, a scan adds {new} faces: placing them "
            f"{middle - started:.1f} s ({placed} placed), "
            f"regrouping around the rest {done - middle:.1f} s ({report.faces} faces regrouped)"
        )
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="a library holding a scan of ../shared/faces/deepface")
    parser.add_argument("--million", action="store_true", help="also time 1 000 000 faces (long)")
    args = parser.parse_args()
    if (FACES / "deepface" / "identities.csv").is_file():
        deepface_figures(args.db)
    else:
        print(f"deepface figures skipped: no photos at {FACES}")
    for n in (10_000, 100_000) + ((1_000_000,) if args.million else ()):
        timing(n)
    scan_update(150_000)


if __name__ == "__main__":
    main()
