"""Ray stays optional: only faceorg/cluster imports it; `--ray` never mistakes a folder for an address."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from faceorg.cluster.runtime import check_address
from faceorg.core.errors import UsageError


def test_the_app_and_the_cli_do_not_import_ray():
    code = (
        "import sys, faceorg.cli.main, faceorg.scan.scanner, faceorg.ui.main_window, faceorg.cluster.cli;"
        "print('ray' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "QT_QPA_PLATFORM": "offscreen",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("address", ["auto", "ray://head:10001", "10.0.0.5:6379", "local"])
def test_ray_addresses_are_accepted(address):
    assert check_address(address) == address


@pytest.mark.parametrize("folder", ["/photos/2019", "holiday", "~/Pictures"])
def test_a_folder_after_ray_is_refused_with_the_fix(folder):
    with pytest.raises(UsageError, match="put --ray after the folders"):
        check_address(folder)
