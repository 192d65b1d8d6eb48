"""The failures users of other photo managers report, shown absent: junk clusters, order
dependence, no split, no undo."""

from __future__ import annotations

import random

from faceorg.cli.main import main
from faceorg.core.metrics import pairwise_scores
from faceorg.people import decisions
from faceorg.people.index import IdentityIndex
from faceorg.people.junk import background_reasons
from faceorg.people.split import suggest_split
from faceorg.people.update import after_scan, place_new_faces
from faceorg.store import people
from faceorg.store.codec import from_json
from tests.helpers import labelled_faces


def _person_of(conn, face_id):
    return conn.execute("SELECT person_id FROM faces WHERE id = ?", (face_id,)).fetchone()[0]


def test_background_faces_are_set_aside_and_no_labelled_face_is_lost(deepface_library, identities):
    conn, _ = deepface_library
    labelled = labelled_faces(conn, identities)
    rows = conn.execute(
        "SELECT f.id, p.name, f.score, f.quality, f.background FROM faces f JOIN photos p ON p.id = f.photo_id"
    ).fetchall()
    counts: dict[str, int] = {}
    for _, _, score, quality, flag in rows:  # for the printout only: the truth is checked below
        for reason in background_reasons(score, from_json(quality, {})) if flag else []:
            counts[reason] = counts.get(reason, 0) + 1
    background = {r[0] for r in rows if r[4]}
    print(f"background faces: {len(background)} of {len(rows)}; by rule: {counts}")
    assert not background & set(labelled), "a labelled portrait was set aside as background"
    # img54 has a portrait and three blurred bystanders behind
    img54 = [r for r in rows if r[1] == "img54.jpg"]
    assert sum(r[4] for r in img54) == len(img54) - 1
    assert not any(_person_of(conn, f) for f in background), "background faces stay out of people"
    assert not background & set(people.unsorted_face_ids(conn))
    assert background <= set(people.unsorted_face_ids(conn, include_background=True))


def test_a_wrong_merge_is_split_back_by_the_suggestion(people_library, identities):
    conn = people_library
    labelled = labelled_faces(conn, identities)
    owner = {who: _person_of(conn, f) for f, who in labelled.items()}
    a, b = owner["person01"], owner["person02"]
    decisions.merge(conn, a, [b])  # the user merges two different people by mistake
    groups = suggest_split(conn, a)
    assert len(groups) == 2
    for group in groups:
        assert len({labelled[f] for f in group if f in labelled}) == 1, "each suggested group is one identity"
    created = decisions.split(conn, a, groups)
    assert len(created) == 1
    for person in (a, created[0]):
        assert len({labelled[f] for f in people.face_ids(conn, person) if f in labelled}) == 1
    assert "split" in decisions.undo(conn)
    assert people.get(conn, created[0]) is None


def test_a_person_of_one_identity_has_no_split_suggestion(people_library, identities):
    conn = people_library
    labelled = labelled_faces(conn, identities)
    person = _person_of(conn, next(f for f, who in labelled.items() if who == "person01"))
    assert suggest_split(conn, person) == []


def _reset_people(conn):
    conn.execute("UPDATE faces SET person_id = NULL, assigned_by = NULL")
    conn.execute("DELETE FROM people")


def _f_score(conn, identities):
    labelled = labelled_faces(conn, identities)
    ids = sorted(labelled)
    return pairwise_scores([_person_of(conn, i) for i in ids], [labelled[i] for i in ids])[2]


def test_scanning_in_batches_gives_the_same_people_as_scanning_at_once(people_library, identities):
    """Three batches in five random orders, through the same steps a scan takes."""
    conn = people_library
    _reset_people(conn)
    after_scan(conn, [r[0] for r in conn.execute("SELECT id FROM faces")])
    single = _f_score(conn, identities)
    photo_ids = [r[0] for r in conn.execute("SELECT id FROM photos WHERE status = 'ok' ORDER BY id")]
    scores = []
    for seed in range(5):
        order = photo_ids[:]
        random.Random(seed).shuffle(order)
        batches = [order[i::3] for i in range(3)]
        _reset_people(conn)
        conn.execute("UPDATE photos SET status = 'missing'")
        for batch in batches:
            marks = ",".join(map(str, batch))
            conn.execute(f"UPDATE photos SET status = 'ok' WHERE id IN ({marks})")
            new_faces = [r[0] for r in conn.execute(f"SELECT id FROM faces WHERE photo_id IN ({marks}) ORDER BY id")]
            place_new_faces(conn, IdentityIndex.load(conn), new_faces)
            after_scan(conn, new_faces)
        scores.append(_f_score(conn, identities))
    print(f"pairwise F: single scan {single:.4f}; batches {', '.join(f'{s:.4f}' for s in scores)}")
    assert all(abs(s - single) <= 0.02 for s in scores)


def test_undo_and_history_from_the_command_line(people_library, identities, capsys):
    conn = people_library
    db = conn.execute("PRAGMA database_list").fetchone()[2]
    labelled = labelled_faces(conn, identities)
    owner = {who: _person_of(conn, f) for f, who in labelled.items()}
    a, b = owner["person01"], owner["person02"]
    assert main(["person", "name", str(a), "Alice", "--db", db]) == 0
    assert main(["person", "merge", str(a), str(b), "--db", db]) == 0
    assert people.get(conn, b) is None
    capsys.readouterr()
    assert main(["history", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "merge" in listing and "Alice" in listing
    assert main(["undo", "--db", db]) == 0
    assert "merged" in capsys.readouterr().err
    assert people.get(conn, b) is not None and people.get(conn, a).name == "Alice"
    assert main(["undo", "--db", db]) == 0
    assert people.get(conn, a).name is None
    assert main(["undo", "--db", db]) == 2, "nothing left to undo is a clear error"
