"""The Review page: "Is this Ada?", one question at a time, one key per answer.

Shows the face large, the photo it is in, and the suggested person's cover (for a merge
question: both people's covers). Yes (Y) confirms, No (N) never asks that again, Someone
else (S) asks who it is (a merge question: skips it for now). The questions and answers
are `people.review`'s; the page reads with the library's reader connection and hands each
answer to `submit` as a library operation (the window runs it on the writer and reloads).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from faceorg.library import ops
from faceorg.library.review_ops import answer
from faceorg.people import review
from faceorg.store import people
from faceorg.ui import dialogs
from faceorg.ui.thumbnails import ImageCache

FACE_SIDE = 280
SIDE = 200


class ReviewPage(QWidget):
    def __init__(self, conn: sqlite3.Connection, images: ImageCache, submit: Callable, parent=None):
        super().__init__(parent)
        self.conn = conn
        self.submit = submit
        self.images = images
        self.question: review.Suggestion | None = None
        self.skipped: set[tuple] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        self.title = QLabel(objectName="pageTitle", textFormat=Qt.TextFormat.PlainText)  # type: ignore[call-overload]
        self.hint = QLabel(objectName="pageHint")  # type: ignore[call-overload]
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        row = QHBoxLayout()
        self.face = self._picture(FACE_SIDE, "face")
        self.photo = self._picture(SIDE, "photo")
        self.person = self._picture(SIDE, "suggested person")
        for picture in (self.face, self.photo, self.person):
            row.addWidget(picture)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.yes = QPushButton("Yes  (Y)")
        self.no = QPushButton("No  (N)")
        self.other = QPushButton("Someone else  (S)")
        for button, key, slot in (
            (self.yes, "Y", self.answer_yes),
            (self.no, "N", self.answer_no),
            (self.other, "S", self.answer_other),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
            QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        images.ready.connect(lambda _key: self._show_pictures())

    @staticmethod
    def _picture(side: int, name: str) -> QLabel:
        label = QLabel(name, alignment=Qt.AlignmentFlag.AlignCenter)
        label.setFixedSize(side, side)
        label.setObjectName("reviewPicture")
        return label

    def load(self) -> None:
        """Ask the most confident open question (skipped ones come last)."""
        questions = review.queue(self.conn)
        fresh = [q for q in questions if self._key(q) not in self.skipped]
        self.question = (fresh or questions or cast("list[review.Suggestion | None]", [None]))[0]
        left = len(questions)
        enabled = self.question is not None
        for button in (self.yes, self.no, self.other):
            button.setEnabled(enabled)
        if self.question is None:
            self.title.setText("Nothing to review")
            self.hint.setText("Every face near a person has been answered.")
        elif self.question.kind == "face":
            self.title.setText(f"Is this {self._label(self.question.person_id)}?")
            self.hint.setText(f"confidence {self.question.confidence:.0%} · {left} question(s) left")
        else:
            self.title.setText(
                f"Are {self._label(self.question.person_id)} and "
                f"{self._label(self.question.other_person_id)} the same person?"
            )
            self.hint.setText(f"confidence {self.question.confidence:.0%} · {left} question(s) left")
        self._show_pictures()

    @staticmethod
    def _key(q: review.Suggestion) -> tuple:
        return (q.kind, q.face_id, q.person_id, q.other_person_id)

    def _label(self, person_id: int | None) -> str:
        person = people.get(self.conn, person_id) if person_id is not None else None
        return person.label if person else "someone"

    def _cover(self, person_id: int | None) -> QPixmap | None:
        person = people.get(self.conn, person_id) if person_id is not None else None
        return self.images.crop(person.cover_face_id) if person and person.cover_face_id else None

    def _show_pictures(self) -> None:
        q = self.question
        shown: tuple[QPixmap | None, QPixmap | None, QPixmap | None]
        if q is None:
            shown = (None, None, None)
        elif q.kind == "face":
            row = self.conn.execute(
                "SELECT p.hash, p.path FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id = ?", (q.face_id,)
            ).fetchone()
            photo = self.images.thumbnail(*row) if row else None
            shown = (self.images.crop(cast(int, q.face_id)), photo, self._cover(q.person_id))
        else:
            shown = (self._cover(q.person_id), None, self._cover(q.other_person_id))
        for label, pixmap in zip((self.face, self.photo, self.person), shown):
            if pixmap is None or pixmap.isNull():
                label.clear()
            else:
                label.setPixmap(
                    pixmap.scaled(
                        label.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                    )
                )

    def answer_yes(self) -> None:
        if self.question is not None:
            self.submit(answer(self.question, yes=True))

    def answer_no(self) -> None:
        if self.question is not None:
            self.submit(answer(self.question, yes=False))

    def answer_other(self) -> None:
        q = self.question
        if q is None:
            return
        if q.kind != "face":
            self.skipped.add(self._key(q))
            self.load()
            return
        everyone = [p for p in people.all_people(self.conn) if p.face_count or p.name]
        name = dialogs.choose_name(self, "Who is it?", [p.label for p in everyone])
        if name is None:
            return
        match = next((p for p in everyone if p.label.lower() == name.lower()), None)
        face = cast(int, q.face_id)  # a "face" question names its face
        if match is not None:
            self.submit(lambda conn, _cache: ops.move_faces(conn, [face], match.id))
        else:
            self.submit(lambda conn, _cache: ops.name_faces(conn, [face], name))
