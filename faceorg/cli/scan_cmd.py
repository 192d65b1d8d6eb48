"""`faceorg scan PATH...`: add folders to the library and analyse what is new or changed."""

from __future__ import annotations

import argparse

from faceorg.cli.context import add_db_flag, add_json_flag, open_library
from faceorg.cli.output import emit_json, say
from faceorg.cli.progress_bar import ProgressBar
from faceorg.scan.progress import ScanSummary
from faceorg.scan.scanner import Scanner


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="scan folders or photos into the library")
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_db_flag(p)
    add_json_flag(p)
    p.add_argument("--device", help="auto (default), cpu or cuda")
    p.add_argument("--embedder", help="identity model backend: torch (default, dlib's weights in our torch port) or dlib (dlib-bin)")
    p.add_argument("--detector", help="face detector: retinaface (default) or mtcnn")
    p.add_argument("--min-face", type=int, dest="min_face", help="ignore faces smaller than this many pixels (default 20)")
    p.set_defaults(run=run)


def print_summary(summary: ScanSummary) -> None:
    say(f"{'Cancelled' if summary.cancelled else 'Done'} in {summary.seconds:.1f} s: "
        f"{summary.scanned} photos scanned, {summary.unchanged} unchanged (skipped), "
        f"{summary.moved} moved or renamed, {summary.vanished} vanished, {summary.faces} faces found, "
        f"{summary.people_created} new people, "
        f"{len(summary.failed)} failed")
    for path, reason in summary.failed:
        say(f"  failed: {path}: {reason}")


def run(args: argparse.Namespace) -> int:
    config, conn = open_library(args)
    scanner = Scanner(conn, config)
    try:
        summary = scanner.scan(args.paths, progress=ProgressBar())
    except KeyboardInterrupt:
        say("Interrupted: everything scanned so far is saved; run the same scan again to continue.")
        return 130
    finally:
        conn.close()
    print_summary(summary)
    if args.json:
        emit_json(summary.as_dict())
    return 0
