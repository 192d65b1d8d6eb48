"""`faceorg attributes`: run (or resume) the background attribute pass over the library's faces."""

from __future__ import annotations

import argparse
import sys
import time

from faceorg.cli.context import add_db_flag, add_json_flag, open_library
from faceorg.cli.output import emit_json, say
from faceorg.scan.attribute_pass import AttributePass, AttributeProgress


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "attributes",
        help="find glasses, hats, hair, open mouths ... in faces already scanned "
        "(resumable; re-runs only faces an older attribute model saw)",
    )
    add_db_flag(p)
    add_json_flag(p)
    p.add_argument("--device", help="auto (default), cpu or cuda")
    p.set_defaults(run=run)


class _Printer:
    """The pass's own progress line on stderr, at most every half second (every 5 s off a terminal)."""

    def __init__(self) -> None:
        self._last, self._tty = 0.0, sys.stderr.isatty()

    def __call__(self, p: AttributeProgress) -> None:
        now = time.monotonic()
        final = p.done >= p.total
        if not final and now - self._last < (0.5 if self._tty else 5.0):
            return
        self._last = now
        sys.stderr.write(("\r" if self._tty else "") + p.message + ("\n" if final or not self._tty else ""))
        sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    config, conn = open_library(args)
    try:
        summary = AttributePass(conn, config).run(progress=_Printer())
    except KeyboardInterrupt:
        say("Interrupted: attributes found so far are saved; run `faceorg attributes` again to continue.")
        return 130
    finally:
        conn.close()
    say(
        f"Done in {summary.seconds:.1f} s: attributes for {summary.done} faces, {summary.failed} photos unreadable "
        f"(model {summary.model}); expression and age redone for {summary.refreshed} photos from older models"
    )
    if args.json:
        emit_json(
            {
                "faces": summary.done,
                "unreadable": summary.failed,
                "refreshed_photos": summary.refreshed,
                "seconds": round(summary.seconds, 3),
                "model": summary.model,
            }
        )
    return 0
