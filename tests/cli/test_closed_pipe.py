"""`faceorg people | head -3`: the command stops quietly when its reader goes away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from faceorg.store import people
from faceorg.store.db import connect

REPO = Path(__file__).resolve().parents[2]


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    db = tmp_path / "library.db"
    conn = connect(db)
    with conn:
        for i in range(3000):  # far more output than a pipe buffers
            people.create(conn, f"Person number {i:05d}")
    conn.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = f"{sys.executable} -m faceorg people --db {db} | head -3"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.stdout.count("\n") == 3
    assert result.stderr == "", result.stderr
    assert result.returncode == 141, "a closed pipe is reported the way a shell reports SIGPIPE"
