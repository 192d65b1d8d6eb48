"""Suggesting how to split a person whose faces form separate tight groups (siblings, a
parent and child merged by mistake). The user sees the groups and accepts or not."""

from __future__ import annotations

import sqlite3

import numpy as np

from faceorg.core.identity import SAME_PERSON_DISTANCE
from faceorg.store import faces as face_repo

MIN_GROUP = 2


def suggest_split(conn: sqlite3.Connection, person_id: int, threshold: float = SAME_PERSON_DISTANCE) -> list[list[int]]:
    """Groups of the person's faces, largest first, when average-linkage clustering at the
    same-person distance finds two or more groups of at least two faces; else []."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    ids, vectors = face_repo.embeddings(conn, "f.person_id = ?", (person_id,))
    if len(ids) < 2 * MIN_GROUP:
        return []
    distances = np.clip(1.0 - vectors @ vectors.T, 0.0, None).astype(np.float64)
    np.fill_diagonal(distances, 0.0)
    labels = fcluster(linkage(squareform(distances, checks=False), method="average"), t=threshold, criterion="distance")
    groups = [sorted(ids[labels == label].tolist()) for label in np.unique(labels)]
    real = [g for g in groups if len(g) >= MIN_GROUP]
    if len(real) < 2:
        return []
    return sorted(real, key=len, reverse=True)
