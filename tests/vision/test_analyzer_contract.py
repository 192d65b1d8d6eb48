"""The analyzer contract (faceorg.vision.analyzer), checked for every registered analyzer.

Faces come from the portrait bundled in resources/selftest (the original and a mirrored copy),
through the real detector and aligner: no photo folder needed.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import faceorg.vision.catalogue  # noqa: F401  (registers every analyzer)
from faceorg.core.face import FaceRecord
from faceorg.vision import analyzer
from tests.helpers import portrait_variants

RECORD_FIELDS = {f.name for f in dataclasses.fields(FaceRecord)} - {"box", "score", "landmarks"}


@pytest.fixture(scope="module")
def two_faces(pipeline, tmp_path_factory):
    paths = portrait_variants(tmp_path_factory.mktemp("contract"), ["plain.jpg", "mirrored.jpg"])
    faces = [pipeline.detect(pipeline.decode(path)).aligned for path in paths]
    assert [len(f) for f in faces] == [1, 1]
    return [faces[0][0], faces[1][0]]


def _close(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return np.allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), atol=1e-4)


def _finite(value) -> bool:
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return bool(np.isfinite(np.asarray(value, dtype=np.float64)).all())


def test_every_analyzer_is_registered():
    assert {"embed-torch", "embed-dlib", "expression", "age-gender"} <= set(analyzer.registered())
    with pytest.raises(analyzer.UsageError, match="unknown analyzer 'nope'"):
        analyzer.create("nope", "cpu")


@pytest.mark.parametrize("name", analyzer.registered())
def test_the_analyzer_keeps_the_contract(name, two_faces):
    """Named, versioned, one update per face in order, only FaceRecord fields,
    finite values, and a face's result does not depend on the batch it came in."""
    model = analyzer.create(name, "cpu")
    assert isinstance(model.name, str) and model.name  # the stage it fills ("embedding" for both embedders)
    assert isinstance(model.version, str) and model.version
    assert model([]) == []
    batch = model(two_faces)
    assert len(batch) == 2
    alone = [model([face])[0] for face in two_faces]
    reversed_batch = model(two_faces[::-1])[::-1]
    for update, single, flipped in zip(batch, alone, reversed_batch, strict=True):
        assert update and set(update) <= RECORD_FIELDS, f"{name} fills unknown fields {set(update) - RECORD_FIELDS}"
        assert all(_finite(v) for v in update.values())
        assert _close(update, single) and _close(update, flipped), f"{name} depends on the batch"
        for key in ("expression", "attributes"):
            assert all(0.0 <= p <= 1.0 for p in update.get(key, {}).values()), f"{name}: {key} outside [0, 1]"
        if "male" in update:
            assert 0.0 <= update["male"] <= 1.0
        if "embedding" in update:
            assert math.isclose(float(np.linalg.norm(update["embedding"])), 1.0, abs_tol=1e-4)
