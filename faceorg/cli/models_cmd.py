"""`faceorg models import FILE`: bring in a model faceorg cannot ship (SwinFace), checked before it is used."""

from __future__ import annotations

import argparse
from pathlib import Path

from faceorg.cli.context import add_db_flag, config_from
from faceorg.cli.output import say
from faceorg.core.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="import a model file (SwinFace: 40 attributes, expressions, age)")
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="import the official SwinFace checkpoint (checkpoint_step_79999_gpu_0.pt)")
    imp.add_argument("file", type=Path, metavar="FILE")
    add_db_flag(imp)
    imp.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from faceorg.vision.swinface import import_checkpoint

    if not args.file.is_file():
        raise UsageError(f"{args.file} does not exist")
    config = config_from(args)
    target = import_checkpoint(args.file, config.user_models_dir)
    say(
        f"Imported SwinFace into {target}. Run `faceorg attributes` to find the 40 attributes in every face "
        "(faces analysed before are re-analysed with it)."
    )
    return 0
