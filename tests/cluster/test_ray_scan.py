"""The scan on a real local Ray runtime (2 CPUs) gives what the local scan gives, and survives a dead worker."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import copy_photos

ray = pytest.importorskip("ray", reason="Ray is the optional 'cluster' extra: pip install 'faceorg[cluster]'")

PHOTO_COUNT = 20


@pytest.fixture(scope="module")
def photos(tmp_path_factory, faces_dir) -> Path:
    names = sorted(p.name for p in (faces_dir / "deepface").glob("*.jpg"))[:PHOTO_COUNT]
    folder = tmp_path_factory.mktemp("ray-photos")
    copy_photos(faces_dir, names, folder)
    return folder


@pytest.fixture(scope="module")
def runtime():
    from faceorg.cluster.runtime import connect

    runtime = connect(None, num_cpus=2, include_dashboard=False, object_store_memory=300 << 20)
    yield runtime
    runtime.close()


def _library(tmp_path_factory, name, session_config):
    from faceorg.store.db import connect

    root = tmp_path_factory.mktemp(name)
    config = session_config.with_overrides(db_path=root / "library.db", cache_dir=root / "cache")
    return config, connect(config.db_path)


def _faces(conn) -> dict[str, list[tuple[np.ndarray, np.ndarray, int | None]]]:
    """photo name -> its faces (box, embedding, person), in box order."""
    from faceorg.store.codec import unpack_vector

    found: dict[str, list] = {}
    for name, x1, y1, x2, y2, blob, person in conn.execute(
        "SELECT p.name, x1, y1, x2, y2, embedding, person_id FROM faces f JOIN photos p ON p.id = f.photo_id"
    ):
        found.setdefault(name, []).append((np.array([x1, y1, x2, y2]), unpack_vector(blob), person))
    return {name: sorted(faces, key=lambda f: tuple(f[0])) for name, faces in found.items()}


@pytest.fixture(scope="module")
def local(tmp_path_factory, session_config, pipeline, photos):
    from faceorg.scan.scanner import Scanner

    config, conn = _library(tmp_path_factory, "local", session_config)
    summary = Scanner(conn, config, lambda: pipeline).scan([photos])
    assert summary.scanned == PHOTO_COUNT and not summary.failed
    yield _faces(conn)
    conn.close()


def _ray_scan(tmp_path_factory, name, session_config, runtime, photos, progress=None):
    from faceorg.cluster.scanner import RayScanner

    config, conn = _library(tmp_path_factory, name, session_config)
    summary = RayScanner(conn, config, runtime).scan([photos], progress=progress)
    return summary, conn, config


def _assert_same_faces(local, remote):
    assert sorted(remote) == sorted(local)
    for name, faces in local.items():
        assert len(remote[name]) == len(faces), name
        for (box, embedding, _), (box2, embedding2, _) in zip(faces, remote[name]):
            assert np.abs(box - box2).max() <= 1.0, name
            assert np.abs(embedding - embedding2).max() <= 1e-4, name


def _groups(faces) -> set[frozenset]:
    """The people as sets of (photo, face position): comparable whatever the person ids are."""
    members: dict[int | None, set] = {}
    for name, found in faces.items():
        for i, (_, _, person) in enumerate(found):
            members.setdefault(person, set()).add((name, i))
    return {frozenset(m) for m in members.values()}


def test_a_ray_scan_stores_the_same_faces_and_people_as_a_local_scan(
    tmp_path_factory, session_config, runtime, photos, local
):
    from faceorg.store.cache import CachePaths

    summary, conn, config = _ray_scan(tmp_path_factory, "ray", session_config, runtime, photos)
    assert summary.scanned == PHOTO_COUNT and not summary.failed
    remote = _faces(conn)
    _assert_same_faces(local, remote)
    assert _groups(remote) == _groups(local)
    # the previews made on the workers were saved by the head, in this library's cache
    cache = CachePaths.for_library(config.cache_dir, config.db_path)
    assert all(cache.thumbnail(h).is_file() for (h,) in conn.execute("SELECT hash FROM photos"))
    assert all(cache.crop(i).is_file() for (i,) in conn.execute("SELECT id FROM faces"))
    conn.close()


def _descends_from_us(pid: int) -> bool:
    """The local runtime's raylet is this process's child, its workers the raylet's: never another program's Ray."""
    while pid > 1:
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid == os.getpid():
            return True
    return False


def _detect_workers() -> list[int]:
    """Process ids of our Ray actors that run the detect stage (Ray names their processes after the class)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("ray::") and "DetectStage" in title and _descends_from_us(int(pid)):
            found.append(int(pid))
    return found


def test_killing_a_worker_mid_scan_loses_nothing_and_duplicates_nothing(
    tmp_path_factory, session_config, runtime, photos, local
):
    killed: list[int] = []

    def kill_one_worker(progress):
        if progress.done >= 1 and not killed:
            workers = _detect_workers()
            assert workers, "no detect worker process found to kill"
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])

    summary, conn, _ = _ray_scan(tmp_path_factory, "ray-killed", session_config, runtime, photos, kill_one_worker)
    assert killed and summary.scanned == PHOTO_COUNT and not summary.failed
    _assert_same_faces(local, _faces(conn))
    assert conn.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == PHOTO_COUNT
    conn.close()


def test_a_file_the_workers_cannot_decode_is_recorded_and_the_scan_goes_on(
    tmp_path_factory, session_config, runtime, faces_dir
):
    from faceorg.cluster.scanner import RayScanner

    folder = tmp_path_factory.mktemp("ray-bad")
    copy_photos(faces_dir, ["img1.jpg"], folder)
    (folder / "broken.jpg").write_bytes((folder / "img1.jpg").read_bytes()[:300])  # a JPEG cut off in its header
    config, conn = _library(tmp_path_factory, "ray-bad-library", session_config)
    summary = RayScanner(conn, config, runtime).scan([folder])
    assert summary.scanned == 1 and summary.faces >= 1
    assert [Path(path).name for path, _ in summary.failed] == ["broken.jpg"]
    assert summary.failed[0][1].startswith("decode: ")
    status = dict(conn.execute("SELECT name, status FROM photos"))
    assert status == {"img1.jpg": "ok", "broken.jpg": "failed"}
    conn.close()
