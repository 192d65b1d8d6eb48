"""`faceorg review`: the "Is this Ada?" questions, and the answers to them.

faceorg review [--json]            the open questions, most confident first
faceorg review accept FACE         yes: the face is that person (confirmed)
faceorg review reject FACE         no: never offer that person for this face again
faceorg review same A B            yes to a merge suggestion: A and B are one person
faceorg review distinct A B        no to a merge suggestion: never offer the pair again
"""

from __future__ import annotations

import argparse

from faceorg.cli.context import add_db_flag, add_json_flag, open_library
from faceorg.cli.output import emit_json, say
from faceorg.people import review
from faceorg.store import people

ACTIONS = {"accept": 1, "reject": 1, "same": 2, "distinct": 2}


def _label(conn, person_id: int) -> str:
    person = people.get(conn, person_id)
    return person.label if person else f"person {person_id}"


def _list(conn, as_json: bool) -> int:
    questions = review.queue(conn)
    if as_json:
        emit_json({"suggestions": [s.as_dict() for s in questions]})
        return 0
    for s in questions:
        if s.kind == "face":
            print(f"face {s.face_id:>7}  is this {_label(conn, s.person_id)}?  confidence {s.confidence:.2f}")
        else:
            print(f"people {s.person_id} and {s.other_person_id}: the same person?  confidence {s.confidence:.2f}")
    print(f"{len(questions)} open question(s)")
    return 0


def _merge_question(a: int, b: int) -> review.Suggestion:
    return review.Suggestion("merge", min(a, b), 1.0, 0.0, other_person_id=max(a, b))


def review_cmd(args: argparse.Namespace) -> int:
    _, conn = open_library(args)
    with conn:
        if args.action is None:
            return _list(conn, args.json)
        if len(args.ids) != ACTIONS[args.action]:
            raise ValueError(f"`faceorg review {args.action}` takes {ACTIONS[args.action]} id(s)")
        if args.action in ("accept", "reject"):
            question = review.suggestion_for(conn, args.ids[0])
            (review.accept if args.action == "accept" else review.reject)(conn, question)
            verb = "is now" if args.action == "accept" else "will not be offered again as"
            say(f"face {args.ids[0]} {verb} {_label(conn, question.person_id)}")
        else:
            a, b = args.ids
            for person in (a, b):
                if people.get(conn, person) is None:
                    raise ValueError(f"there is no person {person}")
            (review.accept if args.action == "same" else review.reject)(conn, _merge_question(a, b))
            say(f"people {a} and {b} {'merged' if args.action == 'same' else 'kept apart for good'}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="'Is this Ada?': answer the suggestions for unsorted faces and look-alike people")
    p.add_argument("action", nargs="?", choices=sorted(ACTIONS), help="answer a question (none: list them)")
    p.add_argument("ids", nargs="*", type=int, help="FACE for accept/reject; two PERSON ids for same/distinct")
    add_db_flag(p)
    add_json_flag(p)
    p.set_defaults(run=review_cmd)
