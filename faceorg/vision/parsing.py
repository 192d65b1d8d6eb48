"""Face parsing: a crop about twice the face box -> per-pixel classes -> shares and colours.

The BiSeNet was trained on CelebAMask-HQ portraits, where the face fills about half the
frame; a crop of `CROP_SCALE` times the face box side, centred a little above the box
centre (hair and hats sit above), resized to `INPUT_SIZE`, looks like that. 256 px input
costs about a quarter of the CPU time (bench/parsing_speed.py) but throws most of the signal away
(`bench/attributes.py --compare 256`, 230 labelled photos, check AUC at 512 vs 256:
Eyeglasses 0.90 vs 0.52, Wearing_Hat 0.98 vs 0.73, Bald 0.97 vs 0.70, mouth open 0.75 vs 0.53).
384 px keeps little of the saving on a CPU and loses glasses (`bench/attributes.py --recompute --compare
384`, 517 photos in four sets, pooled leave-one-set-out check AUC at 512 vs 384: Eyeglasses 0.79 vs
0.66, Wearing_Hat 0.95 vs 0.87, Bald 0.96 vs 0.90, mouth open 0.77 vs 0.75, Black_Hair 0.89 vs 0.87,
Blond_Hair 0.92 vs 0.92), so the input stays 512.

`features` turns a label map into the numbers the attribute calibration reads: the share
of each class in the face's region (normalised by the face box area, so a share does not
depend on the crop size), the colour of the hair pixels, and `bangs`, the hair's share of the
forehead band above the eyes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from faceorg.core.face import Box
from faceorg.vision.glasses import frame_lines
from faceorg.vision.weights import ModelSpec

PARSING_MODEL = ModelSpec(
    "face parsing",
    "resources",
    "weights/face_parsing_bisenet_celebamaskhq.safetensors",
    "167287207ec6968f51377b5167caed42d126ab4043648e7ee43cf81ee050d742",
    "weights: CelebAMask-HQ, non-commercial research only; code MIT (see the .LICENSE.txt beside it)",
    "bisenet-celebamaskhq",
)
INPUT_SIZE = 512
CROP_SCALE = 2.0
CROP_LIFT = 0.15
"""The crop's centre sits this many box sides above the box centre."""


def crop_box(box: Box, scale: float = CROP_SCALE) -> tuple[int, int, int, int]:
    """A square (x1, y1, x2, y2) `scale` box sides wide around the face, lifted towards the hair."""
    side = max(box.width, box.height) * scale
    cx = (box.x1 + box.x2) / 2
    cy = (box.y1 + box.y2) / 2 - CROP_LIFT * max(box.width, box.height)
    return (int(round(cx - side / 2)), int(round(cy - side / 2)), int(round(cx + side / 2)), int(round(cy + side / 2)))


def to_crop(points, box: Box, size: int = INPUT_SIZE, scale: float = CROP_SCALE) -> list[tuple[float, float]]:
    """Image-pixel (x, y) points -> pixels of the crop `cut` makes of `box`."""
    x1, y1, x2, y2 = crop_box(box, scale)
    return [((x - x1) * size / (x2 - x1), (y - y1) * size / (y2 - y1)) for x, y in points]


def cut(image: np.ndarray, box: Box, size: int = INPUT_SIZE, scale: float = CROP_SCALE) -> np.ndarray:
    """The (size, size, 3) uint8 crop; parts outside the photo are black, as a padded portrait."""
    x1, y1, x2, y2 = crop_box(box, scale)
    pil = Image.fromarray(image)
    return np.asarray(
        pil.resize((size, size), Image.Resampling.BILINEAR, box=(x1, y1, x2, y2))
        if x1 >= 0 and y1 >= 0 and x2 <= image.shape[1] and y2 <= image.shape[0]
        else _padded(pil, (x1, y1, x2, y2), size)
    )


def _padded(pil: Image.Image, rect: tuple[int, int, int, int], size: int) -> np.ndarray:
    x1, y1, x2, y2 = rect
    canvas = Image.new("RGB", (x2 - x1, y2 - y1))
    inside = pil.crop((max(0, x1), max(0, y1), min(pil.width, x2), min(pil.height, y2)))
    canvas.paste(inside, (max(0, -x1), max(0, -y1)))
    return np.asarray(canvas.resize((size, size), Image.Resampling.BILINEAR))


