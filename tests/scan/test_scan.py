"""Scanning real photos into a real library: incremental rescans, renames, re-encodes, bad files, Ctrl-C.

Except the deepface check, these need no photo folder: the photos are variants of the portrait
that ships in resources/selftest (tests/helpers.portrait_variants), run through the real models."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest
from PIL import Image

from faceorg.core.person import AssignedBy
from faceorg.people import decisions
from faceorg.scan.scanner import Scanner
from faceorg.store import people
from faceorg.store.db import connect
from faceorg.store.queries import stats
from tests.helpers import portrait_variants

SOME = ["img1.jpg", "img2.jpg", "img17.jpg", "img22.jpg"]


def _snapshot(folder):
    """Every file's size, modification time and content."""
    return {
        p: (p.stat().st_size, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def library(tmp_path, config, pipeline):
    folder = tmp_path / "photos"
    portrait_variants(folder, SOME)
    conn = connect(config.db_path)
    yield folder, conn, Scanner(conn, config, lambda: pipeline)
    conn.close()


def test_the_deepface_folder_scans_with_a_face_in_every_photo(deepface_library, faces_dir):
    conn, summary = deepface_library
    assert summary.failed == []
    assert summary.scanned == len(list((faces_dir / "deepface").glob("*.jpg")))
    no_face = conn.execute("SELECT name FROM photos WHERE face_count = 0").fetchall()
    assert no_face == [], f"portraits without a face: {[r[0] for r in no_face]}"


def test_a_rescan_of_an_unchanged_folder_analyses_nothing(library, config):
    folder, conn, scanner = library
    first = scanner.scan([folder])
    assert first.scanned == len(SOME) and first.faces >= len(SOME)
    fresh = Scanner(conn, config, lambda: pytest.fail("an unchanged folder must not load any model"))
    second = fresh.scan([folder])
    assert (second.scanned, second.unchanged, second.faces) == (0, len(SOME), 0)


def test_a_touched_but_identical_file_is_not_analysed_again(library, config):
    folder, conn, scanner = library
    scanner.scan([folder])
    target = folder / SOME[0]
    os.utime(target, (1_000_000_000, 1_000_000_000))
    fresh = Scanner(conn, config, lambda: pytest.fail("same content must not be analysed again"))
    summary = fresh.scan([folder])
    assert summary.scanned == 0 and summary.unchanged == len(SOME)


def test_a_renamed_file_keeps_its_faces(library):
    folder, conn, scanner = library
    scanner.scan([folder])
    before = _faces_of(conn, SOME[1])
    (folder / "sub").mkdir()
    os.rename(folder / SOME[1], folder / "sub" / "renamed.jpg")
    summary = scanner.scan([folder])
    assert (summary.scanned, summary.moved, summary.vanished) == (0, 1, 1)
    after = _faces_of(conn, "renamed.jpg")
    assert [r[0] for r in after] == [r[0] for r in before] and before
    assert stats(conn).missing == 0


def test_a_vanished_file_leaves_the_results(library):
    folder, conn, scanner = library
    scanner.scan([folder])
    (folder / SOME[0]).unlink()
    summary = scanner.scan([folder])
    assert summary.vanished == 1
    assert stats(conn).photos == len(SOME) - 1 and stats(conn).missing == 1


def test_bad_files_are_recorded_and_skipped(library):
    folder, conn, scanner = library
    (folder / "zero.jpg").write_bytes(b"")
    (folder / "text.png").write_text("not a picture")
    data = (folder / SOME[0]).read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 4])
    summary = scanner.scan([folder])
    reasons = dict((os.path.basename(p), r) for p, r in summary.failed)
    assert set(reasons) == {"zero.jpg", "text.png", "cut.jpg"}
    assert "empty" in reasons["zero.jpg"] and "not an image" in reasons["text.png"]
    assert "truncated" in reasons["cut.jpg"] or "damaged" in reasons["cut.jpg"]
    assert summary.scanned == len(SOME)
    assert stats(conn).failed == 3
    again = scanner.scan([folder])
    assert again.failed == [] and again.scanned == 0, "a known bad file is not retried until it changes"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_permission_denied_file_is_recorded(library):
    folder, conn, scanner = library
    locked = folder / "locked.jpg"
    shutil.copy(folder / SOME[0], locked)
    locked.chmod(0)
    try:
        summary = scanner.scan([folder])
    finally:
        locked.chmod(0o644)
    assert [os.path.basename(p) for p, _ in summary.failed] == ["locked.jpg"]
    assert "permission" in summary.failed[0][1]


