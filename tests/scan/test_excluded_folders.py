"""Excluded folders: the scan's walk skips them and everything below, and only them."""

from __future__ import annotations

from PIL import Image

from faceorg.core.paths import path_text
from faceorg.scan.plan import plan_scan
from faceorg.store import excluded
from faceorg.store.db import connect


def _names(plan) -> list[str]:
    return sorted(c.path.name for c in plan.candidates)


def test_an_excluded_folder_and_its_subfolders_are_skipped_until_included_again(tmp_path):
    root = tmp_path / "photos"
    for folder in (root, root / "keep", root / "private", root / "private" / "deeper", root / "privateer"):
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 40)).save(folder / f"{folder.name}.jpg")
    conn = connect(tmp_path / "library.db")
    excluded.exclude(conn, path_text(root / "private"))
    assert _names(plan_scan(conn, [root])) == ["keep.jpg", "photos.jpg", "privateer.jpg"]
    assert _names(plan_scan(conn, [root / "private" / "deeper"])) == [], "a root inside an excluded folder too"

    excluded.include(conn, path_text(root / "private"))
    assert _names(plan_scan(conn, [root])) == ["deeper.jpg", "keep.jpg", "photos.jpg", "private.jpg", "privateer.jpg"]
    conn.close()


def test_excluded_folders_belong_to_one_library(tmp_path):
    first, second = connect(tmp_path / "a.db"), connect(tmp_path / "b.db")
    excluded.exclude(first, "/photos/private")
    assert excluded.excluded_folders(first) == ["/photos/private"]
    assert excluded.excluded_folders(second) == []
    first.close()
    second.close()
