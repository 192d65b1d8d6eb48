"""Grouping embeddings into identities with HDBSCAN, then a precision guard.

HDBSCAN (Euclidean on unit vectors, which orders pairs exactly as cosine distance does)
finds dense groups without being told how many people there are. Its clusters can
still chain two close people together, so every cluster is then cut into the connected
components of "closer than the calibrated same-person distance": a face with no such
neighbour in its cluster goes to Unsorted rather than into a wrong person.
Parameters are defended in `bench/cluster.py` on the labelled deepface photos.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from faceorg.core.identity import SAME_PERSON_DISTANCE

NOISE = -1


@dataclass(frozen=True)
class ClusterParams:
    min_cluster_size: int = 2
    min_samples: int = 1
    link_distance: float = SAME_PERSON_DISTANCE
    """Cosine distance: two faces of one cluster must be chained by steps shorter than this."""


def cluster(embeddings: np.ndarray, params: ClusterParams = ClusterParams()) -> np.ndarray:
    """A label per row (0..k-1, or NOISE), deterministic for the same set of vectors."""
    n = len(embeddings)
    if n < params.min_cluster_size:
        return np.full(n, NOISE, dtype=np.int64)
    import hdbscan

    data = np.asarray(embeddings, dtype=np.float64)
    labels = hdbscan.HDBSCAN(
        min_cluster_size=params.min_cluster_size, min_samples=params.min_samples, metric="euclidean",
        cluster_selection_method="eom", core_dist_n_jobs=1,
    ).fit_predict(data)
    return _guard(data, labels, params)


def _components(distances: np.ndarray, limit: float) -> np.ndarray:
    """Connected components of the graph 'distance < limit' (single linkage at that height)."""
    n = len(distances)
    component = np.full(n, -1, dtype=np.int64)
    close = distances < limit
    current = 0
    for seed in range(n):
        if component[seed] >= 0:
            continue
        stack = [seed]
        component[seed] = current
        while stack:
            node = stack.pop()
            for other in np.flatnonzero(close[node] & (component < 0)):
                component[other] = current
                stack.append(other)
        current += 1
    return component


def _guard(data: np.ndarray, labels: np.ndarray, params: ClusterParams) -> np.ndarray:
    guarded = np.full(len(labels), NOISE, dtype=np.int64)
    next_label = 0
    for label in sorted(set(labels.tolist()) - {NOISE}):
        members = np.flatnonzero(labels == label)
        block = data[members]
        distances = 1.0 - block @ block.T
        parts = _components(distances, params.link_distance)
        for part in range(parts.max() + 1):
            chosen = members[parts == part]
            if len(chosen) >= params.min_cluster_size:
                guarded[chosen] = next_label
                next_label += 1
    return guarded
