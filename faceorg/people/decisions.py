"""What the user can say about people. Each is a fact in the store, recorded for undo.

Naming a person, merging, moving faces and making a new person from faces all
*confirm* the faces involved: confirmed faces are anchors that clustering never takes
away. "Not this person" is a rejection that clustering never undoes. Forgetting
deletes the biometric data for good and cannot be undone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from faceorg.core.errors import UsageError
from faceorg.core.person import AssignedBy, Person
from faceorg.people.cover import refresh_covers
from faceorg.store import history, people
from faceorg.store.cache import CachePaths
from faceorg.store.chunked import rows_in
from faceorg.store.db import transaction
from faceorg.store.faces import wipe_biometrics


class DecisionError(UsageError):
    """A decision that cannot be taken as asked; the message says why."""


class NameTaken(DecisionError):
    """The name belongs to another person; merging the two is the likely wish."""

    def __init__(self, name: str, owner: Person):
        super().__init__(
            f"the name {name!r} is already used by person {owner.id}; merge them instead "
            f"(faceorg person merge {owner.id} <id>)"
        )
        self.owner = owner


def _require_person(conn: sqlite3.Connection, person_id: int) -> Person:
    person = people.get(conn, person_id)
    if person is None:
        raise DecisionError(f"there is no person {person_id}")
    return person


def _require_faces(conn: sqlite3.Connection, face_ids: Iterable[int]) -> list[int]:
    face_ids = sorted(set(int(i) for i in face_ids))
    if not face_ids:
        raise DecisionError("no faces given")
    found = {r[0] for r in rows_in(conn, "SELECT id FROM faces WHERE forgotten = 0 AND id IN ({marks})", face_ids)}
    missing = [i for i in face_ids if i not in found]
    if missing:
        raise DecisionError(f"there is no face {', '.join(map(str, missing))}")
    return face_ids


def _owners(conn: sqlite3.Connection, face_ids: list[int]) -> list[int]:
    return [p for p, _ in people.assignments(conn, face_ids).values() if p is not None]


def name(conn: sqlite3.Connection, person_id: int, new_name: str) -> None:
    """Name a person; their current faces become confirmed. Names are unique (case-insensitive)."""
    new_name = " ".join(new_name.split())
    if not new_name:
        raise DecisionError("a name cannot be empty")
    with transaction(conn):
        person = _require_person(conn, person_id)
        owner = people.by_name(conn, new_name)
        if owner is not None and owner.id != person_id:
            raise NameTaken(new_name, owner)
        faces = people.face_ids(conn, person_id)
        before = history.snapshot(conn, [person_id], faces)
        people.set_name(conn, person_id, new_name)
        people.assign(conn, faces, person_id, AssignedBy.USER)
        history.record(conn, "name", f"named {person.label} {new_name!r}", before)


def merge(conn: sqlite3.Connection, target_id: int, source_ids: Iterable[int]) -> None:
    """Fold people into `target_id`: every face confirmed there; a nameless target takes a source's name."""
    sources = sorted(set(int(s) for s in source_ids) - {target_id})
    if not sources:
        raise DecisionError("merge needs two different people")
    with transaction(conn):
        target = _require_person(conn, target_id)
        named = [p for p in (_require_person(conn, s) for s in sources) if p.name]
        if target.name and named:
            raise DecisionError(
                f"{target.name!r} and {named[0].name!r} are both named; rename one first if they are the same person"
            )
        faces = [f for pid in [target_id, *sources] for f in people.face_ids(conn, pid)]
        rejected = [f for pid in sources for f in people.rejections_of(conn, pid)]
        before = history.snapshot(conn, [target_id, *sources], faces + rejected)
        for face in rejected:
            people.reject(conn, face, target_id)
        new_name = target.name or (named[0].name if named else None)
        for pid in sources:
            people.delete(conn, pid)
        people.assign(conn, faces, target_id, AssignedBy.USER)
        people.set_name(conn, target_id, new_name)
        refresh_covers(conn, [target_id])
        history.record(conn, "merge", f"merged {', '.join(map(str, sources))} into {new_name or target_id}", before)


def move(conn: sqlite3.Connection, face_ids: Iterable[int], person_id: int) -> None:
    """Put faces into a person by hand: they are confirmed there."""
    with transaction(conn):
        person = _require_person(conn, person_id)
        faces = _require_faces(conn, face_ids)
        owners = _owners(conn, faces)
        before = history.snapshot(conn, [person_id, *owners], faces)
        conn.executemany("DELETE FROM rejections WHERE face_id = ? AND person_id = ?", [(f, person_id) for f in faces])
        people.assign(conn, faces, person_id, AssignedBy.USER)
        refresh_covers(conn, [person_id, *owners])
        history.record(conn, "move", f"moved {len(faces)} face(s) to {person.label}", before)


