"""A one-line progress bar on stderr: photos done/total, faces found, ETA."""

from __future__ import annotations

import sys
import time

from faceorg.scan.progress import ScanProgress, format_duration


class ProgressBar:
    """Redraws at most ten times a second; on a non-terminal prints a line now and then."""

    def __init__(self, stream=sys.stderr, width: int = 30):
        self.stream = stream
        self.width = width
        self._last = 0.0
        self._tty = stream.isatty()

    def __call__(self, p: ScanProgress) -> None:
        if p.total == 0:
            return
        now = time.monotonic()
        final = p.done >= p.total
        interval = 0.1 if self._tty else 5.0
        if not final and now - self._last < interval:
            return
        self._last = now
        filled = int(self.width * p.done / p.total) if p.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        line = (
            f"[{bar}] {p.done}/{p.total} photos  {p.faces} faces  {p.failed} failed  "
            f"elapsed {format_duration(p.elapsed)}  ETA {format_duration(p.eta)}"
        )
        if self._tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