def to_input(crops: Sequence[np.ndarray], device: str = "cpu"):
    """uint8 RGB crops -> ImageNet-normalised (B, 3, H, W) float32."""
    import torch

    from faceorg.vision.nets.bisenet import MEAN, STD

    x = torch.from_numpy(np.stack(crops)).to(device=device, dtype=torch.float32).permute(0, 3, 1, 2) / 255.0
    mean = torch.tensor(MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=device).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous()


def parse(model, crops: Sequence[np.ndarray], device: str = "cpu") -> np.ndarray:
    """(B, H, W) uint8 class index per pixel."""
    import torch

    with torch.inference_mode():
        logits = model(to_input(crops, device))
    return logits.argmax(1).to(torch.uint8).cpu().numpy()


BLACK = 0.01
"""Hair pixels no brighter than this (every channel 0-2 of 255) are not counted by `hair_dark`: the
black outside the photo where the crop overhangs it, or a black background the parsing took for
hair. With them a bald head before a black wall, or a face at the photo's edge, read as black hair
(bench/attributes.py, Black_Hair pooled check AUC 0.89 -> 0.90; the same for any cut-off 0.004-0.03)."""
MIN_HAIR_PIXELS = 20
"""Fewer hair pixels than this (after the black ones) is no hair: `hair_dark` 0."""

FEATURE_CLASSES = (
    "skin",
    "eye_g",
    "ear_r",
    "neck_l",
    "hair",
    "hat",
    "mouth",
    "u_lip",
    "l_lip",
    "l_eye",
    "r_eye",
    "l_brow",
    "r_brow",
    "nose",
    "cloth",
    "neck",
)


def features(labels: np.ndarray, crop: np.ndarray, scale: float = CROP_SCALE, eyes=None) -> dict[str, float]:
    """Class shares (per face-box area) and hair colour statistics of one parsed crop; with `eyes`, the
    (person's right, left) eye centres in crop pixels, also `frame_lines` (`glasses.frame_lines`)."""
    from faceorg.vision.nets.bisenet import CLASSES

    face_area = labels.size / (scale * scale)
    out = {f"share_{name}": float((labels == CLASSES.index(name)).sum()) / face_area for name in FEATURE_CLASSES}
    size = labels.shape[0]
    top = labels[: int(size * (0.5 - 0.25 / scale * 1.0))]  # above about the eyebrows
    out["hair_top"] = float((top == CLASSES.index("hair")).sum()) / face_area
    out["skin_top"] = float((top == CLASSES.index("skin")).sum()) / face_area
    hair = labels == CLASSES.index("hair")
    pixels = crop[hair].astype(np.float32) / 255.0 if hair.any() else np.zeros((1, 3), np.float32)
    r, g, b = pixels[:, 0], pixels[:, 1], pixels[:, 2]
    value, saturation = value_saturation(pixels)
    lit = value > BLACK
    out.update(
        hair_value=float(np.median(value)),
        hair_saturation=float(np.median(saturation)),
        hair_rg=float(np.median(r - g)),
        hair_rb=float(np.median(r - b)),
        hair_dark=float((value[lit] < 0.25).mean()) if lit.sum() >= MIN_HAIR_PIXELS else 0.0,
        hair_bright=float((value > 0.6).mean()),
        hair_grey=float(((saturation < 0.15) & (value > 0.35)).mean()),
    )
    lightness, red_green, yellow_blue = np.median(lab(pixels), axis=0)
    out.update(hair_lightness=float(lightness), hair_a=float(red_green), hair_b=float(yellow_blue))
    out["crop_colour"] = colourfulness(crop)
    out["bangs"] = bangs(labels, eyes, scale)
    if eyes is not None:
        out["frame_lines"] = frame_lines(crop, eyes[0], eyes[1])
    return out


def colourfulness(crop: np.ndarray) -> float:
    """The 95th percentile of the HSV saturation of the crop's lit pixels: 0 for a black-and-white
    photo, whose hair has no colour to read (1 where nothing is lit, so nothing is withheld)."""
    value, saturation = value_saturation(crop.reshape(-1, 3).astype(np.float32) / 255.0)
    lit = value > BLACK
    return float(np.percentile(saturation[lit], 95)) if lit.any() else 1.0


