"""Small photos that are one face filling the frame (a cropped avatar, a 48 px training crop).

A detector wants some margin and some pixels around a face; in a 48 x 48 crop the face
fills the frame and is often missed at its own size. Upscaling such a photo to
`CLOSE_UP_VIEW` pixels before detection and letting its face be smaller than
`Config.min_face_px` (down to `CLOSE_UP_MIN_FACE` original pixels) finds it; photos larger
than `CLOSE_UP_SIDE` are left exactly as before. Measured with bench/quality.py, faces
found on the cal / test splits:

    CK+48 (48 px crops)    MTCNN, smallest 40: 29 % / 34 %  -> with close-ups 100 % / 100 %
                           RetinaFace, smallest 20: 87 % / 91 %  -> with close-ups 100 % / 100 %
    wild (some <= 160 px)  MTCNN, smallest 40: 98 % / 88 %  -> 99 % / 92 %
                           RetinaFace, smallest 20: 99 % / 93 %  -> 100 % / 98 %
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PIL import Image

from faceorg.vision.decode import Decoded

CLOSE_UP_SIDE = 160
"""A photo whose longer side is at most this many pixels is treated as a possible close-up."""
CLOSE_UP_VIEW = 320
CLOSE_UP_MIN_FACE = 24


def is_close_up(decoded: Decoded) -> bool:
    return max(decoded.original_size) <= CLOSE_UP_SIDE


def close_up_view(decoded: Decoded) -> Decoded:
    """The photo upscaled for detection (scale > 1) where it is a small close-up, else unchanged."""
    if not is_close_up(decoded):
        return decoded
    height, width = decoded.image.shape[:2]
    factor = CLOSE_UP_VIEW / max(height, width)
    size = (round(width * factor), round(height * factor))
    image = Image.fromarray(decoded.image).resize(size, Image.Resampling.BICUBIC)
    return replace(decoded, image=np.asarray(image), scale=decoded.scale * image.size[0] / width)


def min_face(decoded: Decoded, configured: int) -> int:
    """The smallest face, in original pixels, worth keeping in this photo."""
    return min(configured, CLOSE_UP_MIN_FACE) if is_close_up(decoded) else configured
