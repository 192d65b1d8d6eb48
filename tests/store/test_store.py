"""The SQLite store on synthetic records: schema, migrations, photo states, filter queries."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from faceorg.core.errors import UsageError
from faceorg.core.face import Box, FaceRecord
from faceorg.core.filters import Filter, parse_age_range, parse_attributes, parse_expressions
from faceorg.core.photo import PhotoStatus
from faceorg.store import faces, models, photos
from faceorg.store.db import StoreError, connect, schema_version, transaction
from faceorg.store.face_index import FaceIndex
from faceorg.store.migrations import LATEST
from faceorg.store.photos import FileFacts
from faceorg.store.queries import stats


def _face(expression: str, age: float, male: float, x: float = 0.0, smiling: float | None = None) -> FaceRecord:
    probs = {name: 0.01 for name in ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")}
    probs[expression] = 0.94
    attributes = {"Male": male}
    if smiling is not None:
        attributes["Smiling"] = smiling
    vector = np.random.default_rng(int(age * 10 + x)).normal(size=128).astype(np.float32)
    return FaceRecord(
        box=Box(x, 0, x + 50, 60),
        score=0.99,
        landmarks=[(1.0, 2.0)] * 5,
        embedding=vector / np.linalg.norm(vector),
        expression=probs,
        age=age,
        age_spread=3.0,
        male=male,
        attributes=attributes,
    )


def _add_photo(conn, path: str, records: list[FaceRecord]) -> int:
    with transaction(conn):
        folder = photos.ensure_folder(conn, "/photos")
        ms = models.model_set_id(conn, {"detection": "test"})
        photo_id = photos.upsert(
            conn,
            FileFacts(path, 100, 1.0, hash=path[-5:]),
            folder,
            PhotoStatus.OK,
            model_set_id=ms,
            face_count=len(records),
        )
        faces.replace_faces(conn, photo_id, records)
    return photo_id


@pytest.fixture
def conn(tmp_path):
    connection = connect(tmp_path / "lib.db")
    yield connection
    connection.close()


def test_new_library_is_wal_and_at_latest_schema(tmp_path, conn):
    assert schema_version(conn) == LATEST
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (tmp_path / "lib.db").is_file()


def test_a_library_from_a_newer_faceorg_is_refused(tmp_path):
    path = tmp_path / "future.db"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {LATEST + 5}")
    raw.close()
    with pytest.raises(StoreError, match="newer faceorg"):
        connect(path)


def test_a_non_database_file_is_a_clear_error(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a faceorg library"):
        connect(path)


def test_migrating_a_version_1_library_keeps_its_rows(tmp_path):
    from faceorg.store.db import migrate_to_latest

    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.row_factory = sqlite3.Row
    raw.execute("PRAGMA foreign_keys = ON")
    migrate_to_latest(raw, target=1)
    _add_photo(raw, "/photos/a.jpg", [_face("happy", 30, 0.9)])
    raw.close()
    upgraded = connect(path)
    assert schema_version(upgraded) == LATEST
    assert stats(upgraded).faces == 1
    upgraded.close()


def test_faces_round_trip_with_embeddings_and_attributes(conn):
    record = _face("surprise", 41.5, 0.2, smiling=0.7)
    photo_id = _add_photo(conn, "/photos/a.jpg", [record])
    (stored,) = faces.of_photo(conn, photo_id)
    assert stored.record.box == record.box
    assert stored.record.expression == pytest.approx(record.expression)
    assert stored.record.attributes == pytest.approx({"Male": 0.2, "Smiling": 0.7})
    assert np.allclose(stored.record.embedding, record.embedding)
    ids, matrix = faces.embeddings(conn)
    assert list(ids) == [stored.id] and matrix.shape == (1, 128)


def test_rescanned_photo_replaces_its_faces_and_keeps_its_id(conn):
    first = _add_photo(conn, "/photos/a.jpg", [_face("happy", 30, 0.9), _face("sad", 40, 0.1, x=100)])
    second = _add_photo(conn, "/photos/a.jpg", [_face("neutral", 20, 0.5)])
    assert first == second
    assert [f.record.expression["neutral"] for f in faces.of_photo(conn, first)] == [pytest.approx(0.94)]
    assert conn.execute("SELECT COUNT(*) FROM face_attributes").fetchone()[0] == 1


def test_move_keeps_the_faces_and_missing_photos_leave_queries(conn):
    photo_id = _add_photo(conn, "/photos/a.jpg", [_face("happy", 30, 0.9)])
    face_ids = [f.id for f in faces.of_photo(conn, photo_id)]
    photos.mark_missing(conn, [photo_id])
    assert FaceIndex.load(conn).matches(Filter()) == []
    assert photos.missing_with_hash(conn, "a.jpg").id == photo_id
    photos.move(conn, photo_id, FileFacts("/photos/b.jpg", 100, 2.0, "a.jpg"), None)
    assert FaceIndex.load(conn).matches(Filter()) == [(photo_id, face_ids)]
    assert photos.get(conn, photo_id).path == "/photos/b.jpg"
    assert [f.id for f in faces.of_photo(conn, photo_id)] == face_ids


def test_filters_combine_on_one_face(conn):
    _add_photo(conn, "/photos/happy-man.jpg", [_face("happy", 30, 0.9)])
    _add_photo(conn, "/photos/happy-woman.jpg", [_face("happy", 30, 0.1)])
    _add_photo(
        conn, "/photos/sad-woman-and-old-happy-man.jpg", [_face("sad", 25, 0.1), _face("happy", 70, 0.95, x=100)]
    )
    _add_photo(conn, "/photos/surprised-child.jpg", [_face("surprise", 8, 0.5)])

    index = FaceIndex.load(conn)

    def paths(**kw):
        return sorted(photos.get(conn, int(i)).path.rsplit("/", 1)[1] for i in index.photos(Filter(**kw)))

    assert paths(expressions=frozenset({"happy"})) == [
        "happy-man.jpg",
        "happy-woman.jpg",
        "sad-woman-and-old-happy-man.jpg",
    ]
    # the sad woman is 25 and the happy man is 70: no single face is both happy and 20-35
    assert paths(expressions=frozenset({"happy"}), age_min=20, age_max=35) == ["happy-man.jpg", "happy-woman.jpg"]
    assert paths(attributes=(("Male", False),), age_min=20, age_max=35) == [
        "happy-woman.jpg",
        "sad-woman-and-old-happy-man.jpg",
    ]
    assert paths(expressions=frozenset({"surprise", "sad"})) == [
        "sad-woman-and-old-happy-man.jpg",
        "surprised-child.jpg",
    ]
    # an attribute no model computed matches neither "yes" nor "no"
    assert paths(attributes=(("Eyeglasses", True),)) == []
    assert paths(attributes=(("Eyeglasses", False),)) == []
    match = index.matches(Filter(expressions=frozenset({"happy"}), age_min=60))
    assert len(match) == 1 and len(match[0][1]) == 1


def test_age_range_ends_are_whole_years_included(conn):
    _add_photo(conn, "/photos/a.jpg", [_face("happy", 35.4, 0.9)])
    _add_photo(conn, "/photos/b.jpg", [_face("happy", 35.6, 0.9)])
    found = [photos.get(conn, int(i)).path for i in FaceIndex.load(conn).photos(Filter(age_min=20, age_max=35))]
    assert found == ["/photos/a.jpg"]


def test_filter_parsing_rejects_unknown_names():
    assert parse_expressions("Happy, surprise") == {"happy", "surprise"}
    assert parse_age_range("20-35") == (20, 35) and parse_age_range("-12") == (None, 12)
    assert parse_attributes("eyeglasses,-male") == (("Eyeglasses", True), ("Male", False))
    with pytest.raises(UsageError, match="unknown expression"):
        parse_expressions("happy,grumpy")
    with pytest.raises(UsageError, match="unknown attribute"):
        parse_attributes("Sunglasses")
    with pytest.raises(UsageError, match="low end above"):
        parse_age_range("40-20")


def test_a_failed_transaction_leaves_nothing_behind(conn):
    with pytest.raises(RuntimeError):
        with transaction(conn):
            photos.upsert(conn, FileFacts("/photos/x.jpg", 1, 1.0), None, PhotoStatus.OK)
            raise RuntimeError("crash in the middle of a photo")
    assert conn.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == 0


def test_the_photo_order_and_the_unfiltered_grid(conn):
    a = _add_photo(conn, "/photos/b-early.jpg", [_face("happy", 30, 0.9)])
    b = _add_photo(conn, "/photos/a-late.jpg", [])
    conn.execute("UPDATE photos SET taken_at = 100 WHERE id = ?", (a,))
    conn.execute("UPDATE photos SET taken_at = 200 WHERE id = ?", (b,))
    index = FaceIndex.load(conn)
    assert list(index.photos(Filter())) == [a, b], "no filter: every photo, faces or not, by date taken"
    assert list(index.photos(Filter(), order="name")) == [b, a]
    assert list(index.photos(Filter(expressions=frozenset({"happy"})))) == [a]
    assert index.person_counts() == {}


def test_an_expression_filter_takes_faces_only_as_sure_as_it_was_fitted_to_be(conn):
    from faceorg.core.calibration import ExpressionRule

    doubtful = _face("sad", 30, 0.5)
    doubtful.expression = {**doubtful.expression, "sad": 0.25, "neutral": 0.2}
    _add_photo(conn, "/photos/doubtful.jpg", [doubtful])
    _add_photo(conn, "/photos/clear.jpg", [_face("sad", 30, 0.5)])
    index = FaceIndex.load(conn)
    index.rule = ExpressionRule(1.0, {"sad": {"threshold": 0.3, "precision": 0.7, "recall": 0.4}})
    sad = Filter(expressions=frozenset({"sad"}))
    assert [photos.get(conn, int(i)).path for i in index.photos(sad)] == ["/photos/clear.jpg"]
    index.rule = ExpressionRule.argmax()  # uncalibrated: any top expression
    assert len(index.photos(sad)) == 2
