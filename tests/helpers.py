"""Small helpers tests import (fixtures live in conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SELFTEST_PHOTO = REPO / "resources" / "selftest" / "astronaut.jpg"
"""A public-domain portrait that ships with faceorg (resources/selftest/NOTICE.txt): one clear face."""


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
               ORDER BY (f.x2 - f.x1) * (f.y2 - f.y1) DESC LIMIT 1""",
            (name,),
        ).fetchone()
        if row:
            found[row[0]] = identity
    return found


def portrait_variants(target: Path, names: list[str]) -> list[Path]:
    """Distinct JPEGs (different bytes, same one face) made from the bundled portrait, for scan
    tests that need no photo folder: the portrait enlarged 1.5x, then mirrored, enlarged more and cropped."""
    from PIL import Image, ImageOps

    target.mkdir(parents=True, exist_ok=True)
    with Image.open(SELFTEST_PHOTO) as opened:  # enlarged: its 53 px face would count as background
        size = (opened.width * 3 // 2, opened.height * 3 // 2)
        original = opened.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    w, h = original.size
    makers = [
        lambda im: im,
        ImageOps.mirror,
        lambda im: im.resize((w * 5 // 4, h * 5 // 4), Image.Resampling.LANCZOS),
        lambda im: im.crop((w // 20, h // 20, w, h)),
    ]
    out = []
    for i, name in enumerate(names):
        image = makers[i % len(makers)](original)
        if i >= len(makers):  # more names than makers: vary the encoding too
            image = image.resize((image.width - i, image.height - i))
        image.save(target / name, quality=92 - i)
        out.append(target / name)
    return out
