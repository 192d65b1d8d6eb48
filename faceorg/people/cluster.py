"""Grouping embeddings into identities: a candidate graph, then constrained average linkage.

1. Candidate graph: every two faces closer than `reach` are linked (exact cosine in blocks
   with torch up to `exact_up_to` faces, cells of nearby faces above). Its connected parts
   are the only places a person can be: nothing farther than `reach` from all of a
   person's faces is ever joined to them.
2. Inside each part, average linkage cut at `merge_distance`: two groups join only when
   their faces are close *on average*, not when one chain of look-alike steps connects
   them (which is what put strangers in one album when parts were taken as people: on
   the LFW news photos one person's faces lie up to 0.10 apart while two strangers come
   as close as 0.043, so no single link distance separates them).
3. Evidence besides distance is obeyed as hard constraints: two faces of one photo are two
   people; faces the user confirmed for different people never share a group; a face the
   user rejected from a person never shares a group with that person's confirmed faces.
   A cannot-link pair gets a distance so large that no average over a part can cross it.
4. Quality: a weak face (small, soft or turned; see `weak_faces`) takes no part in the
   linkage, so it never pulls two groups together; afterwards it joins the group of its
   nearest strong face when that face is within `attach_distance`.

Parts too big for an exact linkage (`max_part`) are cut again with a shorter reach.
Groups smaller than `min_cluster_size` stay unsorted (the review queue offers them).
The result depends only on the set of vectors and constraints, not on their order.

Chosen on deepface + the LFW FIT half at once, checked on the LFW CHECK half (and lfw10,
never used for choosing); cached faces, cannot-links of the photos, background and weak
rules applied (pairwise P / R, on the first 100 LFW photos cached on a loaded machine):

    cut    deepface       LFW FIT        LFW CHECK
    0.060  1.000 / 1.000  1.000 / 0.619  1.000 / 0.917
    0.065  1.000 / 1.000  0.941 / 0.762  1.000 / 0.917
    0.070  1.000 / 1.000  0.895 / 0.810  1.000 / 0.917
    0.080  1.000 / 1.000  0.857 / 0.857  0.846 / 0.917

Precision first: 0.06 is the largest cut with no wrong pair on either fitting set (0.05
already splits a deepface person: R 0.943). `reach` 0.09 leaves room above the largest
same-person average (the issue's 0.10 is a single farthest pair, not an average). What
grouping cannot decide is asked in the review queue (`people.review`). `bench/people.py`
prints the same measures through the store, per set.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np

NOISE = -1
CANNOT = 1.0e9
"""The distance given to a cannot-link pair: larger than any average that could still merge."""


@dataclass(frozen=True)
class ClusterParams:
    min_cluster_size: int = 2
    reach: float = 0.09
    """Cosine distance: pairs farther apart than this are never linked directly."""
    merge_distance: float = 0.06
    """Average-linkage cut: groups whose faces are on average farther apart stay apart."""
    attach_distance: float = 0.05
    """A weak face joins the group of its nearest strong face when it is this close."""
    max_part: int = 4000
    """Above this many faces a part is cut again at a shorter reach (linkage is O(n^2))."""
    block: int = 1024
    exact_up_to: int = 20_000
    """Up to this many faces every pair is compared; above, cells of nearby faces (see same_person_graph)."""
    probe: int = 3
    """Nearest cells each face is compared with, above `exact_up_to`."""


@dataclass(frozen=True)
class Constraints:
    """What the grouping must obey besides the embeddings; one entry per row."""

    photo: np.ndarray
    """Photo id of each face: two faces of one photo are two people."""
    anchor: np.ndarray
    """Person id the user confirmed the face as, -1 where none."""
    weak: np.ndarray
    """A face that may join a group but never pulls others in."""
    rejected: list[tuple[int, int]] = field(default_factory=list)
    """(row, person id): the user said this face is not that person."""

    @classmethod
    def none(cls, n: int) -> Constraints:
        return cls(np.arange(n), np.full(n, -1), np.zeros(n, dtype=bool))


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
                part = members[start : start + params.block]
                hit_r, hit_c = torch.nonzero(data[part] @ data[candidates].T > 1.0 - params.reach, as_tuple=True)
                rows.append(part[hit_r].numpy())
                cols.append(candidates[hit_c].numpy())
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
    near = torch.cat([torch.topk(data[s : s + 65536] @ centroids.T, probe, dim=1).indices for s in range(0, n, 65536)])
    members_of = _by_cell(near[:, :1], len(centroids))
    askers_of = _by_cell(near, len(centroids))
    for c in range(len(centroids)):
        if len(members_of[c]) and len(askers_of[c]):
            yield askers_of[c], members_of[c]


def _by_cell(cells, k: int) -> list:
    """For each of `k` cells, the rows that name it in `cells` (rows x probes), in row order:
    one sort instead of a scan of every row per cell."""
    import torch

    rows = torch.arange(len(cells)).repeat_interleave(cells.shape[1])
    flat = cells.reshape(-1)
    order = torch.argsort(flat * len(cells) + rows)
    counts = torch.bincount(flat, minlength=k).tolist()
    return list(torch.split(rows[order], counts))


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
    direction = cast(np.ndarray, np.random.default_rng(12345).normal(size=vectors.shape[1])).astype(np.float32)
    return np.argsort(vectors @ direction, kind="stable")


def _cannot_links(part: np.ndarray, constraints: Constraints) -> np.ndarray:
    """A boolean matrix over the part: True where two faces must stay apart."""
    photo, anchor = constraints.photo[part], constraints.anchor[part]
    cannot = photo[:, None] == photo[None, :]
    confirmed = anchor >= 0
    cannot |= confirmed[:, None] & confirmed[None, :] & (anchor[:, None] != anchor[None, :])
    where = {int(r): k for k, r in enumerate(part)}
    for row, person in constraints.rejected:
        if row in where:
            mates = np.flatnonzero(anchor == person)
            cannot[where[row], mates] = cannot[mates, where[row]] = True
    np.fill_diagonal(cannot, False)
    return cannot


def _linkage(
    part: np.ndarray, vectors: np.ndarray, constraints: Constraints, params: ClusterParams
) -> list[np.ndarray]:
    """Average linkage over one part, cut at `merge_distance`, cannot-links obeyed."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if len(part) == 1:
        return [part]
    block = vectors[part].astype(np.float64)
    distances = np.clip(1.0 - block @ block.T, 0.0, None)
    cannot = _cannot_links(part, constraints)
    if not cannot.any() and distances.max() <= params.merge_distance:
        return [part]  # no average can exceed the largest distance: one group, without the linkage
    distances[cannot] = CANNOT
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    labels = fcluster(tree, t=params.merge_distance, criterion="distance")
    return [part[labels == label] for label in np.unique(labels)]


