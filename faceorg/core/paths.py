"""File names as text that SQLite, JSON and a terminal accept, and back.

POSIX file names are bytes; Python carries bytes that are not UTF-8 as lone surrogates,
which SQLite and a UTF-8 stream refuse. Such names are kept with each bad byte written
as a visible \\xNN escape, and turned back into the real name when the file is opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_ESCAPED = re.compile(r"\\x([0-9a-f]{2})")


def path_text(path: Path | str) -> str:
    """`path` as valid Unicode text: unchanged unless its name holds bytes that are not UTF-8."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def path_on_disk(text: str) -> Path:
    """The file `path_text` made `text` from (a name that really holds a backslash wins)."""
    path = Path(text)
    if "\\x" not in text or os.path.lexists(text):
        return path
    return Path(_ESCAPED.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), text))
