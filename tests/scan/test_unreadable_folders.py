"""A folder that cannot be listed is recorded and reported like a file, and cleared once it can be."""

from __future__ import annotations

import os
import shutil

import pytest
from PIL import Image

from faceorg.scan.plan import plan_scan
from faceorg.scan.walk import photo_files
from faceorg.store.db import connect


def _tree(root):
    (root / "sub").mkdir(parents=True)
    Image.new("RGB", (60, 60)).save(root / "a.jpg")
    Image.new("RGB", (60, 60)).save(root / "sub" / "b.jpg")


def test_a_folder_that_fails_to_list_is_reported_with_its_reason(tmp_path):
    # os.walk lists a folder's subfolders before it descends: removing one in between
    # makes listing it fail for real, as it does for an unreadable folder, even as root.
    _tree(tmp_path / "photos")
    unreadable: list = []
    walk = photo_files(tmp_path / "photos", unreadable)
    assert next(walk).name == "a.jpg"
    shutil.rmtree(tmp_path / "photos" / "sub")
    assert list(walk) == []
    assert [(p.name, r) for p, r in unreadable] == [("sub", "cannot list folder: No such file or directory")]


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root lists folders whatever their permissions"
)
def test_an_unreadable_folder_is_recorded_as_failed_and_cleared_when_readable(tmp_path):
    _tree(tmp_path / "photos")
    locked = tmp_path / "photos" / "sub"
    conn = connect(tmp_path / "library.db")
    locked.chmod(0)
    try:
        plan = plan_scan(conn, [tmp_path / "photos"])
    finally:
        locked.chmod(0o755)
    assert [(p.name, r) for p, _, r in plan.unreadable] == [("sub", "walk: cannot list folder: Permission denied")]


def test_a_folder_recorded_as_unreadable_is_cleared_once_it_can_be_listed(tmp_path, config):
    from faceorg.core.photo import PhotoStatus
    from faceorg.scan.scanner import Scanner
    from faceorg.store import photos

    (tmp_path / "photos" / "sub").mkdir(parents=True)
    conn = connect(config.db_path)
    folder_id = photos.ensure_folder(conn, str(tmp_path / "photos"))
    photos.upsert(
        conn,
        photos.FileFacts(str(tmp_path / "photos" / "sub"), 0, 0.0),
        folder_id,
        PhotoStatus.FAILED,
        error="walk: cannot list folder: Permission denied",
    )
    summary = Scanner(conn, config, lambda: pytest.fail("there is no photo to analyse")).scan([tmp_path / "photos"])
    assert conn.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == 0
    assert (summary.vanished, summary.failed) == (0, [])
