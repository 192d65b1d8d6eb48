"""Month groups of a time-ordered photo list: where each month starts, for the grid's date headers.

The times are sorted (the "taken" order), so each month's first photo is one binary search:
the cost grows with the number of months, not of photos (100 000 photos over 20 years: 240 searches).
Months are in local time, as the camera's clock wrote them (EXIF times are stored as local).
"""

from __future__ import annotations

import datetime as dt

import numpy as np


def _month_start(year: int, month: int) -> float:
    return dt.datetime(year, month, 1).timestamp()


def month_starts(times: np.ndarray) -> list[tuple[int, int, int]]:
    """(first position, year, month) for every month with photos, in order; `times` ascending."""
    if len(times) == 0:
        return []
    first = dt.datetime.fromtimestamp(float(times[0]))
    year, month = first.year, first.month
    starts: list[tuple[int, int, int]] = []
    position = 0
    while position < len(times):
        starts.append((position, year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        position = int(np.searchsorted(times, _month_start(year, month), side="left"))
        if position < len(times):  # skip empty months: jump to the month of the next photo
            found = dt.datetime.fromtimestamp(float(times[position]))
            year, month = found.year, found.month
    return starts


def month_label(year: int, month: int) -> str:
    return f"{dt.date(year, month, 1):%B} {year}"
