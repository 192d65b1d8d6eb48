"""How a background pass reaches the library: through whoever writes it.

The attribute pass and the expression/age refresh run their models in their own thread and
touch the library only in short pieces of work (read what is pending, store a batch). In the
app those pieces run on the Library's writer; on the command line and in tests, directly on
the one connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

OnWriter = Callable[[Callable[[sqlite3.Connection], Any]], Any]
"""Runs one short piece of library work where the library is written, and returns its result."""


def on_connection(conn: sqlite3.Connection | None) -> OnWriter:
    """Each piece of work run at once on `conn`, in the calling thread."""

    def run(work: Callable[[sqlite3.Connection], Any]) -> Any:
        if conn is None:
            raise ValueError("a background pass needs a connection or an on_writer")
        return work(conn)

    return run
