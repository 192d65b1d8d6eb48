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


def stale_photos(conn: sqlite3.Connection, current: dict[str, str], limit: int) -> list[int]:
    """Up to `limit` present photos whose faces some analyzer in `current` made with another version.

    Photos scanned before an analyzer recorded its version count as stale too; photos
    without faces never are (nothing to redo)."""
    stale_sets = [
        set_id
        for set_id, detail in conn.execute("SELECT id, detail FROM model_sets")
        if any(from_json(detail, {}).get(name) != version for name, version in current.items())
    ]
    if not stale_sets:
        return []
    marks = ",".join("?" * len(stale_sets))
    rows = conn.execute(
        f"""SELECT p.id FROM photos p WHERE p.status = 'ok' AND p.model_set_id IN ({marks})
            AND EXISTS (SELECT 1 FROM faces f WHERE f.photo_id = p.id AND f.forgotten = 0)
            ORDER BY p.id LIMIT ?""",
        (*stale_sets, limit),
    ).fetchall()
    return [int(r[0]) for r in rows]


def restamp(conn: sqlite3.Connection, photo_id: int, current: dict[str, str]) -> None:
    """The photo's analysis now comes from `current` for those analyzers; the rest of its model set stays."""
    row = conn.execute(
        "SELECT m.detail FROM photos p JOIN model_sets m ON m.id = p.model_set_id WHERE p.id = ?", (photo_id,)
    ).fetchone()
    versions = {**(from_json(row[0], {}) if row else {}), **current}
    conn.execute("UPDATE photos SET model_set_id = ? WHERE id = ?", (model_set_id(conn, versions), photo_id))
