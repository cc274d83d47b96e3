#!/usr/bin/env python3
"""Benchmark the site, by hand (not part of pytest): .venv/bin/python bench/run.py [-n 5]

Measures, in one run on one machine, and prints as a Markdown table with targets:

  a. build time of the real site (hooks generating the pages) against a plain MkDocs build of the
     very same pages written out once as static Markdown (median of N runs each);
  b. build time with about 10x as many codes (synthetic data) against 1x, beside the multiple of
     pages actually built;
  c. the in-browser decoder on a 10 KB pasted bounce (median of 200 runs, Chromium);
  d. the lookup index, gzipped;
  e. Lighthouse 12 (mobile, the default) on a code page and the home page, served locally the way a
     static host serves them (gzip, short cache).

Needs the venv (mkdocs, playwright), Debian's Chromium at /usr/bin/chromium and the npm tools
(`npm ci`: lighthouse). Exit status 1 when a target is missed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import gzip
import http.server
import json
import logging
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


# ---------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    measured: str
    target: str
    met: bool | None  # None: not measured


def table(rows: list[Row]) -> str:
    head = ("Figure", "Measured", "Target", "Met")
    cells = [head] + [(r.figure, r.measured, r.target, "n/a" if r.met is None else "met" if r.met else "NOT MET")
                      for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------------


def build_once(project: Path, out: Path) -> float:
    """One `mkdocs build --strict` of project into out, in a fresh process; seconds of wall time."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
                            cwd=project, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{result.stderr[-3000:]}")
    return elapsed


def median_builds(projects: dict[str, Path], outs: dict[str, Path], runs: int, warmup: bool = True) -> dict[str, float]:
    """Median build time of each project; runs interleaved so that machine drift hits all alike."""
    if warmup:
        for name, project in projects.items():
            build_once(project, outs[name])
    times: dict[str, list[float]] = {name: [] for name in projects}
    for i in range(runs):
        for name, project in projects.items():
            times[name].append(build_once(project, outs[name]))
        say(f"    run {i + 1}/{runs}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()))
    return {name: statistics.median(t) for name, t in times.items()}


def html_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


SKIP_IN_COPY = (".git", ".venv", "node_modules", "site", "tests", "bench", ".ci", ".pytest_cache", "__pycache__", "*.pyc")


def copy_project(dest: Path, data: Path | None = None) -> Path:
    """A copy of the project's site sources (everything but tests, tools and caches) in dest, with
    data/codes.yaml replaced by `data` when given."""
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*SKIP_IN_COPY), symlinks=True)
    if data:
        shutil.copy2(data, dest / "data" / "codes.yaml")
    return dest


def without_top_level_keys(config_text: str, keys: tuple[str, ...]) -> str:
    """mkdocs.yml text without the named top-level blocks (kept as text: custom YAML tags survive)."""
    out, skipping = [], False
    for line in config_text.splitlines(keepends=True):
        top = re.match(r"([A-Za-z_]+):", line)
        if top:
            skipping = top[1] in keys
        elif line.strip() and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            out.append(line)
    return "".join(out)


