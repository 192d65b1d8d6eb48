"""Opening the library file: WAL mode, foreign keys on, migrated to the latest schema.

A library carries faceorg's `PRAGMA application_id`; any other SQLite file is refused
before anything (journal mode, tables) is written to it. A library made before the id
existed is recognised by its schema and given the id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from faceorg.core.errors import FaceorgError
from faceorg.store.migrations import LATEST, MIGRATIONS

APPLICATION_ID = 0x46434F52
"""b"FCOR": what `PRAGMA application_id` holds in every faceorg library."""
_OUR_TABLES = frozenset({"folders", "photos", "faces", "model_sets"})


class StoreError(FaceorgError):
    """The library file cannot be opened or is newer than this faceorg."""


class LibraryWriteError(StoreError):
    """The library itself (not one photo) could not be written: the scan cannot go on."""


_FULL = ("full", "no space")
_READONLY = ("readonly", "read-only", "permission")


def write_failure(error: BaseException, where: Path | str | None) -> LibraryWriteError:
    """One sentence that says what went wrong with the library and what the user can do."""
    text = str(error).lower()
    kept = "everything scanned so far is kept"
    if any(word in text for word in _FULL):
        return LibraryWriteError(
            f"the disk that holds {where} is full ({error}): free some space there and run the same scan again; {kept}."
        )
    if any(word in text for word in _READONLY):
        return LibraryWriteError(
            f"{where} cannot be written ({error}): make it and its folder writable and run the same scan again; {kept}."
        )
    return LibraryWriteError(f"{where} could not be written ({error}): fix that and run the same scan again; {kept}.")


def file_of(conn: sqlite3.Connection) -> Path | None:
    """The file behind the connection's main database (None for an in-memory one)."""
    name = conn.execute("PRAGMA database_list").fetchone()[2]
    return Path(name) if name else None


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
        known = _recognise(conn, path)
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
    if not known and not readonly:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return conn


def _recognise(conn: sqlite3.Connection, path: Path) -> bool:
    """True for a faceorg library with its id; False for a new file or an older library; else refused."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id == APPLICATION_ID:
        return True
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id == 0 and (not tables or (schema_version(conn) >= 1 and _OUR_TABLES <= tables)):
        return False
    conn.close()
    raise StoreError(
        f"{path} is not a faceorg library (it is another program's SQLite file, left untouched); "
        "give a different file with --db"
    )


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
    """One atomic unit of work: committed whole or rolled back whole (Ctrl-C included).

    Nested inside another transaction it is a savepoint, so a Library operation can wrap
    decisions that open their own transactions and still be one atomic change."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")  # the same name nests: ROLLBACK TO finds the innermost
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        else:
            conn.execute("RELEASE nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite already rolled back after some errors (SQLITE_FULL): keep that error
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
