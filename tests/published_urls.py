"""The URLs a built site publishes: its pages (and redirects), its data files and its 404 page.

tests/published-urls.txt is the committed list of every URL the site has ever published; the tests
fail when a build no longer produces one. After adding pages, append the new URLs with:

    .venv/bin/mkdocs build -d site && .venv/bin/python tests/published_urls.py site >> tests/published-urls.txt
    sort -u -o tests/published-urls.txt tests/published-urls.txt
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

MANIFEST = Path(__file__).parent / "published-urls.txt"
INTERNAL = ("assets/", "javascripts/", "stylesheets/", "search/")  # theme and script files, not addresses
DATA_SUFFIXES = (".json", ".csv", ".xml")


def published_urls(site: Path) -> set[str]:
    """Every page and data file of a built site, and the permalink of every provider reply and code."""
    urls = set()
    for path in site.rglob("*"):
        relative = path.relative_to(site).as_posix()
        if path.is_dir() or relative.startswith(INTERNAL):
            continue
        if path.name == "index.html":
            urls.add("/" + relative[: -len("index.html")])
        elif path.suffix in DATA_SUFFIXES or relative == "404.html":
            urls.add("/" + relative)
    providers = site / "providers.json"
    if providers.is_file():
        for provider in json.loads(providers.read_text())["providers"]:
            for item in provider["replies"] + provider["codes"]:
                link = urlsplit(item["permalink"])
                urls.add(f"{link.path}#{link.fragment}")
    return urls


def manifest() -> set[str]:
    return {line.strip() for line in MANIFEST.read_text().splitlines() if line.strip() and not line.startswith("#")}


if __name__ == "__main__":
    print("\n".join(sorted(published_urls(Path(sys.argv[1])))))