def _parts(rows: np.ndarray, vectors: np.ndarray, params: ClusterParams) -> list[np.ndarray]:
    """Connected parts of the candidate graph over `rows`, each small enough for a linkage."""
    from scipy.sparse.csgraph import connected_components

    _, component = connected_components(same_person_graph(vectors[rows], params), directed=False)
    found = []
    for c in np.unique(component):
        part = rows[component == c]
        if len(part) > params.max_part and params.reach > 0.01:
            found += _parts(part, vectors, replace(params, reach=params.reach - 0.005))
        else:
            found.append(part)
    return found


def _attach(
    groups: list[np.ndarray], weak: np.ndarray, vectors: np.ndarray, constraints: Constraints, params: ClusterParams
) -> list[np.ndarray]:
    """Each weak face joins the group of its nearest strong face, if close enough and allowed."""
    if not len(weak) or not groups:
        return groups
    members = np.concatenate(groups)
    owner = np.concatenate([np.full(len(g), k) for k, g in enumerate(groups)])
    nearest = np.argmax(vectors[weak] @ vectors[members].T, axis=1)
    close = 1.0 - np.einsum("ij,ij->i", vectors[weak], vectors[members[nearest]]) < params.attach_distance
    extra: dict[int, list[int]] = {}
    for face, k, ok in zip(weak.tolist(), owner[nearest].tolist(), close.tolist()):
        group = np.concatenate([groups[k], extra.get(k, [])]).astype(np.int64)
        if ok and not _cannot_links(np.concatenate([[face], group]).astype(np.int64), constraints)[0].any():
            extra.setdefault(k, []).append(face)
    return [np.concatenate([g, np.array(extra.get(k, []), dtype=np.int64)]) for k, g in enumerate(groups)]


def cluster(
    embeddings: np.ndarray, params: ClusterParams = ClusterParams(), constraints: Constraints | None = None
) -> np.ndarray:
    """A label per row (0..k-1, or NOISE); the same vectors and constraints always give the same groups."""
    vectors = np.asarray(embeddings, dtype=np.float32)
    n = len(vectors)
    constraints = constraints if constraints is not None else Constraints.none(n)
    labels = np.full(n, NOISE, dtype=np.int64)
    if n < params.min_cluster_size:
        return labels
    strong = np.flatnonzero(~constraints.weak)
    groups: list[np.ndarray] = []
    if len(strong):
        for part in _parts(strong, vectors, params):
            groups += _linkage(part, vectors, constraints, params)
    groups = _attach(groups, np.flatnonzero(constraints.weak), vectors, constraints, params)
    groups = [g for g in groups if len(g) >= params.min_cluster_size]
    for label, group in enumerate(sorted(groups, key=lambda g: tuple(vectors[g].min(axis=0)))):
        labels[group] = label
    return labels
