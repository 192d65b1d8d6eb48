"""Entry point: `faceorg COMMAND ...`; with no command, the desktop app opens."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from faceorg import __version__
from faceorg.cli import attributes_cmd, faces_cmd, find_cmd, models_cmd, people_cmd, review_cmd, scan_cmd, stats_cmd
from faceorg.config import load_config
from faceorg.core.errors import FaceorgError
from faceorg.logfile import start_logging

COMMANDS = (scan_cmd, attributes_cmd, models_cmd, faces_cmd, find_cmd, stats_cmd, people_cmd, review_cmd)
log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faceorg",
        description="Find faces in your photos, group them into people, filter by expression, age and attributes.",
    )
    parser.add_argument("--version", action="version", version=f"faceorg {__version__}")
    parser.add_argument("--db", metavar="FILE", help="library file for the app (default: the per-user library.db)")
    parser.add_argument(
        "--selftest", action="store_true", help="check that every model loads and works on a sample photo, then exit"
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.selftest:
        from faceorg.selftest import run_selftest
        from faceorg.ui.qt_check import check_qt  # only ui imports Qt

        return run_selftest(extra_checks=[check_qt])
    try:
        config = load_config(db_path=args.db)
        start_logging(config)
        if not hasattr(args, "run"):
            from faceorg.ui.app import run_app  # no command: the desktop app

            return run_app(config)
        code = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except KeyboardInterrupt:
        print("faceorg: interrupted", file=sys.stderr)
        return 130
    except FaceorgError as error:  # expected: one line that says what to do
        log.info("%s failed: %s", " ".join(argv[:1]) or "faceorg", error)
        print(f"faceorg: error: {error}", file=sys.stderr)
        return 2
    except Exception:  # a bug: into the log file, and the traceback on stderr as Python shows it
        log.exception("unexpected error running faceorg %s", " ".join(argv))
        raise


def _reader_went_away() -> int:
    """`faceorg people | head -3`: the reader has what it wanted; stop quietly, as `yes | head` does.

    stdout is pointed at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + 13  # killed by SIGPIPE, as shells report it


if __name__ == "__main__":
    sys.exit(main())
