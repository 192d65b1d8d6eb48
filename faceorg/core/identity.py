"""How identity is compared: cosine distance between L2-normalised embeddings.

`SAME_PERSON_DISTANCE` is the project's verification threshold for dlib's descriptor,
measured on the deepface pairs (`bench/verification.py`): every same-person pair of
master.csv lies below it and every different-person pair above it.

`LINK_DISTANCE` is stricter, for chaining faces into people (clustering, assigning a new
face to the person of its nearest face): on the labelled deepface faces the longest link
a person needs (the largest edge of each identity's minimum spanning tree) is 0.045 and
the closest two different people come is 0.067 (`bench/cluster.py` prints both).
"""

from __future__ import annotations

SAME_PERSON_DISTANCE = 0.08
LINK_DISTANCE = 0.055
ASSIGN_DISTANCE = 0.05
"""A new face joins the one person that has a face this close (people.assign): below the
closest strangers of deepface (0.067) and near the closest of LFW (0.043); the regrouping
after a scan (average linkage, people.cluster) has the last word."""
