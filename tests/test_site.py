"""The built site: a page per code at its stable URL, light pages, no third-party request, no broken link."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from conftest import ROOT
from loader import load

DATA = load(ROOT / "data")
MAX_CODE_PAGE_BYTES = 40_000


class _Refs(HTMLParser):
    """Collects what a page links to (a href) and what it makes the browser fetch (src, link href)."""

    def __init__(self):
        super().__init__()
        self.links, self.fetches, self.nav_links, self._nav_depth = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "md-nav--primary" in (attrs.get("class") or ""):
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._nav_depth:
                self.nav_links.append(attrs["href"])
        if tag in ("script", "img", "iframe", "source") and attrs.get("src"):
            self.fetches.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel") not in ("canonical", "prev", "next", "alternate"):
            self.fetches.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def refs(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text())
    return parser


def code_pages():
    yield from DATA.basic
    for entry in DATA.enhanced.values():
        yield from entry.variants


@pytest.mark.parametrize("code", list(code_pages()))
def test_code_page_exists_and_is_light(site, code):
    page = site / code / "index.html"
    assert page.is_file(), f"/{code}/ is not built"
    html = page.read_text()
    assert f"<h1" in html and code in html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert page.stat().st_size < MAX_CODE_PAGE_BYTES


def test_every_registry_entry_and_basic_code_has_a_page(site):
    assert all((site / e.variants[0] / "index.html").is_file() for e in DATA.enhanced.values())
    # A class variant a user may paste, such as both 4.2.2 and 5.2.2, has its own page.
    for code in ("4.2.2", "5.2.2", "5.1.1", "4.7.1", "5.7.1", "2.1.5"):
        assert (site / code / "index.html").is_file(), code


def test_reply_texts_keep_their_angle_brackets(site):
    html = (site / "354" / "index.html").read_text()
    assert "end with &lt;CRLF&gt;.&lt;CRLF&gt;" in html
    assert "<CRLF>" not in html
    assert "please try &lt;forward-path&gt;" in (site / "551" / "index.html").read_text()
    assert "will forward to &lt;forward-path&gt;" in (site / "251" / "index.html").read_text()


def test_sidebar_lists_no_code_pages(site):
    nav = refs(site / "550" / "index.html").nav_links
    assert 3 <= len(nav) <= 12, nav
    assert not any(re.search(r"(^|/)[2-5](\d\d|\.\d+\.\d+)/$", href) for href in nav), nav


def test_explainer_has_the_rfc_second_digit_table(site):
    html = (site / "how-to-read" / "index.html").read_text()
    for digit, name in ((0, "Syntax"), (1, "Information"), (2, "Connections"), (5, "Mail system")):
        assert re.search(rf"<code>x{digit}z</code></td>\s*<td[^>]*>{name}</td>", html), (digit, name)
    assert "<!-- smtp:" not in html


def test_home_page_reaches_every_code_in_one_step(site):
    links = set(refs(site / "index.html").links)
    for code in code_pages():
        assert f"{code}/" in links, code


def test_indexes_link_every_code(site):
    basic_links = set(refs(site / "basic" / "index.html").links)
    assert {f"../{c}/" for c in DATA.basic} <= basic_links
    enhanced_links = set(refs(site / "enhanced" / "index.html").links)
    assert {f"../{v}/" for e in DATA.enhanced.values() for v in e.variants} <= enhanced_links


def test_lookup_index_covers_every_code(site):
    index = json.loads((site / "lookup-index.json").read_text())
    assert set(index["basic"]) == set(DATA.basic)
    assert {f"X.{key}" for key in index["enhanced"]} == set(DATA.enhanced)
    assert index["enhanced"]["1.1"]["classes"] == [4, 5]
    # The decoder makes page addresses from the index's patterns: they must give the published URLs.
    assert index["pages"] == {"code": "{key}/", "provider": "providers/{key}/", "guide": "symptoms/{key}/"}


def html_pages(site: Path):
    return sorted(site.rglob("*.html"))


def test_no_request_to_a_third_party_host(site):
    offenders = []
    for page in html_pages(site):
        offenders += [(page.relative_to(site), url) for url in refs(page).fetches if urlparse(url).netloc]
    for css in site.rglob("*.css"):
        offenders += [(css.relative_to(site), url) for url in re.findall(r"url\((?:['\"])?(https?:)?//[^)]*\)", css.read_text())]
        offenders += [(css.relative_to(site), m) for m in re.findall(r"@import\s+url\(['\"]?https?://", css.read_text())]
    assert not offenders


def test_no_broken_internal_link_or_anchor(site):
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = set(re.findall(r'\sid="([^"]+)"', path.read_text()))
        return ids[path]

    broken = []
    for page in html_pages(site):
        url = "/" + str(page.relative_to(site))
        for href in refs(page).links:
            target = urlparse(urljoin(url, href))
            if target.scheme or target.netloc or not target.path:
                continue
            path = site / target.path.lstrip("/")
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append((url, href))
            elif target.fragment and path.suffix == ".html" and unquote(target.fragment) not in anchors(path):
                broken.append((url, href))
    assert not broken


# --- content pages (providers, symptom guides, prose) ----------------------------------------------


def test_every_provider_page_has_its_replies_codes_and_official_pages(site):
    for provider in DATA.providers.values():
        html = (site / "providers" / provider.id / "index.html").read_text()
        for reply in provider.replies:
            assert f'id="{reply.id}"' in html, (provider.id, reply.id)
        for code in DATA.provider_codes(provider):
            assert f'id="{code.anchor}"' in html, (provider.id, code.code)
        links = set(refs(site / "providers" / provider.id / "index.html").links)
        assert {link.url for link in provider.links} <= links, provider.id


def test_providers_list_their_postmaster_and_delisting_pages():
    # Every provider names at least one official page; a mailbox provider or gateway that offers a
    # delisting or postmaster page links it (those without one say so in their `about`).
    for provider in DATA.providers.values():
        assert provider.links, provider.id
    with_postmaster = [p for p in DATA.providers.values() if p.kind in ("mailbox", "gateway")
                       and {"postmaster", "delisting", "guidelines"} & {link.kind for link in p.links}]
    assert len(with_postmaster) >= 0.8 * len([p for p in DATA.providers.values() if p.kind in ("mailbox", "gateway")])


def test_every_guide_has_a_page(site):
    for guide in DATA.guides.values():
        assert (site / "symptoms" / guide.id / "index.html").is_file()


def test_home_page_leads_to_guides_and_prose(site):
    links = set(refs(site / "index.html").links)
    for target in ("symptoms/", "providers/", "glossary/", "faq/", "misconceptions/", "how-to-read/", "lookup/"):
        assert target in links, target


def test_related_codes_are_linked_both_ways(site):
    def related(code):
        html = (site / code / "index.html").read_text()
        section = html.split('id="related-codes"', 1)[1].split("<h2", 1)[0] if 'id="related-codes"' in html else ""
        return {href.strip("./") for href in re.findall(r'href="([^"]+)"', section)}

    for code in DATA.basic:
        for other in related(code):
            assert code in related(other), (code, other)


def test_registry_associations_are_linked_from_both_pages(site):
    for entry in DATA.enhanced.values():
        for basic in entry.association.codes:
            variant = DATA.variant_for(entry.code, int(basic[0]))
            assert f"../{variant}/" in refs(site / basic / "index.html").links, (basic, variant)
            for page in entry.variants:
                assert f"../{basic}/" in refs(site / page / "index.html").links, (page, basic)


def test_code_pages_link_previous_and_next(site):
    codes = list(DATA.basic)
    for before, code, after in zip(codes, codes[1:], codes[2:]):
        links = refs(site / code / "index.html").links
        assert f"../{before}/" in links and f"../{after}/" in links, code