def static_project(dest: Path, scratch: Path) -> Path:
    """The real site's pages written out as plain Markdown, with a copy of mkdocs.yml minus `hooks:`.

    The pages are captured from one in-process build of the real project: each page's front matter
    and its Markdown after every hook has run (generated pages, filled table markers), and every
    generated non-page file (lookup-index.json). Whatever the hooks make, the static copy has.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import BasePlugin

    class Capture(BasePlugin):
        def __init__(self):
            self.pages: dict[str, str] = {}
            self.assets: dict[str, bytes] = {}

        def on_files(self, files, config):
            for file in files:
                if file.generated_by and not file.is_documentation_page():
                    self.assets[file.src_uri] = file.content_bytes
            return files

        def on_page_markdown(self, markdown, page, config, files):
            meta = yaml.safe_dump(dict(page.meta), sort_keys=False, allow_unicode=True, width=1000) if page.meta else ""
            self.pages[page.file.src_uri] = (f"---\n{meta}---\n\n" if meta else "") + markdown
            return markdown

    capture = Capture()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(scratch))
    config.plugins["bench-capture"] = capture  # registered last: runs after the project's hooks
    sys.path.insert(0, str(ROOT / "hooks"))
    build(config)

    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", dest / "docs")
    if (ROOT / "overrides").exists():
        shutil.copytree(ROOT / "overrides", dest / "overrides")
    for src_uri, text in capture.pages.items():
        path = dest / "docs" / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for src_uri, content in capture.assets.items():
        path = dest / "docs" / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    config_text = without_top_level_keys((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), ("hooks", "watch"))
    if "redirects" in config.plugins:
        # Hooks may add redirects in on_config (hooks/code_redirects.py): write out the final map.
        config_text = with_redirect_maps(config_text, config.plugins["redirects"].config["redirect_maps"])
    (dest / "mkdocs.yml").write_text(config_text, encoding="utf-8")
    return dest


def with_redirect_maps(config_text: str, redirects: dict) -> str:
    """mkdocs.yml text with the redirects plugin's redirect_maps replaced by `redirects` (as a JSON
    flow mapping, which is YAML)."""
    lines = config_text.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if re.match(r"\s*redirect_maps:", line)), None)
    if at is None:
        raise SystemExit("mkdocs.yml uses the redirects plugin without a redirect_maps key")
    indent = len(lines[at]) - len(lines[at].lstrip())
    end = at + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return "".join(lines[:at] + [" " * indent + "redirect_maps: " + json.dumps(redirects) + "\n\n"] + lines[end:])


def _normalised(path: Path) -> bytes | list:
    """A built file's content; the search index and the sitemap in page order (MkDocs lists
    generated pages after the ones on disk, so their order differs, not their content)."""
    if path.name == "search_index.json":
        index = json.loads(path.read_bytes())
        return [index["config"]] + sorted(index["docs"], key=lambda doc: json.dumps(doc, sort_keys=True))
    if path.name == "sitemap.xml":
        return sorted(re.findall(rb"<url>.*?</url>", path.read_bytes(), re.S))
    return path.read_bytes()


def differing_files(a: Path, b: Path) -> list[str]:
    """Built files whose content differs between two site directories (the gzipped sitemap aside)."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(n for n in names if not n.endswith("sitemap.xml.gz")
                  and (not (a / n).exists() or not (b / n).exists() or _normalised(a / n) != _normalised(b / n)))


# ---------------------------------------------------------------------------------------------------
# Synthetic data: about `factor` times the pages
# ---------------------------------------------------------------------------------------------------



def synthetic_data(source: Path, factor: int) -> tuple[str, dict]:
    """codes.yaml grown by cloning entries under new, valid codes: every free basic code (RFC 5321
    allows only 240 in all), then new enhanced X.subject.detail entries (details up to 999) until the
    generated code pages number about `factor` times the original."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    basic = data["basic_codes"]
    enhanced = data["enhanced_codes"]
    pages_before = len(basic) + sum(len(e["classes"]) for e in enhanced)
    target = factor * pages_before

    used = {b["code"] for b in basic}
    free = [f"{a}{b}{c}" for a in "2345" for b in "012345" for c in "0123456789" if f"{a}{b}{c}" not in used]
    originals = list(basic)
    for i, code in enumerate(free):
        clone = copy.deepcopy(originals[i % len(originals)])
        clone["code"] = code
        basic.append(clone)

    taken = {e["code"] for e in enhanced}
    subjects = [s["subject"] for s in data["enhanced_subjects"]]
    originals = list(enhanced)
    pages = len(basic) + sum(len(e["classes"]) for e in enhanced)
    i = 0
    details = {s: 1 for s in subjects}
    while pages < target:
        source_entry = originals[i % len(originals)]
        subject = subjects[i % len(subjects)]
        while f"X.{subject}.{details[subject]}" in taken:
            details[subject] += 1
        if details[subject] > 999:
            raise SystemExit(f"ran out of enhanced codes in subject {subject}")
        clone = copy.deepcopy(source_entry)
        clone["code"] = f"X.{subject}.{details[subject]}"
        taken.add(clone["code"])
        enhanced.append(clone)
        pages += len(clone["classes"])
        i += 1
    info = {"basic": len(basic), "enhanced": len(enhanced), "code_pages_before": pages_before, "code_pages": pages}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), info


# ---------------------------------------------------------------------------------------------------
# Serving a built site like a static host (gzip for text, a short cache)
# ---------------------------------------------------------------------------------------------------

COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map"}


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    _gzipped: dict[Path, bytes] = {}

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        super().end_headers()

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if (path.is_file() and path.suffix in COMPRESSIBLE
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            body = self._gzipped.get(path)
            if body is None:
                body = self._gzipped[path] = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def handle(self):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()


@contextlib.contextmanager
def serve(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHostHandler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


# ---------------------------------------------------------------------------------------------------
# c. The decoder on a 10 KB bounce
# ---------------------------------------------------------------------------------------------------


def bounce_10kb() -> str:
    """A Postfix-style bounce with the DSN and the returned message's headers, padded to 10 KB."""
    head = """\
Return-Path: <>
Received: from mail.example.com (mail.example.com [198.51.100.25])
	by mx.example.net (Postfix) with ESMTPS id 4Wq2Zp1XyZz9sRk
	for <alice@example.net>; Sun, 29 Nov 2026 19:11:15 +0000 (UTC)
Date: Sun, 29 Nov 2026 19:11:15 +0000 (UTC)
From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: alice@example.net
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="4Wq2Zp1XyZz9sRk.1732907475/mail.example.com"

This is a MIME-encapsulated message.

--4Wq2Zp1XyZz9sRk.1732907475/mail.example.com
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<bob@example.org>: host mx.example.org[192.0.2.1] said: 550-5.1.1 The email
    account that you tried to reach does not exist. Please try 550-5.1.1
    double-checking the recipient's email address for typos or 550-5.1.1
    unnecessary spaces. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser
    a1si123.1 - gsmtp (in reply to RCPT TO command)

--4Wq2Zp1XyZz9sRk.1732907475/mail.example.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.com
X-Postfix-Queue-ID: 4Wq2Zp1XyZz9sRk
X-Postfix-Sender: rfc822; alice@example.net
Arrival-Date: Sun, 29 Nov 2026 19:11:14 +0000 (UTC)

Final-Recipient: rfc822; bob@example.org
Original-Recipient: rfc822;bob@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does
    not exist. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1si123.1 - gsmtp

--4Wq2Zp1XyZz9sRk.1732907475/mail.example.com
Content-Description: Undelivered Message
Content-Type: message/rfc822

"""
    received = ("Received: from relay{n}.example.net (relay{n}.example.net [203.0.113.{n}])\n"
                "\tby mail.example.com (Postfix) with ESMTPS id 4Wq2Zp{n:04d}\n"
                "\tfor <bob@example.org>; Sun, 29 Nov 2026 19:11:{s:02d} +0000 (UTC)\n")
    text, n = head, 1
    while len(text) < 10 * 1024 - 200:
        text += received.format(n=n, s=n % 60)
        n += 1
    text += "Subject: Quarterly figures\nFrom: Alice <alice@example.net>\nTo: bob@example.org\n\nHello Bob,\n"
    return text[:10 * 1024]


