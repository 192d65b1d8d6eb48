"""Folders the user excluded: the scan's walk skips them (and everything below), per library."""

from __future__ import annotations

import sqlite3
import time


def excluded_folders(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT path FROM excluded_folders ORDER BY path")]


def exclude(conn: sqlite3.Connection, path: str) -> None:
    conn.execute("INSERT OR IGNORE INTO excluded_folders(path, added_at) VALUES (?, ?)", (path, time.time()))


def include(conn: sqlite3.Connection, path: str) -> None:
    conn.execute("DELETE FROM excluded_folders WHERE path = ?", (path,))
