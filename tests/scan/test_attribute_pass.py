"""The background attribute pass on a real library: values land with their model, it resumes, it
re-runs only when the model changes, and a forgotten face stays without attributes."""

from __future__ import annotations

import pytest

from faceorg.scan import attribute_pass
from faceorg.scan.attribute_pass import AttributePass
from faceorg.scan.scanner import Scanner
from faceorg.store import attribute_values
from faceorg.store import faces as face_repo
from faceorg.store.db import connect, transaction
from tests.helpers import copy_photos

GLASSES, BALD = "img24.jpg", "img20.jpg"


@pytest.fixture
def config(config, tmp_path):
    return config.with_overrides(models_dir=tmp_path / "models")  # no imported SwinFace


@pytest.fixture
def library(faces_dir, tmp_path, config, pipeline):
    folder = tmp_path / "photos"
    copy_photos(faces_dir, [GLASSES, BALD], folder)
    conn = connect(config.db_path)
    Scanner(conn, config, lambda: pipeline).scan([folder])
    yield conn
    conn.close()


def _values(conn, name):
    return {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            """SELECT p.name, a.p, a.model FROM face_attributes a JOIN faces f ON f.id = a.face_id
           JOIN photos p ON p.id = f.photo_id WHERE a.name = ?""",
            (name,),
        )
    }


def test_the_pass_finds_glasses_and_a_bald_head_and_records_its_model(library, config):
    conn = library
    faces = conn.execute("SELECT COUNT(*) FROM faces").fetchone()[0]
    job = AttributePass(conn, config)
    assert job.pending() == faces
    seen = []
    summary = job.run(progress=seen.append)
    assert summary.done == faces and job.pending() == 0
    assert seen[-1].message == f"Finding attributes: {faces:,} of {faces:,} faces"
    glasses, bald = _values(conn, "Eyeglasses"), _values(conn, "Bald")
    assert glasses[GLASSES][0] > glasses[BALD][0] + 0.3
    assert bald[BALD][0] > bald[GLASSES][0] + 0.1
    assert {model for _, model in glasses.values()} == {job.model.version}
    assert _values(conn, "Male")[GLASSES][1] is None  # the first pass's derived values are untouched
    assert AttributePass(conn, config, job.model).run().done == 0  # nothing left: nothing re-run


def test_an_interrupted_pass_resumes_and_a_new_model_re_runs_every_face(library, config, monkeypatch):
    conn = library
    monkeypatch.setattr(attribute_pass, "FACES_PER_BATCH", 1)
    job = AttributePass(conn, config)
    calls = iter([False, True])
    first = job.run(should_stop=lambda: next(calls))
    assert first.cancelled and first.done == 1 and job.pending() >= 1
    rest = AttributePass(conn, config, job.model).run()
    assert rest.done == job.pending() + rest.done and job.pending() == 0

    from faceorg.vision.parsing_analyzer import ParsingAttributes

    smaller = ParsingAttributes("cpu", size=256)
    assert smaller.version != job.model.version
    again = AttributePass(conn, config, smaller).run()
    assert again.done == first.done + rest.done
    assert {m for _, m in _values(conn, "Eyeglasses").values()} == {smaller.version}


def test_a_face_forgotten_before_its_attributes_arrive_gets_none(library, config):
    conn = library
    job = AttributePass(conn, config)
    face_id = attribute_values.pending(conn, job.model.version, 1)[0].face_id
    with transaction(conn):
        face_repo.wipe_biometrics(conn, [face_id])
        attribute_values.store(conn, face_id, job.model.version, {"Eyeglasses": 0.9})
    assert conn.execute("SELECT COUNT(*) FROM face_attributes WHERE face_id = ?", (face_id,)).fetchone()[0] == 0
    assert all(f.face_id != face_id for f in attribute_values.pending(conn, job.model.version, 100))


def test_the_pass_stores_the_mesh_values_and_the_head_pose_with_their_model(library, config):
    conn = library
    job = AttributePass(conn, config)
    job.run()
    closed, looking = _values(conn, "Eyes_Closed"), _values(conn, "Looking_At_Camera")
    assert set(closed) == set(looking) == {GLASSES, BALD}
    assert all(p < 0.5 for p, _ in closed.values())  # both portraits have their eyes open
    assert all(p > 0.5 for p, _ in looking.values())  # and face the camera
    poses = conn.execute("SELECT face_id, yaw, pitch, roll, model FROM face_pose").fetchall()
    assert len(poses) == conn.execute("SELECT COUNT(*) FROM faces").fetchone()[0]
    assert all(abs(yaw) < 30 and abs(roll) < 30 and model == job.model.version for _, yaw, _, roll, model in poses)
    stored = face_repo.load(conn, [poses[0][0]])[0].record
    assert set(stored.pose) == {"yaw", "pitch", "roll"} and "yaw" not in stored.attributes
