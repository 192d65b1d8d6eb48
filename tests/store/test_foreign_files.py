"""Another program's SQLite file is refused, byte for byte untouched; faceorg's own libraries carry an id."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from faceorg.cli.main import main
from faceorg.store.db import APPLICATION_ID, StoreError, connect


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _foreign(path, script: str, app_id: int = 0):
    conn = sqlite3.connect(path)
    conn.executescript(script)
    if app_id:
        conn.execute(f"PRAGMA application_id = {app_id}")
    conn.commit()
    conn.close()
    return path


FOREIGN = {
    "notes": ("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('x');", 0),
    "photos_table": ("CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT); INSERT INTO photos VALUES (1, 'a');", 0),
    "versioned_photos": ("CREATE TABLE photos(id INTEGER PRIMARY KEY); PRAGMA user_version = 3;", 0),
    "other_app_id": ("", 0x12345678),
    "wal_mode": ("PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);", 0),
}


@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_a_foreign_sqlite_file_is_refused_and_left_byte_identical(tmp_path, kind, capsys):
    path = _foreign(tmp_path / "other.sqlite", *FOREIGN[kind])
    before = _sha(path)
    names = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(StoreError, match="not a faceorg library"):
        connect(path)
    assert main(["stats", "--db", str(path)]) == 2
    assert main(["people", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not a faceorg library" in err and "Traceback" not in err
    assert _sha(path) == before, "the file was changed"
    assert sorted(p.name for p in tmp_path.iterdir()) == names, "files were left beside it"


def test_a_new_library_carries_faceorgs_application_id(tmp_path):
    connect(tmp_path / "library.db").close()
    raw = sqlite3.connect(tmp_path / "library.db")
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_library_made_before_the_id_still_opens_and_gets_it(tmp_path):
    conn = connect(tmp_path / "library.db")
    conn.execute("INSERT INTO folders(path, added_at) VALUES ('/photos', 0)")
    conn.execute("PRAGMA application_id = 0")
    conn.close()
    conn = connect(tmp_path / "library.db")
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("SELECT path FROM folders").fetchone()[0] == "/photos"