def test_the_photo_folder_is_never_written(library):
    folder, conn, scanner = library
    before = _snapshot(folder)
    assert scanner.scan([folder]).scanned == len(SOME)
    assert _snapshot(folder) == before, "the first scan changed the photos"
    (folder / SOME[0]).rename(folder / "moved.jpg")
    renamed = _snapshot(folder)
    assert scanner.scan([folder]).moved == 1
    assert _snapshot(folder) == renamed, "the rescan after a rename changed the photos"


def test_an_interrupted_scan_leaves_a_consistent_library_and_resumes(library, config, pipeline):
    folder, conn, _ = library
    scanner = Scanner(conn, config.with_overrides(face_batch=1), lambda: pipeline)

    def interrupt_after_two(progress):
        if progress.done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scanner.scan([folder], progress=interrupt_after_two)
    stored = conn.execute("SELECT id, face_count FROM photos WHERE status = 'ok'").fetchall()
    assert 2 <= len(stored) < len(SOME)
    for photo_id, face_count in stored:
        assert conn.execute("SELECT COUNT(*) FROM faces WHERE photo_id = ?", (photo_id,)).fetchone()[0] == face_count
    resumed = scanner.scan([folder])
    assert resumed.scanned == len(SOME) - len(stored) and resumed.unchanged == len(stored)


def test_cancel_stops_between_photos(library, config, pipeline):
    folder, conn, _ = library
    scanner = Scanner(conn, config.with_overrides(face_batch=1), lambda: pipeline)
    summary = scanner.scan([folder], should_stop=lambda: conn.execute("SELECT COUNT(*) FROM photos").fetchone()[0] >= 1)
    assert summary.cancelled
    assert 1 <= stats(conn).photos < len(SOME)


def _faces_of(conn, name):
    return conn.execute(
        "SELECT f.id, f.person_id, f.assigned_by FROM faces f JOIN photos p ON p.id = f.photo_id "
        "WHERE p.name = ? ORDER BY f.id",
        (name,),
    ).fetchall()


def _named_library(library):
    """The four portraits scanned; the one person they make is named by the user."""
    folder, conn, scanner = library
    scanner.scan([folder])
    (person,) = {row[1] for name in SOME for row in _faces_of(conn, name)}
    assert person is not None, "four copies of one face should make one person"
    decisions.name(conn, person, "Eileen")
    return folder, conn, scanner, person


def test_a_moved_file_keeps_its_faces_and_their_name(library):
    folder, conn, scanner, person = _named_library(library)
    before = _faces_of(conn, SOME[2])
    (folder / "2024").mkdir()
    (folder / SOME[2]).rename(folder / "2024" / "moved.jpg")
    summary = scanner.scan([folder])
    assert (summary.scanned, summary.moved) == (0, 1)
    assert _faces_of(conn, "moved.jpg") == before and before[0][1] == person
    assert people.get(conn, person).name == "Eileen"


def test_a_re_encoded_file_is_analysed_again_and_keeps_the_name(library):
    """Saved again (new bytes, same picture): new face rows, and the user's naming carries over."""
    folder, conn, scanner, person = _named_library(library)
    (old_face,) = _faces_of(conn, SOME[1])
    with Image.open(folder / SOME[1]) as image:
        image.convert("RGB").save(folder / SOME[1], quality=60)
    summary = scanner.scan([folder])
    assert summary.scanned == 1 and summary.moved == 0
    (new_face,) = _faces_of(conn, SOME[1])
    assert new_face[0] != old_face[0], "a changed file is analysed afresh"
    assert (new_face[1], new_face[2]) == (person, AssignedBy.USER.value)
    assert people.get(conn, person).name == "Eileen"


def test_a_ready_pipeline_reports_only_this_scans_stage_seconds(library, pipeline):
    folder, _, scanner = library
    pipeline.stage_seconds["detect"] = pipeline.stage_seconds.get("detect", 0.0) + 1000.0  # earlier work
    try:
        summary = scanner.scan([folder])
    finally:
        pipeline.stage_seconds["detect"] -= 1000.0
    assert summary.scanned == len(SOME)
    assert 0.0 < summary.stage_seconds["detect"] < 1000.0
    assert summary.stage_seconds["previews"] > 0.0, "previews are timed on their own worker"
    thumbs = list((scanner.cache.root / "thumbs").rglob("*.jpg"))
    assert len(thumbs) == len(SOME), "every photo's thumbnail is written before the scan returns"
