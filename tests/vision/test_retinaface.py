"""RetinaFace on the real weights: our priors and decoding against the network's own output,
faces on the shared photos, and the detector registry."""

from __future__ import annotations

import numpy as np
import pytest

from faceorg.core.errors import UsageError
from faceorg.vision import catalogue  # noqa: F401  (registers the detectors)
from faceorg.vision.decode import decode
from faceorg.vision.detector import create_detector, registered_detectors
from faceorg.vision.retinaface import BGR_MEAN, RetinaFaceDetector, network_input, nms, priors


def test_priors_cover_every_output_of_the_network_at_odd_sizes():
    detector = RetinaFaceDetector("cpu")
    for height, width in ((333, 501), (1000, 667), (64, 64)):
        image = np.zeros((height, width, 3), np.uint8)
        loc = detector._load().run(None, {"input": np.zeros((1, 3, height, width), np.float32)})[0]
        assert loc.shape[1] == len(priors(height, width))
        assert detector([image], 10) == [[]], "a blank image has no face"


def test_the_anchors_of_a_few_rows_are_those_rows_of_all_anchors():
    every = priors(333, 501)
    rows = np.array([0, 1, 7, len(every) // 2, len(every) - 1])
    assert np.array_equal(priors(333, 501, rows=rows), every[rows])
    assert priors(333, 501, rows=np.array([], dtype=np.int64)).shape == (0, 4)


def test_the_network_input_is_each_photo_in_bgr_planes_less_the_training_mean():
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (5, 7, 3), dtype=np.uint8) for _ in range(2)]
    got = network_input(images)
    assert got.shape == (2, 3, 5, 7) and got.dtype == np.float32
    for i, image in enumerate(images):
        for plane, channel in enumerate((2, 1, 0)):  # blue, green, red
            assert np.array_equal(got[i, plane], image[..., channel].astype(np.float32) - BGR_MEAN[plane])


def test_nms_keeps_the_best_of_overlapping_boxes_and_every_separate_one():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60], [0, 0, 10, 10.5]], dtype=float)
    scores = np.array([0.8, 0.95, 0.9, 0.7])
    assert nms(boxes, scores) == [1, 2]


def test_the_friends_cast_all_six_with_landmarks_in_place(faces_dir):
    image = decode(faces_dir / "facenet" / "multiface.jpg", 1000).image
    (faces,) = RetinaFaceDetector("cpu")([image], 20)
    assert len(faces) == 6
    for face in faces:
        x1, y1, x2, y2 = face.box
        left_eye, right_eye, nose, left_mouth, right_mouth = face.landmarks
        assert x1 < left_eye[0] < right_eye[0] < x2, "eyes inside the box, left one first (MTCNN's order)"
        assert y1 < min(left_eye[1], right_eye[1]) < nose[1] < max(left_mouth[1], right_mouth[1]) < y2
        assert left_mouth[0] < right_mouth[0]


def test_every_labelled_portrait_has_its_face(faces_dir, identities):
    detector = RetinaFaceDetector("cpu")
    missing = [name for name in identities if not detector([decode(faces_dir / "deepface" / name, 1000).image], 20)[0]]
    assert not missing


def test_the_detector_is_chosen_by_name():
    assert {"mtcnn", "retinaface"} <= set(registered_detectors())
    assert create_detector("retinaface", "cpu").version != create_detector("mtcnn", "cpu").version
    with pytest.raises(UsageError, match="unknown detector"):
        create_detector("haar", "cpu")
