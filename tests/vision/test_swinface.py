"""Importing SwinFace: the official layout is accepted, anything else refused with a sentence, and each
head's output lands in the attribute (or expression) it belongs to."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from faceorg.vision import swinface
from tests.vision import swinface_checkpoint


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("swinface")
    source = swinface_checkpoint.make(
        root / "checkpoint_step_79999_gpu_0.pt",
        heads={
            "Eyeglasses": [-8.0, 8.0],
            "Bald": [8.0, -8.0],
            "Gender": [-8.0, 8.0],
            "Expression": [0.0, 0.0, 0.0, 9.0, 0.0, 0.0, 0.0],
        },
    )
    models = root / "models"
    swinface.import_checkpoint(source, models)
    return root, source, models


def test_the_official_layout_imports_and_each_head_lands_in_its_attribute(imported):
    _, _, models = imported
    model = swinface.load(models)
    face = np.random.default_rng(0).integers(0, 255, (112, 112, 3), dtype=np.uint8)
    with torch.no_grad():
        result = swinface.readable(model(swinface.to_input([face, face[::-1].copy()])))
    assert len(result) == 2
    values = result[0]["attributes"]
    assert values["Eyeglasses"] > 0.99 and values["Bald"] < 0.01 and values["Male"] > 0.99
    assert abs(values["Wearing_Hat"] - 0.5) < 1e-6  # an untouched head is undecided
    assert max(result[0]["expression"], key=result[0]["expression"].get) == "happy"
    assert abs(sum(result[0]["expression"].values()) - 1) < 1e-6
    assert np.isfinite(result[1]["age"])


def test_a_tampered_or_foreign_checkpoint_is_refused_with_a_sentence(imported, tmp_path):
    root, source, _ = imported
    checkpoint = torch.load(source, weights_only=True)
    checkpoint["state_dict_fam"]["nets.0.conv.convs.0.weight"] = torch.zeros(48, 192, 3, 3)
    torch.save(checkpoint, tmp_path / "shape.pt")
    with pytest.raises(swinface.ImportRefused, match=r"nets\.0\.conv\.convs\.0\.weight has shape \(48, 192, 3, 3\)"):
        swinface.import_checkpoint(tmp_path / "shape.pt", tmp_path / "m")
    del checkpoint["state_dict_om"]
    torch.save(checkpoint, tmp_path / "three.pt")
    with pytest.raises(swinface.ImportRefused, match="lacks the four state dicts"):
        swinface.import_checkpoint(tmp_path / "three.pt", tmp_path / "m")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(swinface.ImportRefused, match="cannot be read"):
        swinface.import_checkpoint(tmp_path / "junk.pt", tmp_path / "m")
    assert not (tmp_path / "m" / swinface.FILE_NAME).exists()


def test_an_imported_file_changed_afterwards_is_refused(imported, tmp_path):
    import shutil

    _, _, models = imported
    copy = tmp_path / "models"
    shutil.copytree(models, copy)
    with (copy / swinface.FILE_NAME).open("r+b") as handle:
        handle.seek(-4, 2)
        handle.write(b"\x00\x00\x80\x7f")
    with pytest.raises(swinface.WeightsError, match="changed since it was imported"):
        swinface.load(copy)


def test_the_command_line_refuses_a_foreign_file_with_one_sentence(tmp_path, capsys, monkeypatch):
    from faceorg.cli.main import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "other.pt").write_bytes(b"PK not a torch file")
    assert main(["models", "import", str(tmp_path / "other.pt"), "--db", str(tmp_path / "l.db")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be read as a torch checkpoint" in err[0]
