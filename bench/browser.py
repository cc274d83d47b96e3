"""Benchmark, browser part: the decoder in Chromium (c), its download (d) and Lighthouse (e), on
the built site served the way a static host serves it (tests/site_host.py, shared with the tests).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import subprocess
from pathlib import Path

from results import Row, say
from site_host import CHROMIUM, CHROMIUM_ARGS, ROOT, serve


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


def bounce_1mb() -> str:
    """The 10 KB bounce with its returned message grown to 1 MB by a long plain-text body, as a
    bounce that returns a whole report or a forwarded thread is."""
    line = "Figures for line {n:06d}: 12 units at 3.50, shipped from the warehouse on Monday.\n"
    parts, size, n = [bounce_10kb()], 10 * 1024, 0
    while size < 1024 * 1024:
        parts.append(line.format(n=n))
        size += len(parts[-1])
        n += 1
    return "".join(parts)[:1024 * 1024]


def measure_decoder(site: Path, text: str, runs: int) -> tuple[float, int, dict]:
    from playwright.sync_api import sync_playwright

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
# The figures
# ---------------------------------------------------------------------------------------------------


def decoder_speed(site: Path) -> tuple[list[Row], list[str]]:
    rows, notes = [], []
    for name, text, runs, limit in (("10 KB", bounce_10kb(), 200, 5), ("1 MB", bounce_1mb(), 50, 50)):
        say(f"c. decoder on a {name} bounce in Chromium")
        median, size, result = measure_decoder(site, text, runs)
        rows.append(Row(f"c. decoder, {name} bounce (median of {runs})",
                        f"{median:.2f} ms (mean {result['mean']:.2f}, p95 {result['p95']:.2f} ms; {size} bytes)",
                        f"< {limit} ms", median < limit))
        if result["basic"] != "550" or result["enhanced"] != "5.1.1":
            notes.append(f"c: the decoder found {result['basic']} {result['enhanced']} in the {name} bounce, expected 550 5.1.1")
    return rows, notes


# search/search_index.json gzipped before provider pages, guides and their keywords (commit 64fc868).
SEARCH_INDEX_BASELINE = 168_926


def index_size(site: Path) -> tuple[list[Row], list[str]]:
    raw = (site / "lookup-index.json").read_bytes()
    zipped = len(gzip.compress(raw, 6))
    search = (site / "search" / "search_index.json").read_bytes()
    search_zipped = len(gzip.compress(search, 6))
    return [Row("d. lookup-index.json gzipped (level 6)", f"{zipped / 1024:.1f} KB ({len(raw) / 1024:.1f} KB raw)",
                "<= 40 KB", zipped <= 40 * 1024),
            Row("d. search_index.json gzipped (level 6)",
                f"{search_zipped / 1024:.1f} KB ({search_zipped / SEARCH_INDEX_BASELINE:.2f}x the {SEARCH_INDEX_BASELINE / 1024:.1f} KB before keywords)",
                "<= 1.5x", search_zipped <= 1.5 * SEARCH_INDEX_BASELINE)], []


def lighthouse_scores(site: Path, scratch: Path) -> tuple[list[Row], list[str]]:
    say("e. Lighthouse (mobile) on /550/ and /")
    rows, notes = [], []
    with serve(site) as base:
        for path in ("/550/", "/"):
            out = scratch / f"lh{path.replace('/', '_')}.json"
            scores = lighthouse(base + path, out)
            for name, target in CATEGORIES.items():
                op = ">=" if target < 100 else "="
                rows.append(Row(f"e. Lighthouse {path} {name}", str(scores[name]), f"{op} {target}", scores[name] >= target))
            if any(scores[n] < t for n, t in CATEGORIES.items()):
                notes.append(f"e: {path} lost points on: " + "; ".join(lighthouse_misses(out)))
    return rows, notes


def chromium_version() -> str:
    with contextlib.suppress(Exception):
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout
        match = re.search(r"\d+(\.\d+)+", out)
        if match:
            return match[0]
    return "?"
