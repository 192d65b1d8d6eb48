"""Grouping embeddings into identities: a same-person graph, then HDBSCAN inside each part.

1. Every two faces closer than the calibrated link distance are linked (exact cosine,
   computed in blocks with torch so memory stays bounded). The connected parts of that graph are candidate people: no chain of
   "looks like the same person" steps joins two parts, so no part can merge people
   the calibration keeps apart.
2. HDBSCAN (Euclidean on unit vectors, which orders pairs as cosine does) then runs
   inside each part that holds two faces verification would call different people, to
   split it where it holds two dense groups joined by a thin bridge (siblings, a
   look-alike); a part that is one dense group stays whole.

Faces in no part of at least `min_cluster_size` stay unsorted. Running HDBSCAN once over
all faces gives the same groups on the labelled photos but costs O(n^2) in 128-D
(27 s at 10 000 faces here); the graph keeps it to one blocked matrix product.
The result depends only on the set of vectors, not on the order they arrived in.
Parameters are defended in `bench/cluster.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from faceorg.core.identity import LINK_DISTANCE, SAME_PERSON_DISTANCE

NOISE = -1


@dataclass(frozen=True)
class ClusterParams:
    min_cluster_size: int = 2
    link_distance: float = LINK_DISTANCE
    """Cosine distance: faces of one person are chained by steps shorter than this (see core.identity)."""
    verify_distance: float = SAME_PERSON_DISTANCE
    """Parts whose two most distant faces are farther apart than this get HDBSCAN's closer look."""
    refine_above: int = 6
    """Parts larger than this are split further by HDBSCAN if their density says so."""
    refine_min_size: int = 3
    """HDBSCAN's min_cluster_size and min_samples inside a part: a group needs 3 faces to split off."""
    block: int = 1024
    exact_up_to: int = 20_000
    """Up to this many faces every pair is compared; above, cells of nearby faces (see same_person_graph)."""
    probe: int = 3
    """Nearest cells each face is compared with, above `exact_up_to`."""


def same_person_graph(vectors: np.ndarray, params: ClusterParams):
    """Sparse graph linking every two faces closer than the link distance.

    Up to `exact_up_to` faces every pair is compared (blocked matrix products). Above, the
    faces are filed into about sqrt(n) cells by k-means (each in its nearest cell), and each
    face is compared only with the faces filed in its `probe` nearest cells: about
    probe * n^1.5 work instead of n^2, at the price of missing a link whose two faces are
    filed far apart (rare for two faces close enough to link).
    """
    import torch
    from scipy.sparse import coo_matrix

    n = len(vectors)
    data = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
    rows, cols = [], []
    with torch.inference_mode():
        for members, candidates in _comparisons(data, params):
            for start in range(0, len(members), params.block):
                part = members[start:start + params.block]
                r, c = torch.nonzero(data[part] @ data[candidates].T > 1.0 - params.link_distance, as_tuple=True)
                rows.append(part[r].numpy())
                cols.append(candidates[c].numpy())
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n)).tocsr()
    return graph + graph.T


def _comparisons(data, params: ClusterParams):
    """(rows, the rows they are compared with), as index tensors."""
    import torch

    n = len(data)
    everyone = torch.arange(n)
    if n <= params.exact_up_to:
        yield everyone, everyone
        return
    centroids = _kmeans(data, int(np.sqrt(n)), params)
    probe = min(params.probe, len(centroids))
    near = torch.cat([torch.topk(data[s:s + 65536] @ centroids.T, probe, dim=1).indices for s in range(0, n, 65536)])
    home = near[:, 0]
    for c in range(len(centroids)):
        members = everyone[home == c]
        askers = everyone[(near == c).any(dim=1)]
        if len(members) and len(askers):
            yield askers, members


def _kmeans(data, k: int, params: ClusterParams, iterations: int = 8):
    """Spherical k-means on a sample, started from rows chosen by a canonical order (so the
    cells, like everything here, depend on the set of faces, not on their order)."""
    import torch

    order = torch.from_numpy(_canonical(data.numpy()))
    sample = data[order[:: max(1, len(data) // (k * 40))]]
    centroids = sample[:: max(1, len(sample) // k)][:k].clone()
    for _ in range(iterations):
        nearest = torch.argmax(sample @ centroids.T, dim=1)
        sums = torch.zeros_like(centroids).index_add_(0, nearest, sample)
        counts = torch.bincount(nearest, minlength=len(centroids)).unsqueeze(1)
        moved = sums / counts.clamp(min=1)
        centroids = torch.where(counts > 0, moved / moved.norm(dim=1, keepdim=True).clamp(min=1e-12), centroids)
    return centroids


def _canonical(vectors: np.ndarray) -> np.ndarray:
    """An order of rows that depends only on the vectors (their projection on a fixed
    direction), so results never depend on the order faces were imported in."""
    direction = np.random.default_rng(12345).normal(size=vectors.shape[1]).astype(np.float32)
    return np.argsort(vectors @ direction, kind="stable")


def _suspicious(part: np.ndarray, vectors: np.ndarray, params: ClusterParams) -> bool:
    """A part worth a closer look: big enough, and holding two faces that verification would
    call different people (a chain of close steps crossed from one person to another)."""
    if len(part) <= params.refine_above:
        return False
    block = vectors[part]
    return bool((block @ block.T).min() < 1.0 - params.verify_distance)


def _refine(part: np.ndarray, vectors: np.ndarray, params: ClusterParams) -> list[np.ndarray]:
    """Split a part only where HDBSCAN finds several dense groups (a homogeneous part stays
    whole: allow_single_cluster); its few noise faces join the nearest group."""
    import hdbscan

    part = part[_canonical(vectors[part])]
    labels = hdbscan.HDBSCAN(min_cluster_size=params.refine_min_size, min_samples=params.refine_min_size,
                             allow_single_cluster=True, metric="euclidean",
                             core_dist_n_jobs=1).fit_predict(vectors[part].astype(np.float64))
    groups = [list(part[labels == label]) for label in sorted(set(labels.tolist()) - {NOISE})]
    if len(groups) < 2:
        return [part]
    centres = np.stack([vectors[g].mean(axis=0) for g in groups])
    for face in part[labels == NOISE]:
        groups[int(np.argmax(centres @ vectors[face]))].append(face)
    return [np.array(g) for g in groups]


def cluster(embeddings: np.ndarray, params: ClusterParams = ClusterParams()) -> np.ndarray:
    """A label per row (0..k-1, or NOISE); the same set of vectors always gets the same groups."""
    from scipy.sparse.csgraph import connected_components

    vectors = np.asarray(embeddings, dtype=np.float32)
    n = len(vectors)
    labels = np.full(n, NOISE, dtype=np.int64)
    if n < params.min_cluster_size:
        return labels
    _, component = connected_components(same_person_graph(vectors, params), directed=False)
    parts = [np.flatnonzero(component == c) for c in np.unique(component)]
    groups: list[np.ndarray] = []
    for part in parts:
        if len(part) < params.min_cluster_size:
            continue
        groups += _refine(part, vectors, params) if _suspicious(part, vectors, params) else [part]
    groups = [g for g in groups if len(g) >= params.min_cluster_size]
    for label, group in enumerate(sorted(groups, key=lambda g: tuple(vectors[g].min(axis=0)))):
        labels[group] = label
    return labels
