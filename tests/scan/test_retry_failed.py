"""Retrying a failed file reads it again, though its size and mtime are those stored with the failure."""

from __future__ import annotations

from PIL import Image

from faceorg.core.paths import path_text
from faceorg.core.photo import PhotoStatus
from faceorg.scan.plan import plan_scan
from faceorg.store import photos
from faceorg.store.db import connect


def test_a_retried_failed_file_is_a_candidate_again_and_only_it(tmp_path):
    root = tmp_path / "photos"
    (root / "sub").mkdir(parents=True)
    Image.new("RGB", (40, 40)).save(root / "good.jpg")
    (root / "sub" / "bad.jpg").write_bytes(b"not a jpeg")
    conn = connect(tmp_path / "library.db")
    folder = photos.ensure_folder(conn, path_text(root))
    for path, status in ((root / "good.jpg", PhotoStatus.OK), (root / "sub" / "bad.jpg", PhotoStatus.FAILED)):
        stat = path.stat()
        facts = photos.FileFacts(path_text(path), stat.st_size, stat.st_mtime)
        reason = "decode: cannot identify image file" if status == PhotoStatus.FAILED else None
        photos.upsert(conn, facts, folder, status, reason)
    assert plan_scan(conn, [root]).candidates == [], "unchanged files, failed or not, are skipped"

    bad = path_text(root / "sub" / "bad.jpg")
    photos.retry_failed(conn, [bad, path_text(root / "good.jpg")])
    assert photos.folders_holding(conn, [bad]) == [path_text(root)], "a retry rescans the watched folder, not sub/"
    plan = plan_scan(conn, [root])
    assert [path_text(c.path) for c in plan.candidates] == [bad], "the failed file only; a good one is not re-read"
    assert plan.unchanged == 1
    conn.close()
