"""The Library's attribute pass obeys the scan's Pause and Cancel, lets decisions through while
paused, steps aside for a scan, and resumes where it stopped (real photos, real models)."""

from __future__ import annotations

import time

import pytest

from faceorg.library import Library, OpChanges
from tests.helpers import copy_photos


def counts(library: Library) -> tuple[int, int]:
    """(faces, faces with an Eyeglasses value)."""
    conn = library.reader()
    try:
        faces = conn.execute("SELECT COUNT(*) FROM faces WHERE forgotten = 0").fetchone()[0]
        glasses = conn.execute("SELECT COUNT(*) FROM face_attributes WHERE name = 'Eyeglasses'").fetchone()[0]
        return faces, glasses
    finally:
        conn.close()


@pytest.fixture
def library(config, pipeline, faces_dir, tmp_path):
    copy_photos(faces_dir, ["img1.jpg", "img2.jpg"], tmp_path / "photos")
    lib = Library(config.with_overrides(models_dir=tmp_path / "models"), pipeline_factory=lambda: pipeline)
    lib.scan([tmp_path / "photos"]).result(timeout=300)
    yield lib
    lib.close()


def test_pause_holds_the_pass_cancel_stops_it_and_the_next_run_resumes(library):
    pause_at_start = lambda p: library.control.pause() if p.done == 0 else None  # noqa: E731
    future = library.find_attributes(pause_at_start)
    time.sleep(3)
    assert not future.done(), "a paused pass must hold"
    assert counts(library)[1] == 0
    answer = library.submit(lambda _conn, _cache: ("went through", OpChanges())).result(timeout=10)
    assert answer[0] == "went through", "decisions run while the pass is paused"
    library.control.cancel()
    summary = future.result(timeout=60)
    assert summary.cancelled and summary.done == 0
    summary = library.find_attributes().result(timeout=600)
    faces, glasses = counts(library)
    assert not summary.cancelled and summary.done == faces >= 2
    assert glasses == faces


def test_the_pass_steps_aside_for_a_scan(library, tmp_path):
    scans = []
    ask_for_scan = lambda p: scans.append(library.scan([tmp_path / "photos"])) if p.done == 0 else None  # noqa: E731
    summary = library.find_attributes(ask_for_scan).result(timeout=60)
    assert summary.cancelled and summary.done == 0
    assert not scans[0].result(timeout=120).cancelled
    assert counts(library)[1] == 0, "the scan ran before any attribute batch"


class _AskingMidBatch:
    """The real mesh model, but each batch first asks the library for a decision and waits for it:
    were the pass holding the writer while its models run, the decision could not go through."""

    def __init__(self):
        from faceorg.vision.mesh_analyzer import MeshAttributes

        self.real, self.answers = MeshAttributes("cpu"), []
        self.library: Library | None = None

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __call__(self, items):
        assert self.library is not None
        decision = self.library.submit(lambda _conn, _cache: ("went through", OpChanges()))
        self.answers.append(decision.result(timeout=30)[0])
        return self.real(items)


def test_a_decision_goes_through_while_a_batch_is_being_computed(config, pipeline, faces_dir, tmp_path):
    copy_photos(faces_dir, ["img1.jpg", "img2.jpg"], tmp_path / "photos")
    model = _AskingMidBatch()
    lib = Library(
        config.with_overrides(models_dir=tmp_path / "models"), pipeline_factory=lambda: pipeline, attribute_model=model
    )
    try:
        model.library = lib
        lib.scan([tmp_path / "photos"]).result(timeout=300)
        summary = lib.find_attributes().result(timeout=300)
        assert not summary.cancelled and summary.done >= 2
        assert model.answers and set(model.answers) == {"went through"}
        conn = lib.reader()
        try:
            stored = conn.execute("SELECT COUNT(*) FROM face_attributes WHERE name = 'Eyes_Closed'").fetchone()[0]
        finally:
            conn.close()
        assert stored == summary.done, "every batch computed off the writer is still stored"
    finally:
        lib.close()
