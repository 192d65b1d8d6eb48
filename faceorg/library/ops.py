"""The library's operations: each runs on the writer in one transaction and says what it changed.

They wrap `people.decisions` (the rules) and `store` (the SQL); the message is what the status
bar shows, in words a user recognises. `Library.submit` opens the transaction; the ones here
nest as savepoints, so an operation stays atomic when called on its own too.
"""

from __future__ import annotations

import sqlite3

from faceorg.core.plural import count
from faceorg.library.changes import OpChanges
from faceorg.people import decisions
from faceorg.people.recluster import recluster as regroup
from faceorg.people.split import suggest_split as split_groups
from faceorg.store import browse, excluded, people, photos
from faceorg.store.cache import CachePaths
from faceorg.store.db import transaction

FACES = OpChanges(people=True, faces=True, undoable=True)


def _faces(n: int) -> str:
    return count(n, "face")


def _label(conn: sqlite3.Connection, person_id: int) -> str:
    person = people.get(conn, person_id)
    return person.label if person else f"person {person_id}"


def rename(conn: sqlite3.Connection, person_id: int, name: str):
    with transaction(conn):
        old = _label(conn, person_id)
        decisions.name(conn, person_id, name)
    return None, OpChanges(people=True, undoable=True, message=f"Renamed {old} to {' '.join(name.split())}")


def merge(conn: sqlite3.Connection, target_id: int, source_ids: list[int]):
    with transaction(conn):
        labels = [_label(conn, p) for p in source_ids]
        decisions.merge(conn, target_id, source_ids)
        into = _label(conn, target_id)
    return None, FACES | OpChanges(message=f"Merged {', '.join(labels)} into {into}")


def move_faces(conn: sqlite3.Connection, face_ids: list[int], person_id: int):
    with transaction(conn):
        decisions.move(conn, face_ids, person_id)
        label = _label(conn, person_id)
    return None, FACES | OpChanges(message=f"Moved {_faces(len(set(face_ids)))} to {label}")


def new_person(conn: sqlite3.Connection, face_ids: list[int], name: str | None):
    with transaction(conn):
        person_id = decisions.new_person(conn, face_ids, name)
        label = _label(conn, person_id)
    return person_id, FACES | OpChanges(message=f"Made {label} from {_faces(len(set(face_ids)))}")


def name_faces(conn: sqlite3.Connection, face_ids: list[int], name: str):
    """Faces to the person called `name` (any case), or to a new person of that name."""
    owner = people.by_name(conn, " ".join(name.split()))
    if owner is not None:
        return move_faces(conn, face_ids, owner.id)
    return new_person(conn, face_ids, name)


def reject(conn: sqlite3.Connection, face_ids: list[int]):
    with transaction(conn):
        owners = sorted({p for p, _ in people.assignments(conn, list(face_ids)).values() if p is not None})
        labels = ", ".join(_label(conn, p) for p in owners)
        decisions.reject(conn, face_ids)
    return None, FACES | OpChanges(message=f"Removed {_faces(len(set(face_ids)))} from {labels}")


def hide(conn: sqlite3.Connection, person_id: int, hidden: bool):
    with transaction(conn):
        decisions.hide(conn, person_id, hidden)
        label = _label(conn, person_id)
    return None, OpChanges(people=True, undoable=True, message=f"{'Hid' if hidden else 'Showed'} {label}")


def set_cover(conn: sqlite3.Connection, person_id: int, face_id: int):
    with transaction(conn):
        decisions.set_cover(conn, person_id, face_id)
        label = _label(conn, person_id)
    return None, OpChanges(people=True, undoable=True, message=f"New cover for {label}")


def suggest_split(conn: sqlite3.Connection, person_id: int):
    """A read, but a heavy one (scipy): it runs on the writer, never on the GUI thread."""
    return split_groups(conn, person_id), OpChanges()


def split(conn: sqlite3.Connection, person_id: int, groups: list[list[int]]):
    with transaction(conn):
        label = _label(conn, person_id)
        created = decisions.split(conn, person_id, groups)
    return created, FACES | OpChanges(message=f"Split {label} into {len(groups)} people")


def forget(conn: sqlite3.Connection, person_id: int, cache: CachePaths):
    """Final: not undoable, and checkpointed so no copy stays in the WAL (hence no outer transaction)."""
    count = decisions.forget(conn, person_id, cache)
    return count, OpChanges(people=True, faces=True, message=f"Forgot a person and {_faces(count)}, for good")


def undo(conn: sqlite3.Connection):
    summary = decisions.undo(conn)
    return summary, OpChanges(people=True, faces=True, message=f"Undone: {summary}")


def remove_folder(conn: sqlite3.Connection, folder_id: int, cache: CachePaths):
    """Every statement in one transaction: a failure half-way leaves the library as it was. The
    crops go only once the transaction has committed (`Library.submit` commits before returning)."""
    with transaction(conn):
        gone = browse.remove_folder(conn, folder_id)
    cache.remove_crops(gone)
    return gone, OpChanges(people=True, faces=True, photos=True, message="Removed the folder from the library")


def recluster(conn: sqlite3.Connection):
    report = regroup(conn)
    return report, OpChanges(
        people=True, faces=True, message=f"People regrouped: {report.clusters} groups, {report.unsorted} unsorted faces"
    )


def retry_failed(conn: sqlite3.Connection, paths: list[str]):
    """Failed files are read again by the next scan of the folders returned (unchanged ones stay skipped)."""
    photos.retry_failed(conn, paths)
    return photos.folders_holding(conn, paths), OpChanges()


def set_excluded(conn: sqlite3.Connection, path: str, skip: bool):
    """The scan skips this folder from now on (or walks it again); the next scan applies it."""
    (excluded.exclude if skip else excluded.include)(conn, path)
    return excluded.excluded_folders(conn), OpChanges(message=f"{'Excluded' if skip else 'Included again'}: {path}")
