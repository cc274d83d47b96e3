"""Run the decoder's Node unit tests (tests/js/) against the lookup index of the freshly built site."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import ROOT


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_decoder_unit_tests_pass(site):
    result = subprocess.run(
        ["node", "--test", "--test-reporter=dot", str(ROOT / "tests" / "js")],
        env={**os.environ, "LOOKUP_INDEX": str(site / "lookup-index.json")},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
