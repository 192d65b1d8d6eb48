"""The filter bar offers the library's attributes in groups and keeps what the user set while regrouping."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

import faceorg.core.attributes as core_attributes
from faceorg.ui.filter_bar import FilterBar, TriStateToggle


def _row(bar: FilterBar) -> list[str]:
    """The group labels and attribute toggles in the order the bar lays them out."""
    out = []
    for i in range(bar.flow.count()):
        widget = bar.flow.itemAt(i).widget()
        if isinstance(widget, TriStateToggle):
            out.append(widget.name)
        elif isinstance(widget, QLabel) and widget.objectName().startswith("attr-group-"):
            out.append(f"[{widget.text()}]")
    return out


def test_attributes_are_grouped_and_a_set_toggle_survives_new_attributes(qtbot, monkeypatch):
    monkeypatch.setattr(core_attributes, "NOT_OFFERED", frozenset())
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_attributes(["Smiling", "Male", "Eyeglasses"])
    assert _row(bar) == ["[Accessories]", "Eyeglasses", "[Face]", "Male", "[Expression]", "Smiling"]
    bar.attribute_toggles["Eyeglasses"].cycle()  # any -> yes
    bar.set_attributes(["Bald", "Wearing_Hat", "Mouth_Slightly_Open"])
    assert _row(bar) == [
        "[Accessories]",
        "Eyeglasses",
        "Wearing_Hat",
        "[Hair]",
        "Bald",
        "[Face]",
        "Male",
        "[Expression]",
        "Mouth_Slightly_Open",
        "Smiling",
    ]
    assert bar.current().attributes == (("Eyeglasses", True),)
    assert all(isinstance(t, TriStateToggle) for t in bar.attribute_toggles.values())


def test_an_attribute_measured_as_unreliable_is_not_offered(qtbot, monkeypatch):
    monkeypatch.setattr(core_attributes, "NOT_OFFERED", frozenset({"Gray_Hair"}))
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_attributes(["Gray_Hair", "Blond_Hair"])
    assert list(bar.attribute_toggles) == ["Blond_Hair"]
