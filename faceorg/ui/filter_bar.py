"""The filter bar: expressions, an age range, attribute toggles (any / yes / no), a person."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget
from superqt import QLabeledRangeSlider

from faceorg.core.attributes import grouped_filters
from faceorg.core.calibration import ExpressionRule
from faceorg.core.expression import EXPRESSIONS
from faceorg.core.filters import Filter
from faceorg.core.person import Person
from faceorg.ui.flow import FlowLayout

AGE_MIN, AGE_MAX = 0, 100
EXPRESSION_LABELS = {
    "angry": "Angry",
    "disgust": "Disgust",
    "fear": "Fear",
    "happy": "Happy",
    "sad": "Sad",
    "surprise": "Surprise",
    "neutral": "Neutral",
}


class TriStateToggle(QToolButton):
    """Click cycles any → yes → no; the text says which."""

    STATES = (None, True, False)
    stateChanged = Signal()

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.state: bool | None = None
        self.setObjectName(f"attr-{name}")
        self.clicked.connect(self.cycle)
        self._render()

    def cycle(self) -> None:
        self.set_state(self.STATES[(self.STATES.index(self.state) + 1) % 3])

    def set_state(self, state: bool | None) -> None:
        self.state = state
        self._render()
        self.stateChanged.emit()

    def _render(self) -> None:
        label = self.name.replace("_", " ")
        self.setText({None: label, True: f"✓ {label}", False: f"✗ {label}"}[self.state])
        self.setToolTip(f"{label}: {'any' if self.state is None else 'yes' if self.state else 'no'} (click to change)")
        self.setProperty("filterState", {None: "any", True: "yes", False: "no"}[self.state])
        self.style().unpolish(self)
        self.style().polish(self)


def expression_label(name: str, rule: ExpressionRule) -> str:
    """'Happy, at least 85 % sure': the filter's measured precision, rounded down to 5 %."""
    precision = rule.precision(name)
    if precision is None:
        return EXPRESSION_LABELS[name]
    return f"{EXPRESSION_LABELS[name]}, at least {int(precision * 20) * 5} % sure"


