"""Scan controls, measured on the real window and models: seconds from Cancel to the scan
stopping, and from closing the window mid-scan to the process having exited.

    .venv/bin/python bench/controls.py [--photos ../shared/faces/deepface] [--after 3]

Each figure comes from its own process (models loaded, a real scan of real photos under way,
`--after` photos done when the button is pressed). The same script runs against older
checkouts (it only uses MainWindow, its worker's signals and the scan status buttons).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from faceorg.config import default_config
from faceorg.ui.app import create_app
from faceorg.ui.main_window import MainWindow
mode, tmp, photos, after = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
app = create_app()
cfg = default_config().with_overrides(db_path=tmp / "library.db", cache_dir=tmp / "cache", device="cpu")
w = MainWindow(cfg, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
fired = []
def progress(p):
    if p.done >= after and not fired:
        fired.append(time.time())
        print(f"pressed {fired[0]} {p.done}", flush=True)
        if mode == "cancel":
            w.scan_status.cancel.click()
        else:
            w.close()
            app.quit()
def finished(summary):
    print(f"finished {time.time()} cancelled={summary.cancelled} scanned={summary.scanned}", flush=True)
    app.quit()
w.worker.progress.connect(progress)
w.worker.scanFinished.connect(finished)
w.show()
w.scan_paths([photos])
code = app.exec()
if mode == "cancel":
    w.close()
import faceorg.ui.app as shell
if hasattr(shell, "leave"):  # how the app itself ends (older checkouts simply return)
    shell.leave(code)
"""


def run(mode: str, photos: str, after: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, mode, tmp, photos, str(after)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=os.getcwd(),
        )
        pressed = finished = None
        for line in proc.stdout:
            if line.startswith("pressed"):
                pressed = float(line.split()[1])
            elif line.startswith("finished"):
                finished = float(line.split()[1])
                print(f"  ({line.strip()})")
        proc.wait()
        ended = time.time()
    if pressed is None:
        sys.exit(f"the scan never reached {after} photos")
    return (finished if mode == "cancel" else ended) - pressed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", default=str(REPO.parent / "shared" / "faces" / "deepface"))
    parser.add_argument("--after", type=int, default=3)
    args = parser.parse_args()
    print(f"Cancel to scan stopped: {run('cancel', args.photos, args.after):.2f} s")
    print(f"window closed mid-scan to process exited: {run('quit', args.photos, args.after):.2f} s")


if __name__ == "__main__":
    main()
