"""A small photo that is one face filling the frame (a 48 px crop) is found; large photos are untouched."""

from __future__ import annotations

import numpy as np
from PIL import Image

from faceorg.vision.close_up import CLOSE_UP_SIDE, close_up_view, is_close_up
from faceorg.vision.decode import decode
from faceorg.vision.pipeline import FacePipeline


def test_a_48px_face_crop_is_found_only_with_the_close_up_rule(faces_dir, pipeline, session_config, tmp_path):
    photo = pipeline.run(faces_dir / "deepface" / "img1.jpg")
    (record,) = photo.records
    box = record.box
    image = Image.open(faces_dir / "deepface" / "img1.jpg").convert("RGB")
    side = max(box.width, box.height) * 1.05
    cx, cy = (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2
    crop = image.crop((int(cx - side / 2), int(cy - side / 2), int(cx + side / 2), int(cy + side / 2))).resize((48, 48))
    path = tmp_path / "crop48.png"
    crop.save(path)
    decoded = decode(path, 1024)
    assert is_close_up(decoded)
    strict = session_config.with_overrides(min_face_px=40)  # above this crop's face (the default is 20)
    plain = FacePipeline(strict, analyzer_names=[], close_ups=False)
    assert plain.detect(decoded).records == []
    for config in (strict, strict.with_overrides(detector="mtcnn"), session_config):
        found = FacePipeline(config, analyzer_names=[], close_ups=True).detect(decoded).records
        assert len(found) == 1, (config.detector, config.min_face_px)
        assert found[0].box.x2 <= 48.5 and found[0].box.side > 24  # in the photo's own pixels


def test_a_normal_photo_is_left_as_it_was(faces_dir):
    decoded = decode(faces_dir / "deepface" / "img1.jpg", 1024)
    assert max(decoded.original_size) > CLOSE_UP_SIDE
    assert close_up_view(decoded) is decoded
    assert np.shares_memory(close_up_view(decoded).image, decoded.image)
