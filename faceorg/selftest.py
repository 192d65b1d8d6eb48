"""`faceorg --selftest`: does this installation (or bundle) have every model, and do they work?

Runs the whole vision pipeline on one bundled public-domain photo (resources/selftest/)
and checks each model's output for sanity; the entry point adds the Qt check
(faceorg.ui.qt_check: only ui imports Qt). One line per
check, "ok   ..." or "FAIL ...", and exit status 0 only when every check passed. Meant
for a fresh install, for the PyInstaller bundle right after it is built, and for a user
reporting a problem.

`bundle_model_files()` (from `bundled_model_specs()`, every ModelSpec in faceorg.vision) is
also what faceorg.spec builds its list of model files from, so a model added to
faceorg.vision cannot be forgotten in the bundle.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from faceorg.vision.weights import ModelSpec

SELFTEST_PHOTO = Path("selftest") / "astronaut.jpg"
"""Relative to resources/: Eileen Collins, NASA, public domain (see resources/selftest/NOTICE.txt)."""

MIN_SCORE = 0.9
MAX_DESCRIPTOR_DISTANCE = 1e-3
"""Cosine distance allowed between our torch port of dlib's ResNet and dlib-bin on the selftest face."""

_EXPLICIT_MODULES = ("faceorg.vision.catalogue", "faceorg.vision.detect", "faceorg.vision.landmarks")
"""Imported even where walking the package finds nothing (a frozen app without pkgutil support)."""


def _vision_modules() -> list[str]:
    import faceorg.vision as vision

    found = {info.name for info in pkgutil.walk_packages(vision.__path__, "faceorg.vision.")}
    return sorted(found | set(_EXPLICIT_MODULES))


def all_model_specs() -> list[ModelSpec]:
    """Every `ModelSpec` defined at module level in faceorg.vision (alone or in a tuple/list).

    Importing a module that fails raises: for the build and the tests a broken module must
    not silently drop its models from the list.
    """
    found: dict[tuple[str, str], ModelSpec] = {}
    for name in _vision_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            items = value if isinstance(value, (tuple, list)) else (value,)
            for item in items:
                if isinstance(item, ModelSpec):
                    found.setdefault((item.origin, item.relpath), item)
    return sorted(found.values(), key=lambda s: (s.origin, s.relpath))


def bundled_model_specs() -> list[ModelSpec]:
    """The specs whose files ship with faceorg (not the optional ones in the user's model folder)."""
    return [spec for spec in all_model_specs() if spec.origin != "user"]


def bundle_model_files() -> list[tuple[str, str]]:
    """(source file, folder inside the bundle) for each model file that ships inside a package.

    The folder mirrors the package (`face_recognition_models/models`), and each package's
    `__init__.py` comes along, so `weights.package_dir()` (importlib's find_spec, which
    never runs the package) finds the files in a frozen app exactly as in a venv. Files
    of origin "resources" need no entry: the whole resources/ folder is bundled.
    Raises `WeightsError` when a file is missing or corrupt here, so a build cannot
    ship without it.
    """
    from faceorg.vision.weights import locate, package_dir

    files: dict[str, str] = {}
    for spec in bundled_model_specs():
        source = locate(spec)
        if spec.origin == "resources":
            continue
        files[str(source)] = str(Path(spec.origin, spec.relpath).parent)
        files.setdefault(str(package_dir(spec.origin) / "__init__.py"), spec.origin)
    return sorted(files.items())


class Report:
    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out
        self.failures = 0

    def ok(self, check: str, detail: str) -> None:
        self.out(f"ok   {check}: {detail}")

    def fail(self, check: str, detail: str) -> None:
        self.failures += 1
        self.out(f"FAIL {check}: {detail}")

    def expect(self, check: str, good: bool, detail: str) -> bool:
        (self.ok if good else self.fail)(check, detail)
        return good


def error_text(error: BaseException) -> str:
    """A WeightsError already says what to do; anything else is named by its type."""
    from faceorg.vision.weights import WeightsError

    text = str(error) or type(error).__name__
    return text if isinstance(error, WeightsError) else f"{type(error).__name__}: {text}"


def _check_weights(report: Report) -> None:
    from faceorg.vision.weights import WeightsError, locate

    try:
        specs = bundled_model_specs()
    except Exception as error:  # a vision module that does not import: say which
        report.fail("weights", f"could not list the models: {error_text(error)}")
        return
    missing = 0
    for spec in specs:
        try:
            locate(spec)
        except WeightsError as error:
            missing += 1
            report.fail(f"weights {spec.task}", str(error))
    if not missing:
        report.ok("weights", f"{len(specs)} model files found, checksums match")


