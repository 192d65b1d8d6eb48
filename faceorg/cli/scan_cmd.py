"""`faceorg scan PATH...`: add folders to the library and analyse what is new or changed."""

from __future__ import annotations

import argparse

from faceorg.cli.context import add_db_flag, add_json_flag, add_model_flags, library_from
from faceorg.cli.output import emit_json, say
from faceorg.cli.progress_bar import ProgressBar
from faceorg.scan.progress import ScanSummary


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="scan folders or photos into the library")
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_db_flag(p)
    add_json_flag(p)
    add_model_flags(p)
    p.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="run the models on Ray (pip install 'faceorg[cluster]'): alone, a local runtime on all cores; "
        "with auto or ray://host:10001, join that cluster",
    )
    p.add_argument(
        "--attributes",
        action="store_true",
        help="then run the attribute pass (glasses, hats, hair ...; same as `faceorg attributes`)",
    )
    p.set_defaults(run=run)


def _wait(future):
    """Wait in short steps, so Ctrl-C reaches the main thread while the scan runs on the writer."""
    from concurrent.futures import TimeoutError as Pending

    while True:
        try:
            return future.result(timeout=0.2)
        except Pending:
            continue


def print_summary(summary: ScanSummary) -> None:
    if summary.resumed_grouped or summary.resumed_previews:
        say(
            f"Finished what an interrupted scan left: {summary.resumed_grouped} faces grouped, "
            f"{summary.resumed_previews} photos' previews made"
        )
    say(
        f"{'Cancelled' if summary.cancelled else 'Done'} in {summary.seconds:.1f} s: "
        f"{summary.scanned} photos scanned, {summary.unchanged} unchanged (skipped), "
        f"{summary.moved} moved or renamed, {summary.vanished} vanished, {summary.faces} faces found, "
        f"{summary.people_created} new people, "
        f"{len(summary.failed)} failed"
    )
    for path, reason in summary.failed:
        say(f"  failed: {path}: {reason}")


def run(args: argparse.Namespace) -> int:
    ray_address = getattr(args, "ray", None)
    scanner_factory = None
    runtimes: list = []
    if ray_address:
        from faceorg.cluster.cli import check_ray, ray_scanner_factory  # Ray is imported only for --ray

        check_ray(ray_address)
        scanner_factory = ray_scanner_factory(ray_address, runtimes)
    try:
        with library_from(args, scanner_factory=scanner_factory) as library:
            future = library.scan(
                args.paths,
                progress=ProgressBar(),
                on_wait=lambda: say(
                    "Another scan of this library is running; waiting for it to finish (Ctrl-C to stop waiting)..."
                ),
            )
            try:
                summary = _wait(future)
            except KeyboardInterrupt:  # Ctrl-C is Cancel: the scan stops after the photo it is storing
                library.control.cancel()
                say("Interrupted: everything scanned so far is saved; run the same scan again to continue.")
                return 130
    finally:
        for runtime in runtimes:
            runtime.close()
    print_summary(summary)
    if args.json:
        emit_json(summary.as_dict())
    if args.attributes and not summary.cancelled:
        from faceorg.cli import attributes_cmd

        return attributes_cmd.run(argparse.Namespace(**{**vars(args), "json": False}))  # one JSON document
    return 0
