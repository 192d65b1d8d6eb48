"""`faceorg faces PHOTO`: analyse one photo and print its faces, without storing anything."""

from __future__ import annotations

import argparse
from pathlib import Path

from faceorg.cli.context import add_json_flag, add_model_flags, config_from
from faceorg.cli.output import emit_json, face_json, face_line
from faceorg.core.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("faces", help="analyse one photo without storing it")
    p.add_argument("photo", metavar="PHOTO")
    add_json_flag(p)
    p.add_argument("--embeddings", action="store_true", help="include the identity embedding of each face")
    add_model_flags(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.photo).expanduser().resolve()
    if not path.is_file():
        raise UsageError(f"{path} is not a file")
    from faceorg.vision.pipeline import FacePipeline  # loads the models: only when a photo is analysed

    photo = FacePipeline(config_from(args)).run(path)
    width, height = photo.decoded.original_size
    if args.json:
        emit_json(
            {
                "path": str(path),
                "width": width,
                "height": height,
                "faces": [face_json(f, args.embeddings) for f in photo.records],
            }
        )
    else:
        print(f"{path} ({width}x{height}): {len(photo.records)} faces")
        for face in photo.records:
            print("  " + face_line(face))
    return 0