def value_saturation(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """HSV value and saturation of (N, 3) RGB pixels in [0, 1] (saturation 0 for black)."""
    value = pixels.max(1)
    return value, np.where(value > 0, (value - pixels.min(1)) / np.maximum(value, 1e-6), 0)


BANGS_BAND = (0.5, 1.0, 0.8)
"""The forehead band `bangs` reads: from 0.5 to 1.0 eye distances above the line through the eye
centres (above the brows, below where a bare forehead's hairline starts), 0.8 eye distances either
side of the eyes' midpoint. On the 497 photos labelled for Bangs (52 with; bench/accessory_labels.csv
and CelebA's own), bands from 0.3-0.8 to 0.7-1.3 eye distances high and 0.5 or 0.8 wide ranked the
photos about equally well (AUC of the raw number 0.87-0.90); this one 0.90, 0.89 held out."""


def bangs(labels: np.ndarray, eyes=None, scale: float = CROP_SCALE) -> float:
    """The hair's share of the hair and skin in the forehead band (`BANGS_BAND`) of a label map: a fringe
    puts hair where a bare forehead shows skin. The class shares alone cannot tell it: long hair beside
    the face, or a hat, fills the crop with as much hair. The band is measured in eye distances along
    the eyes' line (a tilted head tilts it), from `eyes` (the person's right and left eye centres in
    crop pixels) or, without them, the parsed eyes' centres, else where the detector's eyes sit in
    a crop `cut` made (a fringe can hide the eyes' classes but not the landmarks). No hair and no skin
    in the band (a hat over the forehead) reads 0."""
    from faceorg.vision.nets.bisenet import CLASSES

    size = labels.shape[0]
    if eyes is None:
        found = [np.argwhere(labels == CLASSES.index(n)) for n in ("r_eye", "l_eye")]
        if all(len(f) >= 4 for f in found):
            eyes = [tuple(f.mean(0)[::-1]) for f in found]
        else:
            side = size / scale
            cy = size / 2 + (CROP_LIFT - 0.1) * side
            eyes = [(size / 2 - 0.18 * side, cy), (size / 2 + 0.18 * side, cy)]
    right, left = np.asarray(eyes[0], np.float64), np.asarray(eyes[1], np.float64)
    distance = float(np.hypot(*(left - right)))
    if distance < 1.0:
        return 0.0
    along = (left - right) / distance
    up = np.array([along[1], -along[0]]) * (1.0 if along[0] >= 0 else -1.0)  # towards the top of the image
    low, high, half_width = BANGS_BAND
    mid = (left + right) / 2
    reach = distance * (high + half_width)
    x1, y1 = (max(0, int(v - reach)) for v in mid)
    x2, y2 = min(labels.shape[1], int(mid[0] + reach) + 1), min(size, int(mid[1] + reach) + 1)
    window = labels[y1:y2, x1:x2]
    ys, xs = np.mgrid[y1:y2, x1:x2]
    dx, dy = xs - mid[0], ys - mid[1]
    u = (dx * along[0] + dy * along[1]) / distance
    v = (dx * up[0] + dy * up[1]) / distance
    band = window[(np.abs(u) < half_width) & (v > low) & (v < high)]
    hair, skin = int((band == CLASSES.index("hair")).sum()), int((band == CLASSES.index("skin")).sum())
    return hair / (hair + skin) if hair + skin else 0.0


def lab(rgb: np.ndarray) -> np.ndarray:
    """(N, 3) sRGB in [0, 1] -> CIE L*a*b* (D65) scaled by 1/100: lightness as the eye sees it, so
    dark brown and black, or blond and light brown, differ by about as much as they look."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array(
        [[0.4124, 0.2126, 0.0193], [0.3576, 0.7152, 0.1192], [0.1805, 0.0722, 0.9505]], dtype=np.float32
    )
    xyz = xyz / np.array([0.9505, 1.0, 1.089], dtype=np.float32)
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([1.16 * f[:, 1] - 0.16, 5.0 * (f[:, 0] - f[:, 1]), 2.0 * (f[:, 1] - f[:, 2])], axis=1)
