"""People grouping at archive scale: the cells path (k-means cells, probe 3) on millions of synthetic faces.

Prints the seconds and the peak memory of one full grouping, and what the SQLite store needs
per face (measured on a small synthetic library, then scaled), so docs/scale.md can say what
a 5-million-face archive needs.

    .venv/bin/python bench/grouping_scale.py [--faces 5000000] [--budget-s 2400]

With a time budget the cell comparisons (nearly all of the time above 20 000 faces) are
timed cell by cell; when the budget runs out the script stops and prints the share of
cells done and the total that share extrapolates to (cells hold about equal numbers of
faces: the k-means sample is even), instead of the full grouping's figure.

The faces are identity blobs as in bench/synthetic.py (n/20 people, 10 % noise), drawn in
chunks straight to float32 so the generator does not need several times the vectors' memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import build_library  # noqa: E402
from faceorg.people.cluster import NOISE, ClusterParams, _comparisons, cluster  # noqa: E402

CHUNK = 250_000


def blobs_float32(
    n_faces: int, n_people: int, noise_share: float = 0.1, spread: float = 0.12, dim: int = 128, seed: int = 1
) -> np.ndarray:
    """The distribution of bench.synthetic.identity_blobs, generated chunk by chunk in float32."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_people, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n_faces, dim), dtype=np.float32)
    n_real = n_faces - int(n_faces * noise_share)
    for start in range(0, n_faces, CHUNK):
        stop = min(n_faces, start + CHUNK)
        real = max(0, min(stop, n_real) - start)
        chunk = rng.normal(size=(stop - start, dim)).astype(np.float32)
        chunk[:real] = centres[rng.integers(0, n_people, size=real)] + chunk[:real] * (spread / np.sqrt(dim))
        chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
        out[start:stop] = chunk
    return out


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1 << 20)


def store_bytes_per_face(n_faces: int = 30_000) -> float:
    """Bytes of library file per face (photos at 1.5 faces each, attributes, indexes), measured."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "library.db"
        build_library(db, n_photos=n_faces * 2 // 3, n_faces=n_faces, n_people=max(10, n_faces // 20))
        return db.stat().st_size / n_faces


def timed_cells(vectors: np.ndarray, budget_s: float) -> None:
    """The graph step of `cluster` (cells, then a blocked product per cell), timed and bounded."""
    import torch

    params = ClusterParams()
    data = torch.from_numpy(vectors)
    started = time.perf_counter()
    cells = _comparisons(data, params)
    first = next(cells)
    setup = time.perf_counter() - started
    total_cells = int(np.sqrt(len(vectors)))
    print(
        f"k-means cells ({total_cells} cells) and probes: {setup:.0f} s; peak RSS {peak_rss_gib():.1f} GiB", flush=True
    )
    done, links, started = 0, 0, time.perf_counter()
    with torch.inference_mode():
        for members, candidates in _chain(first, cells):
            for start in range(0, len(members), params.block):
                part = members[start : start + params.block]
                links += int((data[part] @ data[candidates].T > 1.0 - params.reach).sum())
            done += 1
            elapsed = time.perf_counter() - started
            if elapsed > budget_s:
                break
    share = done / total_cells
    print(
        f"cell comparisons: {done}/{total_cells} cells ({share:.1%}) in {elapsed:.0f} s, {links:,} links "
        f"-> all cells {elapsed / share:.0f} s; grouping {setup + elapsed / share:.0f} s extrapolated "
        f"(plus the connected parts and HDBSCAN inside suspicious parts); peak RSS {peak_rss_gib():.1f} GiB",
        flush=True,
    )


def _chain(first, rest):
    yield first
    yield from rest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--faces", type=int, default=5_000_000)
    parser.add_argument(
        "--budget-s", type=float, default=0.0, help="time the cell comparisons for this long, then extrapolate"
    )
    args = parser.parse_args()
    per_face = store_bytes_per_face()
    print(
        f"store: {per_face:.0f} bytes per face in the SQLite library (synthetic, measured on 30 000 faces) "
        f"-> {per_face * args.faces / 2**30:.1f} GiB for {args.faces:,} faces",
        flush=True,
    )
    started = time.perf_counter()
    vectors = blobs_float32(args.faces, max(10, args.faces // 20))
    print(
        f"generated {args.faces:,} faces in {time.perf_counter() - started:.0f} s "
        f"({vectors.nbytes / 2**30:.2f} GiB of embeddings); peak RSS {peak_rss_gib():.1f} GiB",
        flush=True,
    )
    if args.budget_s:
        timed_cells(vectors, args.budget_s)
        return
    started = time.perf_counter()
    labels = cluster(vectors)
    seconds = time.perf_counter() - started
    print(
        f"grouping {args.faces:,} faces (cells path): {seconds:.0f} s, {labels.max() + 1:,} people, "
        f"{(labels == NOISE).sum():,} unsorted; peak RSS {peak_rss_gib():.1f} GiB",
        flush=True,
    )


if __name__ == "__main__":
    main()
