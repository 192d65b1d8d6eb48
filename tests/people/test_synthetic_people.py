"""People from synthetic embeddings with known truth (tests/synthetic.py): no photo folder needed.

Clustering, decisions, undo and re-clustering run on a real SQLite library; only the
embeddings are made up, so every expected grouping is known in advance.
"""

from __future__ import annotations

import numpy as np
import pytest

from faceorg.core.metrics import pairwise_scores
from faceorg.people import decisions
from faceorg.people.cluster import NOISE, ClusterParams, cluster
from faceorg.people.junk import JunkRules, mark_background
from faceorg.people.recluster import recluster
from faceorg.people.update import after_scan
from faceorg.store import people
from faceorg.store.db import connect
from tests.synthetic import add_photo, build, face_record, identity_vectors


@pytest.fixture
def library(tmp_path):
    conn = connect(tmp_path / "library.db")
    truth = build(conn, n_people=6, faces_each=5)
    after_scan(conn, sorted(truth))
    yield conn, truth
    conn.close()


def _person_of(conn, face_id):
    return conn.execute("SELECT person_id FROM faces WHERE id = ?", (face_id,)).fetchone()[0]


def _owner(conn, truth, who):
    """The person holding most faces of identity `who`."""
    found = [_person_of(conn, f) for f, w in truth.items() if w == who]
    return max(set(found), key=found.count)


def test_a_scan_groups_every_identity_into_exactly_one_person(library):
    conn, truth = library
    ids = sorted(truth)
    precision, recall, _ = pairwise_scores([_person_of(conn, f) for f in ids], [truth[f] for f in ids])
    assert (precision, recall) == (1.0, 1.0)
    assert len({_person_of(conn, f) for f in ids}) == 6 and people.unsorted_face_ids(conn) == []


def test_names_rejections_and_moves_survive_a_full_recluster(library):
    conn, truth = library
    ada = _owner(conn, truth, 0)
    decisions.name(conn, ada, "Ada")
    wrong = next(f for f, w in truth.items() if w == 1)
    bea = _person_of(conn, wrong)
    decisions.reject(conn, [wrong])  # "not this person", though the embedding says it is
    moved = next(f for f, w in truth.items() if w == 2)
    cleo = _owner(conn, truth, 3)
    decisions.move(conn, [moved], cleo)  # the user overrules the embedding

    recluster(conn)

    assert people.get(conn, ada).name == "Ada"
    assert {f for f, w in truth.items() if w == 0} == set(people.face_ids(conn, ada))
    assert _person_of(conn, wrong) != bea, "a rejected face went back to the person it was rejected from"
    assert _person_of(conn, moved) == cleo, "a face the user moved was taken back by clustering"
    others = [f for f, w in truth.items() if w == 1 and f != wrong]
    assert {_person_of(conn, f) for f in others} == {bea}


def test_undo_reverses_each_decision_in_turn(library):
    conn, truth = library
    a, b = _owner(conn, truth, 0), _owner(conn, truth, 1)
    faces_a, faces_b = set(people.face_ids(conn, a)), set(people.face_ids(conn, b))
    decisions.name(conn, a, "Ada")
    decisions.merge(conn, a, [b])
    assert people.get(conn, b) is None and set(people.face_ids(conn, a)) == faces_a | faces_b

    assert "merged" in decisions.undo(conn)
    assert people.get(conn, a).name == "Ada"
    assert set(people.face_ids(conn, a)) == faces_a and set(people.face_ids(conn, b)) == faces_b
    assert "named" in decisions.undo(conn)
    assert people.get(conn, a).name is None
    with pytest.raises(decisions.DecisionError, match="nothing to undo"):
        decisions.undo(conn)


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(labels == label).tolist()) for label in set(labels.tolist()) - {NOISE}}


def test_clustering_in_cells_matches_the_exact_path():
    """Above `exact_up_to` faces are compared within k-means cells only; on well-separated
    identities that must give the same people as comparing every pair."""
    vectors, truth = identity_vectors(n_people=40, faces_each=6, seed=3)
    exact = cluster(vectors, ClusterParams())
    cells = cluster(vectors, ClusterParams(exact_up_to=50))
    assert len(vectors) > 50
    assert _partition(cells) == _partition(exact)
    expected = {frozenset(i for i, t in enumerate(truth) if t == who) for who in set(truth)}
    assert _partition(exact) == expected


RULES = JunkRules()
CLEAR = {"side_px": 120.0, "sharpness": 500.0, "yaw": 0.0}


@pytest.mark.parametrize(
    ("score", "quality", "background"),
    [
        (0.999, CLEAR, False),  # a clear portrait
        (0.999, {**CLEAR, "side_px": RULES.min_side_px - 1}, True),  # tiny
        (0.999, {**CLEAR, "side_px": RULES.min_side_px + 1}, False),
        (0.999, {**CLEAR, "sharpness": RULES.min_sharpness - 1}, True),  # blurred
        (0.999, {**CLEAR, "sharpness": RULES.min_sharpness + 1}, False),
        (RULES.min_score - 0.01, CLEAR, True),  # a doubtful detection
        (0.999, {**CLEAR, "yaw": RULES.max_yaw + 0.01}, True),  # turned away
        (0.999, {}, False),  # no quality measured: only the score can set it aside
    ],
)
def test_background_faces_are_flagged_by_the_documented_thresholds(tmp_path, score, quality, background):
    """Each row puts a face just on one side of one documented threshold of people.junk.JunkRules."""
    conn = connect(tmp_path / "library.db")
    record = face_record(np.ones(128, dtype=np.float32) / np.sqrt(128))
    record.score, record.quality = score, quality
    (face_id,) = add_photo(conn, "/photos/one.jpg", [record.embedding])
    assert mark_background(conn, [(face_id, record)]) == int(background)
    flagged = conn.execute("SELECT background FROM faces WHERE id = ?", (face_id,)).fetchone()[0]
    assert bool(flagged) is background
    assert (face_id in people.unsorted_face_ids(conn)) is not background
    conn.close()
