"""Snapshots of the people rows and face links a decision is about to change, and their restore.

A decision records what its rows looked like before it ran; undoing it writes that back.
This one generic mechanism serves every kind of decision, so undo cannot drift from
what the decisions actually do.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import cast

from faceorg.store.codec import from_json, to_json

_PEOPLE_COLUMNS = ("id", "name", "hidden", "cover_face_id", "cover_by_user", "created_at")


@dataclass(frozen=True)
class Decision:
    id: int
    at: float
    kind: str
    summary: str
    undone: bool
    undoable: bool


def snapshot(conn: sqlite3.Connection, person_ids: list[int], face_ids: list[int]) -> dict:
    """The state of these people (present or not) and faces (link, how, rejections)."""
    person_ids = sorted(set(person_ids))
    face_ids = sorted(set(face_ids))
    people_rows = {}
    for pid in person_ids:
        row = conn.execute(f"SELECT {', '.join(_PEOPLE_COLUMNS)} FROM people WHERE id = ?", (pid,)).fetchone()
        people_rows[str(pid)] = None if row is None else dict(zip(_PEOPLE_COLUMNS, tuple(row)))
    faces = {}
    for fid in face_ids:
        row = conn.execute("SELECT person_id, assigned_by FROM faces WHERE id = ?", (fid,)).fetchone()
        if row is not None:
            rejected = [r[0] for r in conn.execute("SELECT person_id FROM rejections WHERE face_id = ?", (fid,))]
            faces[str(fid)] = {"person_id": row[0], "assigned_by": row[1], "rejected": rejected}
    return {"people": people_rows, "faces": faces}


def record(conn: sqlite3.Connection, kind: str, summary: str, before: dict, undoable: bool = True) -> int:
    """Append a decision with the snapshot that undoes it (a forget is recorded, not undoable)."""
    cursor = conn.execute(
        "INSERT INTO decisions(at, kind, summary, before) VALUES (?, ?, ?, ?)",
        (time.time(), kind, summary, to_json({**before, "undoable": undoable})),
    )
    return int(cast(int, cursor.lastrowid))


def forgotten_people(conn: sqlite3.Connection) -> set[int]:
    gone: set[int] = set()
    for (before,) in conn.execute("SELECT before FROM decisions WHERE kind = 'forget'"):
        data = from_json(before, {})
        gone |= {int(data.get("person", -1)), *(int(p) for p in data.get("people", []))}
    return gone


def restore(conn: sqlite3.Connection, before: dict) -> None:
    """Write a snapshot back: people re-created or removed, face links and rejections reset.

    Faces or people that were forgotten since are left alone: a forget is never undone.
    """
    gone = forgotten_people(conn)
    people_rows = {int(k): v for k, v in before["people"].items()}
    for pid, row in people_rows.items():
        if row is None or pid in gone:
            continue
        exists = conn.execute("SELECT 1 FROM people WHERE id = ?", (pid,)).fetchone()
        if exists:
            conn.execute(
                "UPDATE people SET name = ?, hidden = ?, cover_face_id = ?, cover_by_user = ? WHERE id = ?",
                (row["name"], row["hidden"], row["cover_face_id"], row["cover_by_user"], pid),
            )
        else:
            conn.execute(
                f"INSERT INTO people({', '.join(_PEOPLE_COLUMNS)}) VALUES ({', '.join('?' * len(_PEOPLE_COLUMNS))})",
                tuple(row[c] for c in _PEOPLE_COLUMNS),
            )
    for fid, state in ((int(k), v) for k, v in before["faces"].items()):
        row = conn.execute("SELECT forgotten FROM faces WHERE id = ?", (fid,)).fetchone()
        if row is None or row[0]:
            continue
        person = state["person_id"] if state["person_id"] not in gone else None
        conn.execute(
            "UPDATE faces SET person_id = ?, assigned_by = ? WHERE id = ?",
            (person, state["assigned_by"] if person is not None else None, fid),
        )
        conn.execute("DELETE FROM rejections WHERE face_id = ?", (fid,))
        conn.executemany(
            "INSERT OR IGNORE INTO rejections(face_id, person_id) SELECT ?, id FROM people WHERE id = ?",
            [(fid, pid) for pid in state["rejected"]],
        )
    for pid, row in people_rows.items():
        if row is None:
            conn.execute("UPDATE faces SET person_id = NULL, assigned_by = NULL WHERE person_id = ?", (pid,))
            conn.execute("DELETE FROM people WHERE id = ?", (pid,))


def last_undoable(conn: sqlite3.Connection) -> tuple[int, dict] | None:
    for decision_id, before in conn.execute("SELECT id, before FROM decisions WHERE undone = 0 ORDER BY id DESC"):
        data = from_json(before, {})
        if data.get("undoable", True):
            return decision_id, data
    return None


def mark_undone(conn: sqlite3.Connection, decision_id: int) -> None:
    conn.execute("UPDATE decisions SET undone = 1 WHERE id = ?", (decision_id,))


def listing(conn: sqlite3.Connection, limit: int = 50) -> list[Decision]:
    rows = conn.execute(
        "SELECT id, at, kind, summary, undone, before FROM decisions ORDER BY id DESC LIMIT ?", (limit,)
    )
    return [Decision(r[0], r[1], r[2], r[3], bool(r[4]), from_json(r[5], {}).get("undoable", True)) for r in rows]


def _forgotten_faces(conn: sqlite3.Connection) -> set[int]:
    return {r[0] for r in conn.execute("SELECT id FROM faces WHERE forgotten = 1")}


def _gone_with(conn: sqlite3.Connection, person_id: int, snapshots: list[dict], forgotten: set[int]) -> set[int]:
    """The forgotten person and everyone folded into them: people who no longer exist and whose
    faces, in some snapshot, are now forgotten (a merge's sources, a chain of merges)."""
    existing = {r[0] for r in conn.execute("SELECT id FROM people")}
    gone = {person_id}
    for data in snapshots:
        for fid, state in data.get("faces", {}).items():
            owner = state.get("person_id")
            if owner is not None and int(fid) in forgotten and owner not in existing:
                gone.add(int(owner))
    return gone


def _scrub(data: dict, gone: set[int], forgotten: set[int]) -> list[str]:
    """Remove the gone people and forgotten faces from one snapshot; returns the names it held."""
    people_rows = data.get("people", {})
    names = [row["name"] for pid, row in people_rows.items() if int(pid) in gone and row and row.get("name")]
    data["people"] = {pid: row for pid, row in people_rows.items() if int(pid) not in gone}
    faces = {}
    for fid, state in data.get("faces", {}).items():
        if int(fid) in forgotten:
            continue
        if state.get("person_id") in gone:
            state = {**state, "person_id": None, "assigned_by": None}
        faces[fid] = {**state, "rejected": [p for p in state.get("rejected", []) if p not in gone]}
    data["faces"] = faces
    return names


def forget_person(conn: sqlite3.Connection, person_id: int, name: str | None) -> set[int]:
    """After a forget: no snapshot can bring back the person, anyone merged into them, or any
    forgotten face, and none of their names is left in any decision. Returns the people gone."""
    decisions = [
        (i, summary, from_json(before, {}))
        for i, summary, before in conn.execute("SELECT id, summary, before FROM decisions").fetchall()
    ]
    forgotten = _forgotten_faces(conn)
    gone = _gone_with(conn, person_id, [d for _, _, d in decisions], forgotten)
    scrubbed = [(i, summary, data, _scrub(data, gone, forgotten)) for i, summary, data in decisions]
    names = {n for *_, found in scrubbed for n in found} | ({name} if name else set())
    for decision_id, summary, data, _ in scrubbed:
        for gone_name in sorted(names, key=len, reverse=True):
            summary = summary.replace(repr(gone_name), "a forgotten person").replace(gone_name, "a forgotten person")
        conn.execute("UPDATE decisions SET summary = ?, before = ? WHERE id = ?", (summary, to_json(data), decision_id))
    return gone
