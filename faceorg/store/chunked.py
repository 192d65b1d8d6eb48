"""`WHERE x IN (...)` over any number of ids: SQLite caps the bound parameters, so ask in chunks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

CHUNK = 900
"""Below SQLite's historic 999-parameter limit, leaving room for a few other parameters."""


def rows_in(conn: sqlite3.Connection, sql: str, ids: Sequence[int], params: Sequence = ()) -> Iterator[sqlite3.Row]:
    """Run `sql`, whose `{marks}` stands for the placeholders of one chunk of `ids` (bound after `params`)."""
    ids = [int(i) for i in ids]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        yield from conn.execute(sql.format(marks=",".join("?" * len(chunk))), [*params, *chunk])


def execute_in(conn: sqlite3.Connection, sql: str, ids: Sequence[int], params: Sequence = ()) -> None:
    """A statement that changes rows (`DELETE ... WHERE id IN ({marks})`), chunk by chunk."""
    for _ in rows_in(conn, sql, ids, params):
        pass
