"""Scan throughput on Ray next to the local scan, on the same photos, side by side in one run.

Three scans of the same folder into fresh libraries:
1. the local scan (`faceorg scan`), models on this process;
2. `--ray` with a local runtime (`ray.init(num_cpus=...)`);
3. `--ray` against a 2-node cluster started here: two raylets on loopback
   (`ray start --head --num-cpus 1` + `ray start --address 127.0.0.1:PORT --num-cpus 1`),
   stopped at the end (their processes, by id).
Each prints photos/s (wall time of the whole scan, model loading included, as a user sees
it), the per-stage seconds per photo, and Ray's overhead per photo (Ray's wall time minus
the local scan's, over the photos). GPU actors are used when the cluster has GPUs; this
script does not force them.

    .venv/bin/python bench/ray_scan.py [--photos 16] [--cpus 2] [--port 6391]

The photos are the first N of ../shared/faces/deepface (portraits, some groups), read only.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faceorg.config import default_config  # noqa: E402
from faceorg.scan.progress import ScanSummary  # noqa: E402

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"
START_TIMEOUT_S = 90
LOOPBACK = "127.0.0.1"


def line(name: str, summary: ScanSummary, photos: int, local_seconds: float | None) -> str:
    per = {k: v / max(1, summary.scanned) for k, v in sorted(summary.stage_seconds.items())}
    stages = ", ".join(f"{k} {v * 1000:.0f}" for k, v in per.items())
    overhead = (
        "" if local_seconds is None else f"; Ray overhead {(summary.seconds - local_seconds) / photos:+.2f} s/photo"
    )
    return (
        f"{name:<28} {summary.scanned:>3} photos in {summary.seconds:6.1f} s = "
        f"{summary.scanned / summary.seconds:5.2f} photos/s, {summary.faces} faces{overhead}\n"
        f"{'':<28} ms per photo (worker time summed): {stages}"
    )


def scan(kind: str, photos: Path, work: Path, address: str | None = None, cpus: int = 2) -> ScanSummary:
    from faceorg.store.db import connect

    root = work / kind
    config = default_config().with_overrides(db_path=root / "library.db", cache_dir=root / "cache", device="cpu")
    root.mkdir(parents=True)
    conn = connect(config.db_path)
    try:
        if kind == "local":
            from faceorg.scan.scanner import Scanner

            return Scanner(conn, config).scan([photos])
        from faceorg.cluster.runtime import connect as ray_connect
        from faceorg.cluster.scanner import RayScanner

        extra = (
            {"num_cpus": cpus, "object_store_memory": 500 << 20} if address is None else {"_node_ip_address": LOOPBACK}
        )
        runtime = ray_connect(address, **extra)
        try:
            return RayScanner(conn, config, runtime).scan([photos])
        finally:
            runtime.close()
    finally:
        conn.close()


def start_two_nodes(port: int) -> list[subprocess.Popen]:
    """Two raylets on loopback, one CPU each; `--block` keeps each in a process we stop by id."""
    ray = str(Path(sys.executable).with_name("ray"))
    common = ["--num-cpus", "1", "--node-ip-address", LOOPBACK, "--block", "--disable-usage-stats"]
    head = subprocess.Popen(
        [
            ray,
            "start",
            "--head",
            "--port",
            str(port),
            "--include-dashboard",
            "false",
            "--object-store-memory",
            str(300 << 20),
            *common,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    nodes = [head]
    time.sleep(8)
    nodes.append(
        subprocess.Popen(
            [ray, "start", "--address", f"{LOOPBACK}:{port}", "--object-store-memory", str(300 << 20), *common],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    wait_for_nodes(port, 2)
    return nodes


def wait_for_nodes(port: int, count: int) -> None:
    """Bounded: the cluster shows `count` live nodes within START_TIMEOUT_S, or the script stops."""
    code = (
        "import ray, sys; ray.init(address=sys.argv[1], _node_ip_address='127.0.0.1', logging_level='error');"
        "print(sum(n['Alive'] for n in ray.nodes()))"
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        out = subprocess.run(
            [sys.executable, "-c", code, f"{LOOPBACK}:{port}"], capture_output=True, text=True, timeout=START_TIMEOUT_S
        )
        if out.stdout.strip().isdigit() and int(out.stdout.strip()) >= count:
            return
        time.sleep(3)
    raise TimeoutError(f"the 2-node loopback cluster did not come up within {START_TIMEOUT_S} s")


def stop(nodes: list[subprocess.Popen], port: int) -> None:
    for node in reversed(nodes):  # the worker node first, then the head
        node.terminate()
        try:
            node.wait(timeout=60)
        except subprocess.TimeoutExpired:
            node.kill()
    # `ray start --head` leaves its address behind; a later plain ray.init() would try to join it
    marker = Path(tempfile.gettempdir()) / "ray" / "ray_current_cluster"
    if marker.is_file() and marker.read_text().strip().endswith(f":{port}"):
        marker.unlink()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=16)
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray runtime")
    parser.add_argument("--port", type=int, default=6391, help="the loopback head's port")
    args = parser.parse_args()
    sources = sorted((FACES / "deepface").glob("*.jpg"))[: args.photos]
    if not sources:
        sys.exit(f"no photos at {FACES / 'deepface'}")
    with tempfile.TemporaryDirectory(prefix="ray-scan-") as tmp:
        work = Path(tmp)
        photos = work / "photos"
        photos.mkdir()
        for source in sources:
            shutil.copy2(source, photos / source.name)
        n = len(sources)
        print(f"{n} photos from {FACES / 'deepface'}; machine load matters: figures are noisy", flush=True)
        local = scan("local", photos, work)
        print(line("local scan", local, n, None), flush=True)
        print(
            line(
                f"--ray, local runtime ({args.cpus} CPUs)",
                scan("ray-local", photos, work, cpus=args.cpus),
                n,
                local.seconds,
            ),
            flush=True,
        )
        nodes = start_two_nodes(args.port)
        try:
            two = scan("ray-2-nodes", photos, work, address=f"{LOOPBACK}:{args.port}")
        finally:
            stop(nodes, args.port)
        print(line("--ray, 2 raylets on loopback", two, n, local.seconds), flush=True)


if __name__ == "__main__":
    main()