def measure_decoder(site: Path, runs: int = 200) -> tuple[float, int, dict]:
    from playwright.sync_api import sync_playwright

    text = bounce_10kb()
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base}/lookup/")
        result = page.evaluate("""async ([text, runs]) => {
            const {decode} = await import("/javascripts/decode.js");
            const index = await (await fetch("/lookup-index.json")).json();
            for (let i = 0; i < 20; i++) decode(text, index);          // warm-up: let the JIT settle
            const times = [];
            let last;
            for (let i = 0; i < runs; i++) {
                const start = performance.now();
                last = decode(text, index);
                times.push(performance.now() - start);
            }
            times.sort((a, b) => a - b);
            return {median: times[Math.floor(runs / 2)], p95: times[Math.floor(runs * 0.95)],
                    mean: times.reduce((a, b) => a + b, 0) / runs,
                    basic: last.basic, enhanced: last.enhanced};
        }""", [text, runs])
        browser.close()
    return result["median"], len(text.encode()), result


# ---------------------------------------------------------------------------------------------------
# e. Lighthouse
# ---------------------------------------------------------------------------------------------------

CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 100}


def lighthouse(url: str, out: Path) -> dict[str, int]:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        raise FileNotFoundError("node_modules/.bin/lighthouse: run `npm ci`")
    flags = "--headless=new " + " ".join(CHROMIUM_ARGS)
    result = subprocess.run(
        [str(binary), url, "--output=json", f"--output-path={out}", "--quiet", f"--chrome-flags={flags}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(out.read_text())
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def lighthouse_misses(report_path: Path, limit: int = 4) -> list[str]:
    """The audits that cost points, for explaining a missed target."""
    report = json.loads(report_path.read_text())
    missed = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                missed.append(f"{name}: {ref['id']} ({audit.get('displayValue') or audit['score']})")
    return missed[:limit * len(CATEGORIES)]


# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------


def main() -> int:
    global ROOT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="builds per variant for the medians (default 5)")
    parser.add_argument("--factor", type=int, default=10, help="growth of the synthetic data (default 10)")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: a,b,c,d,e")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory and print its path")
    parser.add_argument("--project", type=Path, default=ROOT, help="the project to measure (default: this one)")
    args = parser.parse_args()
    ROOT = args.project.resolve()
    skip = set(filter(None, args.skip.split(",")))

    rows: list[Row] = []
    notes: list[str] = []
    scratch = Path(tempfile.mkdtemp(prefix="smtp-bench-"))
    try:
        real_site = scratch / "site-real"
        real_time = None

        if "a" not in skip:
            say("a. real build (hooks) vs plain MkDocs on the same pages as static Markdown")
            static = static_project(scratch / "static", scratch / "capture-site")
            times = median_builds({"hooks": ROOT, "static": static},
                                  {"hooks": real_site, "static": scratch / "site-static"}, args.runs)
            real_time = times["hooks"]
            ratio = times["hooks"] / times["static"]
            pages = html_pages(real_site)
            differ = differing_files(real_site, scratch / "site-static")
            rows.append(Row("a. build: hooks vs static Markdown (median of %d)" % args.runs,
                            f"{ratio:.2f}x ({times['hooks']:.2f} s vs {times['static']:.2f} s, {pages} pages)",
                            "<= 1.10x", ratio <= 1.10))
            if differ:
                notes.append(f"a: {len(differ)} built file(s) differ between the two builds, e.g. {', '.join(differ[:5])}")
            else:
                notes.append(f"a: the two builds produce the same {pages} pages, byte for byte")

        if "b" not in skip:
            say(f"b. build with ~{args.factor}x the codes vs 1x")
            text, info = synthetic_data(ROOT / "data" / "codes.yaml", args.factor)
            big_data = scratch / "codes-x.yaml"
            big_data.write_text(text, encoding="utf-8")
            one = copy_project(scratch / "project-1x")
            big = copy_project(scratch / "project-x", big_data)
            times = median_builds({"1x": one, "Nx": big}, {"1x": scratch / "site-1x", "Nx": scratch / "site-x"},
                                  args.runs, warmup=False)
            pages_1, pages_n = html_pages(scratch / "site-1x"), html_pages(scratch / "site-x")
            multiple = pages_n / pages_1
            ratio = times["Nx"] / times["1x"]
            limit = 1.1 * multiple
            rows.append(Row(f"b. build: {multiple:.1f}x pages vs 1x (median of {args.runs})",
                            f"{ratio:.2f}x ({times['Nx']:.2f} s vs {times['1x']:.2f} s; {pages_n} vs {pages_1} pages)",
                            f"<= {limit:.1f}x (1.1 x page multiple; 11x at 10x)", ratio <= limit))
            notes.append(f"b: synthetic data has {info['basic']} basic codes (all of RFC 5321's 240 possible) and "
                         f"{info['enhanced']} enhanced entries: {info['code_pages']} code pages vs {info['code_pages_before']}")

        if "c" in skip and "d" in skip and "e" in skip:
            pass
        elif not (real_site / "index.html").exists():
            say("building the real site for c, d, e")
            build_once(ROOT, real_site)

        if "c" not in skip:
            say("c. decoder on a 10 KB bounce in Chromium")
            median, size, result = measure_decoder(real_site)
            rows.append(Row("c. decoder, 10 KB bounce (median of 200)",
                            f"{median:.2f} ms (mean {result['mean']:.2f}, p95 {result['p95']:.2f} ms; {size} bytes)", "< 5 ms", median < 5))
            if result["basic"] != "550" or result["enhanced"] != "5.1.1":
                notes.append(f"c: the decoder found {result['basic']} {result['enhanced']}, expected 550 5.1.1")

        if "d" not in skip:
            raw = (real_site / "lookup-index.json").read_bytes()
            zipped = len(gzip.compress(raw, 6))
            rows.append(Row("d. lookup-index.json gzipped (level 6)",
                            f"{zipped / 1024:.1f} KB ({len(raw) / 1024:.1f} KB raw)", "<= 25 KB", zipped <= 25 * 1024))

        if "e" not in skip:
            say("e. Lighthouse (mobile) on /550/ and /")
            with serve(real_site) as base:
                for path in ("/550/", "/"):
                    out = scratch / f"lh{path.replace('/', '_')}.json"
                    scores = lighthouse(base + path, out)
                    for name, target in CATEGORIES.items():
                        op = ">=" if target < 100 else "="
                        rows.append(Row(f"e. Lighthouse {path} {name}", str(scores[name]),
                                        f"{op} {target}", scores[name] >= target))
                    if any(scores[n] < t for n, t in CATEGORIES.items()):
                        notes.append(f"e: {path} lost points on: " + "; ".join(lighthouse_misses(out)))
    finally:
        if args.keep:
            say(f"scratch kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    import mkdocs
    from material import __version__ as material_version
    print(f"SMTP reply codes site benchmark, {time.strftime('%Y-%m-%d')}: {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, MkDocs {mkdocs.__version__}, Material {material_version}, "
          f"Chromium {chromium_version()}\n")
    print(table(rows))
    if notes:
        print()
        for note in notes:
            print(f"- {note}")
    return 0 if all(r.met is not False for r in rows) else 1


def chromium_version() -> str:
    with contextlib.suppress(Exception):
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout
        match = re.search(r"\d+(\.\d+)+", out)
        if match:
            return match[0]
    return "?"


if __name__ == "__main__":
    sys.exit(main())
