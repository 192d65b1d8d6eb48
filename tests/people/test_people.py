"""People albums on the labelled deepface photos: clustering quality and the user's decisions."""

from __future__ import annotations

import os
import shutil

import pytest

from faceorg.core.metrics import bcubed_scores, pairwise_scores
from faceorg.people import decisions
from faceorg.people.recluster import recluster
from faceorg.scan.scanner import Scanner
from faceorg.store import people
from faceorg.store.cache import CachePaths
from faceorg.store.db import connect
from tests.helpers import labelled_faces

PAIRWISE_F_FLOOR = 0.95
"""Measured 0.986 (bench/cluster.py); the floor leaves room for float noise, not for a regression."""


def _person_of(conn, face_id):
    return conn.execute("SELECT person_id FROM faces WHERE id = ?", (face_id,)).fetchone()[0]


def _scores(conn, identities):
    labelled = labelled_faces(conn, identities)
    ids = sorted(labelled)
    predicted = [_person_of(conn, i) for i in ids]
    truth = [labelled[i] for i in ids]
    return pairwise_scores(predicted, truth), bcubed_scores(predicted, truth), predicted, truth


def _person_with_most_faces(conn, identities, identity):
    labelled = labelled_faces(conn, identities)
    faces = [f for f, who in labelled.items() if who == identity]
    owners = [_person_of(conn, f) for f in faces]
    best = max(set(owners) - {None}, key=owners.count)
    return best, faces


def test_clusters_agree_with_the_labels(deepface_library, identities):
    conn, _ = deepface_library
    (p, r, f), (_, _, bf), predicted, truth = _scores(conn, identities)
    print(
        f"pairwise P {p:.3f} R {r:.3f} F {f:.3f}; BCubed F {bf:.3f}; unsorted {predicted.count(None)}/{len(predicted)}"
    )
    assert f >= PAIRWISE_F_FLOOR
    assert p == 1.0, "no two labelled people may share an album"


def test_a_name_survives_a_rescan_and_a_full_recluster(people_library, identities, faces_dir, session_config, pipeline):
    conn = people_library
    person, faces = _person_with_most_faces(conn, identities, "person01")
    decisions.name(conn, person, "Angelina")
    Scanner(conn, session_config, lambda: pipeline).scan([faces_dir / "deepface"])
    recluster(conn)
    assert people.by_name(conn, "angelina").id == person
    assert all(_person_of(conn, f) == person for f in people.face_ids(conn, person))
    assert {_person_of(conn, f) for f in faces} == {person}


def test_a_rejected_face_does_not_come_back(people_library, identities):
    conn = people_library
    person, faces = _person_with_most_faces(conn, identities, "person01")
    victim = faces[0]
    decisions.reject(conn, [victim])
    assert _person_of(conn, victim) is None
    recluster(conn)
    assert _person_of(conn, victim) != person
    decisions.name(conn, person, "Angelina")
    recluster(conn)
    assert _person_of(conn, victim) != person
    assert victim in people.unsorted_face_ids(conn)


def test_a_merge_survives_reclustering(people_library, identities):
    conn = people_library
    a, _ = _person_with_most_faces(conn, identities, "person01")
    b, _ = _person_with_most_faces(conn, identities, "person02")
    faces = people.face_ids(conn, a) + people.face_ids(conn, b)
    decisions.merge(conn, a, [b])
    recluster(conn)
    assert people.get(conn, b) is None
    assert {_person_of(conn, f) for f in faces} == {a}


def test_naming_with_a_taken_name_asks_for_a_merge(people_library, identities):
    conn = people_library
    a, _ = _person_with_most_faces(conn, identities, "person01")
    b, _ = _person_with_most_faces(conn, identities, "person02")
    decisions.name(conn, a, "Sam")
    with pytest.raises(decisions.NameTaken) as taken:
        decisions.name(conn, b, "SAM")
    assert taken.value.owner.id == a


def test_moving_a_face_and_making_a_new_person(people_library, identities):
    conn = people_library
    a, faces_a = _person_with_most_faces(conn, identities, "person01")
    b, _ = _person_with_most_faces(conn, identities, "person02")
    decisions.move(conn, [faces_a[0]], b)
    recluster(conn)
    assert _person_of(conn, faces_a[0]) == b, "a face moved by hand is confirmed and stays"
    new = decisions.new_person(conn, faces_a[1:3], "Twin")
    recluster(conn)
    assert {_person_of(conn, f) for f in faces_a[1:3]} == {new}


