"""Work an interrupted scan left (grouping, previews, temporary files) is finished by the next start."""

from __future__ import annotations

import pytest

from faceorg.scan.resume import finish_pending_at_start
from faceorg.scan.scanner import Scanner
from faceorg.store.cache import CachePaths
from faceorg.store.db import connect
from faceorg.store.lock import scan_lock
from tests.helpers import portrait_variants

SOME = ["img1.jpg", "img2.jpg", "img17.jpg", "img22.jpg", "img3.jpg", "img4.jpg"]


def _people(conn) -> set[frozenset[tuple[str, int]]]:
    """Who is grouped with whom, by photo name and box: comparable across libraries."""
    groups: dict[int, set] = {}
    for name, x1, y1, person in conn.execute(
        "SELECT p.name, f.x1, f.y1, f.person_id FROM faces f JOIN photos p ON p.id = f.photo_id "
        "WHERE f.person_id IS NOT NULL"
    ):
        groups.setdefault(person, set()).add((name, round(x1), round(y1)))
    return {frozenset(g) for g in groups.values()}


def test_an_interrupted_scan_is_grouped_and_its_previews_made_by_the_next(tmp_path, config, pipeline):
    folder = tmp_path / "photos"
    portrait_variants(folder, SOME)  # the portrait that ships with faceorg: no photo folder needed
    clean = config.with_overrides(db_path=tmp_path / "clean.db", cache_dir=tmp_path / "clean-cache")
    clean_conn = connect(clean.db_path)
    Scanner(clean_conn, clean, lambda: pipeline).scan([folder])

    conn = connect(config.db_path)
    scanner = Scanner(conn, config.with_overrides(face_batch=1), lambda: pipeline)

    def stop_after_four(progress):
        if progress.done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scanner.scan([folder], progress=stop_after_four)
    assert conn.execute("SELECT COUNT(*) FROM pending_grouping").fetchone()[0] > 0, "grouping was left pending"
    cache = CachePaths.for_library(config.cache_dir, config.db_path)
    face_ids = [r[0] for r in conn.execute("SELECT id FROM faces")]
    cache.crop(face_ids[0]).unlink()  # as if the kill came before the crop was written
    conn.execute("INSERT INTO pending_previews(photo_id) SELECT photo_id FROM faces WHERE id = ?", (face_ids[0],))
    stray = cache.crop(face_ids[0]).parent / "tmpabc123.tmp"
    stray.write_bytes(b"half a jpeg")

    summary = Scanner(conn, config, lambda: pipeline).scan([folder])
    assert summary.resumed_grouped >= 1 and summary.resumed_previews == 1
    assert conn.execute("SELECT COUNT(*) FROM pending_grouping").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM pending_previews").fetchone()[0] == 0
    assert all(cache.crop(f).is_file() for (f,) in conn.execute("SELECT id FROM faces WHERE forgotten = 0"))
    assert not stray.exists()
    assert _people(clean_conn), "the clean scan found people"
    assert _people(conn) == _people(clean_conn), "the same people as a scan that was never interrupted"


def test_the_app_start_leaves_pending_work_to_a_running_scan(config):
    conn = connect(config.db_path)
    conn.execute("INSERT INTO folders(path, added_at) VALUES ('/x', 0)")
    with scan_lock(config.db_path):
        assert finish_pending_at_start(config) is None
    assert finish_pending_at_start(config) is not None
