"""Benchmark, package part: what the npm package weighs (f) and how soon its command answers (g).

f. the tarball scripts/package packs (npm pack's gzip: what a user downloads), with its unpacked size;
g. `smtp-codes decode` of the 10 KB bounce of part c and `smtp-codes 550`, each a fresh process
   run from the tarball installed in an empty folder (median of N), beside bare Node's start-up
   (`node -e ""`), measured in the same run: most of a run is Node starting and the decoder
   compiling its phrase lists once.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from browser import bounce_10kb
from results import Row, say

SIZE_TARGET_KB = 256
DECODE_TARGET_S = 1.0


def build_and_install(project: Path, scratch: Path) -> tuple[Path, Path]:
    """The tarball of project's package, and a folder it is installed in (offline)."""
    dist = scratch / "package-dist"
    done = subprocess.run([str(project / "scripts" / "package"), "--out", str(dist)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"scripts/package failed:\n{done.stderr[-3000:]}")
    [tarball] = dist.glob("smtp-codes-*.tgz")
    user = scratch / "package-user"
    user.mkdir()
    (user / "package.json").write_text('{"name": "bench", "private": true}\n')
    done = subprocess.run(["npm", "install", "--offline", "--no-audit", "--no-fund", str(tarball)], cwd=user,
                          capture_output=True, text=True, env={**os.environ, "npm_config_cache": str(scratch / "npm-cache")})
    if done.returncode != 0:
        raise SystemExit(f"npm install of {tarball.name} failed:\n{done.stderr[-3000:]}")
    return tarball, user


def package_size(tarball: Path) -> tuple[list[Row], list[str]]:
    unpacked = sum(p.stat().st_size for p in (tarball.parent / "smtp-codes").rglob("*") if p.is_file())
    files = sum(1 for p in (tarball.parent / "smtp-codes").rglob("*") if p.is_file())
    packed = tarball.stat().st_size
    return [Row("f. npm package, packed (npm pack)", f"{packed / 1024:.1f} KB ({unpacked / 1024:.1f} KB unpacked, {files} files)",
                f"<= {SIZE_TARGET_KB} KB", packed <= SIZE_TARGET_KB * 1024)], []


def median_run(args: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
    return statistics.median(times)


def cli_speed(user: Path, runs: int) -> tuple[list[Row], list[str]]:
    say(f"g. smtp-codes from the installed package, median of {runs} runs")
    (user / "bounce.eml").write_text(bounce_10kb())
    command = str(user / "node_modules" / ".bin" / "smtp-codes")
    node = median_run([shutil.which("node") or "node", "-e", ""], user, runs)
    decode = median_run([command, "decode", "bounce.eml"], user, runs)
    explain = median_run([command, "550"], user, runs)
    return [Row(f"g. smtp-codes decode, 10 KB bounce (median of {runs})",
                f"{decode * 1000:.0f} ms ({decode / node:.1f}x bare Node's {node * 1000:.0f} ms; smtp-codes 550: {explain * 1000:.0f} ms)",
                f"< {DECODE_TARGET_S:.0f} s", decode < DECODE_TARGET_S)], []
