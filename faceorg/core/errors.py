"""The root of faceorg's own errors: expected failures whose message tells the user what to do.

The entry points turn a `FaceorgError` into one line for the user; anything else is a bug and
keeps its traceback. Each layer defines its errors beside the code that raises them
(`StoreError` in store.db, `WeightsError` in vision.weights, `DecodeError` in vision.decode,
`DecisionError` in people.decisions), all under this root.
"""

from __future__ import annotations


class FaceorgError(Exception):
    """An expected failure; the message says what went wrong and, where there is one, the fix."""


class UsageError(FaceorgError):
    """What was asked for cannot be done as asked: an unknown name, a bad range, a missing path or --yes."""


class ConfigError(FaceorgError):
    """The settings file cannot be read."""
