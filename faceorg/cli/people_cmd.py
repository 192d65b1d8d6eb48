"""`faceorg people`, `faceorg person ...`, `faceorg recluster`, `faceorg undo`, `faceorg history`."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import closing

from faceorg.cli.context import add_db_flag, add_json_flag, library_from, open_library
from faceorg.cli.output import emit_json, say
from faceorg.core.errors import UsageError
from faceorg.people import decisions
from faceorg.store import browse, history, people


def resolve_person(conn: sqlite3.Connection, text: str) -> int:
    """A person given by id or by name (case-insensitive)."""
    found = people.by_name(conn, text)
    if found is not None:
        return found.id
    if text.strip().isdigit() and people.get(conn, int(text)) is not None:
        return int(text)
    raise UsageError(f"no person called or numbered {text!r}; `faceorg people` lists them")


def list_people(args: argparse.Namespace) -> int:
    _, conn = open_library(args)
    with closing(conn):
        everyone = [p for p in people.all_people(conn, include_hidden=True) if p.face_count or p.name]
        faces_of = {p.id: people.face_ids(conn, p.id) for p in everyone}
        unsorted = people.unsorted_face_ids(conn, include_background=args.background)
        paths = browse.face_photo_paths(conn, [f for ids in faces_of.values() for f in ids] + unsorted)
    if args.json:
        emit_json(
            {
                "people": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "hidden": p.hidden,
                        "faces": [{"id": f, "photo": paths[f]} for f in faces_of[p.id]],
                    }
                    for p in everyone
                ],
                "unsorted": [{"id": f, "photo": paths[f]} for f in unsorted],
            }
        )
        return 0
    for p in everyone:
        if p.hidden and not args.hidden:
            continue
        flag = "  (hidden)" if p.hidden else ""
        print(f"{p.id:>6}  {p.label:<30} {p.face_count:>5} faces in {p.photo_count} photos{flag}")
    print(f"{'':>6}  {'Unsorted faces':<30} {len(unsorted):>5}")
    return 0


def _confirmed(prompt: str, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(f"{prompt} needs confirmation: add --yes")
    return input(f"{prompt} [y/N] ").strip().lower() in ("y", "yes")


def person_action(args: argparse.Namespace) -> int:
    with library_from(args) as library, closing(library.reader()) as conn:
        return _act(args, library, conn)


def _act(args: argparse.Namespace, library, conn: sqlite3.Connection) -> int:
    """One person action as a Library operation (one transaction, on the library's writer)."""
    action = args.action
    if action == "name":
        pid = resolve_person(conn, args.person)
        try:
            library.rename(pid, args.name).result()
        except decisions.NameTaken as taken:
            if not args.merge:
                raise UsageError(
                    f"{taken} — or repeat with --merge to merge person {pid} into {taken.owner.id}"
                ) from None
            library.merge(taken.owner.id, [pid]).result()
            say(f"merged person {pid} into {taken.owner.label}")
            return 0
        say(f"person {pid} is now {args.name!r}")
    elif action == "merge":
        target = resolve_person(conn, args.people[0])
        library.merge(target, [resolve_person(conn, p) for p in args.people[1:]]).result()
        say(f"merged into person {target}")
    elif action == "move":
        library.move_faces([args.face], resolve_person(conn, args.person)).result()
    elif action == "new":
        say(f"created person {library.new_person(args.faces, args.name).result()[0]}")
    elif action == "split":
        pid = resolve_person(conn, args.person)
        groups, _ = library.suggest_split(pid).result()
        if not groups:
            say(f"person {pid}'s faces form one group: nothing to split")
            return 0
        for n, group in enumerate(groups):
            say(f"  group {n + 1}: faces {', '.join(map(str, group))}{'  (stays)' if n == 0 else '  (new person)'}")
        if not args.apply:
            say("preview only: repeat with --apply to split")
            return 0
        created, _ = library.split(pid, groups).result()
        say(f"split person {pid}: new people {', '.join(map(str, created))}")
    elif action == "reject":
        library.reject(args.faces).result()
    elif action in ("hide", "show"):
        library.hide(resolve_person(conn, args.person), action == "hide").result()
    elif action == "cover":
        library.set_cover(resolve_person(conn, args.person), args.face).result()
    elif action == "forget":
        pid = resolve_person(conn, args.person)
        if not _confirmed(f"Forget person {pid} for good (faces, embeddings and crops)?", args.yes):
            say("nothing forgotten")
            return 1
        say(f"forgot person {pid}: {library.forget(pid).result()[0]} faces wiped")
    return 0


def recluster_cmd(args: argparse.Namespace) -> int:
    with library_from(args) as library:
        report, _ = library.recluster().result()
    if args.json:
        emit_json(report.__dict__)
    else:
        say(
            f"re-clustered {report.faces} faces in {report.seconds:.2f} s: {report.clusters} clusters, "
            f"{report.people_created} new people, {report.people_removed} removed, {report.unsorted} unsorted"
        )
    return 0


def undo_cmd(args: argparse.Namespace) -> int:
    with library_from(args) as library:
        summary, _ = library.undo().result()
    say(f"undone: {summary}")
    return 0


def history_cmd(args: argparse.Namespace) -> int:
    import datetime as dt

    _, conn = open_library(args)
    with closing(conn):
        entries = history.listing(conn, args.limit)
    if args.json:
        emit_json([e.__dict__ for e in entries])
        return 0
    for e in entries:
        state = " (undone)" if e.undone else ("" if e.undoable else " (cannot be undone)")
        print(f"{e.id:>5}  {dt.datetime.fromtimestamp(e.at):%Y-%m-%d %H:%M:%S}  {e.kind:<7} {e.summary}{state}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("people", help="list the people albums and the unsorted faces")
    add_db_flag(p)
    add_json_flag(p)
    p.add_argument("--hidden", action="store_true", help="list hidden people too")
    p.add_argument(
        "--background",
        action="store_true",
        help="include background faces (tiny, blurred, turned away) in the unsorted ones",
    )
    p.set_defaults(run=list_people)

    person = sub.add_parser("person", help="name, merge, move, reject, hide or forget")
    actions = person.add_subparsers(title="actions", dest="action", metavar="ACTION", required=True)
    for name, helptext, arguments in (
        ("name", "name a person (PERSON is an id or a name)", [("person",), ("name",)]),
        ("merge", "merge people into the first one", [("people", "+")]),
        ("move", "move a face to a person", [("face", None, int), ("person",)]),
        ("new", "make a new person from faces", [("faces", "+", int)]),
        ("reject", "'not this person': take faces out of their person for good", [("faces", "+", int)]),
        ("hide", "hide a person", [("person",)]),
        ("show", "show a hidden person again", [("person",)]),
        ("cover", "choose a person's cover face", [("person",), ("face", None, int)]),
        ("forget", "delete a person's faces' data for good", [("person",)]),
        ("split", "preview (or --apply) splitting a person into the groups their faces form", [("person",)]),
    ):
        a = actions.add_parser(name, help=helptext)
        for spec in arguments:
            a.add_argument(spec[0], nargs=spec[1] if len(spec) > 1 else None, type=spec[2] if len(spec) > 2 else str)
        add_db_flag(a)
        if name == "name":
            a.add_argument("--merge", action="store_true", help="if the name is taken, merge into that person")
        if name == "new":
            a.add_argument("--name", help="name the new person at once")
        if name == "split":
            a.add_argument("--apply", action="store_true", help="split as previewed")
        if name == "forget":
            a.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        a.set_defaults(run=person_action)

    for name, helptext, func in (
        ("recluster", "group all faces into people again (keeps your decisions)", recluster_cmd),
        ("undo", "undo the last people decision", undo_cmd),
        ("history", "the people decisions, newest first", history_cmd),
    ):
        c = sub.add_parser(name, help=helptext)
        add_db_flag(c)
        add_json_flag(c)
        if name == "history":
            c.add_argument("--limit", type=int, default=50)
        c.set_defaults(run=func)
