"""Build the one-folder desktop bundle with PyInstaller, then prove it works and measure it.

    python tools/build_bundle.py              # build dist/faceorg, selftest, scan, figures
    python tools/build_bundle.py --no-build   # only test and measure the bundle already in dist/
    python tools/build_bundle.py --cpu-only   # leave out cuDNN's kernels (-1 GB); runs on the CPU only

Steps: install PyInstaller into this Python if missing; build faceorg.spec into build/ and
dist/; run the bundle's `--selftest`; scan a folder of the shared test photos with the
bundle into a throw-away library (Qt offscreen, per-user folders redirected to a temp
folder); print the bundle's size, the build time, start-up times and the scan summary.
Exits non-zero when the build, the selftest or the scan fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "faceorg.spec"
DIST = REPO / "dist"
BUILD = REPO / "build"
DEFAULT_PHOTOS = REPO.parent / "shared" / "faces" / "facenet"
GUI_WAIT_S = 30.0


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("PyInstaller is missing: pip install pyinstaller", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "pyinstaller"], check=True)


def build(cpu_only: bool) -> float:
    """Run PyInstaller on faceorg.spec; the wall-clock seconds it took."""
    env = dict(os.environ)
    env["FACEORG_BUNDLE_CPU_ONLY"] = "1" if cpu_only else "0"
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--distpath",
        str(DIST),
        "--workpath",
        str(BUILD),
        str(SPEC),
    ]
    print("building:", " ".join(command), flush=True)
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True)
    return time.perf_counter() - started


def executable() -> Path:
    """The bundle's command-line executable (console on every platform)."""
    if sys.platform == "win32":
        return DIST / "faceorg" / "faceorg-cli.exe"
    if sys.platform == "darwin" and (DIST / "faceorg.app").is_dir():
        return DIST / "faceorg.app" / "Contents" / "MacOS" / "faceorg"
    return DIST / "faceorg" / "faceorg"


