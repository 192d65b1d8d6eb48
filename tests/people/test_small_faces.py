"""Background rules scale with the photo: a small sharp face is a subject, a smeared one is not.

Real photos from ../shared/faces, through the real detector and aligner.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from faceorg.people.junk import background_reasons

FACE_PX = 90
"""A face of a news photo: LFW's 250 px photos hold faces of 60-120 px."""


@pytest.fixture(scope="module")
def detector(session_config):
    from faceorg.vision.pipeline import FacePipeline

    return FacePipeline(session_config, analyzer_names=[])


def _main_face(detector, path: Path):
    records = detector.detect(detector.decode(path)).records
    assert records, f"no face found in {path.name}"
    return max(records, key=lambda r: r.box.width * r.box.height)


def _shrunk(detector, source: Path, target: Path, blur: float = 0.0) -> Path:
    """The photo scaled so its main face is about FACE_PX wide, saved as a news-quality JPEG."""
    face = _main_face(detector, source)
    image = Image.open(source).convert("RGB")
    scale = FACE_PX / face.box.width
    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.LANCZOS)
    if blur:
        small = small.filter(ImageFilter.GaussianBlur(blur))
    small.save(target, quality=75)
    return target


@pytest.mark.parametrize("name", ["img1.jpg", "img17.jpg", "img30.jpg"])
def test_a_small_face_in_a_small_photo_is_not_blurry_but_a_smeared_one_is(faces_dir, detector, tmp_path, name):
    sharp = _main_face(detector, _shrunk(detector, faces_dir / "deepface" / name, tmp_path / "small.jpg"))
    assert 60 <= sharp.box.side <= 120
    assert "blurry" not in background_reasons(sharp.score, sharp.quality), sharp.quality
    smeared = _main_face(detector, _shrunk(detector, faces_dir / "deepface" / name, tmp_path / "smeared.jpg", blur=2.5))
    assert "blurry" in background_reasons(smeared.score, smeared.quality), smeared.quality


def test_few_news_photo_faces_are_set_aside(faces_dir, detector):
    folder = faces_dir / "lfw_tune"
    if not (folder / "identities.csv").is_file():
        pytest.skip(f"no LFW photos at {folder}")
    photos = sorted(folder.glob("*.jpg"))[::40]
    flagged = [p.name for p in photos if background_reasons(*(lambda f: (f.score, f.quality))(_main_face(detector, p)))]
    print(f"{len(flagged)} of {len(photos)} news-photo faces set aside: {flagged}")
    assert len(flagged) <= max(1, int(np.ceil(0.05 * len(photos))))
