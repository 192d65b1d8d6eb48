"""Figures for a 100 000-photo, 150 000-face library: filter queries, the people list,
opening an album, and the GUI's first paint on that store.

    .venv/bin/python bench/library.py [--photos 100000] [--faces 150000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import build_library  # noqa: E402
from faceorg.core.filters import Filter  # noqa: E402
from faceorg.store import browse, people  # noqa: E402
from faceorg.store.db import connect  # noqa: E402
from faceorg.store.face_index import FaceIndex  # noqa: E402


def timed(func, repeat: int = 7) -> tuple[float, object]:
    """Median milliseconds of `repeat` runs (after one warm-up) and the last result."""
    result = func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def first_paint_seconds(db: Path, cache: Path) -> float:
    """Launch the app in a fresh process on this store; time until the grid's first paint."""
    import subprocess

    code = (
        "import time; t0 = time.perf_counter();"
        "from pathlib import Path; from PySide6.QtCore import QSettings, QTimer;"
        "from faceorg.config import default_config; from faceorg.ui.app import create_app;"
        "from faceorg.ui.main_window import MainWindow;"
        "app = create_app();"
        f"cfg = default_config().with_overrides(db_path=Path({str(db)!r}), cache_dir=Path({str(cache)!r}));"
        f"w = MainWindow(cfg, QSettings({str(cache / 'b.ini')!r}, QSettings.Format.IniFormat));"
        "w.photosShown.connect(lambda: (w.repaint(), print(f'{time.perf_counter() - t0 + T_IMPORT:.3f}'), app.quit()));"
        "w.show(); app.exec()"
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", "import time; T_IMPORT = 0.0\n" + code],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    wall = time.perf_counter() - started
    if out.returncode != 0:
        print(out.stderr[-2000:])
    return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--faces", type=int, default=150_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "library.db"
        built = build_library(db, args.photos, args.faces)
        print(
            f"built a synthetic library: {args.photos} photos, {args.faces} faces in {built:.1f} s "
            f"({db.stat().st_size / 1e6:.0f} MB)"
        )
        conn = connect(db)
        person = conn.execute(
            "SELECT person_id FROM faces WHERE person_id IS NOT NULL GROUP BY person_id ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()[0]
        cases = {
            "all photos (no filter)": Filter(),
            "expression happy": Filter(expressions=frozenset({"happy"})),
            "expression happy+surprise, age 20-35": Filter(
                expressions=frozenset({"happy", "surprise"}), age_min=20, age_max=35
            ),
            "age 60-": Filter(age_min=60),
            "attribute Smiling, not Male": Filter(attributes=(("Smiling", True), ("Male", False))),
            "person": Filter(person=person),
            "person + happy": Filter(person=person, expressions=frozenset({"happy"})),
        }
        ms, index = timed(lambda: FaceIndex.load(conn), repeat=3)
        print(f"{'load the filter index (after any change)':<42} {ms:>12.1f}")
        print(f"{'query':<42} {'ms (median)':>12} {'photos':>8}")
        for name, flt in cases.items():
            ms, rows = timed(lambda: index.photos(flt))  # noqa: B023
            print(f"{name:<42} {ms:>12.1f} {len(rows):>8}")
        ms, rows = timed(lambda: people.all_people(conn, counts=index.person_counts()))
        print(f"{'people list (counts from the index)':<42} {ms:>12.1f} {len(rows):>8}")
        ms, rows = timed(lambda: people.all_people(conn), repeat=3)
        print(f"{'people list (CLI, counted in SQL)':<42} {ms:>12.1f} {len(rows):>8}")
        ms, rows = timed(lambda: browse.photo_rows(conn, index.photos(Filter())[:256].tolist()))
        print(f"{'one grid page of rows (256)':<42} {ms:>12.1f} {len(rows):>8}")
        ms, rows = timed(lambda: browse.person_faces(conn, person))
        print(f"{'open a person album (largest)':<42} {ms:>12.1f} {len(rows):>8}")
        ms, rows = timed(lambda: browse.person_faces(conn, None))
        print(f"{'unsorted faces':<42} {ms:>12.1f} {len(rows):>8}")
        conn.close()
        paint = first_paint_seconds(db, Path(tmp))
        print(f"GUI launch to first painted grid (fresh process, offscreen): {paint:.2f} s")


if __name__ == "__main__":
    main()
