"""Run the decoder's Node tests (tests/js/) against the lookup index of the freshly built site."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from conftest import ROOT
from urls import reply_links


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


def test_decoder_node_tests_pass(site, catalog, tmp_path):
    assert shutil.which("node"), "Node.js 20 is needed for the decoder's tests (see README)"
    replies = tmp_path / "provider-replies.json"
    replies.write_text(json.dumps(reply_expectations(catalog)))
    result = subprocess.run(
        ["node", "--test", "--test-reporter=dot", str(ROOT / "tests" / "js")],
        env={**os.environ, "LOOKUP_INDEX": str(site / "lookup-index.json"), "PROVIDER_REPLIES": str(replies)},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_each_provider_reply_links_to_an_existing_page(site, catalog):
    for expected in reply_expectations(catalog):
        for url in filter(None, expected["urls"].values()):
            path, _, anchor = url.partition("#")
            html = (site / path / "index.html").read_text()
            assert not anchor or f'id="{anchor}"' in html, (expected["reply"], url)
