"""Re-clustering that obeys the user: confirmed faces are anchors, rejections are walls.

A full re-cluster groups every eligible face again; clusters that hold confirmed faces
belong to those faces' people, the others keep the person most of their faces had
before (so albums and their ids stay put), or become new people. A face is never
placed with a person it was rejected from, confirmed faces never move, names never
change. After a scan only the faces its new faces can affect are regrouped (`around`),
which gives the same people a full re-cluster would.

The user's decisions and the photos also enter the grouping itself as constraints (see
`people.cluster.Constraints`): confirmed faces of different people, two faces of one photo,
and a face with the person it was rejected from are never grouped together.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from faceorg.core.person import AssignedBy
from faceorg.people.assign import assign_faces
from faceorg.people.cluster import NOISE, ClusterParams, Constraints, cluster
from faceorg.people.cover import refresh_covers
from faceorg.people.index import IdentityIndex
from faceorg.people.junk import is_weak
from faceorg.store import faces as face_repo
from faceorg.store import people
from faceorg.store.codec import from_json
from faceorg.store.db import transaction
from faceorg.store.people import ELIGIBLE


@dataclass
class ReclusterReport:
    faces: int = 0
    clusters: int = 0
    people_created: int = 0
    people_removed: int = 0
    unsorted: int = 0
    seconds: float = 0.0


Placement = dict[int, tuple[int | None, AssignedBy | None]]
"""face id -> (person id or None for a person still to create, how it got there)."""


def _place_cluster(
    members: list[int],
    X: np.ndarray,
    rows: dict[int, int],
    current: dict,
    anchors: dict[int, int],
    rejected: set[tuple[int, int]],
    taken: set[int],
    placement: Placement,
    new_groups: list[list[int]],
) -> None:
    anchored = [m for m in members if m in anchors]
    if anchored:
        anchor_vectors = X[[rows[a] for a in anchored]]
        for face in members:
            if face in anchors:
                continue
            order = np.argsort(1.0 - anchor_vectors @ X[rows[face]])
            person = next((anchors[anchored[k]] for k in order if (face, anchors[anchored[k]]) not in rejected), None)
            if person is not None:
                placement[face] = (person, AssignedBy.CLUSTER)
        return
    previous = Counter(current[m][0] for m in members if current[m][0] is not None and current[m][0] not in taken)
    if previous:
        person = previous.most_common(1)[0][0]
        taken.add(person)
        for face in members:
            if (face, person) not in rejected:
                placement[face] = (person, AssignedBy.CLUSTER)
        return
    new_groups.append(members)


def _around(ids: np.ndarray, X: np.ndarray, current: dict, faces: list[int], params: ClusterParams) -> np.ndarray:
    """Rows the given (new) faces can affect: themselves, the faces they are linked to, and
    every face of a person one of them is linked to. Regrouping only these gives what a full
    re-cluster would (nothing else moved), at the cost of (new x all) comparisons."""
    import torch

    person = np.array([current[int(f)][0] if current[int(f)][0] is not None else -1 for f in ids], dtype=np.int64)
    seeds = np.flatnonzero(np.isin(ids, np.asarray(faces, dtype=np.int64)))
    linked = np.zeros(len(ids), dtype=bool)
    linked[seeds] = True
    data = torch.from_numpy(np.ascontiguousarray(X))
    with torch.inference_mode():
        for start in range(0, len(seeds), params.block):
            linked |= (data[seeds[start : start + params.block]] @ data.T > 1.0 - params.reach).any(dim=0).numpy()
    touched = set(person[linked].tolist()) - {-1}
    return np.flatnonzero(linked | np.isin(person, list(touched)))


def recluster(
    conn: sqlite3.Connection, params: ClusterParams = ClusterParams(), around: list[int] | None = None
) -> ReclusterReport:
    """Group every eligible face again (or, after a scan, just what its new faces can
    affect), keeping every decision the user made."""
    started = time.perf_counter()
    ids, X = face_repo.embeddings(conn, ELIGIBLE)
    current = people.assignments(conn, ids.tolist())
    if around is not None:
        keep = _around(ids, X, current, around, params)
        ids, X = ids[keep], X[keep]
    id_list = ids.tolist()
    rows = {face: row for row, face in enumerate(id_list)}
    anchors = {f: p for f, (p, by) in current.items() if by == AssignedBy.USER and p is not None}
    rejected = people.rejections(conn)
    constraints = _constraints(conn, id_list, anchors, rejected)
    labels = cluster(X, params, constraints) if len(id_list) else np.zeros(0, dtype=np.int64)
    placement: Placement = {f: (p, AssignedBy.USER) for f, p in anchors.items()}
    new_groups: list[list[int]] = []
    taken: set[int] = set(anchors.values())
    for label in sorted(set(labels.tolist()) - {NOISE}):
        members = [id_list[i] for i in np.flatnonzero(labels == label)]
        _place_cluster(members, X, rows, current, anchors, rejected, taken, placement, new_groups)
    report = ReclusterReport(faces=len(id_list), clusters=int(labels.max() + 1) if len(labels) else 0)
    with transaction(conn):
        changed = [f for f in id_list if placement.get(f, (None, None)) != current.get(f, (None, None))]
        for face in changed:
            person, by = placement.get(face, (None, None))
            people.assign(conn, [face], person, by)
        for group in new_groups:
            person = people.create(conn)
            people.assign(conn, group, person, AssignedBy.CLUSTER)
            report.people_created += 1
        grouped = {f for group in new_groups for f in group}
        assign_faces(conn, IdentityIndex.load(conn), [f for f in id_list if f not in placement and f not in grouped])
        report.people_removed = _drop_empty_people(conn)
        now = {p for p, _ in people.assignments(conn, id_list).values() if p is not None}
        before = {p for p, _ in (current[f] for f in id_list) if p is not None}
        refresh_covers(conn, sorted(now | before))
        report.unsorted = len(people.unsorted_face_ids(conn))
    report.seconds = time.perf_counter() - started
    return report


def _constraints(
    conn: sqlite3.Connection, id_list: list[int], anchors: dict[int, int], rejected: set[tuple[int, int]]
) -> Constraints:
    """The photo, confirmed person and weakness of each face, and the rejections, as rows."""
    photo: dict[int, int] = {}
    weak: dict[int, bool] = {}
    for start in range(0, len(id_list), 900):
        chunk = id_list[start : start + 900]
        for face, photo_id, quality in conn.execute(
            f"SELECT id, photo_id, quality FROM faces WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ):
            photo[face] = photo_id
            weak[face] = is_weak(from_json(quality, {}))
    rows = {face: row for row, face in enumerate(id_list)}
    return Constraints(
        photo=np.array([photo[f] for f in id_list], dtype=np.int64),
        anchor=np.array([anchors.get(f, -1) for f in id_list], dtype=np.int64),
        weak=np.array([weak[f] and f not in anchors for f in id_list], dtype=bool),
        rejected=[(rows[f], p) for f, p in rejected if f in rows],
    )


def _drop_empty_people(conn: sqlite3.Connection) -> int:
    """Unnamed, unhidden people left without faces were only ever the clustering's guesses."""
    cursor = conn.execute(
        """DELETE FROM people WHERE name IS NULL AND hidden = 0
           AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.person_id = people.id)"""
    )
    return cursor.rowcount
