"""The real data against the digit rules, the IANA registry and the RFCs' table of basic codes.

The expectations come from the standards (RFC 5321 §4.2, RFC 3463 §2, RFC 2034 §4) and from the
reference files in tests/reference/, not from the loader, so a wrong loader cannot pass them.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import pytest

from conftest import REFERENCE, ROOT
from loader import load

DATA = load(ROOT / "data")
BASIC = list(DATA.basic.values())
ENHANCED = list(DATA.enhanced.values())

# RFC 5321 §4.2.1, typed here from the RFC rather than read from the data under test.
RFC5321_SEVERITY = {2: "positive", 3: "intermediate", 4: "transient", 5: "permanent"}
RFC5321_CATEGORY = {0: "Syntax", 1: "Information", 2: "Connections", 3: "Unspecified", 4: "Unspecified", 5: "Mail system"}
RFC3463_SUBJECTS = {0: "Other or Undefined Status", 1: "Addressing Status", 2: "Mailbox Status",
                    3: "Mail System Status", 4: "Network and Routing Status", 5: "Mail Delivery Protocol Status",
                    6: "Message Content or Media Status", 7: "Security or Policy Status"}

# The codes of the old "Understanding SMTP error codes" article this project grew from.
ARTICLE_CODES = {"211", "214", "220", "221", "250", "251", "354", "421", "450", "451", "452",
                 "500", "501", "502", "503", "504", "550", "551", "552", "553", "554"}


def basic_reference() -> dict[str, list[dict]]:
    rows = defaultdict(list)
    with open(REFERENCE / "basic-reply-codes.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["code"]].append(row)
    return rows


def registry(kind: str) -> dict[str, dict]:
    with open(REFERENCE / "iana-smtp-enhanced-status-codes.csv", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle) if row["kind"] == kind}


# --- digit rules -----------------------------------------------------------------------------------


def test_first_and_second_digit_tables_match_rfc5321():
    assert {d: digit.severity for d, digit in DATA.first_digits.items()} == RFC5321_SEVERITY
    assert {d: digit.name for d, digit in DATA.second_digits.items()} == RFC5321_CATEGORY


@pytest.mark.parametrize("code", BASIC, ids=lambda c: c.code)
def test_basic_code_reads_as_its_digits_say(code):
    # The loader refuses codes outside the ABNF; what it cannot know is what each digit means.
    assert DATA.first_digits[code.first].severity == RFC5321_SEVERITY[int(code.code[0])]
    assert DATA.second_digits[code.second].name == RFC5321_CATEGORY[int(code.code[1])]


def test_enhanced_classes_and_subjects_match_rfc3463():
    assert list(DATA.classes) == [2, 4, 5]
    assert {n: s.title for n, s in DATA.subjects.items()} == RFC3463_SUBJECTS


# --- against the IANA registry ---------------------------------------------------------------------

REGISTRY = registry("detail")
# A registry reference to an obsoleted RFC is cited in the data as its successor (RFC index: 8601 obsoletes 7601).
OBSOLETED_BY = {"RFC7601": "RFC8601"}


def test_every_registry_code_and_no_other():
    assert [e.code for e in ENHANCED] == list(REGISTRY)


@pytest.mark.parametrize("entry", ENHANCED, ids=lambda e: e.code)
def test_enhanced_code_matches_the_registry(entry):
    row = REGISTRY[entry.code]
    if row["sample_text"]:
        assert entry.title == row["sample_text"]
    else:
        # X.6.10 has no sample text: its title is the registry's only words for it, the description.
        assert entry.title == row["description"].rstrip(".")
    if entry.code == "X.7.28":
        # The 2017 registry export put the description in the association column (see reference notes).
        assert entry.associated == "Not given"
    else:
        assert entry.associated == (row["associated_basic_status_codes"] or "Not given")
    registry_refs = [OBSOLETED_BY.get(ref, ref) for ref in re.findall(r"RFC\d+|draft-[a-z-]+", row["reference"])]
    assert [s.document.replace(" ", "") for s in entry.sources] == registry_refs


def test_registry_classes_and_subjects():
    assert [f"{n}.XXX.YYY" for n in DATA.classes] == list(registry("class"))
    assert {f"X.{n}.YYY": s.title for n, s in DATA.subjects.items()} == {
        code: row["sample_text"] for code, row in registry("subject").items()}
    assert {n: c.title for n, c in DATA.classes.items()} == {
        int(code[0]): row["sample_text"] for code, row in registry("class").items()}


# --- against the RFC table of basic codes ----------------------------------------------------------

BASIC_REFERENCE = basic_reference()


def test_every_basic_code_and_no_other():
    assert sorted(DATA.basic) == sorted(BASIC_REFERENCE)


def test_codes_of_the_old_article_are_all_present_with_full_text():
    assert ARTICLE_CODES <= set(DATA.basic)
    assert DATA.basic["354"].text == "Start mail input; end with <CRLF>.<CRLF>"
    assert DATA.basic["251"].text == "User not local; will forward to <forward-path>"
    assert DATA.basic["551"].text == "User not local; please try <forward-path>"


@pytest.mark.parametrize("code", BASIC, ids=lambda c: c.code)
def test_basic_code_matches_the_rfc_table(code):
    rows = BASIC_REFERENCE[code.code]
    main, others = rows[0], rows[1:]
    assert (code.text or "") == main["rfc_text"]
    assert str(code.source).startswith(main["defined_in"].split(" section")[0])
    assert code.extension == (main["extension"] or None)
    assert code.registry_only == (not main["commands"])
    assert [(x.name, x.text or "") for x in code.extensions] == [(r["extension"], r["rfc_text"]) for r in others]
    expected_commands = {c.strip() for c in main["commands"].split(";") if c.strip()}
    assert len(code.commands) >= (1 if expected_commands else 0)
    for name in ("MAIL", "RCPT", "VRFY", "EXPN", "HELP", "QUIT", "EHLO", "STARTTLS", "AUTH", "ETRN", "ATRN"):
        assert (name in code.commands) == (name in expected_commands), name
    assert ("end-of-data" in code.commands) == ("DATA (end of data)" in expected_commands)
    assert ("connection" in code.commands) == ("(connection opening)" in expected_commands)


@pytest.mark.parametrize("code", [c for c in BASIC if c.registry_only], ids=lambda c: c.code)
def test_registry_only_codes_are_associated_with_an_enhanced_code(code):
    assert not BASIC_REFERENCE[code.code][0]["commands"], "the RFC table gives it no command"
    assert DATA.enhanced_for_basic(code.code)


# --- content ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("record", BASIC + ENHANCED, ids=lambda r: r.code)
def test_every_code_has_complete_guidance(record):
    g = record.guidance
    assert len(g.meaning) <= 240 and g.meaning.endswith("."), "one plain sentence"
    assert len(g.detail) >= 80
    assert 1 <= len(g.causes) <= 6
    for field in (g.retry, g.sender, g.admin):
        assert len(field) >= 20
    assert not re.search(r"\b(TODO|TBD|FIXME)\b|lorem|Dev text", repr(g), re.IGNORECASE)


@pytest.mark.parametrize("entry", ENHANCED, ids=lambda e: e.code)
def test_each_class_has_its_own_verdict_and_causes(entry):
    """The page of 4.7.1 must not read as 5.7.1's ("As 5.7.1, no ..."): every class an entry is used
    with has guidance written for that class, whose verdict fits it (RFC 3463 §2)."""
    assert [g.number for g in entry.by_class] == list(entry.classes)
    for g in entry.by_class:
        verdict = g.retry.split(":")[0]
        assert not re.match(r"As\b", g.retry), "a verdict of its own, not another class's"
        if g.number == 5:
            assert not verdict.startswith("Yes"), "a 5.x.x failure is permanent"
        if g.number == 4:
            assert not re.match(r"No\b", verdict), "a 4.x.x failure is temporary"
        assert 1 <= len(g.causes) <= 6
        # A success needs no action ("No action needed."); a failure says what to do.
        assert min(len(g.sender), len(g.admin)) >= (20 if g.number != 2 else 10)
