"""A scan over generated hostile files: each is recorded as the issue asks and none stops the scan."""

from __future__ import annotations

import os
import sqlite3

import pytest
from PIL import Image

from faceorg.scan.scanner import Scanner
from faceorg.store.db import connect
from tests.faults.hostile import write_hostile
from tests.helpers import portrait_variants


@pytest.fixture(scope="module")
def face_image(tmp_path_factory) -> Image.Image:
    """The portrait that ships with faceorg (no photo folder needed): one clear face."""
    (path,) = portrait_variants(tmp_path_factory.mktemp("face"), ["face.jpg"])
    return Image.open(path).convert("RGB")


@pytest.fixture(scope="module")
def hostile_config(tmp_path_factory):
    from faceorg.config import default_config

    root = tmp_path_factory.mktemp("hostile")
    return default_config().with_overrides(db_path=root / "library.db", cache_dir=root / "cache", device="cpu")


@pytest.fixture(scope="module")
def hostile_scan(face_image, hostile_config, pipeline):
    folder = hostile_config.db_path.parent / "photos"
    written = write_hostile(face_image, folder)
    conn = connect(hostile_config.db_path)
    summary = Scanner(conn, hostile_config, lambda: pipeline).scan([folder])
    yield written, conn, summary
    conn.close()


def test_every_hostile_file_is_recorded_and_the_scan_goes_on(hostile_scan):
    written, conn, summary = hostile_scan
    rows = {r["path"]: r for r in conn.execute("SELECT path, status, error, face_count FROM photos")}
    assert set(rows) == set(written), "every file has exactly one row, under a path SQLite can hold"
    for path, item in written.items():
        row = rows[path]
        assert row["status"] == item.status, f"{item.name!r}: {row['status']} ({row['error']})"
        if item.status == "failed":
            stage, *words = item.reason
            assert row["error"].startswith(f"{stage}: "), f"{item.name!r}: {row['error']}"
            assert all(w.lower() in row["error"].lower() for w in words), f"{item.name!r}: {row['error']}"
        elif item.faces == "some":
            assert row["face_count"] >= 1, f"{item.name!r} holds a face but none was found"
        else:
            assert row["face_count"] == 0
    assert sorted(p for p, _ in summary.failed) == sorted(p for p, i in written.items() if i.status == "failed")


def test_the_summary_and_the_failures_print_on_a_strict_utf8_stream(hostile_scan):
    _, _, summary = hostile_scan
    for path, reason in summary.failed:
        f"{path}: {reason}".encode()  # raises on a lone surrogate


def test_a_non_utf8_name_is_stored_escaped_and_found_again(hostile_scan, hostile_config):
    written, conn, _ = hostile_scan
    from faceorg.core.paths import path_on_disk

    escaped = [p for p in written if "\\x" in p]
    assert escaped and all(path_on_disk(p).is_file() for p in escaped)
    folder = os.path.dirname(escaped[0])
    again = Scanner(conn, hostile_config, lambda: pytest.fail("nothing changed: no model may load")).scan([folder])
    assert (again.scanned, again.failed, again.unchanged) == (0, [], len(written))


class _FailsOnWidth:
    """The real pipeline, except that its analyzers raise on any batch holding a photo of one width."""

    def __init__(self, pipeline, width: int):
        self._pipeline, self._width = pipeline, width

    def __getattr__(self, name):
        return getattr(self._pipeline, name)

    def analyse(self, photos):
        if any(p.decoded.original_size[0] == self._width for p in photos):
            raise RuntimeError("analyzer exploded on odd pixels")
        return self._pipeline.analyse(photos)


def test_an_analyzer_failing_on_one_photo_costs_only_that_photo(tmp_path, config, pipeline):
    folder = tmp_path / "photos"
    names = ["a.jpg", "b.jpg", "c.jpg"]
    portrait_variants(folder, ["a.jpg", "skip.jpg", "b.jpg"])  # the 3rd variant alone is enlarged: a width of its own
    (folder / "skip.jpg").rename(folder / "c.jpg")
    width = Image.open(folder / "b.jpg").width
    assert [Image.open(folder / n).width for n in names].count(width) == 1
    conn = connect(config.db_path)
    scanner = Scanner(conn, config.with_overrides(face_batch=64), lambda: _FailsOnWidth(pipeline, width))
    summary = scanner.scan([folder])
    assert [os.path.basename(p) for p, _ in summary.failed] == ["b.jpg"]
    assert summary.failed[0][1] == "analyse: analyzer exploded on odd pixels"
    assert summary.scanned == 2
    ok = {r[0] for r in conn.execute("SELECT name FROM photos WHERE status = 'ok' AND face_count > 0")}
    assert ok == {"a.jpg", "c.jpg"}


def test_a_full_library_stops_the_scan_with_one_sentence_and_keeps_what_was_stored(tmp_path, config, pipeline):
    from faceorg.store.db import LibraryWriteError

    folder = tmp_path / "photos"
    portrait_variants(folder, ["img1.jpg", "img2.jpg", "img17.jpg", "img22.jpg"])
    conn = connect(config.db_path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(LibraryWriteError) as raised:
        Scanner(conn, config.with_overrides(face_batch=1), lambda: pipeline).scan([folder])
    message = str(raised.value)
    assert "full" in message and "free some space" in message and "kept" in message and "\n" not in message
    conn.close()
    check = sqlite3.connect(config.db_path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = check.execute("SELECT id, face_count FROM photos WHERE status = 'ok'").fetchall()
    assert len(stored) < 4, "the library filled up before the end"
    for photo_id, face_count in stored:
        assert check.execute("SELECT COUNT(*) FROM faces WHERE photo_id = ?", (photo_id,)).fetchone()[0] == face_count
