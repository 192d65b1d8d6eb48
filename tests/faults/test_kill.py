"""kill -9 of a real `faceorg scan` process at a handful of points, then the next scan.

After every kill: `PRAGMA integrity_check` is ok and no photo has lost or doubled face
rows. After the scan that follows: every file has exactly one row, the faces and the
people are those of a scan that was never interrupted, nothing is left pending, every
face has its crop, no temporary file is left, and the photos are byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from faceorg.core.paths import path_on_disk
from faceorg.scan.scanner import Scanner
from faceorg.store.cache import CachePaths
from faceorg.store.db import connect
from tests.helpers import portrait_variants

REPO = Path(__file__).resolve().parents[2]
PER_IDENTITY = 3
IDENTITIES = ("person01", "person02")
SEED = 12
KILL_POINTS = (  # (what is under way, photos stored before the kill, extra random delay up to)
    ("loading the models", None, 0.0),
    ("after the first photo", 1, 0.0),
    ("in the middle of the scan", 3, 0.4),
    ("after the last photo, while grouping and writing previews", -1, 0.0),
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def photo_folder(tmp_path_factory) -> Path:
    """Small copies (so the suite stays quick) of a few photos of two people, and two hostile files;
    without the shared photo folder, variants of the portrait that ships with faceorg (one person)."""
    folder = tmp_path_factory.mktemp("kill") / "photos"
    folder.mkdir()
    faces_dir = REPO.parent / "shared" / "faces"
    if not (faces_dir / "deepface" / "identities.csv").is_file():
        portrait_variants(folder, [f"portrait{i}.jpg" for i in range(PER_IDENTITY * len(IDENTITIES))])
        rows = []
    else:
        with (faces_dir / "deepface" / "identities.csv").open(newline="") as handle:
            rows = list(csv.DictReader(handle))
    for identity in IDENTITIES if rows else ():
        for row in [r for r in rows if r["identity"] == identity][:PER_IDENTITY]:
            image = Image.open(faces_dir / "deepface" / row["file"]).convert("RGB")
            image.thumbnail((480, 480))
            image.save(folder / row["file"], "JPEG", quality=90)
    Image.new("RGB", (20000, 3)).save(folder / "strip.png")
    (folder / "notes.jpg").write_text("not a photo")
    return folder


def _env(home: Path) -> dict[str, str]:
    """The subprocess's settings, data and cache live under `home`, never the user's."""
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "OMP_NUM_THREADS": "2",
    }


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM photos WHERE status = 'ok'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return 0


def _scan(db: Path, folder: Path, home: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "faceorg", "scan", "--db", str(db), "--device", "cpu", "--json", str(folder)],
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when(process: subprocess.Popen, db: Path, stored: int | None, delay: float, rng: random.Random) -> str:
    """SIGKILL once `stored` photos are in the library (None: at once, while models load)."""
    deadline = time.monotonic() + 240
    while stored is not None and _stored(db) < stored:
        if process.poll() is not None:
            return "finished before the kill point"
        assert time.monotonic() < deadline, "the scan made no progress"
        time.sleep(0.05)
    time.sleep(0.3 if stored is None else rng.uniform(0, delay))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return "killed" if process.returncode == -signal.SIGKILL else f"exited {process.returncode}"


def _consistent(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        bad = conn.execute("""SELECT p.path FROM photos p LEFT JOIN faces f ON f.photo_id = p.id
                              GROUP BY p.id HAVING COUNT(f.id) != p.face_count""").fetchall()
        assert bad == [], f"photos whose face rows were lost or doubled: {bad}"
    finally:
        conn.close()


def _faces(conn) -> list[tuple]:
    return sorted(
        tuple(r)
        for r in conn.execute(
            "SELECT p.name, ROUND(f.x1), ROUND(f.y1), ROUND(f.x2), ROUND(f.y2) "
            "FROM faces f JOIN photos p ON p.id = f.photo_id"
        )
    )


def _people(conn) -> set[frozenset]:
    groups: dict[int, set] = {}
    for name, x1, y1, person in conn.execute(
        "SELECT p.name, ROUND(f.x1), ROUND(f.y1), f.person_id FROM faces f "
        "JOIN photos p ON p.id = f.photo_id WHERE f.person_id IS NOT NULL"
    ):
        groups.setdefault(person, set()).add((name, x1, y1))
    return {frozenset(g) for g in groups.values()}


def test_kill_9_at_every_point_loses_nothing_and_the_next_scan_finishes_the_work(
    photo_folder, tmp_path, config, pipeline
):
    originals = {p.name: _sha(p) for p in photo_folder.iterdir()}
    clean = connect(config.db_path)
    Scanner(clean, config, lambda: pipeline).scan([photo_folder])
    photos_ok = clean.execute("SELECT COUNT(*) FROM photos WHERE status = 'ok'").fetchone()[0]

    home = tmp_path / "home"
    db = home / "library.db"
    rng = random.Random(SEED)
    outcomes = []
    for label, stored, delay in KILL_POINTS:
        outcome = _kill_when(_scan(db, photo_folder, home), db, photos_ok if stored == -1 else stored, delay, rng)
        outcomes.append((label, outcome))
        if db.exists():
            _consistent(db)
    assert [o for _, o in outcomes].count("killed") >= 3, outcomes

    final = _scan(db, photo_folder, home)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    summary = json.loads(out)
    _consistent(db)
    conn = connect(db)
    paths = [path_on_disk(r[0]).name for r in conn.execute("SELECT path FROM photos")]
    assert sorted(paths) == sorted(originals), "every file exactly once"
    assert {os.path.basename(f["path"]) for f in summary["failed"]} <= {"notes.jpg"}
    assert _faces(conn) == _faces(clean), "the same faces as a scan that was never killed"
    assert _people(conn) == _people(clean), "the same people as a scan that was never killed"
    assert conn.execute("SELECT COUNT(*) FROM pending_grouping").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM pending_previews").fetchone()[0] == 0
    cache = CachePaths.for_library(home / "cache" / "faceorg", db)
    assert all(cache.crop(f).is_file() for (f,) in conn.execute("SELECT id FROM faces WHERE forgotten = 0"))
    assert all(cache.thumbnail(h).is_file() for (h,) in conn.execute("SELECT hash FROM photos WHERE status = 'ok'"))
    assert list(cache.root.rglob("*.tmp")) == [], "a temporary file was left in the cache"
    assert {p.name: _sha(p) for p in photo_folder.iterdir()} == originals, "a photo was written to"
    print("kill points:", outcomes)
