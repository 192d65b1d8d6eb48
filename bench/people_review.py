"""A simulated user answering the review queue from the truth, in the order the app asks.

A face question is answered yes when the face's true identity is the one most of the
person's labelled faces have (an unlabelled bystander: no); a merge question yes when
both people's majorities agree. Counted: answers until BCubed F reaches 0.95.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from faceorg.core.metrics import bcubed_scores
from faceorg.people import review

TARGET_F = 0.95


@dataclass
class ReviewRun:
    photos: int
    start_f: float
    end_f: float
    answers: int
    reached_after: int | None
    yes: int
    calibration: list[tuple[float, bool]]


def _bcubed_f(conn: sqlite3.Connection, truth: dict[int, str]) -> float:
    ids = sorted(truth)
    owner = dict(conn.execute(f"SELECT id, person_id FROM faces WHERE id IN ({','.join(map(str, ids))})").fetchall())
    return bcubed_scores([owner[i] for i in ids], [truth[i] for i in ids])[2]


def _majority(conn: sqlite3.Connection, truth: dict[int, str], person_id: int) -> str | None:
    faces = [r[0] for r in conn.execute("SELECT id FROM faces WHERE person_id = ?", (person_id,))]
    votes = Counter(truth[f] for f in faces if f in truth)
    return votes.most_common(1)[0][0] if votes else None


def _right(conn: sqlite3.Connection, truth: dict[int, str], s: review.Suggestion) -> bool:
    if s.kind == "merge":
        a = _majority(conn, truth, s.person_id)
        return a is not None and a == _majority(conn, truth, s.other_person_id)
    return truth.get(s.face_id) is not None and truth.get(s.face_id) == _majority(conn, truth, s.person_id)


def simulate(conn: sqlite3.Connection, truth: dict[int, str], photos: int, budget_per_photo: float = 0.5) -> ReviewRun:
    run = ReviewRun(photos, _bcubed_f(conn, truth), 0.0, 0, None, 0, [])
    if run.start_f >= TARGET_F:
        run.reached_after = 0
    while run.answers < budget_per_photo * photos:
        questions = review.queue(conn)
        if not questions:
            break
        question = questions[0]
        right = _right(conn, truth, question)
        run.calibration.append((question.confidence, right))
        (review.accept if right else review.reject)(conn, question)
        run.answers += 1
        run.yes += right
        if run.reached_after is None and _bcubed_f(conn, truth) >= TARGET_F:
            run.reached_after = run.answers
    run.end_f = _bcubed_f(conn, truth)
    return run


def review_table(runs: dict[str, ReviewRun]) -> None:
    print(f"\nreview queue, simulated user (target BCubed F {TARGET_F}):")
    print(
        f"{'set':<12}{'photos':>7} {'F before':>8} {'answers to F 0.95':>18} {'per photo':>9} {'answers':>8} "
        f"{'yes':>5} {'F after':>8}"
    )
    for name, r in runs.items():
        reached = "not reached" if r.reached_after is None else str(r.reached_after)
        per = "" if r.reached_after is None else f"{r.reached_after / r.photos:.3f}"
        print(
            f"{name:<12}{r.photos:>7} {r.start_f:8.3f} {reached:>18} {per:>9} {r.answers:>8} {r.yes:>5} {r.end_f:8.3f}"
        )
    pairs = [p for r in runs.values() for p in r.calibration]
    if pairs:
        print("calibration of the confidence (all sets): bin, questions, mean confidence, share right")
        for low in (0.0, 0.2, 0.4, 0.6, 0.8):
            inside = [(c, ok) for c, ok in pairs if low <= c < low + 0.2 or (low == 0.8 and c == 1.0)]
            if inside:
                print(
                    f"  {low:.1f}-{low + 0.2:.1f} {len(inside):>5} {sum(c for c, _ in inside) / len(inside):6.2f} "
                    f"{sum(ok for _, ok in inside) / len(inside):6.2f}"
                )
