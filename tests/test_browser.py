"""End-to-end in Debian's Chromium: the decoder box, shared ?q= links, and site search for codes."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ROOT
from loader import load

DATA = load(ROOT / "data")

GMAIL_BOUNCE = """\
Delivery to the following recipient failed permanently:

     bob@example.org

Technical details of permanent failure:
The recipient server did not accept our requests to connect.
host mx.example.org[192.0.2.1] said:
550-5.1.1 The email account that you tried to reach does not exist. Please try
550-5.1.1 double-checking the recipient's email address for typos or
550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser a1si123.1 - gsmtp
(in reply to RCPT TO command)
"""

DSN = """\
Reporting-MTA: dns; mail.example.com
Arrival-Date: Sun, 29 Nov 2026 19:11:15 +0000

Final-Recipient: rfc822; carol@example.net
Action: failed
Status: 5.0.0
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 552 5.2.2 <carol@example.net>: Recipient address rejected: mailbox full
"""


def lookup_box(page: Page):
    return page.locator("[data-lookup] textarea")


def card(page: Page, kind: str, code: str):
    """The code card of the first answer (the cards of later answers name their recipient)."""
    return page.get_by_role("region", name=f"{kind} {code}", exact=True)


def answer(page: Page, address: str):
    return page.get_by_role("region", name=re.compile(rf"^Answer for .*{re.escape(address)}"))


def test_typing_a_code_shows_its_card(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    lookup_box(page).press_sequentially("550")
    basic = card(page, "Basic reply code", "550")
    expect(basic).to_contain_text("Permanent failure")
    expect(basic).to_contain_text(re.sub(r"[`*]", "", DATA.basic["550"].guidance.meaning)[:40])
    expect(basic.get_by_role("link")).to_have_attribute("href", re.compile(r"/550/$"))


def test_success_codes_get_the_success_badge(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    lookup_box(page).fill("250 2.1.5 Ok")
    expect(card(page, "Basic reply code", "250").locator(".smtp-badge")).to_have_class(re.compile("smtp-badge--positive"))
    expect(card(page, "Enhanced status code", "2.1.5").locator(".smtp-badge")).to_have_text("Success")


def test_pasting_a_bounce_shows_both_codes_and_the_command(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    lookup_box(page).fill(GMAIL_BOUNCE)
    expect(card(page, "Basic reply code", "550")).to_be_visible()
    expect(card(page, "Enhanced status code", "5.1.1")).to_contain_text("Bad destination mailbox address")
    expect(answer(page, "bob@example.org")).to_contain_text("in reply to RCPT TO")
    expect(answer(page, "bob@example.org")).to_contain_text("Why: The recipient address does not exist")


def test_dsn_prefers_the_diagnostic_code_over_a_generic_status(page: Page, base_url):
    page.goto(f"{base_url}/")
    lookup_box(page).fill(DSN)
    expect(card(page, "Enhanced status code", "5.2.2")).to_contain_text("Mailbox full")
    expect(card(page, "Basic reply code", "552")).to_be_visible()
    # Microsoft gives 5.2.2 a meaning of its own, but this bounce is not Microsoft's.
    expect(card(page, "Enhanced status code", "5.2.2")).not_to_contain_text("Microsoft")


THREE_RECIPIENTS = """\
Reporting-MTA: dns; mail.example.com

Final-Recipient: rfc822; bob@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table

Final-Recipient: rfc822; carol@example.net
Action: delayed
Status: 4.2.2
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 452 4.2.2 <carol@example.net>: Mailbox full

