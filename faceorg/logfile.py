"""The log file: unexpected errors with their tracebacks, kept where a user can send them.

The entry points (the CLI's `main`, the app's `run_app`) call `start_logging` once; library
code only logs through `logging.getLogger(__name__)`. The file lives in the user log folder
(`Config.log_dir`, platformdirs' user_log_dir) and rotates at `MAX_BYTES`, keeping `BACKUPS`
older files, so it never grows without bound.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from faceorg.config import Config

LOG_NAME = "faceorg.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def start_logging(config: Config, level: int = logging.INFO) -> Path | None:
    """Send the `faceorg` loggers to the rotated file; returns its path, or None when it cannot be written.

    Calling it again with the same folder adds no second handler; a new folder replaces the old one.
    A log folder that cannot be created never stops the program: logging is a help, not a need.
    """
    logger = logging.getLogger("faceorg")
    path = config.log_dir / LOG_NAME
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path.absolute():
                return path
            logger.removeHandler(handler)
            handler.close()
    try:
        config.log_dir.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    return path
