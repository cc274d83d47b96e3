"""Shared fixtures: the real data, the built site served on localhost, Debian's Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from loader import load  # noqa: E402
from records import Catalog  # noqa: E402
from site_host import CHROMIUM, CHROMIUM_ARGS, build_site, serve  # noqa: E402,F401

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load(ROOT / "data")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


@pytest.fixture(scope="session")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
