"""Run the decoder's Node tests (tests/js/) against the lookup index of the freshly built site.

The Node tests read no YAML (Node has no YAML parser and the decoder has no dependencies): this
test writes what they need as JSON and points them at it through environment variables:

  LOOKUP_INDEX      the built site's lookup-index.json
  PROVIDER_REPLIES  every provider reply with its codes, provider, reason and the pages of its codes
  BOUNCES           the whole-message fixtures of tests/fixtures/bounces/ with their expected answers
  REASONS           tests/fixtures/reasons.yaml: reply texts and the reason an expert gives them
  LOG_FIXTURES      the logs and exports of tests/fixtures/logs/ with their expected triage tables
  GENERATED_LOG     a generated mixed log with 5 % unreadable lines (tests/log_generator.py) and its table
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import yaml

from conftest import ROOT
from log_generator import generate
from urls import reply_links

FIXTURES = Path(__file__).parent / "fixtures"
MIN_BOUNCES = 150           # the whole-message fixtures: at least this many ...
MIN_BOUNCE_SOURCES = 30     # ... written from the formats of at least this many MTAs and providers
MIN_REASON_TEXTS = 300


def reply_expectations(catalog) -> list[dict]:
    """What each provider reply must decode to, and the page each of its codes must link to."""
    expectations = []
    for provider in catalog.providers.values():
        for reply in provider.replies:
            urls = {link.label: link.url for link in reply_links(reply, catalog, provider.id)}
            expectations.append({
                "provider": provider.id, "reply": reply.reply, "basic": reply.basic, "enhanced": reply.enhanced,
                "reason": reply.reason,
                "urls": {"basic": urls.get(reply.basic), "enhanced": urls.get(reply.enhanced)},
            })
    return expectations


def bounce_expectations() -> list[dict]:
    cases = []
    for expected in sorted((FIXTURES / "bounces").glob("*/expected.yaml")):
        for name, case in yaml.safe_load(expected.read_text()).items():
            cases.append({"file": str(expected.parent / name), "family": expected.parent.name, **case})
    return cases


def log_expectations() -> list[dict]:
    cases = []
    for expected in sorted((FIXTURES / "logs").glob("*/expected.yaml")):
        for name, case in yaml.safe_load(expected.read_text()).items():
            cases.append({"file": str(expected.parent / name), "family": expected.parent.name, "expected": case})
    return cases


def test_log_fixtures_are_all_listed():
    listed = {c["file"] for c in log_expectations()}
    on_disk = {str(p) for p in (FIXTURES / "logs").glob("*/*") if p.name != "expected.yaml"}
    assert listed == on_disk, sorted(on_disk ^ listed)


def test_bounce_fixtures_are_many_and_varied():
    cases = bounce_expectations()
    sources = {c["reporter"] for c in cases if c.get("reporter")} | {
        r["provider"] for c in cases for r in c["recipients"] if r.get("provider")}
    assert len(cases) >= MIN_BOUNCES, len(cases)
    assert len(sources) >= MIN_BOUNCE_SOURCES, sorted(sources)
    for case in cases:
        assert Path(case["file"]).is_file(), case["file"]
    listed = {c["file"] for c in cases}
    on_disk = {str(p) for p in (FIXTURES / "bounces").glob("*/*") if p.name != "expected.yaml"}
    assert listed == on_disk, sorted(on_disk ^ listed)[:5]


def test_decoder_node_tests_pass(site, catalog, tmp_path):
    assert shutil.which("node"), "Node.js 20 is needed for the decoder's tests (see README)"
    files = {
        "PROVIDER_REPLIES": reply_expectations(catalog),
        "BOUNCES": bounce_expectations(),
        "REASONS": yaml.safe_load((FIXTURES / "reasons.yaml").read_text()),
        "LOG_FIXTURES": log_expectations(),
    }
    log_text, log_table = generate(2 * 1024 * 1024, mixed=True, unreadable=0.05)
    (tmp_path / "generated.log").write_text(log_text)
    files["GENERATED_LOG"] = {"file": str(tmp_path / "generated.log"), "expected": log_table}
    assert len(files["REASONS"]) >= MIN_REASON_TEXTS
    env = {**os.environ, "LOOKUP_INDEX": str(site / "lookup-index.json")}
    for name, value in files.items():
        path = tmp_path / f"{name.lower()}.json"
        path.write_text(json.dumps(value, default=str))
        env[name] = str(path)
    # One test file at a time: the fuzz test's time ceiling must not measure the other files' load.
    result = subprocess.run(["node", "--test", "--test-concurrency=1", "--test-reporter=dot", str(ROOT / "tests" / "js")],
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_each_provider_reply_links_to_an_existing_page(site, catalog):
    for expected in reply_expectations(catalog):
        for url in filter(None, expected["urls"].values()):
            path, _, anchor = url.partition("#")
            html = (site / path / "index.html").read_text()
            assert not anchor or f'id="{anchor}"' in html, (expected["reply"], url)
