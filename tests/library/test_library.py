"""The Library: operations are atomic, run on the one writer, and say what they changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from faceorg.library import Library
from faceorg.store import browse, people
from faceorg.store.cache import CachePaths
from faceorg.store.db import connect


@pytest.fixture
def library(people_library, session_config):
    db = Path(people_library.execute("PRAGMA database_list").fetchone()[2])
    lib = Library(session_config.with_overrides(db_path=db))
    yield lib
    lib.close()


def counts(conn) -> tuple[int, int, int, int]:
    tables = ("photos", "faces", "folders", "people")
    return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables)


def test_an_operation_failing_half_way_changes_nothing(library, people_library, monkeypatch):
    before = counts(people_library)
    folder = browse.folders(people_library)[0]
    real = browse.execute_in

    def delete_then_fail(*args, **kwargs):
        real(*args, **kwargs)  # the photos are deleted inside the transaction...
        raise OSError("disk gone")  # ...then the operation fails before the folder row goes

    monkeypatch.setattr(browse, "execute_in", delete_then_fail)
    with pytest.raises(OSError):
        library.perform(lambda conn, cache: (browse.remove_folder(conn, folder.id), None))
    assert counts(people_library) == before
    monkeypatch.setattr(browse, "execute_in", real)
    gone, changes = library.remove_folder(folder.id).result()
    assert gone and changes.photos and changes.snapshot_stale
    assert counts(people_library)[:3] == (0, 0, 0)


def test_a_failing_operation_rolls_back_its_decisions(library, people_library):
    """Two decisions in one operation: the second refuses, the first is undone with it."""
    from faceorg.library import OpChanges
    from faceorg.people import decisions

    first, second = [p.id for p in people.all_people(people_library)][:2]

    def rename_both(conn, _cache):
        decisions.name(conn, first, "Ada")
        decisions.name(conn, second, "Ada")  # taken: raises NameTaken
        return None, OpChanges(people=True)

    def atomically(conn, cache):
        from faceorg.store.db import transaction

        with transaction(conn):
            return rename_both(conn, cache)

    with pytest.raises(decisions.NameTaken):
        library.perform(atomically)
    assert people.get(people_library, first).name is None


def test_operations_report_what_they_changed(library, people_library):
    person = people.all_people(people_library)[0]
    _, renamed = library.rename(person.id, "Grace").result()
    assert renamed.people and renamed.undoable and "Grace" in renamed.message
    generation = library._generation
    _, hidden = library.hide(person.id, True).result()
    assert hidden.people and not hidden.snapshot_stale and library._generation == generation
    summary, undone = library.undo().result()
    assert "hid" in summary and undone.people
    assert people.get(connect(library.config.db_path), person.id).hidden is False


def test_two_libraries_keep_their_own_cache(tmp_path):
    one = CachePaths.for_library(tmp_path / "cache", tmp_path / "a" / "library.db")
    two = CachePaths.for_library(tmp_path / "cache", tmp_path / "b" / "library.db")
    assert one.crop(7) != two.crop(7) and one.thumbnail("ab" * 16) != two.thumbnail("ab" * 16)
    assert one == CachePaths.for_library(tmp_path / "cache", tmp_path / "a" / ".." / "a" / "library.db")