def test_a_forgotten_persons_embeddings_are_gone_from_the_file(people_library, identities, tmp_path):
    conn = people_library
    person, _ = _person_with_most_faces(conn, identities, "person03")
    face_ids = people.face_ids(conn, person)
    blobs = [conn.execute("SELECT embedding FROM faces WHERE id = ?", (f,)).fetchone()[0] for f in face_ids]
    cache = CachePaths(tmp_path / "cache")
    for f in face_ids:
        cache.crop(f).parent.mkdir(parents=True, exist_ok=True)
        cache.crop(f).write_bytes(b"jpeg")
    decisions.name(conn, person, "Private Person")
    decisions.forget(conn, person, cache)
    db_file = conn.execute("PRAGMA database_list").fetchone()[2]
    raw = open(db_file, "rb").read() + (
        open(db_file + "-wal", "rb").read() if os.path.exists(db_file + "-wal") else b""
    )
    for blob in blobs:
        assert blob[:64] not in raw, "an embedding of a forgotten face is still in the library file"
    assert b"Private Person" not in raw, "the forgotten name is still in the library file"
    assert not any(cache.crop(f).exists() for f in face_ids)
    assert people.get(conn, person) is None
    recluster(conn)
    assert all(_person_of(conn, f) is None for f in face_ids)
    assert not set(face_ids) & set(people.unsorted_face_ids(conn)), "a forgotten face is never offered again"


def test_new_photos_of_a_named_person_join_that_person(faces_dir, identities, config, pipeline, tmp_path):
    theirs = sorted(f for f, who in identities.items() if who == "person01")
    others = sorted(f for f, who in identities.items() if who in ("person02", "person03"))
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in theirs[:3] + others:
        shutil.copy(faces_dir / "deepface" / name, folder / name)
    conn = connect(config.db_path)
    scanner = Scanner(conn, config, lambda: pipeline)
    scanner.scan([folder])
    first = conn.execute(
        "SELECT f.person_id FROM faces f JOIN photos p ON p.id = f.photo_id WHERE p.name = ?", (theirs[0],)
    ).fetchone()[0]
    assert first is not None
    decisions.name(conn, first, "Angelina")
    for name in theirs[3:]:
        shutil.copy(faces_dir / "deepface" / name, folder / name)
    summary = scanner.scan([folder])
    assert summary.scanned == len(theirs) - 3
    joined = [
        conn.execute(
            "SELECT f.person_id, f.assigned_by FROM faces f JOIN photos p ON p.id = f.photo_id WHERE p.name = ?", (n,)
        ).fetchone()
        for n in theirs[3:]
    ]
    assert all(person == first for person, _ in joined), joined
    assert all(by in ("predicted", "cluster") for _, by in joined), "guesses, not confirmed by the user"
    conn.close()


def test_undo_restores_both_people_of_a_merge(people_library, identities):
    conn = people_library
    a, _ = _person_with_most_faces(conn, identities, "person01")
    b, _ = _person_with_most_faces(conn, identities, "person02")
    decisions.name(conn, a, "Alice")
    decisions.name(conn, a, "Alicia")
    faces_a, faces_b = people.face_ids(conn, a), people.face_ids(conn, b)
    links_b = people.assignments(conn, faces_b)
    decisions.merge(conn, a, [b])
    assert people.get(conn, b) is None and len(people.face_ids(conn, a)) == len(faces_a) + len(faces_b)
    assert "merged" in decisions.undo(conn)
    assert people.get(conn, b) is not None and people.get(conn, b).name is None
    assert people.face_ids(conn, a) == faces_a and people.face_ids(conn, b) == faces_b
    assert people.assignments(conn, faces_b) == links_b, "the merged faces are guesses again, not confirmed"
    assert "named" in decisions.undo(conn)
    assert people.get(conn, a).name == "Alice"


def test_two_named_people_are_not_merged_silently(people_library, identities):
    conn = people_library
    a, _ = _person_with_most_faces(conn, identities, "person01")
    b, _ = _person_with_most_faces(conn, identities, "person02")
    decisions.name(conn, a, "Alice")
    decisions.name(conn, b, "Bea")
    with pytest.raises(decisions.DecisionError, match="both named"):
        decisions.merge(conn, a, [b])
