"""`faceorg stats`: what the library holds and which models made it."""

from __future__ import annotations

import argparse
from contextlib import closing

from faceorg.cli.context import add_db_flag, add_json_flag, open_library
from faceorg.cli.output import emit_json
from faceorg.store.queries import stats


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="counts of photos, faces, failures and model versions")
    add_db_flag(p)
    add_json_flag(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config, conn = open_library(args)
    with closing(conn):
        s = stats(conn)
    if args.json:
        emit_json(
            {
                "db": str(config.db_path),
                "photos": s.photos,
                "faces": s.faces,
                "failed": s.failed,
                "missing": s.missing,
                "failures": [{"path": p, "reason": r} for p, r in s.failures],
                "models": [{"versions": v, "photos": n} for v, n in s.model_sets],
            }
        )
        return 0
    print(f"library   {config.db_path}")
    print(f"photos    {s.photos}")
    print(f"faces     {s.faces}")
    print(f"failed    {s.failed}")
    print(f"missing   {s.missing}")
    for path, reason in s.failures:
        print(f"  failed: {path}: {reason}")
    for versions, count in s.model_sets:
        print(f"models ({count} photos): " + ", ".join(f"{k}={v}" for k, v in sorted(versions.items())))
    return 0
