"""Which model versions produced a photo's analysis, so a model change re-runs only what it affects."""

from __future__ import annotations

import sqlite3

from faceorg.store.codec import from_json, to_json


def model_set_id(conn: sqlite3.Connection, versions: dict[str, str]) -> int:
    """The id of this exact combination of analyzer versions, created on first use."""
    signature = ";".join(f"{name}={versions[name]}" for name in sorted(versions))
    conn.execute("INSERT OR IGNORE INTO model_sets(signature, detail) VALUES (?, ?)", (signature, to_json(versions)))
    return int(conn.execute("SELECT id FROM model_sets WHERE signature = ?", (signature,)).fetchone()[0])


def usage(conn: sqlite3.Connection) -> list[tuple[dict[str, str], int]]:
    """Each model combination in the library with the number of photos it analysed."""
    rows = conn.execute(
        """SELECT m.detail, COUNT(p.id) FROM model_sets m JOIN photos p ON p.model_set_id = m.id
           WHERE p.status = 'ok' GROUP BY m.id ORDER BY m.id"""
    ).fetchall()
    return [(from_json(detail, {}), count) for detail, count in rows]
