"""Starting or joining a Ray runtime, and what it offers (CPUs, GPUs) to size the actor pools.

Without an address a local runtime is started on this machine's cores; with one
(`auto`, `ray://host:10001`, `host:port`) the scan joins that cluster. The workers get
this faceorg's source folder on PYTHONPATH: on one machine (or a cluster where every node
mounts the same checkout) they run exactly this code; elsewhere the node's installed
faceorg is used, so every node needs `pip install 'faceorg[cluster]'` of the same version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from faceorg.core.errors import UsageError

LOCAL = "local"
_HOST_PORT = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:\d+$")


def check_address(address: str) -> str:
    """A clear error when `--ray` swallowed a folder instead of an address."""
    if address in (LOCAL, "auto") or address.startswith("ray://") or _HOST_PORT.match(address):
        return address
    raise UsageError(
        f"--ray {address!r} is not a Ray address (auto, ray://host:10001 or host:port); "
        "put --ray after the folders to start a local runtime"
    )


@dataclass
class RayRuntime:
    """The Ray runtime a scan runs on; `owned` when this process started it (and stops it)."""

    owned: bool

    @property
    def cpus(self) -> int:
        import ray

        return int(ray.cluster_resources().get("CPU", 1))

    @property
    def gpus(self) -> int:
        import ray

        return int(ray.cluster_resources().get("GPU", 0))

    def close(self) -> None:
        import ray

        if self.owned and ray.is_initialized():
            ray.shutdown()


def code_root() -> str:
    """The folder that holds the faceorg package (and resources/ beside it in a checkout)."""
    return str(Path(__file__).resolve().parents[2])


def connect(address: str | None = None, **init_kwargs) -> RayRuntime:
    """Join `address` or start a local runtime; reuse one this process already started."""
    import ray

    if ray.is_initialized():
        return RayRuntime(owned=False)
    runtime_env = {"env_vars": {"PYTHONPATH": code_root()}}
    if address in (None, LOCAL):
        init_kwargs.setdefault("include_dashboard", False)
        init_kwargs.setdefault("logging_level", "warning")
        # "local": always a new runtime of our own, never one another program started with `ray start`
        ray.init(address="local", runtime_env=runtime_env, **init_kwargs)
    else:
        ray.init(address=check_address(cast(str, address)), runtime_env=runtime_env, **init_kwargs)
    return RayRuntime(owned=True)
