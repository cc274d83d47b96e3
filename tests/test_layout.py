"""Pages answer in their first screen and read well on a phone: the defects a new user met, each
checked as a class (every page of a type), not one instance.

- a registered code that a major vendor uses for something else says so on its first screen;
- a class page (4.7.1, 5.7.1) gives its own class's retry verdict, causes and actions;
- no page shows Markdown list syntax as text, or "1 replies";
- long parts are folded, so code and provider pages stay short, and the first screen holds the
  meaning, the retry verdict and what to do;
- at 390 px no page scrolls sideways and no table is wider than the screen.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from playwright.sync_api import Page, expect

from markup import plain
from test_pages_load import one_of_each_type, page_urls

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Generous ceilings (px at 1280 wide) that catch a page whose long parts are no longer folded.
MAX_HEIGHT = {"basic code": 6000, "enhanced code": 6000, "guide": 7000, "provider": 15000}
TAG = re.compile(r"<[^>]+>")


def text_of(html: str) -> str:
    article = html.split('<article', 1)[-1].split('</article>', 1)[0]
    return " ".join(unescape(TAG.sub(" ", article)).split())


def squeezed(text: str) -> str:
    """Text without white space: markup splits words from the punctuation after a code span."""
    return re.sub(r"\s+", "", text)


def page_html(site, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text()


# --- the built HTML --------------------------------------------------------------------------------

def test_no_page_shows_markdown_list_syntax_as_text(site):
    offenders = []
    for html in site.rglob("*.html"):
        for paragraph in re.findall(r"<p\b[^>]*>(.*?)</p>", html.read_text(), re.DOTALL):
            if re.search(r"(?:^|\n)\s*[-*] \S", TAG.sub("", paragraph)):
                offenders.append((html.relative_to(site).as_posix(), paragraph[:80]))
    assert not offenders


def test_no_page_says_one_in_the_plural(site):
    slip = re.compile(r"\b1 (?:more )?(?:replies|providers|codes|recipients|extensions|reasons|languages)\b")
    offenders = [(html.relative_to(site).as_posix(), m.group(0)) for html in site.rglob("*.html")
                 for m in slip.finditer(text_of(html.read_text()))]
    assert not offenders


def test_each_class_page_gives_its_own_class_guidance(site, catalog):
    for entry in catalog.enhanced.values():
        for own in entry.by_class:
            text = squeezed(text_of(page_html(site, f"/{entry.variant(own.number)}/")))
            retry = text.split("Canaretryhelp?", 1)[1].split("Whattodo", 1)[0]
            assert squeezed(plain(own.retry))[:60] in retry, entry.variant(own.number)
            for other in entry.by_class:
                if other.number != own.number:
                    assert squeezed(plain(other.retry))[:60] not in retry, (entry.variant(own.number), other.number)
            assert squeezed(plain(own.causes[0]))[:50] in text.split("Typicalcauses", 1)[1], entry.variant(own.number)


def test_a_vendors_other_reading_of_a_registered_code_is_on_the_first_screen(site, catalog):
    checked = 0
    for entry in catalog.enhanced.values():
        for variant in entry.variants:
            other = [(p, v) for p, v in catalog.vendor_uses(variant) if v.reason != entry.reason]
            html = page_html(site, f"/{variant}/")
            opening = html.split('<h2', 1)[0]  # what comes before the first section
            assert ("Two readings" in opening) == bool(other), variant
            for provider, vendor in other:
                assert f'providers/{provider.id}/#{vendor.anchor}"' in opening, (variant, provider.id)
            checked += bool(other)
    assert checked >= 10, "Microsoft's 5.1.10, 5.2.2, 5.4.1 and the other vendor readings"


# --- in Chromium -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_urls(site):
    pages, _ = page_urls(site)
    return one_of_each_type(pages) + ["/550/", "/5.1.10/", "/4.7.1/", "/providers/microsoft-365/", "/providers/gmail/"]


def test_at_phone_width_no_page_scrolls_sideways_and_no_table_is_wider_than_the_screen(page: Page, base_url, sample_urls):
    page.set_viewport_size(PHONE)
    wide = {}
    for url in sample_urls:
        page.goto(base_url + url)
        found = page.evaluate("""() => {
          const width = document.documentElement.clientWidth;
          const tables = [...document.querySelectorAll("article table")]
            .filter((t) => t.getBoundingClientRect().width > width + 1).length;
          return { scroll: document.documentElement.scrollWidth > width + 1, tables };
        }""")
        if found["scroll"] or found["tables"]:
            wide[url] = found
    assert not wide


def test_code_pages_answer_in_the_first_screen_and_fold_their_long_parts(page: Page, base_url, sample_urls):
    from test_pages_load import page_type
    page.set_viewport_size(DESKTOP)
    problems = {}
    for url in sample_urls:
        kind = page_type(url)
        if kind not in MAX_HEIGHT:
            continue
        page.goto(base_url + url)
        height = page.evaluate("document.documentElement.scrollHeight")
        if height > MAX_HEIGHT[kind]:
            problems[url] = f"{height} px high"
        if kind.endswith("code"):
            retry = page.get_by_role("heading", name="Can a retry help?").bounding_box()
            if retry["y"] > DESKTOP["height"] * 0.8:
                problems[url] = f"the retry verdict starts at {retry['y']:.0f} px"
    assert not problems


def test_a_link_into_a_folded_part_opens_it(page: Page, base_url, catalog):
    provider = catalog.providers["microsoft-365"]
    folded = next(reply for reply in provider.replies[1:] if reply.reason == provider.replies[0].reason)
    page.goto(f"{base_url}/providers/microsoft-365/#{folded.id}")
    expect(page.locator(f"[id='{folded.id}']")).to_be_visible()


def test_not_found_page_for_a_vendor_subject_explains_the_code(page: Page, base_url):
    page.goto(f"{base_url}/5.9.9/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("region", name="Enhanced status code 5.9.9", exact=True)).to_be_visible()
    expect(page.get_by_text("No SMTP reply code found")).to_have_count(0)
