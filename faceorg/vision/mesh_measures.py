"""Numbers read off a face mesh: how open the eyes and the mouth are, and the head's pose in degrees.

Landmark indices are MediaPipe's canonical face mesh numbering (the person's right eye is
on the photo's left). Openness is a gap divided by a width of the same feature, so it
does not depend on the face's size: for each eye the mean of three upper/lower eyelid
distances over the corner-to-corner width; for the mouth the inner-lip gap over the
corner-to-corner width, and the area inside the inner lip edge over the squared eye distance.

Pose comes from the 3D landmarks: the face's x axis is the mean of the vectors between
symmetric pairs (eye corners, cheeks, mouth corners), its y axis runs from the forehead to
the chin, made orthogonal to x; the normal is their cross product. Angles, in degrees:
yaw > 0 when the face turns towards the photo's right, pitch > 0 when it tilts up, roll > 0
when it leans clockwise as seen in the photo. The forehead-to-chin line leans back on a
frontal face, so `PITCH_ZERO` (the median pitch of the shared frontal photos, see
bench/mesh_attributes.py) is subtracted.
"""

from __future__ import annotations

import math

import numpy as np

RIGHT_EYE = (33, 133, ((160, 144), (159, 145), (158, 153)))
LEFT_EYE = (263, 362, ((387, 373), (386, 374), (385, 380)))
MOUTH_CORNERS, INNER_LIPS = (78, 308), (13, 14)
INNER_LIP_RING = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95)
"""The inner edge of the lips: from the person's right mouth corner over the upper lip, back under the lower."""
SYMMETRIC_PAIRS = ((33, 263), (133, 362), (234, 454), (127, 356), (61, 291), (93, 323))
"""(person's right, person's left) landmark pairs that span the face sideways."""
FOREHEAD, CHIN = 10, 152
PITCH_ZERO = -7.0
"""Median raw pitch: deepface portraits -7.9 (64 faces), LFW -6.7 (649), bench/mesh_attributes.py."""


def eye_openness(marks: np.ndarray) -> tuple[float, float]:
    """(right, left) eyelid gap over eye width; an open eye is about 0.25-0.35, a shut one under 0.1."""
    return _eye(marks, RIGHT_EYE), _eye(marks, LEFT_EYE)


def _eye(marks: np.ndarray, eye) -> float:
    outer, inner, pairs = eye
    width = float(np.linalg.norm(marks[outer, :2] - marks[inner, :2]))
    gaps = [np.linalg.norm(marks[a, :2] - marks[b, :2]) for a, b in pairs]
    return float(np.mean(gaps) / max(width, 1e-6))


def mouth_openness(marks: np.ndarray) -> float:
    """Inner-lip gap over mouth width: 0 for closed lips."""
    width = float(np.linalg.norm(marks[MOUTH_CORNERS[0], :2] - marks[MOUTH_CORNERS[1], :2]))
    return float(np.linalg.norm(marks[INNER_LIPS[0], :2] - marks[INNER_LIPS[1], :2])) / max(width, 1e-6)


def mouth_area(marks: np.ndarray) -> float:
    """Area inside the inner lip edge over the squared distance between the eye centres: 0 for closed
    lips. The whole opening counts, not the gap at the middle only, and the eyes' distance does not
    grow with a smile as the mouth's width does."""
    ring = marks[list(INNER_LIP_RING), :2].astype(np.float64)
    x, y = ring[:, 0], ring[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))
    right = (marks[RIGHT_EYE[0], :2] + marks[RIGHT_EYE[1], :2]) / 2
    left = (marks[LEFT_EYE[0], :2] + marks[LEFT_EYE[1], :2]) / 2
    return area / max(float(np.sum((left - right) ** 2)), 1e-6)


def head_pose(marks: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from (468, 3) landmarks in photo pixels (y down, z away from the camera)."""
    pts = np.asarray(marks, dtype=np.float64)
    x = np.mean([pts[left] - pts[right] for right, left in SYMMETRIC_PAIRS], axis=0)
    x /= np.linalg.norm(x)
    y = pts[CHIN] - pts[FOREHEAD]
    y -= x * np.dot(x, y)
    y /= np.linalg.norm(y)
    towards_camera = -np.cross(x, y)  # x right, y down: x cross y points away from the camera
    yaw = math.degrees(math.atan2(towards_camera[0], -towards_camera[2]))
    pitch = math.degrees(math.atan2(-towards_camera[1], math.hypot(towards_camera[0], towards_camera[2])))
    roll = math.degrees(math.atan2(x[1], x[0]))
    return yaw, pitch - PITCH_ZERO, roll
