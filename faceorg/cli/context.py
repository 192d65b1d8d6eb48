"""What every command needs: the configuration from flags, and the library (or a read connection)."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from faceorg.config import Config, load_config
from faceorg.store.db import connect


def add_db_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="FILE", default=argparse.SUPPRESS, help="library file (default: the per-user library.db)"
    )


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output on stdout")


def add_model_flags(p: argparse.ArgumentParser) -> None:
    """The flags that choose how faces are found and analysed (scan and faces share them)."""
    p.add_argument("--device", help="auto (default), cpu or cuda")
    p.add_argument(
        "--embedder",
        help="identity model backend: torch (default, dlib's weights in our torch port) or dlib (dlib-bin)",
    )
    p.add_argument("--detector", help="face detector: retinaface (default) or mtcnn")
    p.add_argument(
        "--min-face", type=int, dest="min_face", help="ignore faces smaller than this many pixels (default 20)"
    )


def config_from(args: argparse.Namespace) -> Config:
    return load_config(
        db_path=getattr(args, "db", None),
        device=getattr(args, "device", None),
        embedder=getattr(args, "embedder", None),
        min_face_px=getattr(args, "min_face", None),
        detector=getattr(args, "detector", None),
    )


def open_library(args: argparse.Namespace) -> tuple[Config, sqlite3.Connection]:
    """A connection for commands that only read (close it: `with conn:` does not)."""
    config = config_from(args)
    return config, connect(config.db_path)


@contextmanager
def library_from(args: argparse.Namespace, scanner_factory=None) -> Iterator:
    """The Library for commands that change it: the same operations the desktop app runs."""
    from faceorg.library import Library

    library = Library(config_from(args), scanner_factory=scanner_factory)
    try:
        yield library
    finally:
        library.close(timeout=None)
