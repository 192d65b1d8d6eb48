"""Forget is final: no undo brings back a forgotten person, anyone merged into them, their faces,
names or embeddings; checked on the bytes of the library file and its WAL.

Built on synthetic embeddings (tests/synthetic.py): three well-separated identities, so the
people are known without running any model.
"""

from __future__ import annotations

import os

import pytest

from faceorg.people import decisions
from faceorg.people.recluster import recluster
from faceorg.store import people
from faceorg.store.cache import CachePaths
from faceorg.store.db import connect
from tests import synthetic


@pytest.fixture
def library(tmp_path):
    conn = connect(tmp_path / "library.db")
    truth = synthetic.build(conn, n_people=3, faces_each=5)
    recluster(conn)
    owners = {}
    for face, who in truth.items():
        owners.setdefault(who, conn.execute("SELECT person_id FROM faces WHERE id = ?", (face,)).fetchone()[0])
    assert None not in owners.values() and len(set(owners.values())) == 3
    yield conn, [owners[i] for i in range(3)]
    conn.close()


def _file_bytes(conn) -> bytes:
    db_file = conn.execute("PRAGMA database_list").fetchone()[2]
    wal = db_file + "-wal"
    return open(db_file, "rb").read() + (open(wal, "rb").read() if os.path.exists(wal) else b"")


@pytest.mark.parametrize("named", ["source", "target"])
def test_no_undo_brings_back_a_forgotten_person_or_anyone_merged_into_them(library, tmp_path, named):
    conn, (target, source, bystander) = library
    decisions.name(conn, bystander, "Carol Keep")
    decisions.name(conn, source if named == "source" else target, "Zed Secret")
    faces = people.face_ids(conn, target) + people.face_ids(conn, source)
    blobs = [conn.execute("SELECT embedding FROM faces WHERE id = ?", (f,)).fetchone()[0] for f in faces]
    decisions.merge(conn, target, [source])
    decisions.forget(conn, target, CachePaths(tmp_path / "cache"))

    undone = []
    while True:
        try:
            undone.append(decisions.undo(conn))
        except decisions.DecisionError:
            break
        assert people.get(conn, target) is None and people.get(conn, source) is None
        assert people.by_name(conn, "Zed Secret") is None
        marks = ",".join("?" * len(faces))
        linked = conn.execute(
            f"SELECT COUNT(*) FROM faces WHERE person_id IS NOT NULL AND id IN ({marks})", faces
        ).fetchone()[0]
        assert linked == 0, f"undoing {undone[-1]!r} linked forgotten faces again"
    assert len(undone) == 3, "the name and merge decisions are still there to undo, only emptied of the forgotten"
    assert people.get(conn, bystander) is not None and people.get(conn, bystander).name is None, "others undo as before"
    assert (
        conn.execute(
            f"SELECT COUNT(*) FROM faces WHERE forgotten = 0 AND id IN ({','.join('?' * len(faces))})", faces
        ).fetchone()[0]
        == 0
    )
    history = " ".join(r[0] + r[1] for r in conn.execute("SELECT summary, before FROM decisions"))
    assert "Zed Secret" not in history and "Carol Keep" in history
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = _file_bytes(conn)
    assert b"Zed Secret" not in raw, "the forgotten name is still in the library file or its WAL"
    for blob in blobs:
        assert blob[:64] not in raw, "an embedding of a forgotten face is still in the library file or its WAL"


def test_the_forgotten_name_leaves_the_file_before_any_checkpoint_by_the_caller(library, tmp_path):
    conn, (person, other, _) = library
    decisions.name(conn, other, "Yuri Hidden")
    decisions.merge(conn, person, [other])
    decisions.forget(conn, person, CachePaths(tmp_path / "cache"))
    assert b"Yuri Hidden" not in _file_bytes(conn)