Final-Recipient: rfc822; dave@example.com
Action: failed
Status: 5.7.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org
"""


def test_a_three_recipient_dsn_gives_three_answers_with_addresses_and_replies(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    lookup_box(page).fill(THREE_RECIPIENTS)
    expect(page.locator(".lookup__summary")).to_contain_text("3 recipients")
    for address, words, guide in (("bob@example.org", "User unknown in local recipient table", "unknown-recipient"),
                                  ("carol@example.net", "Mailbox full", "mailbox-full"),
                                  ("dave@example.com", "blocked using zen.spamhaus.org", "blocklisted")):
        found = answer(page, address)
        expect(found.locator(".lookup-answer__reply")).to_contain_text(words)
        expect(found.locator(".lookup-answer__why a")).to_have_attribute("href", re.compile(rf"/symptoms/{guide}/$"))
    # Failures come before the delay.
    order = page.locator(".lookup-answer").evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))")
    assert order[-1].endswith("carol@example.net"), order


def test_identical_answers_collapse_into_one_card_with_the_addresses(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    twins = THREE_RECIPIENTS.replace("carol@example.net", "erin@example.org").replace("Action: delayed\nStatus: 4.2.2", "Action: failed\nStatus: 5.1.1").replace(
        "452 4.2.2 <erin@example.org>: Mailbox full", "550 5.1.1 <erin@example.org>: Recipient address rejected: User unknown in local recipient table")
    lookup_box(page).fill(twins)
    both = answer(page, "bob@example.org")
    expect(both).to_contain_text("2 recipients")
    expect(both.locator(".lookup-answer__addresses li")).to_have_text(["bob@example.org", "erin@example.org"])
    expect(page.locator(".lookup-answer")).to_have_count(2)


def test_a_dropped_eml_file_is_decoded_with_its_charset(page: Page, base_url, tmp_path):
    page.goto(f"{base_url}/lookup/")
    eml = ROOT / "tests" / "fixtures" / "bounces" / "japan" / next(
        p.name for p in (ROOT / "tests" / "fixtures" / "bounces" / "japan").glob("*.eml"))
    data = page.evaluate_handle("""bytes => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], "bounce.eml", {type: "message/rfc822"}));
        return dt;
    }""", list(eml.read_bytes()))
    lookup_box(page).dispatch_event("drop", {"dataTransfer": data})
    expect(page.locator(".lookup__status")).to_contain_text("Decoded bounce.eml")
    expect(page.locator(".lookup-answer").first).to_be_visible()


def test_opening_a_file_with_the_button_decodes_it(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    page.locator("input.lookup__file").set_input_files(str(ROOT / "tests" / "fixtures" / "bounces" / "postfix" / "multi-recipient-mixed.eml"))
    expect(page.locator(".lookup__status")).to_contain_text("Decoded multi-recipient-mixed.eml")
    expect(page.locator(".lookup-answer")).not_to_have_count(0)


def test_a_link_to_a_long_bounce_keeps_the_first_failure_and_says_so(page: Page, browser, base_url):
    page.goto(f"{base_url}/lookup/")
    long_bounce = GMAIL_BOUNCE + ("\nReceived: from relay.example.net by mx.example.org; 29 Nov 2026" * 20)
    assert len(long_bounce) > 500
    lookup_box(page).fill(long_bounce)
    expect(page).to_have_url(re.compile(r"excerpt=1"))
    expect(page.locator(".lookup__hint")).to_contain_text("too long for a link")
    fresh = browser.new_context().new_page()
    fresh.goto(page.url)
    expect(card(fresh, "Enhanced status code", "5.1.1")).to_be_visible()
    expect(fresh.locator(".lookup__hint")).to_contain_text("too long for a link")
    fresh.context.close()


def test_an_auto_reply_is_named_and_gets_no_failure_card(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    lookup_box(page).fill("From: bob@example.org\nTo: alice@example.com\nSubject: Out of Office: Q4 planning\n"
                          "Auto-Submitted: auto-replied\n\nI am out of the office until Monday.\n")
    expect(page.locator(".lookup__summary")).to_contain_text("automatic reply")
    expect(page.locator(".lookup-badge--failed")).to_have_count(0)


def test_shared_link_reproduces_the_result_in_a_new_context(page: Page, browser, base_url):
    page.goto(f"{base_url}/lookup/")
    lookup_box(page).fill(GMAIL_BOUNCE)
    expect(card(page, "Enhanced status code", "5.1.1")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?q=.*550"))
    shared = page.url

    fresh = browser.new_context().new_page()
    fresh.goto(shared)
    expect(card(fresh, "Basic reply code", "550")).to_be_visible()
    expect(card(fresh, "Enhanced status code", "5.1.1")).to_be_visible()
    expect(fresh.locator(".md-search__input")).to_have_value("")
    fresh.context.close()


def test_q_link_typed_by_hand_works(page: Page, base_url):
    page.goto(f"{base_url}/lookup/?q={quote('554 4.4.7 Message expired')}")
    expect(card(page, "Basic reply code", "554")).to_be_visible()
    expect(card(page, "Enhanced status code", "4.4.7")).to_be_visible()
    expect(page.locator(".lookup__warning")).to_contain_text(re.compile("disagree|mismatch", re.I))


@pytest.mark.parametrize("text, words", [
    ("hello there", re.compile(r"no .*code|nothing", re.I)),
    ("571 Delivery not authorized", re.compile(r"not registered", re.I)),
    ("550 4.4.399 Something odd happened", re.compile(r"not registered", re.I)),
])
def test_unknown_or_missing_codes_get_a_clear_word(page: Page, base_url, text, words):
    page.goto(f"{base_url}/lookup/")
    lookup_box(page).fill(text)
    expect(page.locator(".lookup__result")).to_contain_text(words)


def test_a_two_megabyte_paste_with_the_failure_at_its_end_is_answered_without_freezing(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    filler = "Received: from relay.example.net (192.0.2.7) by mx.example.org; 29 Nov 2026\n" * 28_000
    text = filler + "<carol@example.net>: host mx.example.org said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)\n"
    assert len(text) > 2_000_000
    # What a paste does: the whole value at once, then one input event. (Playwright's fill() itself
    # is too slow for a megabyte.)
    lookup_box(page).evaluate(
        "(box, text) => { box.value = text; box.dispatchEvent(new Event('input', {bubbles: true})); }", text)
    expect(card(page, "Enhanced status code", "4.2.2")).to_be_visible()
    # The page still answers script and input at once.
    assert page.evaluate("1 + 1") == 2
    lookup_box(page).fill("421")
    expect(card(page, "Basic reply code", "421")).to_be_visible()


def test_binary_garbage_gets_a_nothing_found_answer(page: Page, base_url):
    page.goto(f"{base_url}/lookup/")
    garbage = "".join(chr(c) for c in range(1, 32)) + "\ufffd\u0000\u00ff" * 2000
    lookup_box(page).fill(garbage)
    expect(page.locator(".lookup__result")).to_contain_text(re.compile(r"no .*code|nothing|binary", re.I))


XSS = [
    "<script>window.__xss = 1</script>550",
    "<img src=x onerror=\"window.__xss=1\"> 550 5.1.1",
    "<svg onload=\"window.__xss=1\"></svg> 421",
    "javascript:window.__xss=1 550",
    "\"><iframe src=\"javascript:window.__xss=1\"></iframe> 5.7.1",
    "<a href=\"javascript:window.__xss=1\">550 5.1.1</a>",
    "<details open ontoggle=\"window.__xss=1\">452 4.2.2</details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss=1\">554 5.7.1",
    "<body onload=\"window.__xss=1\">421 4.7.0",
    "550 5.1.1 <object data=\"javascript:window.__xss=1\"></object>",
    "${window.__xss=1} {{constructor.constructor('window.__xss=1')()}} 550",
]


@pytest.mark.parametrize("payload", XSS)
def test_pasted_markup_is_shown_as_text_never_run(page: Page, base_url, payload):
    page.goto(f"{base_url}/lookup/?q={quote(payload)}")
    expect(page.locator(".lookup__result")).not_to_be_empty()
    lookup_box(page).fill(payload + " ")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".lookup__result :is(script, img, svg, iframe, object, details, math, body, a[href^='javascript'])").count() == 0


def test_decoder_box_survives_instant_navigation(page: Page, base_url):
    page.goto(f"{base_url}/how-to-read/")
    page.get_by_role("link", name="decoder").first.click()
    expect(page).to_have_url(re.compile(r"/lookup/$"))
    lookup_box(page).fill("421 4.7.0 Try again later")
    expect(card(page, "Basic reply code", "421")).to_be_visible()


@pytest.mark.parametrize("typed, code, target", [("4.7.2", "4.7.2", "/5.7.2/"), ("smtp-550", "550", "/550/"),
                                              ("5.7.708", "5.7.708", "/providers/microsoft-365/#5.7.708")])
def test_not_found_page_reads_the_address_and_links_the_nearest_page(page: Page, base_url, typed, code, target):
    page.goto(f"{base_url}/{typed}/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    kind = "Basic reply code" if "." not in code else "Enhanced status code"
    link = card(page, kind, code).get_by_role("link").first
    expect(link).to_have_attribute("href", re.compile(re.escape(target) + "$"))


# --- site search -----------------------------------------------------------------------------------

def every_code_page():
    yield from DATA.basic
    for entry in DATA.enhanced.values():
        yield from entry.variants


def codes_not_found_first(page: Page, base_url: str, codes) -> dict:
    """Type each code into the site search; {code: first result's href} where its page does not lead."""
    page.goto(f"{base_url}/how-to-read/")
    page.keyboard.press("/")
    meta = page.locator(".md-search-result__meta")
    expect(meta).not_to_have_text(re.compile("Initializing"), timeout=15000)
    box = page.locator("input.md-search__input")
    wrong = {}
    for code in codes:
        box.fill("")
        box.press_sequentially(code)
        try:
            # Results arrive asynchronously from a worker: wait for this code's page to lead.
            page.wait_for_function(
                """code => {
                    const first = document.querySelector('.md-search-result__item > a');
                    return first && first.getAttribute('href').endsWith('/' + code + '/');
                }""", arg=code, timeout=3000)
        except PlaywrightTimeout:
            first = page.locator(".md-search-result__item > a").first
            wrong[code] = first.get_attribute("href") if first.count() else None
    return wrong


@pytest.mark.slow
def test_search_puts_each_code_page_first(page: Page, base_url):
    assert not codes_not_found_first(page, base_url, every_code_page())


def test_search_puts_a_code_page_first_for_each_kind_of_code(page: Page, base_url):
    # A basic code, each enhanced class, and codes that prefix longer ones (5.1.1 and 5.1.10).
    assert not codes_not_found_first(page, base_url, ["550", "221", "5.1.1", "4.7.1", "2.1.5", "5.1.10", "5.7.2"])
