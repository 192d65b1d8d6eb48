"""CelebA attributes from a face parsing: one measured number per attribute, turned into a probability.

Each attribute reads one number from `parsing.features` (a class's share of the face-box
area, or a statistic of the hair pixels' colour) and maps it through a logistic curve
p = 1 / (1 + exp(-(a * x + b))), with x = log(share + 1e-3) for shares. `a` and `b` were
fitted by `bench/attributes.py --fit` on the largest face of 230 shared photos labelled by
eye (../shared/faces: 61 colour deepface portraits, 169 grey LFW photos of t0001-t0224; hair
colours on the colour ones only), split per attribute into a fit and a check half. On the
check half (positives in brackets): Eyeglasses AUC 0.90 (16), Wearing_Hat 0.98 (5), Bald
0.97 (4), Mouth_Slightly_Open 0.75 (49), Black_Hair 0.94 (6), Blond_Hair 0.90 (8),
Gray_Hair 1.00 (2). Few positives: treat these as rough.

Attributes whose filter precision at p >= 0.5 stayed below 0.8 on the check split are
listed in `core.attributes.NOT_OFFERED`: still computed (the viewer shows the probability),
not offered as filters. Wearing_Earrings, Wearing_Necklace, Bangs and Brown_Hair have
features but no labels yet, so no curve: they are not computed.
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
    "Eyeglasses": Rule("share_eye_g", True, 0.7542, 2.8156),
    "Wearing_Hat": Rule("share_hat", True, 1.0299, 2.3760),
    "Bald": Rule("hair_and_hat", True, -3.8817, -13.0649),
    "Mouth_Slightly_Open": Rule("share_mouth", True, 1.1087, 5.7978),
    "Black_Hair": Rule("hair_dark", False, 5.0706, -4.1304),
    "Blond_Hair": Rule("hair_bright", False, 3.5070, -1.9617),
    "Gray_Hair": Rule("hair_grey", False, 5.4528, -3.9369),
}


def derived_features(features: dict[str, float]) -> dict[str, float]:
    """Numbers built from several features."""
    return {**features, "hair_and_hat": features["share_hair"] + features["share_hat"]}


def probabilities(features: dict[str, float]) -> dict[str, float]:
    full = derived_features(features)
    return {name: rule.probability(full) for name, rule in RULES.items()}