def new_person(conn: sqlite3.Connection, face_ids: Iterable[int], new_name: str | None = None) -> int:
    """A new person made of the given faces (confirmed), optionally named at once."""
    with transaction(conn):
        faces = _require_faces(conn, face_ids)
        if new_name:
            owner = people.by_name(conn, new_name)
            if owner is not None:
                raise NameTaken(new_name, owner)
        owners = _owners(conn, faces)
        person_id = people.create(conn, " ".join(new_name.split()) if new_name else None)
        before = history.snapshot(conn, owners, faces)
        before["people"][str(person_id)] = None
        people.assign(conn, faces, person_id, AssignedBy.USER)
        refresh_covers(conn, [person_id, *owners])
        history.record(conn, "new", f"made person {new_name or person_id} from {len(faces)} face(s)", before)
    return person_id


def split(conn: sqlite3.Connection, person_id: int, groups: list[list[int]]) -> list[int]:
    """Accept a split: the first group stays (confirmed), each other group becomes a new person."""
    if len(groups) < 2:
        raise DecisionError("a split needs at least two groups")
    with transaction(conn):
        person = _require_person(conn, person_id)
        mine = set(people.face_ids(conn, person_id))
        if any(f not in mine for group in groups for f in group):
            raise DecisionError(f"those faces are not all {person.label}'s")
        before = history.snapshot(conn, [person_id], [f for group in groups for f in group])
        people.assign(conn, groups[0], person_id, AssignedBy.USER)
        created = []
        for group in groups[1:]:
            new_id = people.create(conn)
            before["people"][str(new_id)] = None
            people.assign(conn, group, new_id, AssignedBy.USER)
            created.append(new_id)
        refresh_covers(conn, [person_id, *created])
        history.record(conn, "split", f"split {person.label} into {len(groups)} people", before)
    return created


def reject(conn: sqlite3.Connection, face_ids: Iterable[int]) -> None:
    """'Not this person': the faces leave their person and are never put back there."""
    with transaction(conn):
        faces = _require_faces(conn, face_ids)
        links = people.assignments(conn, faces)
        if all(p is None for p, _ in links.values()):
            raise DecisionError("those faces belong to nobody yet")
        owners = [p for p, _ in links.values() if p is not None]
        before = history.snapshot(conn, owners, faces)
        for face, (person, _) in links.items():
            if person is not None:
                people.reject(conn, face, person)
        people.assign(conn, faces, None, None)
        refresh_covers(conn, owners)
        history.record(
            conn, "reject", f"removed {len(faces)} face(s) from {', '.join(map(str, sorted(set(owners))))}", before
        )


def hide(conn: sqlite3.Connection, person_id: int, hidden: bool = True) -> None:
    with transaction(conn):
        person = _require_person(conn, person_id)
        before = history.snapshot(conn, [person_id], [])
        people.set_hidden(conn, person_id, hidden)
        history.record(conn, "hide" if hidden else "show", f"{'hid' if hidden else 'showed'} {person.label}", before)


def set_cover(conn: sqlite3.Connection, person_id: int, face_id: int) -> None:
    with transaction(conn):
        person = _require_person(conn, person_id)
        if conn.execute("SELECT 1 FROM faces WHERE id = ? AND person_id = ?", (face_id, person_id)).fetchone() is None:
            raise DecisionError(f"face {face_id} is not one of {person.label}'s faces")
        before = history.snapshot(conn, [person_id], [])
        people.set_cover(conn, person_id, face_id, by_user=True)
        history.record(conn, "cover", f"chose face {face_id} as {person.label}'s cover", before)


def forget(conn: sqlite3.Connection, person_id: int, cache: CachePaths) -> int:
    """Delete a person and every biometric trace of their faces (embedding, landmarks, analysis,
    crops), keeping only each face's box so the same face is never offered again. Final."""
    with transaction(conn):
        person = _require_person(conn, person_id)
        faces = [r[0] for r in conn.execute("SELECT id FROM faces WHERE person_id = ?", (person_id,))]
        wipe_biometrics(conn, faces)
        people.delete(conn, person_id)
        gone = history.forget_person(conn, person_id, person.name)
        history.record(
            conn,
            "forget",
            f"forgot {'a person' if person.name else person.label} ({len(faces)} faces)",
            {"person": person_id, "people": sorted(gone)},
            undoable=False,
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no copy of the old pages stays in the WAL file
    cache.remove_crops(faces)
    return len(faces)


def undo(conn: sqlite3.Connection) -> str:
    """Undo the last decision that can be undone; returns what was undone."""
    with transaction(conn):
        last = history.last_undoable(conn)
        if last is None:
            raise DecisionError("nothing to undo")
        decision_id, before = last
        summary = conn.execute("SELECT summary FROM decisions WHERE id = ?", (decision_id,)).fetchone()[0]
        try:
            history.restore(conn, before)
        except sqlite3.IntegrityError as error:
            raise DecisionError(f"cannot undo {summary!r}: {error}") from error
        history.mark_undone(conn, decision_id)
        refresh_covers(conn)
    return summary
