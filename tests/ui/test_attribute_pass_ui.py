"""The desktop's attribute pass: after a real scan it runs in the background, shows its own
progress in the status area, and leaves Eyeglasses values for every face (the filter bar offers it)."""

from __future__ import annotations

from faceorg.store.db import connect
from tests.helpers import copy_photos
from tests.ui.test_main_window import drop_paths

PHOTOS = ["img1.jpg", "img2.jpg", "img3.jpg"]


def faces_and_glasses(config) -> tuple[int, int]:
    conn = connect(config.db_path)
    try:
        faces = conn.execute("SELECT COUNT(*) FROM faces WHERE forgotten = 0").fetchone()[0]
        glasses = conn.execute(
            "SELECT COUNT(DISTINCT face_id) FROM face_attributes WHERE name = 'Eyeglasses'"
        ).fetchone()[0]
        return faces, glasses
    finally:
        conn.close()


def test_attribute_pass_runs_after_a_scan(window, qtbot, faces_dir, tmp_path, config):
    folder = tmp_path / "photos"
    copy_photos(faces_dir, PHOTOS, folder)
    texts: list[str] = []
    window.attributes.progress.connect(lambda _p: texts.append(window.scan_status.label.text()))
    with qtbot.waitSignal(window.worker.scanFinished, timeout=300_000) as scanned:
        drop_paths(window, [folder])
    assert not scanned.args[0].cancelled
    assert window.attributes.running, "the scan ends first; the attribute pass follows it"
    faces, _ = faces_and_glasses(config)
    assert faces >= len(PHOTOS)
    with qtbot.waitSignal(window.attributes.finished, timeout=600_000) as done:
        pass
    assert not done.args[0].cancelled
    assert done.args[0].done == faces
    assert f"Finding attributes: 0 of {faces} faces" in texts
    assert f"Finding attributes: {faces} of {faces} faces" in texts
    assert faces_and_glasses(config) == (faces, faces)
    qtbot.waitUntil(lambda: "Eyeglasses" in window.photos.filter_bar.attribute_toggles, timeout=30_000)
    assert window.scan_status.label.text().startswith(f"Attributes found for {faces} face")


def test_pause_is_said_at_once_while_finding_attributes(qtbot):
    from faceorg.scan.attribute_pass import AttributeProgress
    from faceorg.ui.scan_status import ScanStatus

    status = ScanStatus()
    qtbot.addWidget(status)
    status.show_attributes(AttributeProgress(1_200, 5_000, 60.0))
    assert status.label.text() == "Finding attributes: 1,200 of 5,000 faces"
    status.pause.click()
    assert status.label.text() == "Finding attributes: 1,200 of 5,000 faces (paused)"
    status.pause.click()
    assert status.label.text() == "Finding attributes: 1,200 of 5,000 faces"
