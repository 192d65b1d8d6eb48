"""Entry point: `faceorg COMMAND ...`; with no command, the desktop app opens."""

from __future__ import annotations

import argparse
import os
import sys

from faceorg import __version__
from faceorg.config import load_config
from faceorg.cli import faces_cmd, find_cmd, people_cmd, scan_cmd, stats_cmd

COMMANDS = (scan_cmd, faces_cmd, find_cmd, stats_cmd, people_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="faceorg", description="Find faces in your photos, group them into people, filter by expression, age and attributes.")
    parser.add_argument("--version", action="version", version=f"faceorg {__version__}")
    parser.add_argument("--db", metavar="FILE", help="library file for the app (default: the per-user library.db)")
    parser.add_argument("--selftest", action="store_true", help="check that every model loads and works on a sample photo, then exit")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def _expected_errors() -> tuple[type[BaseException], ...]:
    from faceorg.store.db import StoreError
    from faceorg.vision.weights import WeightsError

    return (ValueError, FileNotFoundError, PermissionError, KeyError, StoreError, WeightsError)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.selftest:
        from faceorg.selftest import run_selftest

        return run_selftest()
    if not hasattr(args, "run"):
        from faceorg.ui.app import run_app  # no command: the desktop app

        return run_app(load_config(db_path=args.db))
    try:
        code = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except KeyboardInterrupt:
        print("faceorg: interrupted", file=sys.stderr)
        return 130
    except _expected_errors() as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"faceorg: error: {message}", file=sys.stderr)
        return 2


def _reader_went_away() -> int:
    """`faceorg people | head -3`: the reader has what it wanted; stop quietly, as `yes | head` does.

    stdout is pointed at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + 13  # killed by SIGPIPE, as shells report it


if __name__ == "__main__":
    sys.exit(main())
