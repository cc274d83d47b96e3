"""Built HTML pages load in Chromium without a console error, an uncaught exception or a failed
request (network failure or HTTP status >= 400): broken asset paths, missing scripts and decoder
crashes show up here. The full run loads every page; the quick loop one page of each type. One page
object is reused; failures are collected and reported together.

Redirect pages (mkdocs-redirects: /X.7.1/ and renamed pages) are loaded too, but the navigation they
start is answered with an empty 204 instead of loading the target a second time: the target must be
a page of the build, and it is itself one of the pages checked.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route

REDIRECT_MARK = '<meta http-equiv="refresh"'
# A page's type, from its URL; the first match names it.
PAGE_TYPES = (("basic code", r"^/[2-5]\d\d/$"), ("enhanced code", r"^/[245]\.\d+\.\d+/$"),
              ("provider", r"^/providers/.+/$"), ("guide", r"^/symptoms/.+/$"), ("other", r""))


def page_urls(site) -> tuple[list[str], list[str]]:
    """Site-relative URLs of every built HTML page as a visitor requests them: (pages, redirect pages)."""
    pages, redirects = [], []
    for html in sorted(site.rglob("*.html")):
        path = html.relative_to(site).as_posix()
        url = "/" + (path[: -len("index.html")] if path.endswith("index.html") else path)
        head = html.read_text(encoding="utf-8", errors="replace")[:2000]
        (redirects if REDIRECT_MARK in head else pages).append(url)
    return pages, redirects


def page_type(url: str) -> str:
    return next(name for name, pattern in PAGE_TYPES if re.search(pattern, url))


def one_of_each_type(urls: list[str]) -> list[str]:
    """The first page of each generated type, and every other page (each is a type of its own)."""
    chosen, seen = [], set()
    for url in urls:
        kind = page_type(url)
        if kind == "other" or kind not in seen:
            seen.add(kind)
            chosen.append(url)
    return chosen


def built_file(site, url_path: str):
    path = site / url_path.lstrip("/")
    return path / "index.html" if url_path.endswith("/") else path


def check_pages(page: Page, base_url: str, site, pages: list[str], redirects: list[str]) -> None:
    current = {"url": ""}
    problems: list[str] = []

    def note(kind: str, detail: str) -> None:
        problems.append(f"{current['url']}: {kind}: {detail}")

    page.on("console", lambda msg: msg.type == "error" and note("console error", msg.text))
    page.on("pageerror", lambda error: note("uncaught exception", str(error)))
    # Requests cut off because the next page.goto() began are not failures of the site.
    page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED"
            and note("request failed", f"{request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400
            and note(f"HTTP {response.status}", response.url))

    def visit(url: str, wait_until="load") -> None:
        current["url"] = url
        response = page.goto(base_url + url, wait_until=wait_until)
        if response is None or not response.ok:
            note("page itself", f"HTTP {response.status if response else 'no response'}")

    for url in pages:
        visit(url)
    page.wait_for_timeout(200)  # late console errors of the last page

    # Redirect pages: record where each one sends the browser, without loading the target again.
    targets: dict[str, str] = {}

    def stop_redirect(route: Route) -> None:
        request = route.request
        if request.is_navigation_request() and request.url != base_url + current["url"]:
            targets[current["url"]] = urlsplit(request.url).path
            route.fulfill(status=204)
        else:
            route.continue_()

    page.route("**/*", stop_redirect)
    for url in redirects:
        visit(url, "commit")  # "load" would wait for the redirect that the 204 cancels
        page.wait_for_function("() => document.readyState === 'complete'")
        if url not in targets:
            page.wait_for_timeout(100)  # the meta refresh, if the script did not go first
        target = targets.get(url)
        if target is None:
            note("redirect", "the page did not send the browser anywhere")
        elif not built_file(site, target).is_file():
            note("redirect", f"goes to {target}, which is not a page of the build")
    page.unroute("**/*")

    total = len(pages) + len(redirects)
    assert not problems, f"{len(problems)} problem(s) on {total} pages:\n" + "\n".join(problems)


@pytest.mark.slow
def test_every_page_loads_without_errors(page: Page, base_url, site):
    pages, redirects = page_urls(site)
    assert len(pages) > 10, f"only {len(pages)} HTML pages were built"
    check_pages(page, base_url, site, pages, redirects)


def test_one_page_of_each_type_loads_without_errors(page: Page, base_url, site):
    pages, redirects = page_urls(site)
    chosen = one_of_each_type(pages)
    assert {page_type(url) for url in chosen} == {name for name, _ in PAGE_TYPES}, chosen
    check_pages(page, base_url, site, chosen, redirects[:2])
