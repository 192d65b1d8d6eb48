"""Small helpers tests import (fixtures live in conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_photos(faces_dir: Path, names: list[str], target: Path) -> list[Path]:
    """Copy some shared photos into a scratch folder a test may rename or damage."""
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for name in names:
        out.append(Path(shutil.copy2(faces_dir / "deepface" / name, target / name)))
    return out


def labelled_faces(conn, identities: dict[str, str]) -> dict[int, str]:
    """face id -> identity, for the largest face of every labelled photo."""
    found: dict[int, str] = {}
    for name, identity in identities.items():
        row = conn.execute(
            """SELECT f.id FROM faces f JOIN photos p ON p.id = f.photo_id WHERE p.name = ?
               ORDER BY (f.x2 - f.x1) * (f.y2 - f.y1) DESC LIMIT 1""", (name,)).fetchone()
        if row:
            found[row[0]] = identity
    return found
