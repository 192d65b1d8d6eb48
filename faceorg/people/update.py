"""How a scan feeds people: new faces join close people at once, all are regrouped at the end.

The scanner calls exactly these two functions, and so does the import-order test: a
library scanned in batches goes through the same steps as one scanned at once.
"""

from __future__ import annotations

import sqlite3

from faceorg.people.assign import assign_faces
from faceorg.people.index import IdentityIndex
from faceorg.people.recluster import ReclusterReport, recluster


def place_new_faces(conn: sqlite3.Connection, index: IdentityIndex, face_ids: list[int]) -> int:
    """Inside the photo's transaction: each new face joins the one person it is close to, if any."""
    return assign_faces(conn, index, face_ids)


def after_scan(conn: sqlite3.Connection, new_faces: list[int]) -> ReclusterReport:
    """Once a scan has stored its photos, the faces it can affect are grouped again (obeying
    every user decision): its new faces, and the faces and people they are close to.

    Grouping only the unsorted faces would make the result depend on the order photos
    arrived in (a person's early faces in one album, later ones in another); regrouping
    them together with the people they touch gives what a full re-cluster gives, whatever
    the order, at a cost that grows with the new faces, not with the library.
    """
    return recluster(conn, around=new_faces)
