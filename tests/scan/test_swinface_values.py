"""An imported SwinFace gives every face its 7 expressions and its age, not only its 40 attributes:
the attribute pass replaces the scan's own values with them, records that SwinFace made them,
and the viewer's facts and the filters use them. A random checkpoint in the official layout
(tests/vision/swinface_checkpoint.py) with chosen head biases makes the outputs known."""

from __future__ import annotations

from dataclasses import replace

import pytest

from faceorg.core.calibration import ExpressionRule
from faceorg.core.describe import face_facts
from faceorg.core.filters import Filter
from faceorg.scan.attribute_pass import AttributePass
from faceorg.scan.scanner import Scanner
from faceorg.store import faces as face_repo
from faceorg.store.db import connect, transaction
from faceorg.store.face_index import FaceIndex
from faceorg.vision import swinface
from tests.helpers import copy_photos
from tests.vision import swinface_checkpoint

AGE = 67.0


@pytest.fixture
def config(config, tmp_path):
    source = swinface_checkpoint.make(
        tmp_path / "checkpoint.pt",
        heads={"Age": [AGE], "Expression": [0.0, 0.0, 9.0, 0.0, 0.0, 0.0, 0.0], "Eyeglasses": [-8.0, 8.0]},
    )
    swinface.import_checkpoint(source, tmp_path / "models")
    return config.with_overrides(models_dir=tmp_path / "models")


@pytest.fixture
def library(faces_dir, tmp_path, config, pipeline):
    folder = tmp_path / "photos"
    copy_photos(faces_dir, ["img1.jpg", "img24.jpg"], folder)
    conn = connect(config.db_path)
    Scanner(conn, config, lambda: pipeline).scan([folder])
    yield conn
    conn.close()


def _faces(conn):
    ids = [r[0] for r in conn.execute("SELECT id FROM faces ORDER BY id")]
    return face_repo.load(conn, ids)


def test_swinface_expressions_and_age_replace_the_scans_own_and_say_who_made_them(library, config):
    conn = library
    before = _faces(conn)
    assert before and all(f.record.age_model is None and f.record.expression_model is None for f in before)
    assert all(f.record.age is not None and abs(f.record.age - AGE) > 0.5 for f in before)  # the scan's own ages

    job = AttributePass(conn, config)
    assert job.run().done == len(before)

    maker = job.model.expression_and_age_model
    assert maker is not None and maker.startswith("swinface@") and maker in job.model.version
    for face in _faces(conn):
        record = face.record
        assert record.age == pytest.approx(AGE) and record.age_spread is None
        assert max(record.expression, key=record.expression.get) == "disgust"  # SwinFace's third logit
        assert sum(record.expression.values()) == pytest.approx(1.0, abs=1e-5)
        assert record.expression_model == maker and record.age_model == maker
        assert record.attributes["Eyeglasses"] > 0.99
        facts = dict(face_facts(record, calibration={}))
        assert facts["Expression"].startswith("disgust (") and "SwinFace" in facts["Expression"]
        assert facts["Age"] == f"about {AGE:.0f} (SwinFace)"
    stored = conn.execute("SELECT DISTINCT name FROM face_attributes").fetchall()
    assert not [n for (n,) in stored if ":" in n]  # expressions and age are not attribute rows

    index = FaceIndex.load(conn)
    index.rule = ExpressionRule.argmax()  # the top expression matches (no thresholds fitted to SwinFace)
    everyone = len(before)
    assert sum(len(f) for _, f in index.matches(Filter(age_min=60, age_max=70))) == everyone
    assert sum(len(f) for _, f in index.matches(Filter(age_max=40))) == 0
    assert sum(len(f) for _, f in index.matches(Filter(expressions=frozenset({"disgust"})))) == everyone


def test_a_face_forgotten_after_swinface_keeps_neither_its_age_nor_who_made_it(library, config):
    conn = library
    AttributePass(conn, config).run()
    face_id = conn.execute("SELECT MIN(id) FROM faces").fetchone()[0]
    with transaction(conn):
        face_repo.wipe_biometrics(conn, [face_id])
    row = conn.execute("SELECT age, age_model, expression, expression_model FROM faces WHERE id = ?", (face_id,))
    assert tuple(row.fetchone()) == (None, None, None, None)


def test_a_refresh_of_stale_scan_values_keeps_what_swinface_made(library, config):
    """A new calibration makes every photo stale; redoing the scan's own expression and age must not
    overwrite the newer values SwinFace gave (nor its Smiling/Young with the derived ones)."""
    conn = library
    AttributePass(conn, config).run()
    swin = {f.id: f.record for f in _faces(conn)}
    for face_id, record in swin.items():
        other = replace(
            record, expression={"happy": 1.0}, age=5.0, age_spread=1.0, male=0.25, attributes={"Young": 0.0}
        )
        with transaction(conn):
            face_repo.update_analysis(conn, face_id, other)
    for face in _faces(conn):
        before = swin[face.id]
        assert face.record.age == pytest.approx(AGE) and face.record.expression == before.expression
        assert face.record.attributes["Young"] == pytest.approx(before.attributes["Young"])
        assert face.record.male == pytest.approx(0.25)  # SwinFace does not make the scan's gender: replaced
