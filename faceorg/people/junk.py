"""Background faces: kept, marked, and left out of people and filters unless asked for.

Passers-by, faces on posters, blurred bystanders and profiles make thousands of junk
clusters in other photo managers. Each rule is a measured threshold on a number the
vision layer already computed; `bench/people.py` prints the share of labelled faces each
set loses to them and `bench/junk.py` what they set aside in group photos.

Fitted on the labelled faces of deepface (61 portraits) and the LFW FIT half, checked on
the LFW CHECK half (news photos, faces of 88-120 px in 250 px photos). Figures from the
first 100 LFW photos cached on a loaded machine (bench/people_cache.py), 2026-11-24:
sharpness at 64 px of labelled faces, 1st / 5th percentile: deepface 638 / 712, LFW FIT
105 / 168, LFW CHECK 77 / 158; the blurred bystanders of deepface/img54 measure 5, 14 and
34, the turned-away face of img38 2. The cut at 70 sits between the sharpest smeared face
and the softest labelled ones: about 1 % of the CHECK faces fall below it. The old rule
(Laplacian of the 150 px chip >= 50) set aside 45 % of the LFW faces as blurry.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from faceorg.core.face import FaceRecord


@dataclass(frozen=True)
class JunkRules:
    min_score: float = 0.95
    """The detector's confidence, on its own scale: the scanner passes `detector.background_score`.
    MTCNN: every labelled portrait scores >= 0.979, the doubtful faces 0.74-0.88. RetinaFace
    (which itself drops faces below 0.9): labelled portraits >= 0.996, so the same 0.95."""
    min_sharpness: float = 70.0
    """Laplacian variance of the chip at 64 px (`vision.quality.sharpness_at_own_scale`); see above."""
    max_yaw: float = 0.8
    """Nose offset / half eye distance: labelled faces <= 0.36, a near-profile 0.93."""
    min_side_px: float = 40.0
    """Shorter box side in original pixels."""


@dataclass(frozen=True)
class WeakRules:
    """A weak face may join a person but never pulls two groups together (see people.cluster).

    About the softest / most turned 10 % of the LFW FIT faces (sharpness 10th percentile 256,
    yaw 95th percentile 0.53); no deepface portrait."""

    max_side_px: float = 50.0
    sharpness: float = 120.0
    yaw: float = 0.6


def background_reasons(score: float, quality: dict[str, float], rules: JunkRules = JunkRules()) -> list[str]:
    """Why a face counts as background (empty: it is a real subject)."""
    reasons = []
    if quality.get("side_px", rules.min_side_px) < rules.min_side_px:
        reasons.append("tiny")
    if quality.get("sharpness", rules.min_sharpness) < rules.min_sharpness:
        reasons.append("blurry")
    if score < rules.min_score:
        reasons.append("low score")
    if quality.get("yaw", 0.0) > rules.max_yaw:
        reasons.append("turned away")
    return reasons


def is_weak(quality: dict[str, float], rules: WeakRules | None = None) -> bool:
    """Small, soft or turned: good enough to keep, not to vouch for others."""
    rules = rules or WeakRules()
    return (
        quality.get("side_px", rules.max_side_px) < rules.max_side_px
        or quality.get("sharpness", rules.sharpness) < rules.sharpness
        or quality.get("yaw", 0.0) > rules.yaw
    )


def mark_background(
    conn: sqlite3.Connection, faces: list[tuple[int, FaceRecord]], rules: JunkRules = JunkRules()
) -> int:
    """Flag the background faces among freshly stored ones; returns how many."""
    flagged = [face_id for face_id, record in faces if background_reasons(record.score, record.quality, rules)]
    conn.executemany("UPDATE faces SET background = 1 WHERE id = ?", [(i,) for i in flagged])
    return len(flagged)
