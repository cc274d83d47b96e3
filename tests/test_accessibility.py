"""Accessibility in Debian's Chromium: axe-core on every kind of page, light and dark, and the decoder
used with the keyboard alone.

axe-core comes from node_modules (package-lock.json; scripts/setup runs `npm ci`). A violation of
impact "serious" or "critical" fails the test; the message lists each rule, its elements and axe's
explanation.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
MAX_TABS = 40  # generous: the header has a skip link, logo, palette toggle and search before the content


# path, what to wait for before running axe (the decoder draws its result after the page loads)
PAGES = {
    "home": ("/", "[data-lookup] textarea"),
    "lookup-result": ("/lookup/?q=550%205.1.1", ".lookup-card"),
    "lookup-mismatch": ("/lookup/?q=554%204.4.7%20Message%20expired", ".lookup__warning"),
    "lookup-unregistered": ("/lookup/?q=571%20Delivery%20not%20authorized", ".lookup-card"),
    "basic-code": ("/550/", None),
    "enhanced-code": ("/5.1.1/", None),
    "basic-index": ("/basic/", None),
    "enhanced-index": ("/enhanced/", None),
    "explainer": ("/how-to-read/", None),
    "provider": ("/providers/gmail/", None),
}


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the current page; return its violations of impact serious or critical."""
    assert AXE.exists(), "axe-core is not installed: run scripts/setup --test (npm ci)"
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
        }));
    }""")
    return [v for v in violations if v["impact"] in BLOCKING]


def report(violations: list[dict], where: str) -> str:
    lines = [f"{len(violations)} serious/critical axe violation(s) on {where}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s))")
        for node in v["nodes"][:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def open_page(page: Page, base_url: str, name: str) -> str:
    path, ready = PAGES[name]
    page.goto(base_url + path)
    if ready:
        expect(page.locator(ready).first).to_be_visible()
    return path


# Every page in the light scheme; the dark (slate) scheme on the pages whose parts differ (the indexes
# and the explainer use the same parts as the code pages). The quick loop checks dark mode on a code
# page and the decoder's answer; the rest of the dark pages are in the full run.
DARK = ("home", "lookup-result", "lookup-mismatch", "basic-code", "enhanced-code", "explainer", "provider")
DARK_QUICK = ("basic-code", "lookup-result")
CASES = [pytest.param(name, "light", id=f"{name}-light") for name in PAGES] + [
    pytest.param(name, "dark", id=f"{name}-dark", marks=() if name in DARK_QUICK else pytest.mark.slow)
    for name in DARK]


@pytest.mark.parametrize("name, scheme", CASES)
def test_no_serious_axe_violations(page: Page, base_url, name, scheme):
    # Material follows the system preference on a first visit: "dark" gives the slate scheme.
    page.emulate_media(color_scheme=scheme)
    path = open_page(page, base_url, name)
    expect(page.locator("body")).to_have_attribute(
        "data-md-color-scheme", "slate" if scheme == "dark" else "default")
    violations = axe_violations(page)
    assert not violations, report(violations, f"{path} ({scheme} scheme)")


def test_palette_toggle_switches_the_code_page_to_dark_and_back(page: Page, base_url):
    page.emulate_media(color_scheme="light")
    page.goto(f"{base_url}/550/")
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")

    page.get_by_title("Switch to dark mode").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.wait_for_timeout(400)  # let Material's colour transitions settle before contrast is measured
    violations = axe_violations(page)
    assert not violations, report(violations, "/550/ (dark scheme via the palette toggle)")

    # The choice is remembered (localStorage) on the next page, then the toggle switches back.
    page.goto(f"{base_url}/5.1.1/")
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.get_by_title("Switch to light mode").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")


def test_decoder_works_with_the_keyboard_alone(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    box = page.locator("[data-lookup] textarea")
    expect(box).to_be_visible()
    expect(box).to_have_accessible_name(re.compile(r"\S"))

    tabs = 0
    while not box.evaluate("el => el === document.activeElement"):
        assert tabs < MAX_TABS, f"{MAX_TABS} presses of Tab from the top of /lookup/ never reached the decoder box"
        page.keyboard.press("Tab")
        tabs += 1
    # The focus is visible where it landed.
    assert box.evaluate("el => getComputedStyle(el).outlineStyle") != "none"

    page.keyboard.type("550")
    result = page.locator(".lookup__result")
    expect(result).to_have_attribute("aria-live", "polite")
    expect(result.locator(".lookup-card")).to_be_visible()
    expect(page.get_by_role("region", name="Basic reply code 550")).to_contain_text("Permanent failure")

    # Tab goes on from the box into the answer: its link to the code page is reachable and works.
    link = result.get_by_role("link").first
    for _ in range(MAX_TABS):
        if link.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the link in the decoder's answer")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/550/$"))
