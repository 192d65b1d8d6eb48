"""The expression analyzer with the real converted model on the shared photos.

Faces come from MTCNN boxes and dlib's 5 landmarks (tests/vision/face_fixtures.py), so
these tests do not depend on the rest of the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from faceorg.core.expression import EXPRESSIONS, top_expression
from faceorg.vision import analyzer
from faceorg.vision.expression import ExpressionAnalyzer

FACES = Path(__file__).parents[2].parent / "shared" / "faces"


def photo(relpath: str) -> Path:
    path = FACES / relpath
    if not path.is_file():
        pytest.skip(f"the shared test photos are not at {FACES} (clone the project beside its shared/ folder)")
    return path


@pytest.fixture(scope="module")
def faces_of():
    from tests.vision.face_fixtures import aligned_faces

    cache: dict[str, list] = {}

    def get(relpath: str):
        if relpath not in cache:
            cache[relpath] = aligned_faces(photo(relpath))
        return cache[relpath]

    return get


@pytest.fixture(scope="module")
def expression():
    """The model's own probabilities: these tests judge the input pipeline, not the calibration."""
    return ExpressionAnalyzer("cpu", calibrated=False)


def largest(faces):
    """The portrait's subject (MTCNN may also find a small face in the background)."""
    return [max(faces, key=lambda f: (f.rect[2] - f.rect[0]) * (f.rect[3] - f.rect[1]))]


def tops(results):
    return [top_expression(r["expression"]) for r in results]


def test_registered_and_lazy():
    made = analyzer.create("expression", "cpu")
    assert isinstance(made, ExpressionAnalyzer)
    assert made.name == "expression"
    assert made.version.startswith("mini-xception-fer2013@a7bac1e9e2a8")
    assert made._model is None  # nothing loaded until the first faces arrive
    assert made([]) == []


def test_friends_smiles_are_happy_and_the_straight_face_is_not(faces_of, expression):
    # Left to right: Jennifer, Matthew (chin on hand, straight face), David, Lisa,
    # Courteney, Matt (closed-mouth half smile).
    faces = faces_of("facenet/multiface.jpg")
    assert len(faces) == 6
    results = expression(faces)
    happy = [r["expression"]["happy"] for r in results]
    for i in (0, 2, 3, 4):  # broad open smiles
        assert tops(results)[i][0] == "happy" and happy[i] > 0.9, (i, results[i])
    assert tops(results)[1][0] != "happy" and happy[1] < 0.2, results[1]
    assert happy[5] < 0.9  # not counted as a broad smile


def test_selfie_laughs_are_happy(faces_of, expression):
    faces = faces_of("deepface/selfie-many-people.jpg")
    assert len(faces) >= 4
    results = expression(faces)
    assert all(name == "happy" for name, _ in tops(results)), tops(results)
    assert sum(p > 0.8 for _, p in tops(results)) >= 3  # the mean over the face and its mirror: a little less peaked


@pytest.mark.parametrize("name", ["img1.jpg", "img8.jpg", "img24.jpg", "img42.jpg", "img43.jpg", "img50.jpg"])
def test_smiling_portraits_are_happy(faces_of, expression, name):
    (result,) = expression(largest(faces_of(f"deepface/{name}")))
    assert top_expression(result["expression"])[0] == "happy"
    assert result["expression"]["happy"] > 0.8


@pytest.mark.parametrize(
    "name", ["img30.jpg", "img32.jpg", "img34.jpg", "img35.jpg", "img36.jpg", "img59.jpg", "img62.jpg"]
)
def test_straight_faced_portraits_are_not_happy(faces_of, expression, name):
    (result,) = expression(largest(faces_of(f"deepface/{name}")))
    assert result["expression"]["happy"] < 0.2
    assert top_expression(result["expression"])[0] in ("neutral", "sad")


def test_probabilities_are_a_distribution_over_the_seven_classes(faces_of, expression):
    results = expression(faces_of("facenet/multiface.jpg") + faces_of("deepface/couple.jpg"))
    for result in results:
        assert set(result) == {"expression"}
        probs = result["expression"]
        assert list(probs) == list(EXPRESSIONS)
        assert all(isinstance(p, float) and 0.0 <= p <= 1.0 for p in probs.values())
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)


def test_a_batch_equals_one_face_at_a_time(faces_of, expression):
    faces = faces_of("facenet/multiface.jpg") + faces_of("deepface/selfie-many-people.jpg")
    batch = expression.probabilities(faces)
    single = np.concatenate([expression.probabilities([face]) for face in faces])
    assert batch.shape == (len(faces), len(EXPRESSIONS))
    np.testing.assert_allclose(batch, single, rtol=0, atol=1e-5)
    # and in reverse order, each face keeps its own answer
    np.testing.assert_allclose(expression.probabilities(faces[::-1])[::-1], batch, rtol=0, atol=1e-5)


def test_calibration_keeps_the_answer_and_tempers_overconfidence(faces_of, expression):
    from faceorg.core.calibration import ExpressionRule

    if ExpressionRule.load().everything:
        pytest.skip("no resources/calibration.json (run bench/quality.py --fit)")
    faces = faces_of("facenet/multiface.jpg")
    raw = expression.probabilities(faces)
    calibrated = ExpressionAnalyzer("cpu").probabilities(faces)
    assert (raw.argmax(axis=1) == calibrated.argmax(axis=1)).all()
    np.testing.assert_allclose(calibrated.sum(axis=1), 1.0, atol=1e-6)
    # fitted T > 1 on labelled photos: the net's 0.99s were right far less often than 99 %
    assert (calibrated.max(axis=1) <= raw.max(axis=1) + 1e-9).all()
