"""The whole vision pipeline on real photos with the real models."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from faceorg.core.expression import EXPRESSIONS
from faceorg.core.identity import SAME_PERSON_DISTANCE
from faceorg.core.metrics import accuracy_at, roc_auc


def test_every_face_of_multiface_is_found(faces_dir, pipeline):
    photo = pipeline.run(faces_dir / "facenet" / "multiface.jpg")
    # the Friends cast: six people, all facing the camera
    assert len(photo.records) == 6
    centres = sorted(((r.box.x1 + r.box.x2) / 2, (r.box.y1 + r.box.y2) / 2) for r in photo.records)
    # distinct faces, not one face found twice
    assert min(np.hypot(a[0] - b[0], a[1] - b[1]) for i, a in enumerate(centres) for b in centres[i + 1 :]) > 60
    for record in photo.records:
        assert record.score > 0.95
        assert len(record.landmarks) == 5
        assert record.box.x1 <= record.landmarks[2][0] <= record.box.x2, "the nose lies inside its box"


def test_a_record_is_complete_and_calibrated(faces_dir, pipeline):
    photo = pipeline.run(faces_dir / "deepface" / "img1.jpg")
    (face,) = photo.records
    assert face.embedding.shape == (128,)
    assert np.linalg.norm(face.embedding) == pytest.approx(1.0, abs=1e-4)
    assert set(face.expression) == set(EXPRESSIONS)
    assert sum(face.expression.values()) == pytest.approx(1.0, abs=1e-4)
    assert 0 < face.age < 100 and face.age_spread >= 0
    assert 0.0 <= face.male <= 1.0
    assert {"Male", "Smiling", "Young"} <= set(face.attributes)
    assert all(0.0 <= p <= 1.0 for p in face.attributes.values())


def test_gender_separates_the_labelled_people(faces_dir, pipeline):
    # img1 (Angelina Jolie) and img17 (a man with a beard) are unambiguous
    woman = pipeline.run(faces_dir / "deepface" / "img1.jpg").records[0]
    man = pipeline.run(faces_dir / "deepface" / "img17.jpg").records[0]
    assert woman.male < 0.2 and man.male > 0.8
    assert woman.attributes["Male"] == woman.male


def test_small_faces_are_ignored_by_the_minimum_size(faces_dir, session_config):
    from faceorg.vision.pipeline import FacePipeline

    big_only = FacePipeline(session_config.with_overrides(min_face_px=85), analyzer_names=[])
    photo = big_only.detect(big_only.decode(faces_dir / "facenet" / "multiface.jpg"))
    assert 0 < len(photo.records) < 6
    assert all(r.box.side >= 85 for r in photo.records)


def _pairs(faces_dir):
    with (faces_dir / "deepface" / "master.csv").open(newline="") as handle:
        return [(r["file_x"], r["file_y"], r["Decision"] == "Yes") for r in csv.DictReader(handle)]


def test_same_person_pairs_are_closer_than_different_person_pairs(faces_dir, deepface_library):
    from faceorg.store import faces

    conn, _ = deepface_library
    embedding = {}
    for row in conn.execute(
        "SELECT p.name, f.id FROM faces f JOIN photos p ON p.id = f.photo_id ORDER BY (f.x2 - f.x1) ASC"
    ):
        embedding[row[0]] = faces.load(conn, [row[1]])[0].record.embedding  # the largest face wins
    pairs = _pairs(faces_dir)
    distances = np.array([1 - float(embedding[a] @ embedding[b]) for a, b, _ in pairs])
    same = np.array([s for _, _, s in pairs])
    auc = roc_auc(distances, same)
    accuracy = accuracy_at(distances, same, SAME_PERSON_DISTANCE)
    print(f"deepface pairs: {len(pairs)}  ROC AUC {auc:.4f}  accuracy at {SAME_PERSON_DISTANCE}: {accuracy:.4f}")
    assert auc >= 0.999
    assert accuracy >= 0.99
