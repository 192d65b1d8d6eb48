"""The review queue's answers as library operations (run on the writer, one transaction each)."""

from __future__ import annotations

import sqlite3

from faceorg.library.changes import OpChanges
from faceorg.people import review

ANSWERED = OpChanges(people=True, faces=True, undoable=False)


def answer(question: review.Suggestion, yes: bool):
    """An operation: yes confirms the suggestion, no stores that it is wrong for good."""

    def run(conn: sqlite3.Connection, _cache):
        (review.accept if yes else review.reject)(conn, question)
        if question.kind == "merge":
            said = "merged" if yes else "kept apart"
            pair = f"People {question.person_id} and {question.other_person_id}"
            return None, ANSWERED | OpChanges(message=f"{pair} {said}")
        said = "confirmed" if yes else "will not be suggested again"
        return None, ANSWERED | OpChanges(message=f"Face {question.face_id} {said}")

    return run
