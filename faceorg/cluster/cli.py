"""What `faceorg scan --ray` needs from this package, behind one import the CLI makes lazily."""

from __future__ import annotations

import sqlite3

from faceorg.cluster.runtime import LOCAL, RayRuntime, check_address, connect
from faceorg.config import Config
from faceorg.core.errors import UsageError


def check_ray(address: str) -> None:
    """Fail before opening the library: Ray missing, or a folder taken for an address."""
    check_address(address)
    try:
        import ray  # noqa: F401
    except ImportError:
        raise UsageError("--ray needs Ray: pip install 'faceorg[cluster]'") from None


def ray_scanner_factory(address: str, runtimes: list):
    """A Library scanner factory that runs the scan on Ray; each runtime it opens is appended to
    `runtimes` so the caller can close it."""

    def factory(conn: sqlite3.Connection, config: Config, cache):
        scanner, runtime = ray_scanner(conn, config, address)
        scanner.cache = cache
        runtimes.append(runtime)
        return scanner

    return factory


def ray_scanner(conn: sqlite3.Connection, config: Config, address: str):
    """A RayScanner on a local runtime (address `local`) or on the cluster at `address`."""
    from faceorg.cluster.scanner import RayScanner

    runtime: RayRuntime = connect(None if address == LOCAL else address)
    return RayScanner(conn, config, runtime), runtime
