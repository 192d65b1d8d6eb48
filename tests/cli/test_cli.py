"""The command line: the JSON each command prints, and which errors become one-line messages.

The library is two copies of the portrait bundled in resources/selftest (one person) and a
file that is not a photo, scanned once through `faceorg scan` with the real models: no photo
folder needed.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging

import numpy as np
import pytest

from faceorg.cli import stats_cmd
from faceorg.cli.main import main
from faceorg.core.expression import EXPRESSIONS
from tests.helpers import portrait_variants


def run_json(*argv: str):
    """Run `faceorg argv --json`; (exit status, parsed stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main([*argv, "--json"])
    return status, json.loads(out.getvalue()) if out.getvalue().strip() else None


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    photos = portrait_variants(root / "photos", ["one.jpg", "two.jpg"])
    (root / "photos" / "notes.jpg").write_text("not a picture")
    db = str(root / "library.db")
    status, summary = run_json("scan", str(root / "photos"), "--db", db, "--device", "cpu")
    assert status == 0
    return root, db, photos, summary


def test_scan_json_counts_what_it_did(scanned):
    root, _, _, summary = scanned
    assert (summary["scanned"], summary["faces"], summary["people_created"]) == (2, 2, 1)
    assert summary["failed"] == [
        {
            "path": str(root / "photos" / "notes.jpg"),
            "reason": "decode: not an image file (or a format faceorg cannot read)",
        }
    ]
    assert summary["cancelled"] is False and summary["seconds"] > 0


def test_stats_json_matches_the_scan(scanned):
    root, db, _, _ = scanned
    status, data = run_json("stats", "--db", db)
    assert status == 0
    assert (data["db"], data["faces"], data["failed"], data["missing"]) == (db, 2, 1, 0)
    assert [f["path"] for f in data["failures"]] == [str(root / "photos" / "notes.jpg")]
    assert len(data["models"]) == 1 and data["models"][0]["photos"] == 2
    assert {"detection", "landmarks", "expression", "age-gender"} <= set(data["models"][0]["versions"])


def test_people_json_lists_the_one_person_with_both_photos(scanned):
    _, db, photos, _ = scanned
    status, data = run_json("people", "--db", db)
    assert status == 0 and data["unsorted"] == []
    (person,) = data["people"]
    assert person["name"] is None and person["hidden"] is False
    assert sorted(face["photo"] for face in person["faces"]) == sorted(str(p) for p in photos)


def test_find_json_filters_by_expression_age_and_person(scanned):
    _, db, photos, _ = scanned
    status, everything = run_json("find", "--db", db)
    assert status == 0 and sorted(r["path"] for r in everything) == sorted(str(p) for p in photos)
    face = everything[0]["faces"][0]
    top = max(face["expression"], key=face["expression"].get)
    other = next(e for e in EXPRESSIONS if e != top)
    assert len(run_json("find", "--db", db, "--expression", top)[1]) == 2
    assert run_json("find", "--db", db, "--expression", other)[1] == []
    ages = [r["faces"][0]["age"] for r in everything]
    assert len(run_json("find", "--db", db, "--age", f"{int(min(ages))}-{int(max(ages)) + 1}")[1]) == 2
    assert run_json("find", "--db", db, "--age", f"{int(max(ages)) + 20}-")[1] == []
    (person,) = run_json("people", "--db", db)[1]["people"]
    assert main(["person", "name", str(person["id"]), "Eileen", "--db", db]) == 0
    assert len(run_json("find", "--db", db, "--person", "eileen")[1]) == 2


def test_faces_json_describes_one_photo(scanned):
    _, _, photos, _ = scanned
    status, data = run_json("faces", str(photos[0]), "--device", "cpu", "--embeddings")
    assert status == 0 and data["path"] == str(photos[0])
    (face,) = data["faces"]
    x1, y1, x2, y2 = face["box"]
    assert 0 <= x1 < x2 <= data["width"] and 0 <= y1 < y2 <= data["height"]
    assert len(face["landmarks"]) == 5
    assert set(face["expression"]) == set(EXPRESSIONS)
    assert sum(face["expression"].values()) == pytest.approx(1, abs=1e-3)
    assert 0 <= face["gender"]["male"] <= 1 and face["age"] > 0
    assert np.linalg.norm(face["embedding"]) == pytest.approx(1, abs=1e-4) and len(face["embedding"]) == 128


def test_a_faceorg_error_is_one_line_and_exit_status_2(scanned, capsys):
    _, db, _, _ = scanned
    assert main(["find", "--db", db, "--expression", "grumpy"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("faceorg: error: unknown expression grumpy")
    assert main(["scan", "/no/such/folder", "--db", db]) == 2
    assert capsys.readouterr().err.strip() == "faceorg: error: /no/such/folder does not exist"


def test_a_bug_keeps_its_traceback_and_reaches_the_log(scanned, monkeypatch, _private_user_folders):
    """A KeyError used to be printed as if it were the user's mistake."""
    _, db, _, _ = scanned

    def broken(conn):
        return {}["photos"]

    monkeypatch.setattr(stats_cmd, "stats", broken)
    with pytest.raises(KeyError):
        main(["stats", "--db", db])
    for handler in logging.getLogger("faceorg").handlers:
        handler.flush()
    log = (_private_user_folders / "state" / "faceorg" / "log" / "faceorg.log").read_text(encoding="utf-8")
    assert "unexpected error running faceorg stats" in log and "KeyError: 'photos'" in log


def test_find_says_when_an_attribute_is_one_the_app_does_not_offer(scanned, capsys):
    """The command line runs every attribute filter, but says which ones measured too unreliable to offer."""
    _, db, _, _ = scanned
    assert main(["find", "--db", db, "--attr", "Black_Hair,-Eyeglasses"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "'Black_Hair'" in notes[0] and "does not offer" in notes[0]
    assert main(["find", "--db", db, "--attr", "Eyeglasses,-Male"]) == 0
    assert "note:" not in capsys.readouterr().err
