"""Change detection: which files of a scan are new or changed, which vanished.

Cheap first: a file whose size and mtime match the library is unchanged without being
read. The rest are hashed later (in the worker threads); the plan carries what those
workers need to decide, without touching SQLite, whether a file must be analysed.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from faceorg.core.errors import UsageError
from faceorg.core.paths import path_on_disk, path_text
from faceorg.core.photo import PhotoStatus
from faceorg.scan.walk import absolute, photo_files
from faceorg.store import photos
from faceorg.store.chunked import rows_in
from faceorg.store.excluded import excluded_folders


@dataclass(frozen=True)
class Candidate:
    """A file to look at closely: new, or changed since the last scan."""

    path: Path
    folder_id: int
    size: int
    mtime: float


@dataclass
class ScanPlan:
    candidates: list[Candidate] = field(default_factory=list)
    unchanged: int = 0
    vanished_ids: list[int] = field(default_factory=list)
    hash_by_path: dict[str, str] = field(default_factory=dict)
    missing_hashes: set[str] = field(default_factory=set)
    unreadable: list[tuple[Path, int, str]] = field(default_factory=list)
    cleared_ids: list[int] = field(default_factory=list)
    """Rows that recorded a folder as unreadable, and it can be listed now."""


def _folder_of(conn: sqlite3.Connection, root: Path) -> int:
    return photos.ensure_folder(conn, path_text(root if root.is_dir() else root.parent))


def plan_scan(conn: sqlite3.Connection, roots: list[Path | str]) -> ScanPlan:
    """Walk every root and compare it with the library; registers the roots as folders."""
    plan = ScanPlan()
    skipped = set(excluded_folders(conn))
    for root in (absolute(r) for r in roots):
        if not root.exists():
            raise UsageError(f"{root} does not exist")
        folder_id = _folder_of(conn, root)
        known = photos.known_under(conn, path_text(root)) if root.is_dir() else {}
        seen: set[str] = set()
        folders: list[tuple[Path, str]] = []
        for path in photo_files(root, folders, skipped):
            key = path_text(path)
            seen.add(key)
            try:
                stat = path.stat()
            except OSError as error:
                reason = f"read: cannot read file information: {error.strerror or error}"
                plan.unreadable.append((path, folder_id, reason))
                continue
            row = known.get(key) or (photos.get_by_path(conn, key) if not root.is_dir() else None)
            if row and row.status != PhotoStatus.MISSING and row.size == stat.st_size and row.mtime == stat.st_mtime:
                plan.unchanged += 1
                continue
            if row and row.hash:
                plan.hash_by_path[key] = row.hash
            plan.candidates.append(Candidate(path, folder_id, stat.st_size, stat.st_mtime))
        for folder, reason in folders:
            seen.add(path_text(folder))
            plan.unreadable.append((folder, folder_id, f"walk: {reason}"))
        for stored, p in known.items():
            if stored in seen or p.status == PhotoStatus.MISSING:
                continue
            folder_record = p.status == PhotoStatus.FAILED and os.path.isdir(path_on_disk(stored))
            (plan.cleared_ids if folder_record else plan.vanished_ids).append(p.id)
    plan.missing_hashes = {
        r[0] for r in conn.execute("SELECT hash FROM photos WHERE status = 'missing' AND hash IS NOT NULL")
    } | set(_hashes_of(conn, plan.vanished_ids))
    return plan


def _hashes_of(conn: sqlite3.Connection, ids: list[int]) -> list[str]:
    return [r[0] for r in rows_in(conn, "SELECT hash FROM photos WHERE hash IS NOT NULL AND id IN ({marks})", ids)]
