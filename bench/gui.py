"""GUI figures: launch to first painted window, grid scroll frame time and filter latency with
100 000 synthetic photos (thumbnails on disk for the part scrolled through).

    .venv/bin/python bench/gui.py [--photos 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.synthetic import build_library  # noqa: E402

LAUNCH = """
import time, sys
launched = float(sys.argv[4])
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from faceorg.config import default_config
from faceorg.ui.app import create_app
from faceorg.ui.main_window import MainWindow
app = create_app()
cfg = default_config().with_overrides(db_path=Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
w = MainWindow(cfg, QSettings(sys.argv[2] + '/s.ini', QSettings.Format.IniFormat))
def painted():
    w.repaint()
    print(f"{time.time() - launched:.3f}")
    app.quit()
w.photosShown.connect(painted) if sys.argv[3] == 'grid' else QTimer.singleShot(0, painted)
w.show()
app.exec()
"""


def launch(db: Path, cache: Path, until: str) -> float:
    """Seconds from launching the process (interpreter start included) to the first painted window/grid."""
    out = subprocess.run(
        [sys.executable, "-c", LAUNCH, str(db), str(cache), until, repr(time.time())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if out.returncode != 0:
        sys.exit(out.stderr[-3000:])
    return float(out.stdout.strip().splitlines()[-1])


def make_thumbnails(cache: Path, db: Path, count: int) -> None:
    """Real JPEG thumbnails for the first photos (the synthetic hashes are f'{i:032x}')."""
    from PIL import Image

    from faceorg.store.cache import CachePaths

    paths = CachePaths.for_library(cache, db)
    tiles = [Image.effect_noise((320, 240), 40 + 10 * k).convert("RGB") for k in range(8)]
    for i in range(count):
        target = paths.thumbnail(f"{i:032x}")
        target.parent.mkdir(parents=True, exist_ok=True)
        tiles[i % 8].save(target, "JPEG", quality=80)


def scroll_figures(app, window, what: str) -> None:
    grid = window.photos.grid
    bar = grid.verticalScrollBar()
    step = grid.viewport().height() // 3
    frames = []
    for _ in range(120):  # scroll through ~40 screens, one third of a screen per frame
        started = time.perf_counter()
        bar.setValue(bar.value() + step)
        grid.viewport().repaint()
        app.processEvents()
        frames.append((time.perf_counter() - started) * 1000)
    window.images.wait_idle()
    frames.sort()
    print(
        f"{what} with {window.photos.model.rowCount()} rows: "
        f"frame time median {statistics.median(frames):.1f} ms, "
        f"p95 {frames[int(len(frames) * 0.95)]:.1f} ms, worst {frames[-1]:.1f} ms"
    )


def in_process_figures(db: Path, cache: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from faceorg.config import default_config
    from faceorg.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    config = default_config().with_overrides(db_path=db, cache_dir=cache)
    window = MainWindow(config, QSettings(str(cache / "g.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()

    def wait(predicate, limit=60.0):
        end = time.perf_counter() + limit
        while not predicate() and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)

    wait(lambda: window.photos.model.rowCount() > 0)
    grid = window.photos.grid
    bar = grid.verticalScrollBar()
    wait(lambda: bar.maximum() > 0, 10)
    print(f"(grid ready: {window.photos.model.rowCount()} rows, scroll range {bar.maximum()} px)")
    scroll_figures(app, window, "grid scroll")
    # grouped by month: from the toggle to the headers shown and the whole grid laid out (batched)
    started = time.perf_counter()
    window.set_grouped(True)
    wait(lambda: bool(window.photos.model.header_labels))
    shown = time.perf_counter()
    last, stable_since = -1, time.perf_counter()
    while time.perf_counter() - stable_since < 1.0:  # the scroll range stops growing: layout done
        app.processEvents()
        if bar.maximum() != last:
            last, stable_since = bar.maximum(), time.perf_counter()
    print(
        f"group by month, {len(window.photos.model.header_labels)} months: headers shown "
        f"{(shown - started) * 1000:.0f} ms after the toggle, laid out in {(stable_since - started) * 1000:.0f} ms "
        f"(scroll range {bar.maximum()} px)"
    )
    bar.setValue(0)
    scroll_figures(app, window, "grouped grid scroll")
    window.set_grouped(False)
    wait(lambda: not window.photos.model.header_labels)
    # filter latency: from the filter's change to the grid holding the new answer (the bar's
    # 120 ms debounce, which lets a slider drag settle, is measured separately)
    wait(window.library.snapshot_ready, 60)
    print("(filter index ready)")
    cases = [
        ("happy", lambda b: b.expression_buttons["happy"].setChecked(True)),
        ("happy + age 20-35", lambda b: b.age.setValue((20, 35))),
        ("+ not Male", lambda b: b.attribute_toggles["Male"].set_state(False)),
        ("clear", lambda b: b.clear()),
    ]
    for name, change in cases:
        shown = []
        window.photosShown.connect(lambda: shown.append(time.perf_counter()))  # noqa: B023
        started = time.perf_counter()
        change(window.photos.filter_bar)
        wait(lambda: bool(shown), 30)  # noqa: B023
        window.photosShown.disconnect()
        total = (shown[0] - started) * 1000
        print(
            f"filter '{name}': {window.photos.model.rowCount()} photos shown {total:.0f} ms after the change "
            f"({total - 120:.0f} ms after the 120 ms debounce)"
        )
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = tmp / "empty.db"
        print(f"launch to first painted window, empty library: {launch(empty, tmp / 'c0', 'window'):.2f} s")
        db = tmp / "library.db"
        build_library(db, args.photos, args.photos * 3 // 2)
        make_thumbnails(tmp / "cache", db, 3000)
        print(f"launch to first painted grid, {args.photos} photos: {launch(db, tmp / 'cache', 'grid'):.2f} s")
        in_process_figures(db, tmp / "cache")


if __name__ == "__main__":
    main()