def _judge(update: dict[str, Any]) -> list[tuple[bool, str]]:
    """Sanity of one analyzer's output for one face: (good, what was seen) per field."""
    import numpy as np

    if not update:
        return [(False, "no output for the face")]
    seen: list[tuple[bool, str]] = []
    for key, value in update.items():
        if key == "embedding":
            vector = np.asarray(value, dtype=np.float64)
            norm = float(np.linalg.norm(vector))
            good = vector.shape == (128,) and abs(norm - 1.0) < 1e-4 and bool(np.isfinite(vector).all())
            seen.append((good, f"{'x'.join(map(str, vector.shape))}-D descriptor, norm {norm:.6f}"))
        elif key == "expression":
            total = sum(float(v) for v in value.values())
            good = bool(value) and abs(total - 1.0) < 1e-3 and all(0.0 <= float(v) <= 1.0 for v in value.values())
            top = max(value, key=value.get) if value else "-"
            seen.append(
                (good, f"{len(value)} probabilities summing to {total:.4f}, top {top} {float(value.get(top, 0.0)):.2f}")
            )
        elif key == "age":
            spread = f" ± {float(update['age_spread']):.1f}" if "age_spread" in update else ""
            seen.append((1.0 <= float(value) <= 100.0, f"age {float(value):.1f}{spread} years"))
        elif key == "male":
            seen.append((0.0 <= float(value) <= 1.0, f"P(male) {float(value):.3f}"))
        elif key == "attributes":
            bad = {k: v for k, v in value.items() if not 0.0 <= float(v) <= 1.0}
            seen.append(
                (
                    not bad,
                    f"attributes out of [0, 1]: {bad}"
                    if bad
                    else f"{len(value)} attribute{'s' * (len(value) != 1)} in [0, 1]",
                )
            )
        elif isinstance(value, float) and not math.isfinite(value):
            seen.append((False, f"{key} is {value}"))
    return seen


def _check_vision(report: Report, device: str) -> None:
    import numpy as np

    from faceorg.config import default_config
    from faceorg.resources import resources_dir
    from faceorg.vision import analyzer
    from faceorg.vision.pipeline import FacePipeline

    photo = resources_dir() / SELFTEST_PHOTO
    if not photo.is_file():
        report.fail("selftest photo", f"{photo} is missing")
        return
    config = default_config().with_overrides(device=device)
    try:
        pipeline = FacePipeline(config, analyzer_names=[])
        started = time.perf_counter()
        faces = pipeline.detect(pipeline.decode(photo))
        seconds = time.perf_counter() - started
    except Exception as error:
        report.fail("detection", error_text(error))
        return
    scores = ", ".join(f"{r.score:.3f}" for r in faces.records) or "none"
    if not report.expect(
        "detection",
        len(faces.records) == 1 and faces.records[0].score > MIN_SCORE,
        f"{len(faces.records)} face{'s' * (len(faces.records) != 1)}, score {scores} "
        f"({pipeline.device}, {seconds:.2f} s)",
    ):
        return
    aligned = faces.aligned[0]
    report.expect(
        "landmarks",
        aligned.shape5.shape == (5, 2) and bool(np.isfinite(aligned.shape5).all()),
        f"{len(aligned.shape5)} points",
    )

    embeddings: dict[str, np.ndarray] = {}
    for name in analyzer.registered():
        try:
            model = analyzer.create(name, pipeline.device)
            started = time.perf_counter()
            updates = model([aligned])
            seconds = time.perf_counter() - started
        except Exception as error:
            report.fail(name, error_text(error))
            continue
        if len(updates) != 1:
            report.fail(name, f"gave {len(updates)} results for 1 face")
            continue
        seen = _judge(updates[0])
        report.expect(
            name,
            all(good for good, _ in seen),
            ", ".join(text if good else f"WRONG {text}" for good, text in seen) + f" ({seconds:.2f} s)",
        )
        if "embedding" in updates[0]:
            embeddings[name] = np.asarray(updates[0]["embedding"], dtype=np.float64)
    if "embed-torch" in embeddings and "embed-dlib" in embeddings:
        distance = 1.0 - float(embeddings["embed-torch"] @ embeddings["embed-dlib"])
        report.expect(
            "torch vs dlib-bin",
            distance < MAX_DESCRIPTOR_DISTANCE,
            f"cosine distance {max(distance, 0.0):.1e} (limit {MAX_DESCRIPTOR_DISTANCE:.0e})",
        )
    else:
        report.fail("torch vs dlib-bin", "needs both embed-torch and embed-dlib to work")


def run_selftest(
    device: str = "auto", out: Callable[[str], None] = print, extra_checks: Sequence[Callable[[Report], None]] = ()
) -> int:
    """Run every check; 0 when all pass, else 1 (each failure says what is missing or wrong).

    `extra_checks` run last, in order: the entry point passes the Qt check from faceorg.ui,
    since only ui may import Qt.
    """
    from faceorg import __version__

    started = time.perf_counter()
    frozen = " (bundle)" if getattr(sys, "frozen", False) else ""
    out(f"faceorg {__version__}{frozen} selftest, Python {sys.version.split()[0]}")

    def say(line: str) -> None:
        out(line)
        sys.stdout.flush()

    report = Report(say)
    _check_weights(report)
    _check_vision(report, device)
    for check in extra_checks:
        check(report)
    seconds = time.perf_counter() - started
    if report.failures:
        out(f"selftest FAILED: {report.failures} check{'s' * (report.failures != 1)} failed ({seconds:.1f} s)")
        return 1
    out(f"selftest passed ({seconds:.1f} s)")
    return 0
