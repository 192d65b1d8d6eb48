"""A photo filter as the user states it: expressions, age range, attributes, person.

Parsing of the command-line forms lives here too, so the CLI and the GUI share one
meaning: a photo matches when at least one of its faces matches every given part.
"""

from __future__ import annotations

from dataclasses import dataclass

from faceorg.core.attributes import canonical_attribute
from faceorg.core.errors import UsageError
from faceorg.core.expression import EXPRESSIONS


@dataclass(frozen=True)
class Filter:
    """All parts are optional; an empty filter matches every photo with a face."""

    expressions: frozenset[str] = frozenset()
    age_min: float | None = None
    age_max: float | None = None
    attributes: tuple[tuple[str, bool], ...] = ()
    person: int | None = None
    include_background: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.expressions
            or self.age_min is not None
            or self.age_max is not None
            or self.attributes
            or self.person is not None
        )


def parse_expressions(text: str) -> frozenset[str]:
    """'happy,surprise' -> {'happy', 'surprise'}; an unknown name is an error that lists the known ones."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = names - set(EXPRESSIONS)
    if unknown:
        raise UsageError(f"unknown expression {', '.join(sorted(unknown))}; choose from {', '.join(EXPRESSIONS)}")
    return frozenset(names)


def parse_age_range(text: str) -> tuple[float | None, float | None]:
    """'20-35' -> (20, 35) in whole years, both ends included; '-35' and '20-' leave one end open."""
    text = text.strip()
    try:
        if "-" not in text:
            value = float(text)
            return value, value
        low, high = text.split("-", 1)
        lo = float(low) if low.strip() else None
        hi = float(high) if high.strip() else None
    except ValueError as error:
        raise UsageError(f"age range {text!r} is not of the form 20-35") from error
    if lo is not None and hi is not None and lo > hi:
        raise UsageError(f"age range {text!r} has its low end above its high end")
    return lo, hi


def parse_attributes(text: str) -> tuple[tuple[str, bool], ...]:
    """'Eyeglasses,-Male' -> (('Eyeglasses', True), ('Male', False))."""
    wanted: list[tuple[str, bool]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        present = not part.startswith("-")
        name = part.lstrip("+-").strip()
        if not name:
            raise UsageError(f"attribute list {text!r} has an empty name")
        wanted.append((canonical_attribute(name), present))
    return tuple(wanted)


def filter_to_dict(flt: Filter) -> dict:
    """A filter as plain JSON data (saved filters)."""
    return {
        "expressions": sorted(flt.expressions),
        "age_min": flt.age_min,
        "age_max": flt.age_max,
        "attributes": [[name, present] for name, present in flt.attributes],
        "person": flt.person,
    }


def filter_from_dict(data: dict) -> Filter:
    return Filter(
        expressions=frozenset(data.get("expressions", ())),
        age_min=data.get("age_min"),
        age_max=data.get("age_max"),
        attributes=tuple((str(n), bool(p)) for n, p in data.get("attributes", ())),
        person=data.get("person"),
    )


def describe_filter(flt: Filter) -> str:
    """A short human description, used as a saved filter's default name."""
    parts = [", ".join(sorted(flt.expressions))] if flt.expressions else []
    if flt.age_min is not None or flt.age_max is not None:
        parts.append(
            f"age {'' if flt.age_min is None else int(flt.age_min)}–{'' if flt.age_max is None else int(flt.age_max)}"
        )
    parts += [("" if present else "not ") + name.replace("_", " ") for name, present in flt.attributes]
    return "; ".join(parts) or "Everything"
