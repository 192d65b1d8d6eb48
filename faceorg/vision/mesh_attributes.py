"""Attributes from the face mesh: one measured number each, turned into a probability.

Eyes_Closed reads the mean eyelid openness of both eyes and Mouth_Slightly_Open the
inner-lip gap (`mesh_measures`), both as x = log(openness + 1e-3) through the logistic
curve of `parsing_attributes.Rule`. Looking_At_Camera is a pose threshold, not a fitted
curve: the face turned or tilted by less than `FACING_DEGREES` (yaw and pitch together)
counts, softened over `FACING_SOFTNESS` degrees.

Fitted by `bench/mesh_attributes.py --fit` on the largest face of the shared photos
(../shared/faces: deepface colour portraits, LFW grey news photos), split per attribute
into alternating fit and check halves (as bench/attributes.py). Labels: Mouth_Slightly_Open
from bench/attribute_labels.csv; Eyes_Closed from bench/eye_labels.csv, read by eye from
the eye strips of the 285 labelled photos and of the 80 photos the mesh found least open
(18 closed, 28 too blurred to tell and left out). On the check half (positives in brackets):
Eyes_Closed AUC 0.94 (9 of 152; precision 1.00, recall 0.11 at p >= 0.5: one face returned),
Mouth_Slightly_Open AUC 0.80 (59 of 142; precision 0.66 at p >= 0.5), where the face parsing's
shipped curve scores 0.79 on the same photos: the mesh's value replaces the parsing's (a curve on
both numbers reached 0.82, precision 0.70: not worth joining two models). Few positives: rough.
"""

from __future__ import annotations

import math

import numpy as np

from faceorg.vision import mesh_measures
from faceorg.vision.parsing_attributes import Rule

CALIBRATION = "mesh1"
"""Bump when RULES or the measures change: the attribute pass then re-runs every face."""
FACING_DEGREES = 20.0
FACING_SOFTNESS = 3.0

RULES: dict[str, Rule] = {
    "Eyes_Closed": Rule("eye_open", True, -5.1899, -10.6995),
    "Mouth_Slightly_Open": Rule("mouth_open", True, 1.0677, 2.2084),
}


def features(marks: np.ndarray, pose: tuple[float, float, float]) -> dict[str, float]:
    right, left = mesh_measures.eye_openness(marks)
    return {
        "eye_open": (right + left) / 2,
        "mouth_open": mesh_measures.mouth_openness(marks),
        "turned": math.hypot(pose[0], pose[1]),
    }


def facing(turned_degrees: float) -> float:
    """Near 1 for a face turned less than FACING_DEGREES from the camera, near 0 beyond."""
    z = (FACING_DEGREES - turned_degrees) / FACING_SOFTNESS
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def probabilities(found: dict[str, float]) -> dict[str, float]:
    out = {name: rule.probability(found) for name, rule in RULES.items()}
    out["Looking_At_Camera"] = facing(found["turned"])
    return out