def size_on_disk(root: Path) -> tuple[int, dict[str, int]]:
    """Bytes of the files under `root` (each file once: links are not followed or counted twice),
    and the same per top-level folder of _internal/."""
    seen: set[tuple[int, int]] = set()
    total = 0
    parts: dict[str, int] = {}
    internal = root / "_internal"
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            stat = path.lstat()
            if path.is_symlink() or (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            size = getattr(stat, "st_blocks", 0) * 512 or stat.st_size
            total += size
            try:
                top = path.relative_to(internal).parts[0]
            except ValueError:  # the executables, each with the archive of Python modules appended
                top = f"{path.name} (executable + Python modules)"
            parts[top] = parts.get(top, 0) + size
    return total, parts


def isolated_env(home: Path) -> dict[str, str]:
    """Qt offscreen, and the per-user data/cache/config folders inside `home`, so that a test
    run never touches the real library or settings."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config")):
        env[var] = str(home / sub)
    if sys.platform == "win32":
        env["APPDATA"] = env["LOCALAPPDATA"] = str(home)
    return env


def run(command: list[str], env: dict[str, str], timeout: float = 900.0) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    return done, time.perf_counter() - started


def median_time(command: list[str], env: dict[str, str], times: int = 3) -> tuple[float, bool]:
    """Median wall-clock seconds of `times` runs, and whether every run exited 0."""
    results = [run(command, env) for _ in range(times)]
    return statistics.median(s for _, s in results), all(done.returncode == 0 for done, _ in results)


def gui_start(exe: Path, env: dict[str, str], db: Path) -> str:
    """Seconds from launch until the GUI quits by itself after its first paint.

    Needs FACEORG_EXIT_AFTER_PAINT=1 support in the app (the main window exits after its
    first paint); without it the window just stays open, and we say so after GUI_WAIT_S.
    """
    env = dict(env, FACEORG_EXIT_AFTER_PAINT="1")
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(exe), "--db", str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = process.communicate(timeout=GUI_WAIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        if "Traceback" in output:
            return f"FAILED: an error while starting\n{output[-2000:]}"
        return (
            f"not measured: the window was still open, without errors, after {GUI_WAIT_S:.0f} s "
            "(the app does not support FACEORG_EXIT_AFTER_PAINT=1 yet)"
        )
    seconds = time.perf_counter() - started
    if process.returncode != 0 or "Traceback" in output:
        return f"FAILED: exit status {process.returncode}\n{output[-2000:]}"
    return f"{seconds:.2f} s to first paint (offscreen, one run)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true", help="test and measure the bundle already in dist/")
    parser.add_argument(
        "--cpu-only", action="store_true", help="build without cuDNN's kernel libraries; the bundle never uses a GPU"
    )
    parser.add_argument(
        "--photos", type=Path, default=DEFAULT_PHOTOS, help=f"folder to scan with the bundle (default {DEFAULT_PHOTOS})"
    )
    args = parser.parse_args(argv)

    build_seconds = None
    if not args.no_build:
        ensure_pyinstaller()
        try:
            build_seconds = build(args.cpu_only)
        except subprocess.CalledProcessError as error:
            print(f"build FAILED (exit status {error.returncode})", file=sys.stderr)
            return 1
    exe = executable()
    if not exe.is_file():
        print(f"no bundle at {exe}; build it first", file=sys.stderr)
        return 1

    failures = 0
    figures: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="faceorg-bundle-") as tmp:
        home = Path(tmp)
        env = isolated_env(home)

        print(f"\n$ {exe} --selftest", flush=True)
        done, _ = run([str(exe), "--selftest"], env)
        print(done.stdout + done.stderr, end="", flush=True)
        if done.returncode != 0:
            print(f"selftest FAILED (exit status {done.returncode})", file=sys.stderr)
            failures += 1

        scan_line = "not run: no photos at " + str(args.photos)
        if args.photos.is_dir():
            command = [str(exe), "scan", str(args.photos), "--db", str(home / "lib.db")]
            print(f"\n$ {' '.join(command)}", flush=True)
            done, seconds = run(command, env)
            lines = [line.strip().rsplit("\r", 1)[-1] for line in (done.stdout + done.stderr).splitlines()]
            summary = [line for line in lines if line.startswith(("Done in", "Cancelled in"))]
            scan_line = (summary[-1] if summary else "no summary line") + f" (process {seconds:.1f} s)"
            print("\n".join(lines[-5:]), flush=True)
            if done.returncode != 0 or not summary or " 0 failed" not in summary[-1]:
                print(f"scan FAILED (exit status {done.returncode})", file=sys.stderr)
                failures += 1
        else:
            failures += 1

        total, parts = size_on_disk(exe.parent if sys.platform != "darwin" else DIST / "faceorg")
        biggest = sorted(parts.items(), key=lambda kv: -kv[1])[:4]
        figures.append(
            (
                "bundle size",
                f"{total / 1e6:,.0f} MB ({total / 2**30:.2f} GiB) on disk in {exe.parent}; "
                f"largest: {', '.join(f'{k} {v / 1e6:,.0f} MB' for k, v in biggest)}",
            )
        )
        figures.append(
            ("build time", f"{build_seconds:.0f} s" if build_seconds is not None else "not built (--no-build)")
        )
        version_s, version_ok = median_time([str(exe), "--version"], env)
        figures.append(("start-up --version", f"{version_s:.2f} s (median of 3){'' if version_ok else ' FAILED'}"))
        selftest_s, selftest_ok = median_time([str(exe), "--selftest"], env)
        figures.append(("start-up --selftest", f"{selftest_s:.2f} s (median of 3){'' if selftest_ok else ' FAILED'}"))
        failures += (not version_ok) + (not selftest_ok)
        figures.append(("scan", scan_line))
        gui = gui_start(exe, env, home / "gui.db")
        failures += gui.startswith("FAILED")
        figures.append(("GUI start-up", gui))

    print("\nfaceorg bundle" + (" (CPU only)" if args.cpu_only else ""))
    for label, value in figures:
        print(f"  {label:<20} {value}")
    if failures:
        print(f"bundle check FAILED ({failures} problem{'s' * (failures != 1)})", file=sys.stderr)
        return 1
    print("bundle check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
