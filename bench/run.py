#!/usr/bin/env python3
"""Benchmark the site, by hand (not part of pytest): .venv/bin/python bench/run.py [-n 5] [--skip a,b]

Measures, in one run on one machine, and prints a Markdown table with each figure, its target and
whether it is met (exit status 1 when one is not). The parts, described with their targets in the
README's "Benchmark" section:

  build.py    a. the hooks' cost; b. growth with the data
  browser.py  c. the decoder in Chromium; d. its index, gzipped; e. Lighthouse
  package.py  f. the npm package's size; g. its command line's speed
  logs.py     h. triage of a 100 MB log in Chromium, against one regular expression's pass

Needs `scripts/setup --test` (the venv with playwright, Chromium, the npm tools).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # site_host: shared with the tests

import browser  # noqa: E402
import build  # noqa: E402
import logs  # noqa: E402
import package  # noqa: E402
from results import Row, say, table  # noqa: E402
from site_host import ROOT, build_site  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs for the medians: builds per variant, CLI runs, log drops (default 5)")
    parser.add_argument("--factor", type=int, default=10, help="growth of the synthetic data (default 10)")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: a,b,c,d,e,f,g,h")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory and print its path")
    parser.add_argument("--project", type=Path, default=ROOT, help="the project to measure (default: this one)")
    args = parser.parse_args()
    root = args.project.resolve()
    skip = set(filter(None, args.skip.split(",")))

    rows: list[Row] = []
    notes: list[str] = []
    scratch = Path(tempfile.mkdtemp(prefix="smtp-bench-"))
    real_site = scratch / "site-real"

    def add(part: tuple[list[Row], list[str]]) -> None:
        rows.extend(part[0])
        notes.extend(part[1])

    try:
        if "a" not in skip:
            add(build.hooks_vs_static(root, scratch, args.runs, real_site))
        if "b" not in skip:
            add(build.growth(root, scratch, args.runs, args.factor))
        if {"c", "d", "e", "h"} - skip and not (real_site / "index.html").exists():
            say("building the real site for c, d, e, h")
            result = build_site(root, real_site, "--quiet")
            if result.returncode != 0:
                raise SystemExit(f"build of {root} failed:\n{result.stderr[-3000:]}")
        if "c" not in skip:
            add(browser.decoder_speed(real_site))
        if "d" not in skip:
            add(browser.index_size(real_site))
        if "e" not in skip:
            add(browser.lighthouse_scores(real_site, scratch))
        if {"f", "g"} - skip:
            say("building and installing the npm package for f, g")
            tarball, user = package.build_and_install(root, scratch)
            if "f" not in skip:
                add(package.package_size(tarball))
            if "g" not in skip:
                add(package.cli_speed(user, args.runs))
        if "h" not in skip:
            add(logs.log_triage(real_site, scratch, args.runs))
    finally:
        if args.keep:
            say(f"scratch kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    import mkdocs
    from material import __version__ as material_version
    print(f"SMTP reply codes site benchmark, {time.strftime('%Y-%m-%d')}: {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, MkDocs {mkdocs.__version__}, Material {material_version}, "
          f"Chromium {browser.chromium_version()}\n")
    print(table(rows))
    if notes:
        print()
        for note in notes:
            print(f"- {note}")
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
