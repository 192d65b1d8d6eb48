"""Grouping obeys the photo and the user; the review queue's answers stick.

Synthetic embeddings with known truth, stored in a real SQLite library through the same
steps a scan takes (store, place, regroup).
"""

from __future__ import annotations

import numpy as np

from faceorg.core.face import Box, FaceRecord
from faceorg.core.photo import PhotoStatus
from faceorg.people import review
from faceorg.people.cluster import NOISE, Constraints, cluster
from faceorg.people.index import IdentityIndex
from faceorg.people.recluster import recluster
from faceorg.people.update import after_scan, place_new_faces
from faceorg.store import faces as face_repo
from faceorg.store import people, photos
from faceorg.store.db import connect, transaction

GOOD = {"side_px": 200.0, "sharpness": 800.0, "yaw": 0.1}


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def _near(centre: np.ndarray, distance: float, rng) -> np.ndarray:
    """A unit vector at about `distance` (cosine) from `centre`."""
    noise = _unit(rng.normal(size=centre.shape))
    noise = _unit(noise - (noise @ centre) * centre)
    angle = np.arccos(1.0 - distance)
    return _unit(np.cos(angle) * centre + np.sin(angle) * noise)


def _library(tmp_path, photo_faces: list[list[np.ndarray]]):
    """A library whose k-th photo holds the given embeddings; returns (conn, face ids per photo)."""
    conn = connect(tmp_path / "library.db")
    folder = photos.ensure_folder(conn, "/synthetic")
    ids = []
    new = []
    index = IdentityIndex.load(conn)
    for k, vectors in enumerate(photo_faces):
        with transaction(conn):
            facts = photos.FileFacts(f"/synthetic/{k}.jpg", 1, 0.0, f"{k:032x}", 800, 600)
            photo_id = photos.upsert(conn, facts, folder, PhotoStatus.OK, face_count=len(vectors))
            records = [
                FaceRecord(
                    Box(10 + 250 * j, 10, 210 + 250 * j, 210), 0.999, [(0.0, 0.0)] * 5, embedding=v, quality=dict(GOOD)
                )
                for j, v in enumerate(vectors)
            ]
            face_ids = face_repo.replace_faces(conn, photo_id, records)
            place_new_faces(conn, index, face_ids)
        ids.append(face_ids)
        new += face_ids
    after_scan(conn, new)
    return conn, ids


def _person(conn, face_id):
    return conn.execute("SELECT person_id FROM faces WHERE id = ?", (face_id,)).fetchone()[0]


def test_two_faces_of_one_photo_never_share_a_group_even_when_they_look_alike():
    rng = np.random.default_rng(0)
    twin = _unit(rng.normal(size=128))
    vectors = np.stack([_near(twin, 0.02, rng) for _ in range(6)])
    photo = np.array([0, 0, 1, 1, 2, 2])  # each photo shows both twins
    free = cluster(vectors, constraints=Constraints.none(6))
    assert len(set(free.tolist())) == 1, "without the photo, the six faces look like one person"
    labels = cluster(vectors, constraints=Constraints(photo, np.full(6, -1), np.zeros(6, dtype=bool)))
    for p in range(3):
        a, b = labels[photo == p]
        assert a == NOISE or a != b


def test_two_faces_of_one_photo_never_share_an_album_in_the_library(tmp_path):
    rng = np.random.default_rng(1)
    ada = _unit(rng.normal(size=128))
    bea = _near(ada, 0.045, rng)  # sisters: closer than many pairs of one person's photos
    photo_faces = [[_near(ada, 0.02, rng), _near(bea, 0.02, rng)] for _ in range(5)]
    photo_faces += [[_near(ada, 0.02, rng)] for _ in range(3)]
    conn, ids = _library(tmp_path, photo_faces)
    for pair in ids[:5]:
        owners = [_person(conn, f) for f in pair]
        assert owners[0] is None or owners[0] != owners[1]
    recluster(conn)
    for pair in ids[:5]:
        owners = [_person(conn, f) for f in pair]
        assert owners[0] is None or owners[0] != owners[1]


def _ada_and_a_doubtful_face(tmp_path, seed=2):
    """Ada in five photos, and one face of her that is too far to join by itself."""
    rng = np.random.default_rng(seed)
    ada = _unit(rng.normal(size=128))
    photo_faces = [[_near(ada, 0.015, rng)] for _ in range(5)]
    photo_faces += [[_unit(rng.normal(size=128))] for _ in range(5)]  # strangers
    photo_faces.append([_near(ada, 0.08, rng)])
    conn, ids = _library(tmp_path, photo_faces)
    return conn, ids[0][0], ids[-1][0]


def test_an_accepted_suggestion_is_a_confirmed_face_that_stays_through_recluster(tmp_path):
    conn, ada_face, doubtful = _ada_and_a_doubtful_face(tmp_path)
    ada = _person(conn, ada_face)
    assert ada is not None and _person(conn, doubtful) is None
    question = review.suggestion_for(conn, doubtful)
    assert question.person_id == ada and 0.0 < question.confidence < 1.0
    review.accept(conn, question)
    assert people.assignments(conn, [doubtful])[doubtful] == (ada, "user")
    recluster(conn)
    after_scan(conn, [doubtful])
    assert people.assignments(conn, [doubtful])[doubtful] == (ada, "user")
    assert all(s.face_id != doubtful for s in review.queue(conn))


def test_a_rejected_suggestion_never_returns(tmp_path):
    conn, ada_face, doubtful = _ada_and_a_doubtful_face(tmp_path)
    ada = _person(conn, ada_face)
    review.reject(conn, review.suggestion_for(conn, doubtful))
    for _ in range(2):
        recluster(conn)
        assert _person(conn, doubtful) != ada
        assert not any(s.face_id == doubtful and s.person_id == ada for s in review.queue(conn))


def test_a_refused_merge_is_not_offered_again(tmp_path):
    rng = np.random.default_rng(3)
    ada = _unit(rng.normal(size=128))
    left, right = _near(ada, 0.02, rng), _near(ada, 0.02, rng)  # one person in two looks, or two look-alikes
    photo_faces = [[_near(left, 0.005, rng)] for _ in range(3)] + [[_near(right, 0.005, rng)] for _ in range(3)]
    conn, ids = _library(tmp_path, photo_faces)
    a, b = _person(conn, ids[0][0]), _person(conn, ids[3][0])
    if a == b:  # grouped as one already: split them by hand so there is a merge question
        from faceorg.people import decisions

        decisions.new_person(conn, [f[0] for f in ids[3:]])
        a, b = _person(conn, ids[0][0]), _person(conn, ids[3][0])
    merges = [s for s in review.queue(conn) if s.kind == "merge"]
    assert {(s.person_id, s.other_person_id) for s in merges} == {tuple(sorted((a, b)))}
    review.reject(conn, merges[0])
    recluster(conn)
    assert not [s for s in review.queue(conn) if s.kind == "merge"]
