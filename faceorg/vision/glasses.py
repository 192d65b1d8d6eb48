"""Spectacle frames read off the image itself: thin horizontal lines where a bare face has smooth skin.

The face parsing's glasses class is weakest on grey and small photos (LFW), where a frame is a
few grey pixels. A frame's bridge crosses the nose between the eyes and its lower rims run under
the eyes; both are thin bars, lying along the line through the eyes. `frame_lines` samples the
grey image in the eyes' own frame (u along the line from the person's right eye to the left one,
v down the face, both in eye distances from the eyes' midpoint), averages each band along u (a
bar adds up, skin texture and noise average out) and takes the strongest second difference of
that profile down v: large for a thin bar, small for the shading of a nose or a cheek. The
bridge band and the mean of the two rim bands are added, then divided by the 90th percentile of
the gradient magnitude on the eyes themselves (every face has eyes; this cancels the photo's
contrast and sharpness). No colour is used.

Measured in bench/attributes.py (leave one set out, 517 photos in four sets) with the parsing's
glasses share in one logistic curve (parsing_attributes.RULES).
"""

from __future__ import annotations

import numpy as np

SAMPLES = 40
"""Samples per eye distance."""
BRIDGE = (-0.12, 0.12, -0.35, 0.15)
"""(u0, u1, v0, v1) of the band between the eyes, from just above the brows' lower edge to below the eye line."""
RIMS = ((-0.75, -0.25, 0.2, 0.6), (0.25, 0.75, 0.2, 0.6))
"""Under each eye, where a lower rim runs."""
EYES = ((-0.75, -0.25, -0.15, 0.15), (0.25, 0.75, -0.15, 0.15))
"""The eyes themselves: the contrast reference."""


def _grey(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float32).mean(2) / 255.0 if image.ndim == 3 else image.astype(np.float32) / 255.0


def _band(grey: np.ndarray, centre: np.ndarray, u: np.ndarray, v: np.ndarray, d: float, region) -> np.ndarray:
    """Bilinear samples of `grey` on the (v, u) grid of `region`, SAMPLES per eye distance."""
    u0, u1, v0, v1 = region
    us = np.arange(u0, u1, 1 / SAMPLES)
    vs = np.arange(v0, v1, 1 / SAMPLES)
    pts = centre + (us[None, :, None] * u + vs[:, None, None] * v) * d
    h, w = grey.shape
    x = np.clip(pts[..., 0], 0, w - 1.001)
    y = np.clip(pts[..., 1], 0, h - 1.001)
    x0, y0 = x.astype(int), y.astype(int)
    fx, fy = x - x0, y - y0
    return (
        grey[y0, x0] * (1 - fx) * (1 - fy)
        + grey[y0, x0 + 1] * fx * (1 - fy)
        + grey[y0 + 1, x0] * (1 - fx) * fy
        + grey[y0 + 1, x0 + 1] * fx * fy
    )


def _line(band: np.ndarray) -> float:
    """Strongest second difference of the band's row means: a bar one or two samples thick."""
    profile = band.mean(1)
    if len(profile) < 3:
        return 0.0
    return float(np.abs(profile[2:] + profile[:-2] - 2 * profile[1:-1]).max())


def frame_lines(image: np.ndarray, right_eye, left_eye) -> float:
    """Bridge plus lower-rim line strength over eye contrast, for an (H, W, 3) or (H, W) uint8 image and
    the (x, y) eye centres in its pixels (the person's right eye, on the photo's left, first)."""
    right, left = np.asarray(right_eye, np.float64), np.asarray(left_eye, np.float64)
    d = float(np.linalg.norm(left - right))
    if d < 1e-6:
        return 0.0
    u = (left - right) / d
    v = np.array([-u[1], u[0]])
    centre = (right + left) / 2
    # only the part of the image the bands reach (within 1.2 eye distances of the midpoint) is made grey
    x0, y0 = (max(0, int(c - 1.2 * d)) for c in centre)
    x1, y1 = int(centre[0] + 1.2 * d) + 2, int(centre[1] + 1.2 * d) + 2
    grey = _grey(image[y0:y1, x0:x1])
    if min(grey.shape) < 2:
        return 0.0
    centre = centre - (x0, y0)
    step = 1 / SAMPLES
    magnitudes = []
    for u0, u1, v0, v1 in EYES:
        eye = _band(grey, centre, u, v, d, (u0 - step, u1 + step, v0 - step, v1 + step))
        gy = (eye[2:, 1:-1] - eye[:-2, 1:-1]) / 2
        gx = (eye[1:-1, 2:] - eye[1:-1, :-2]) / 2
        magnitudes.append(np.hypot(gx, gy).ravel())
    contrast = float(np.percentile(np.concatenate(magnitudes), 90)) + 1e-3
    bridge = _line(_band(grey, centre, u, v, d, BRIDGE))
    rims = float(np.mean([_line(_band(grey, centre, u, v, d, rim)) for rim in RIMS]))
    return (bridge + rims) / contrast
