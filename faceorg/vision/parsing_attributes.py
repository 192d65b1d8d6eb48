"""CelebA attributes from a face parsing: one measured number per attribute, turned into a probability.

Each attribute reads one number from `parsing.features` (a class's share of the face-box
area, or a statistic of the hair pixels' colour) and maps it through a logistic curve
p = 1 / (1 + exp(-(a * x + b))), with x = log(share + 1e-3) for shares. `a` and `b` were
fitted by `bench/attributes.py --fit` (see its docstring for the photos: hand-labelled
shared photos, the fit split one half of the people, the check split the other).

`OFFERED` lists the attributes whose filter precision at p >= 0.5 reached 0.8 on the check
split; the others are still computed (the viewer shows them) but are not filters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    feature: str
    log: bool
    a: float
    b: float

    def x(self, features: dict[str, float]) -> float:
        value = features[self.feature]
        return math.log(value + 1e-3) if self.log else value

    def probability(self, features: dict[str, float]) -> float:
        z = self.a * self.x(features) + self.b
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


FEATURE_OF: dict[str, tuple[str, bool]] = {
    "Eyeglasses": ("share_eye_g", True),
    "Wearing_Hat": ("share_hat", True),
    "Wearing_Earrings": ("share_ear_r", True),
    "Wearing_Necklace": ("share_neck_l", True),
    "Bald": ("hair_and_hat", True),
    "Mouth_Slightly_Open": ("share_mouth", True),
    "Black_Hair": ("hair_dark", False),
    "Blond_Hair": ("hair_bright", False),
    "Gray_Hair": ("hair_grey", False),
    "Brown_Hair": ("hair_rb", False),
}
"""Which number each attribute reads; `hair_and_hat` is the hair plus hat share (a bald head has
neither; a hat hides the hair, so hair alone would call every hat bald)."""

RULES: dict[str, Rule] = {
    "Eyeglasses": Rule("share_eye_g", True, 1.3137, 5.4174),
    "Wearing_Hat": Rule("share_hat", True, 1.4469, 2.9828),
    "Bald": Rule("hair_and_hat", True, -3.3616, -11.9588),
    "Mouth_Slightly_Open": Rule("share_mouth", True, 0.8972, 4.8849),
    "Black_Hair": Rule("hair_dark", False, 3.7466, -3.2850),
    "Blond_Hair": Rule("hair_bright", False, 3.5099, -2.6146),
    "Gray_Hair": Rule("hair_grey", False, 5.0083, -3.5432),
}
OFFERED: frozenset[str] = frozenset()


def derived_features(features: dict[str, float]) -> dict[str, float]:
    """Numbers built from several features."""
    return {**features, "hair_and_hat": features["share_hair"] + features["share_hat"]}


def probabilities(features: dict[str, float]) -> dict[str, float]:
    full = derived_features(features)
    return {name: rule.probability(full) for name, rule in RULES.items()}