class FilterBar(QWidget):
    """Emits `changed(Filter)` shortly after the user stops changing it.

    Only the expressions whose filter was measured to be right at least 70 % of the time
    are offered (core.calibration); the viewer shows the others with a word of doubt.
    """

    changed = Signal(object)
    saveRequested = Signal(object)

    def __init__(self, images=None, parent: QWidget | None = None, rule: ExpressionRule | None = None):
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.images = images  # an ImageCache: the person list shows each person's face
        self._cover_rows: dict[object, int] = {}
        if images is not None:
            images.ready.connect(self._face_ready)
        layout = FlowLayout(self)  # wraps onto more rows in a narrow window
        layout.setContentsMargins(8, 4, 8, 4)
        self.rule = rule or ExpressionRule.load()
        self.flow = layout
        self.expression_buttons: dict[str, QToolButton] = {}
        for name in (n for n in EXPRESSIONS if self.rule.offered(n)):
            button = QToolButton(text=expression_label(name, self.rule), checkable=True, objectName=f"expr-{name}")  # type: ignore[call-arg]
            button.setToolTip(
                "Photos with a face showing this expression; measured on labelled photos, "
                "the others were too often wrong to offer"
            )
            button.toggled.connect(self._schedule)
            self.expression_buttons[name] = button
            layout.addWidget(button)
        age_box = QWidget(objectName="ageBox")  # type: ignore[call-arg]
        age_row = QHBoxLayout(age_box)
        age_row.setContentsMargins(12, 0, 4, 0)
        age_row.addWidget(QLabel("Age"))
        self.age = QLabeledRangeSlider(Qt.Orientation.Horizontal)
        self.age.setRange(AGE_MIN, AGE_MAX)
        self.age.setValue((AGE_MIN, AGE_MAX))
        self.age.setEdgeLabelMode(QLabeledRangeSlider.EdgeLabelMode.NoLabel)
        self.age.setMinimumWidth(200)
        self.age.setContentsMargins(14, 0, 14, 0)  # room for the handles' value labels at the ends
        self.age.valueChanged.connect(self._schedule)
        age_row.addWidget(self.age)
        layout.addWidget(age_box)
        self.attribute_toggles: dict[str, TriStateToggle] = {}
        self._group_labels: list[QLabel] = []
        self.person = QComboBox(objectName="personFilter")  # type: ignore[call-arg]
        self.person.addItem("Anyone", None)
        self.person.setMinimumContentsLength(12)
        self.person.setIconSize(QSize(28, 28))
        self.person.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.person.currentIndexChanged.connect(self._schedule)
        layout.addWidget(self.person)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.clear_button)
        self.save_button = QPushButton("Save filter…")
        self.save_button.clicked.connect(lambda: self.saveRequested.emit(self.current()))
        layout.addWidget(self.save_button)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(lambda: self.changed.emit(self.current()))

    def _schedule(self, *_args) -> None:
        self._timer.start()

    def set_attributes(self, names: list[str]) -> None:
        """Offer these attributes (and those already offered), grouped: Accessories, Hair, Face, Expression."""
        groups = grouped_filters(sorted(set(self.attribute_toggles) | set(names)))
        if [n for _, ns in groups for n in ns] == list(self.attribute_toggles) and self._group_labels:
            return
        for widget in [*self._group_labels, *self.attribute_toggles.values()]:
            self.flow.takeAt(self.flow.index_of(widget))
        for label in self._group_labels:
            label.deleteLater()
        toggles, self.attribute_toggles, self._group_labels = self.attribute_toggles, {}, []
        for group, members in groups:
            label = QLabel(group, objectName=f"attr-group-{group}")  # type: ignore[call-overload]
            label.setProperty("attributeGroup", True)  # styled as a heading (resources/style*.qss)
            label.setProperty("keepWithNext", True)  # never left alone at the end of a row
            self._group_labels.append(label)
            self.flow.insert_widget(self.flow.index_of(self.person), label)
            for name in members:
                toggle = toggles.pop(name, None)
                if toggle is None:
                    toggle = TriStateToggle(name)
                    toggle.stateChanged.connect(self._schedule)
                self.attribute_toggles[name] = toggle
                self.flow.insert_widget(self.flow.index_of(self.person), toggle)
        for stale in toggles.values():
            stale.deleteLater()

    def set_people(self, people: list[Person]) -> None:
        current = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("Anyone", None)
        self._cover_rows = {}
        for p in people:
            if not p.hidden and p.face_count:
                self.person.addItem(p.label, p.id)
                if p.cover_face_id is not None and self.images is not None:
                    self._cover_rows[("crop", p.cover_face_id)] = self.person.count() - 1
                    self._face_ready(("crop", p.cover_face_id))
        index = self.person.findData(current)
        self.person.setCurrentIndex(max(0, index))
        self.person.blockSignals(False)

    def _face_ready(self, key: object) -> None:
        row = self._cover_rows.get(key)
        if row is not None and row < self.person.count():
            pixmap = self.images.crop(cast("tuple[str, int]", key)[1])  # None now, and this again once it is loaded
            if pixmap is not None:
                self.person.setItemIcon(row, QIcon(pixmap))

    def current(self) -> Filter:
        low, high = self.age.value()
        return Filter(
            expressions=frozenset(n for n, b in self.expression_buttons.items() if b.isChecked()),
            age_min=None if low <= AGE_MIN else float(low),
            age_max=None if high >= AGE_MAX else float(high),
            attributes=tuple((n, t.state) for n, t in self.attribute_toggles.items() if t.state is not None),
            person=self.person.currentData(),
        )

    def apply(self, flt: Filter) -> None:
        """Show a saved filter."""
        for name, button in self.expression_buttons.items():
            button.blockSignals(True)
            button.setChecked(name in flt.expressions)
            button.blockSignals(False)
        self.age.blockSignals(True)
        self.age.setValue(
            (
                int(flt.age_min) if flt.age_min is not None else AGE_MIN,
                int(flt.age_max) if flt.age_max is not None else AGE_MAX,
            )
        )
        self.age.blockSignals(False)
        wanted = dict(flt.attributes)
        self.set_attributes(list(wanted))
        for name, toggle in self.attribute_toggles.items():
            toggle.blockSignals(True)
            toggle.set_state(wanted.get(name))
            toggle.blockSignals(False)
        self.person.blockSignals(True)
        self.person.setCurrentIndex(max(0, self.person.findData(flt.person)))
        self.person.blockSignals(False)
        self._schedule()

    def clear(self) -> None:
        self.apply(Filter())
