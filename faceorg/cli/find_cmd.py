"""`faceorg find`: photos with a face matching every filter given."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing

from faceorg.cli.context import add_db_flag, add_json_flag, open_library
from faceorg.cli.output import emit_json, face_json
from faceorg.cli.people_cmd import resolve_person
from faceorg.core.attributes import NOT_OFFERED
from faceorg.core.calibration import OFFER_PRECISION, ExpressionRule
from faceorg.core.filters import Filter, parse_age_range, parse_attributes, parse_expressions
from faceorg.store import faces as face_repo
from faceorg.store.browse import photo_rows
from faceorg.store.face_index import FaceIndex


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("find", help="photos with a face matching all the filters")
    add_db_flag(p)
    add_json_flag(p)
    p.add_argument("--expression", help="comma-separated: angry,disgust,fear,happy,sad,surprise,neutral")
    p.add_argument("--age", help="age range in years, e.g. 20-35 (ends included; 20- or -35 leave one open)")
    p.add_argument("--person", help="a person's name or id")
    p.add_argument("--attr", help="CelebA attribute names, comma-separated; prefix - for 'not', e.g. Smiling,-Male")
    p.set_defaults(run=run)


def filter_from(args: argparse.Namespace, conn) -> Filter:
    age_min, age_max = parse_age_range(args.age) if args.age else (None, None)
    return Filter(
        expressions=parse_expressions(args.expression) if args.expression else frozenset(),
        age_min=age_min,
        age_max=age_max,
        attributes=parse_attributes(args.attr) if args.attr else (),
        person=resolve_person(conn, args.person) if args.person else None,
    )


def warn_untrusted(expressions: frozenset[str], rule: ExpressionRule) -> None:
    """The GUI does not offer these filters; the command line runs them but says why to doubt them."""
    for name in sorted(e for e in expressions if not rule.offered(e)):
        print(
            f"note: the '{name}' filter was right less than {OFFER_PRECISION:.0%} of the time on labelled photos; "
            "expect many wrong photos",
            file=sys.stderr,
        )


def warn_unoffered_attributes(attributes: tuple[tuple[str, bool], ...]) -> None:
    """Same for attributes the app does not offer as filters (core.attributes.NOT_OFFERED says why)."""
    for name in sorted({n for n, _ in attributes} & NOT_OFFERED):
        print(
            f"note: the '{name}' filter was right less than 80% of the time on labelled photos, so the app "
            "does not offer it; expect many wrong photos",
            file=sys.stderr,
        )


def run(args: argparse.Namespace) -> int:
    _, conn = open_library(args)
    with closing(conn):
        flt = filter_from(args, conn)
        warn_untrusted(flt.expressions, ExpressionRule.load())
        warn_unoffered_attributes(flt.attributes)
        matches = FaceIndex.load(conn).matches(flt)
        paths = {p.id: p.path for p in photo_rows(conn, [photo for photo, _ in matches])}
        if args.json:
            emit_json(
                [
                    {
                        "path": paths[photo],
                        "faces": [{"id": f.id, **face_json(f.record)} for f in face_repo.load(conn, faces)],
                    }
                    for photo, faces in matches
                ]
            )
        else:
            for photo, _ in matches:
                print(paths[photo])
    return 0
