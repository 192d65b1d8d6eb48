"""Library reads run off the GUI thread; only the newest answer to each question is delivered."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from faceorg.store.db import connect

log = logging.getLogger(__name__)


class _Bridge(QObject):
    done = Signal(str, int, object)
    failed = Signal(str, str)


class _Job(QRunnable):
    def __init__(self, runner: QueryRunner, topic: str, token: int, func: Callable[[sqlite3.Connection], Any]):
        super().__init__()
        self.runner, self.topic, self.token, self.func = runner, topic, token, func

    def run(self) -> None:
        try:
            result = self.func(self.runner.connection())
        except Exception as error:
            log.exception("query %s", self.topic)
            self.runner._bridge.failed.emit(self.topic, str(error))
            return
        self.runner._bridge.done.emit(self.topic, self.token, result)


class QueryRunner(QObject):
    """`ask(topic, func, on_result)`: func(conn) runs on a pool thread with its own read connection."""

    failed = Signal(str, str)

    def __init__(self, db_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.db_path = db_path
        self._local = threading.local()
        self._tokens: dict[str, int] = {}
        self._handlers: dict[str, Callable[[Any], None]] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._bridge = _Bridge()
        self._bridge.done.connect(self._deliver)
        self._bridge.failed.connect(self.failed)

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self.db_path)
        return conn

    def ask(self, topic: str, func: Callable[[sqlite3.Connection], Any], on_result: Callable[[Any], None]) -> None:
        token = self._tokens.get(topic, 0) + 1
        self._tokens[topic] = token
        self._handlers[topic] = on_result
        self._pool.start(_Job(self, topic, token, func))

    def _deliver(self, topic: str, token: int, result: Any) -> None:
        if self._tokens.get(topic) == token:
            self._handlers[topic](result)

    def wait_idle(self, msecs: int = 10000) -> bool:
        return self._pool.waitForDone(msecs)
