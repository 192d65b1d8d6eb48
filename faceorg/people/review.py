"""The "Is this Ada?" queue: where grouping cannot know, ask the user, best guesses first.

Two kinds of question, ranked together by calibrated confidence:
- face: an unsorted face whose nearest person is within `SUGGEST_REACH` (closer on
  average to that person's nearest faces than to anyone else's) but that clustering
  left out;
- merge: two people whose faces are close on average ("may be the same person").

Answers are decisions in the store: yes to a face confirms it in that person (a user
anchor clustering never moves, carried over a rescan); no stores a rejection, so the face
is never offered for that person again; yes to a merge merges; no records that the two
people are distinct (`distinct_people`), so the pair is never offered again.

Confidence is P(right | distance), a logistic curve fitted (Newton's method on the questions
a simulated user answers, `bench/people.py --review`) on the labelled faces of deepface and the
LFW FIT half as the default RetinaFace pipeline sees them: 182 questions, 16 % right; centre
0.069, slope 188. Checked on sets not used for fitting, the LFW CHECK half and lfw10 (159
questions): questions given 0.90 on average were right 100 % of the time (13), 0.70 -> 73 %
(11), 0.50 -> 42 % (12), 0.31 -> 50 % (10), 0.02 -> 5 % (113). The curve fitted earlier on
MTCNN's faces (centre 0.080, slope 120) said 0.89 for 79 % right and 0.73 for 50 % there.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import cast

import numpy as np

from faceorg.people import decisions
from faceorg.people.assign import photo_mates, rejected_people
from faceorg.people.index import IdentityIndex
from faceorg.store import faces as face_repo
from faceorg.store import people
from faceorg.store.db import transaction
from faceorg.store.people import ELIGIBLE

SUGGEST_REACH = 0.11
"""Cosine distance (mean over the person's nearest faces) beyond which nothing is suggested."""
MERGE_REACH = 0.075
"""Mean distance between two people's nearest faces below which a merge is suggested."""
NEAREST = 3
"""How many of a person's faces a distance is averaged over (robust to one look-alike face)."""
CALIBRATION = (0.069, 188.0)
"""Logistic confidence: P(right) = 1 / (1 + exp((distance - centre) * slope)); see the module docstring."""


@dataclass(frozen=True)
class Suggestion:
    kind: str
    """"face" (is this face this person?) or "merge" (are these two people one?)."""
    person_id: int
    confidence: float
    distance: float
    face_id: int | None = None
    other_person_id: int | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def confidence(distance: float) -> float:
    centre, slope = CALIBRATION
    return 1.0 / (1.0 + math.exp((distance - centre) * slope))


def _person_distances(vector: np.ndarray, index: IdentityIndex) -> dict[int, float]:
    """Person id -> mean distance from `vector` to that person's NEAREST closest faces."""
    distances = 1.0 - index.vectors @ vector
    order = np.argsort(distances, kind="stable")
    found: dict[int, list[float]] = {}
    for k in order:
        if distances[k] > SUGGEST_REACH * 1.5 and len(found) >= 2:
            break
        bucket = found.setdefault(int(index.person_ids[k]), [])
        if len(bucket) < NEAREST:
            bucket.append(float(distances[k]))
    return {p: float(np.mean(d)) for p, d in found.items()}


def face_suggestions(conn: sqlite3.Connection) -> list[Suggestion]:
    """The best person for each unsorted face within reach, leaving out what the user refused."""
    unsorted = people.unsorted_face_ids(conn)
    index = IdentityIndex.load(conn)
    if not unsorted or not len(index):
        return []
    marks = ",".join(map(str, unsorted))
    ids, vectors = face_repo.embeddings(conn, f"f.id IN ({marks}) AND {ELIGIBLE}")
    refused = rejected_people(conn, ids.tolist())
    _, taken = photo_mates(conn, ids.tolist())
    found = []
    for face_id, vector in zip(ids.tolist(), vectors):
        excluded = refused.get(face_id, set()) | taken.get(face_id, set())
        options = [(d, p) for p, d in _person_distances(vector, index).items() if p not in excluded]
        if options:
            distance, person = min(options)
            if distance < SUGGEST_REACH:
                found.append(Suggestion("face", person, confidence(distance), distance, face_id=face_id))
    return found


def merge_suggestions(conn: sqlite3.Connection) -> list[Suggestion]:
    """Pairs of people whose faces are close on average, unless the user said they differ."""
    index = IdentityIndex.load(conn)
    distinct = {(a, b) for a, b in conn.execute("SELECT person_a, person_b FROM distinct_people")}
    hidden = {p.id for p in people.all_people(conn, include_hidden=True) if p.hidden}
    person_ids = sorted(set(index.person_ids.tolist()) - hidden)
    found = []
    for a in person_ids:
        mine = index.vectors[index.person_ids == a]
        for b in person_ids:
            if b <= a or (a, b) in distinct:
                continue
            theirs = index.vectors[index.person_ids == b]
            nearest = np.sort((1.0 - mine @ theirs.T).ravel())[:NEAREST]
            distance = float(nearest.mean())
            if distance < MERGE_REACH:
                found.append(Suggestion("merge", a, confidence(distance), distance, other_person_id=b))
    return found


def queue(conn: sqlite3.Connection) -> list[Suggestion]:
    """Every open question, most confident first (the order the app asks them in)."""
    both = face_suggestions(conn) + merge_suggestions(conn)
    return sorted(both, key=lambda s: (-s.confidence, s.kind, s.face_id or 0, s.person_id, s.other_person_id or 0))


def suggestion_for(conn: sqlite3.Connection, face_id: int) -> Suggestion:
    found = next((s for s in face_suggestions(conn) if s.face_id == face_id), None)
    if found is None:
        raise decisions.DecisionError(f"face {face_id} has no open suggestion; `faceorg review` lists them")
    return found


def accept(conn: sqlite3.Connection, suggestion: Suggestion) -> None:
    """Yes: the face becomes a confirmed face of the person, or the two people become one."""
    if suggestion.kind == "merge":
        decisions.merge(conn, suggestion.person_id, [cast(int, suggestion.other_person_id)])
    else:
        decisions.move(conn, [cast(int, suggestion.face_id)], suggestion.person_id)


def reject(conn: sqlite3.Connection, suggestion: Suggestion) -> None:
    """No: never offer this face for this person (or these two people as one) again."""
    with transaction(conn):
        if suggestion.kind == "merge":
            a, b = sorted((suggestion.person_id, cast(int, suggestion.other_person_id)))
            conn.execute("INSERT OR IGNORE INTO distinct_people(person_a, person_b) VALUES (?, ?)", (a, b))
            return
        face_id = cast(int, suggestion.face_id)  # a "face" suggestion always names its face
        people.reject(conn, face_id, suggestion.person_id)
        owner = people.assignments(conn, [face_id]).get(face_id, (None, None))[0]
        if owner == suggestion.person_id:
            people.assign(conn, [face_id], None, None)
