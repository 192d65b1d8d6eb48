"""The learned age head: its arithmetic, its shipped weights, and its use by the age analyzer on real photos."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from faceorg.vision.age_head import AGE_HEAD, AgeHead, head_features
from faceorg.vision.weights import locate

FACES = Path(__file__).parents[2].parent / "shared" / "faces"
FEATURES = 81 + 128


def photo(relpath: str) -> Path:
    path = FACES / relpath
    if not path.is_file():
        pytest.skip(f"the shared test photos are not at {FACES} (clone the project beside its shared/ folder)")
    return path


def one_hot_head(members: int = 1) -> dict[str, np.ndarray]:
    return {
        "mean": np.zeros(FEATURES),
        "scale": np.ones(FEATURES),
        "w1": np.zeros((members, 4, FEATURES)),
        "b1": np.zeros((members, 4)),
        "w2": np.zeros((members, 4)),
        "b2": np.zeros(members),
    }


def test_the_head_is_a_perceptron_over_log_bins_and_descriptor():
    arrays = one_hot_head()
    arrays["w1"][0, 0, 81] = 1.0  # the first descriptor component
    arrays["w2"][0, 0] = 2.0
    arrays["b2"][0] = 10.0
    bins, descriptor = np.full((1, 81), 1 / 81), np.zeros((1, 128))
    descriptor[0, 0] = 3.0
    silu_of_3 = 3.0 / (1.0 + math.exp(-3.0))
    assert AgeHead(arrays)(bins, descriptor)[0] == pytest.approx(2.0 * silu_of_3 + 10.0)


def test_members_are_averaged_and_inputs_standardised():
    arrays = one_hot_head(members=2)
    arrays["b2"][:] = (30.0, 50.0)
    bins, descriptor = np.full((3, 81), 1 / 81), np.random.default_rng(0).normal(size=(3, 128))
    assert AgeHead(arrays)(bins, descriptor) == pytest.approx([40.0, 40.0, 40.0])
    arrays["w1"][:, 0, 0] = 1.0  # reads log p(bin 0) - mean, over scale
    arrays["w2"][:, 0] = 1.0
    arrays["mean"][0], arrays["scale"][0] = math.log(1 / 81), 2.0
    assert AgeHead(arrays)(bins, descriptor) == pytest.approx([40.0, 40.0, 40.0])  # at the mean: silu(0) = 0


def test_empty_bins_are_floored_before_the_log():
    bins = np.zeros((1, 81))
    bins[0, 40] = 1.0
    features = head_features(bins, np.zeros((1, 128)))
    assert np.isfinite(features).all() and features[0, 40] == 0.0 and features[0, 0] < -10


def test_shipped_weights_verify_and_answer_ages():
    head = AgeHead.load()
    assert locate(AGE_HEAD).stat().st_size > 0
    assert head.arrays["w1"].shape[2] == FEATURES
    young, old = np.zeros((1, 81)), np.zeros((1, 81))
    young[0, 5], old[0, 75] = 1.0, 1.0
    descriptor = np.zeros((1, 128))
    assert head(young, descriptor)[0] < head(old, descriptor)[0], "the bins still steer the answer"


@pytest.fixture(scope="module")
def faces():
    from tests.vision.face_fixtures import aligned_faces

    return aligned_faces(photo("facenet/multiface.jpg"))


def test_the_analyzer_reuses_the_embedders_descriptor(faces):
    from faceorg.vision.age_gender import AgeGenderAnalyzer
    from faceorg.vision.aligned import AlignedFace
    from faceorg.vision.embed_torch import TorchDlibEmbedder

    fresh = [AlignedFace(f.image, f.shape5, f.rect) for f in faces]
    alone = AgeGenderAnalyzer("cpu")(fresh)
    TorchDlibEmbedder("cpu")(faces)
    assert all(f.identity is not None for f in faces)
    after = AgeGenderAnalyzer("cpu")(faces)
    assert [a["age"] for a in alone] == pytest.approx([b["age"] for b in after], abs=0.05)


def test_the_head_changes_the_answer_and_the_range_holds_it(faces):
    from faceorg.vision.age_gender import AgeGenderAnalyzer

    with_head = AgeGenderAnalyzer("cpu", calibrated=False, head=True).expected_age(faces)[0]
    without = AgeGenderAnalyzer("cpu", calibrated=False, head=False).expected_age(faces)[0]
    assert np.all((with_head > 10) & (with_head < 80)), "grown-ups in a sitcom cast"
    assert np.max(np.abs(with_head - without)) > 0.5
    for face in AgeGenderAnalyzer("cpu")(faces):
        assert 0 < face["age"] < 100 and face["age_spread"] > 0


def test_the_age_analyzers_version_names_the_head():
    """A new head (new weights, new version) leaves the ages stored before it stale (scan.analysis_refresh)."""
    from faceorg.vision.age_gender import AgeGenderAnalyzer

    assert AGE_HEAD.version in AgeGenderAnalyzer("cpu", head=True).version
    assert AGE_HEAD.version not in AgeGenderAnalyzer("cpu", head=False).version


def mirrored(face):
    """The same face in the photo flipped left to right: landmarks mirrored, eyes swapped."""
    from faceorg.vision.aligned import AlignedFace

    width = face.image.shape[1]
    points = face.shape5.copy()
    points[:, 0] = width - 1 - points[:, 0]
    left, top, right, bottom = face.rect
    rect = (width - 1 - right, top, width - 1 - left, bottom)
    return AlignedFace(np.ascontiguousarray(face.image[:, ::-1]), points[[2, 3, 0, 1, 4]], rect)


def test_a_mirrored_photo_gets_the_same_age(faces):
    """Head v3 reads the descriptor averaged with the mirrored chip's: flipping the photo must not age
    anyone (with the plain descriptor, one of these six faces moved by 4.7 years)."""
    from faceorg.vision.age_gender import AgeGenderAnalyzer
    from faceorg.vision.aligned import AlignedFace

    analyzer = AgeGenderAnalyzer("cpu", calibrated=False)
    ages = analyzer.expected_age([AlignedFace(f.image, f.shape5, f.rect) for f in faces])[0]
    flipped = analyzer.expected_age([mirrored(f) for f in faces])[0]
    assert np.max(np.abs(ages - flipped)) < 2.0
