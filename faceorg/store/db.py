"""Opening the library file: WAL mode, foreign keys on, migrated to the latest schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from faceorg.core.errors import FaceorgError
from faceorg.store.migrations import LATEST, MIGRATIONS


class StoreError(FaceorgError):
    """The library file cannot be opened or is newer than this faceorg."""


def connect(path: Path | str, *, migrate: bool = True, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) the library at `path` and bring its schema up to date."""
    path = Path(path)
    if not readonly:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the folder of {path}: {error.strerror or error}") from error
    uri = f"file:{path}?mode=ro" if readonly else str(path)
    try:
        conn = sqlite3.connect(uri, uri=readonly, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")  # deleted rows (a forgotten face) are zeroed in the file
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        version = schema_version(conn)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is not a faceorg library: {error}") from error
    if version > LATEST:
        conn.close()
        raise StoreError(f"{path} was written by a newer faceorg (schema {version}, this one knows {LATEST})")
    if migrate and not readonly:
        migrate_to_latest(conn)
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate_to_latest(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Apply every migration above the file's version, each in its own transaction."""
    version = schema_version(conn)
    while version < target:
        script = MIGRATIONS[version]
        statements = f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version + 1};\nCOMMIT;"
        try:
            conn.executescript(statements)
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version += 1
    return version


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic unit of work: committed whole or rolled back whole (Ctrl-C included)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
