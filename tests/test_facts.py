"""Facts from the standards that a review of data/codes.yaml found stated wrongly, pinned so that no
later edit brings the mistake back.

Each check takes a loaded catalog and returns a list of problems, empty when the fact holds. One test
runs every check on the real data. Another writes a copy of data/codes.yaml with one old mistake put
back (a text substitution) and expects that fact's check to report it, so a check that can no longer
fail is caught too. The sources are named in each check; the RFC texts are the authority.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable, Iterator

import pytest

from conftest import REFERENCE, ROOT
from data_yaml import DataError
from loader import load
from records import Catalog

DATA = ROOT / "data"
QUOTED = {"reply", "signs", "phrases", "crosswalk", "codes"}  # quotations and lists, not prose


# --- reading the prose ------------------------------------------------------------------------------


def guidance_texts(label: str, g) -> Iterator[tuple[str, str]]:
    yield f"{label} meaning", g.meaning
    yield f"{label} detail", g.detail
    for i, text in enumerate(g.causes):
        yield f"{label} causes[{i}]", text
    yield f"{label} retry", g.retry
    yield f"{label} sender", g.sender
    yield f"{label} admin", g.admin
    for i, text in enumerate(g.misreadings):
        yield f"{label} misreadings[{i}]", text


def prose(catalog: Catalog) -> Iterator[tuple[str, str]]:
    """Every explanation the site shows, with a label saying where it is. Reply wordings, provider
    signs and guide phrases are quotations, not prose, and are left out."""
    for d in catalog.first_digits.values():
        yield f"first digit {d.digit} meaning", d.meaning
    for d in catalog.second_digits.values():
        yield f"second digit {d.digit} meaning", d.meaning
    for c in catalog.classes.values():
        yield f"class {c.number} meaning", c.meaning
    for s in catalog.subjects.values():
        yield f"subject {s.number} meaning", s.meaning
    for b in catalog.basic.values():
        yield from guidance_texts(b.code, b.guidance)
        for x in b.extensions:
            yield f"{b.code} extension {x.name} use", x.use
    for e in catalog.enhanced.values():
        yield from guidance_texts(e.code, e.guidance)
    for record in (*catalog.guides.values(), *catalog.providers.values(), *catalog.vendor_codes):
        for inner, key, text in record.texts():
            if key not in QUOTED:
                name = getattr(inner, "code", None) or getattr(inner, "id", None)
                yield f"{inner.file.name} {name} {key}", text


def entry_texts(catalog: Catalog, code: str) -> list[tuple[str, str]]:
    record = catalog.basic.get(code) or catalog.enhanced[code]
    return list(guidance_texts(code, record.guidance))


SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z`(\"'])")


def sentences(text: str) -> list[str]:
    return SENTENCE_END.split(" ".join(text.split()))


def registry_row(code: str) -> dict:
    with open(REFERENCE / "iana-smtp-enhanced-status-codes.csv", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["code"] == code)


def reference_commands() -> dict[str, set[str]]:
    """The commands of each basic code's main (first) row in the RFC table."""
    commands: dict[str, set[str]] = {}
    with open(REFERENCE / "basic-reply-codes.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            commands.setdefault(row["code"], {c.strip() for c in row["commands"].split(";") if c.strip()})
    return commands


# --- the facts ----------------------------------------------------------------------------------------

CODE_RANGE = re.compile(r"[5X]\.7\.(\d+)`?\s*(?:to|-|–)\s*`?[5X]\.7\.(\d+)")


def check_authentication_code_ranges(catalog: Catalog) -> list[str]:
    """RFC 7372 §3: X.7.20-X.7.22 are DKIM, X.7.23 SPF fail, X.7.24 SPF error, X.7.25 reverse DNS,
    X.7.26 multiple failures. A range that starts above X.7.22 must not be sold as covering DKIM."""
    problems = []
    titles = {code: catalog.enhanced[code].title for code in ("X.7.20", "X.7.21", "X.7.22", "X.7.23",
                                                                 "X.7.24", "X.7.25", "X.7.26")}
    for code in ("X.7.20", "X.7.21", "X.7.22"):
        if "DKIM" not in titles[code]:
            problems.append(f"{code} title {titles[code]!r} does not name DKIM (RFC 7372 §3.1)")
    for code, word in (("X.7.23", "SPF"), ("X.7.24", "SPF"), ("X.7.25", "Reverse DNS"), ("X.7.26", "Multiple")):
        if word not in titles[code]:
            problems.append(f"{code} title {titles[code]!r} does not name {word} (RFC 7372 §3)")
    for where, text in prose(catalog):
        for sentence in sentences(text):
            for m in CODE_RANGE.finditer(sentence):
                if "DKIM" in sentence and int(m[1]) > 22:
                    problems.append(f"{where}: pairs X.7.{m[1]}-X.7.{m[2]} with DKIM, but DKIM is "
                                    f"X.7.20-X.7.22 (RFC 7372 §3.1): {sentence!r}")
    return problems


def check_list_posting_is_x_7_2(catalog: Catalog) -> list[str]:
    """RFC 3463 §3.8: a sender not allowed to post to a list gets X.7.2; X.2.4 is an expansion failure."""
    problems = []
    if catalog.enhanced["X.7.2"].title != "Mailing list expansion prohibited":
        problems.append("X.7.2 title is not the registry's 'Mailing list expansion prohibited'")
    for where, text in entry_texts(catalog, "X.2.4"):
        for sentence in sentences(text):
            if re.search(r"\bpost", sentence, re.I) and not re.search(r"X\.7\.2(?!\d)", sentence):
                problems.append(f"{where}: speaks of posting restrictions without naming X.7.2: {sentence!r}")
    if "X.7.2" not in catalog.related_enhanced("X.2.4"):
        problems.append("X.2.4 is not related to X.7.2")
    return problems


def check_x_6_10_history(catalog: Catalog) -> list[str]:
    """X.6.10 came from RFC 5336 (experimental UTF8SMTP); RFC 6531 §4.2 deprecated it as a duplicate
    of X.6.8. The registry gives it no sample text, so its title is the registry's description."""
    entry = catalog.enhanced["X.6.10"]
    row = registry_row("X.6.10")
    problems = []
    if row["sample_text"] == "" and entry.title != row["description"].rstrip("."):
        problems.append(f"X.6.10 title {entry.title!r} is not the registry's own words {row['description']!r}")
    if "RFC 5336" not in entry.guidance.detail:
        problems.append("X.6.10 detail does not say that RFC 5336 registered it")
    if "deprecated" not in entry.guidance.detail:
        problems.append("X.6.10 detail does not say that it is deprecated")
    for where, text in entry_texts(catalog, "X.6.10"):
        if re.search(r"RFC 6531[^.]*\bregister(?:ed|s)\b[^.]*X\.6\.10|X\.6\.10[^.]*registered (?:by|in) RFC 6531", text):
            problems.append(f"{where}: credits RFC 6531 with registering X.6.10; it only deprecated it")
    return problems


_FAILS = r"\b(?:cannot|could not|fail\w*|unavailable|mismatch\w*|unverifiable)\b"
# A failure word within a few words of TLS or a certificate, in the same clause.
TLS_FAILURE = re.compile(rf"\b(?:TLS|certificate)\b[^.;:]{{0,40}}{_FAILS}|{_FAILS}[^.;:]{{0,40}}\b(?:TLS|certificate)\b", re.I)


def check_x_7_30_is_requiretls_only(catalog: Catalog) -> list[str]:
    """RFC 8689 §4.2.1: 5.7.30 when the next hop does not support REQUIRETLS; a TLS session that
    cannot be set up or validated is 5.7.10."""
    problems = []
    for where, text in entry_texts(catalog, "X.7.30"):
        for sentence in sentences(text):
            tls_failure = TLS_FAILURE.search(sentence)
            if tls_failure and "causes" in where:
                problems.append(f"{where}: lists a TLS failure as a cause of X.7.30 (that is 5.7.10): {sentence!r}")
            elif tls_failure and not re.search(r"[5X]\.7\.10\b", sentence):
                problems.append(f"{where}: ties a TLS failure to X.7.30 without pointing to 5.7.10: {sentence!r}")
    return problems


def check_x_7_10_cites_requiretls(catalog: Catalog) -> list[str]:
    """RFC 8689 §4.2.1 prescribes 5.7.10 for a REQUIRETLS message that cannot get a TLS session."""
    detail = catalog.enhanced["X.7.10"].guidance.detail
    problems = []
    if "RFC 8689 §4.2.1" not in detail or "REQUIRETLS" not in detail:
        problems.append("X.7.10 detail does not cite RFC 8689 §4.2.1 (5.7.10 for TLS failures under REQUIRETLS)")
    if "X.7.30" not in catalog.related_enhanced("X.7.10"):
        problems.append("X.7.10 is not related to X.7.30")
    return problems


def check_helo_replies(catalog: Catalog) -> list[str]:
    """RFC 5321 §4.3.2 permits 502 under "EHLO or HELO" only from an old-style server without EHLO
    support, so it answers EHLO; HELO is mandatory (§4.5.1). HELO follows the RFC table everywhere."""
    problems = []
    commands = catalog.basic["502"].commands
    if "EHLO" not in commands or "HELO" in commands:
        problems.append(f"502 commands {list(commands)}: must include EHLO and not HELO (RFC 5321 §4.3.2, §4.5.1)")
    for code, expected in reference_commands().items():
        if code in catalog.basic and ("HELO" in catalog.basic[code].commands) != ("HELO" in expected):
            problems.append(f"{code}: HELO in commands disagrees with tests/reference/basic-reply-codes.csv")
    return problems


def check_class_4_is_abandonment_or_delay(catalog: Catalog) -> list[str]:
    """RFC 3463 §2: class 4 means a persisting condition caused "abandonment or delay"."""
    meaning = catalog.classes[4].meaning
    problems = []
    if not re.search(r"abandon", meaning, re.I) or not re.search(r"delay", meaning, re.I):
        problems.append(f"class 4 meaning does not say abandonment or delay (RFC 3463 §2): {meaning!r}")
    if re.search(r"\bdropped\b", meaning):
        problems.append("class 4 meaning says the attempt was 'dropped'")
    return problems


def check_x_4_7_expiry_status(catalog: Catalog) -> list[str]:
    """4.4.7 with Action: failed is the usual expiry status (class 4 covers abandonment, RFC 3463
    §2; Action field, RFC 3464 §2.3.3); 5.4.7 is rare. 4.4.7 is not only a delay warning."""
    detail = catalog.enhanced["X.4.7"].guidance.detail
    problems = []
    for sentence in sentences(detail):
        if re.search(r"4\.4\.7`?[^.]*delay warning", sentence) and re.search(r"5\.4\.7", sentence):
            problems.append(f"X.4.7 detail presents 4.4.7 as the warning and 5.4.7 as the expiry: {sentence!r}")
    if not any("4.4.7" in s and "Action: failed" in s for s in sentences(detail)):
        problems.append("X.4.7 detail does not say that 4.4.7 comes with Action: failed when a message expires")
    return problems


def check_recipient_limit_replies(catalog: Catalog) -> list[str]:
    """RFC 5321 §4.5.3.1.10: 452 is required when an implementation limit on RCPT runs out, and a 552
    there should be taken as temporary (RFC 821's mistake); a site-policy limit MAY use 5yz, which is
    final. RFC 9422: a server may announce RCPTMAX, even below 100."""
    problems = []
    texts = entry_texts(catalog, "452") + entry_texts(catalog, "X.5.3") + entry_texts(catalog, "552")
    texts += [(f"guide {g.id} {f}", getattr(g, f)) for g in catalog.guides.values() for f in ("sender", "admin")]
    for where, text in texts:
        for sentence in sentences(text):
            qualified = re.search(r"implementation|capacity|surplus", sentence)
            if re.search(r"`452`[^.;]*,? not `552`", sentence) and not qualified:
                problems.append(f"{where}: demands 452 over 552 without limiting it to a capacity limit: {sentence!r}")
            if re.search(r"RFC 5321 (specifies|requires|mandates) `452`", sentence) and not qualified:
                problems.append(f"{where}: says RFC 5321 requires 452 without naming the implementation limit: {sentence!r}")
            if (where.startswith("X.5.3 retry") and re.search(r"`550`", sentence)
                    and re.search(r"same way|temporar", sentence) and "final" not in sentence):
                problems.append(f"{where}: treats 550 with 5.5.3 as temporary like 552: {sentence!r}")
    for code in ("452", "X.5.3"):
        detail = (catalog.basic.get(code) or catalog.enhanced[code]).guidance.detail
        if not re.search(r"site[- ]policy", detail) or "5yz" not in detail:
            problems.append(f"{code} detail does not say that a site-policy limit may be answered with 5yz")
        if "RFC 9422" not in detail or "RCPTMAX" not in detail:
            problems.append(f"{code} detail does not mention RFC 9422's RCPTMAX")
    return problems


def check_greeting_timeout(catalog: Catalog) -> list[str]:
    """RFC 5321 §4.5.3.2.1: 5 minutes is the minimum time a client waits for the 220 greeting."""
    problems = []
    for where, text in prose(catalog):
        for sentence in sentences(text):
            if "4.5.3.2" in sentence and "5 minutes" in sentence:
                if re.search(r"up to 5 minutes", sentence) or not re.search(r"minimum|at least", sentence):
                    problems.append(f"{where}: RFC 5321 §4.5.3.2 gives minimum timeouts: {sentence!r}")
    return problems


def check_null_mx_replies(catalog: Catalog) -> list[str]:
    """RFC 7504 §4: 556 is a RCPT reply from an intermediate system about the recipient's domain. An MTA
    that finds a null MX itself gets no 556 (RFC 7505 §4.1). RFC 7505 has no client MUST NOT."""
    problems = []
    if catalog.basic["556"].commands != ("RCPT",):
        problems.append(f"556 commands {list(catalog.basic['556'].commands)}: it answers RCPT only (RFC 7504 §4, §5.1)")
    guide = catalog.guides["network-failure"]
    if "556" in guide.codes or "`556`" in guide.summary:
        problems.append("the network-failure guide counts 556 among connection-level refusals")
    for where, text in prose(catalog):
        for sentence in sentences(text):
            if (re.search(r"null MX", sentence) and re.search(r"\bsend(ers?|ing)\b", sentence)
                    and "`556" in sentence and "relay" not in sentence):
                problems.append(f"{where}: has senders fail with 556 for a null MX; only a relay replies 556: {sentence!r}")
            if re.search(r"null MX|RFC 7505", sentence) and re.search(r"must not (attempt|try)", sentence, re.I):
                problems.append(f"{where}: RFC 7505 has no MUST NOT for sending MTAs: {sentence!r}")
    return problems


ATRN_SOURCE = "RFC 2645 §7"


def check_section_references(catalog: Catalog) -> list[str]:
    """Reply texts come from: 521 and 556 RFC 7504 §5.1; 500 5.5.6 RFC 4954 §6; ATRN RFC 2645 §7."""
    problems = []
    for code in ("521", "556"):
        if str(catalog.basic[code].source) != "RFC 7504 §5.1":
            problems.append(f"{code} source {catalog.basic[code].source}: its text is in RFC 7504 §5.1")
    auth_500 = next(x for x in catalog.basic["500"].extensions if x.name == "AUTH")
    if str(auth_500.source) != "RFC 4954 §6":
        problems.append(f"500 AUTH source {auth_500.source}: 'Authentication Exchange line is too long' is RFC 4954 §6")
    if re.search(r"RFC 4954 §4 and §6 define", catalog.enhanced["X.5.6"].guidance.detail):
        problems.append("X.5.6 detail credits RFC 4954 §4 with defining 500 5.5.6; it is §6")
    for code in catalog.basic.values():
        atrn = [x.source for x in code.extensions if x.name == "ATRN"]
        if code.extension == "ATRN":
            atrn.append(code.source)
        problems += [f"{code.code} ATRN source {s}: the ATRN reply texts are {ATRN_SOURCE}" for s in atrn
                     if str(s) != ATRN_SOURCE]
    return problems


GIVE_UP = re.compile(r"(4\s*[-–]\s*5|four to five) days", re.I)


def check_give_up_time(catalog: Catalog) -> list[str]:
    """RFC 5321 §4.5.4.1: "the give-up time generally needs to be at least 4-5 days"."""
    problems = []
    for where, text in prose(catalog):
        flat = " ".join(text.split())
        for m in GIVE_UP.finditer(flat):
            if not flat[: m.start()].endswith("at least "):
                problems.append(f"{where}: '{flat[max(0, m.start() - 40): m.end()]}' (RFC 5321 §4.5.4.1: at least 4-5 days)")
    return problems


def check_x_7_25_reference(catalog: Catalog) -> list[str]:
    """RFC 8601 obsoletes RFC 7601; X.7.25 cites the current document."""
    entry = catalog.enhanced["X.7.25"]
    problems = [f"X.7.25 cites {s}, obsoleted by RFC 8601" for s in entry.sources if s.document == "RFC 7601"]
    for where, text in prose(catalog):
        for sentence in sentences(text):
            if "RFC 7601" in sentence and not ("RFC 8601" in sentence and "obsolete" in sentence):
                problems.append(f"{where}: cites RFC 7601 without saying RFC 8601 obsoleted it: {sentence!r}")
    return problems


def check_3yz_replies(catalog: Catalog) -> list[str]:
    """SMTP's 3yz replies: 354 after DATA (RFC 5321) and 334, the AUTH challenge (RFC 4954 §4)."""
    meaning = catalog.first_digits[3].meaning
    return [] if "`354`" in meaning and "`334`" in meaning else [f"first digit 3 meaning omits 354 or 334: {meaning!r}"]


FACTS: dict[str, Callable[[Catalog], list[str]]] = {
    name[len("check_"):]: check for name, check in sorted(globals().items()) if name.startswith("check_")
}


# --- the tests ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_catalog() -> Catalog:
    return load(DATA)


@pytest.mark.parametrize("fact", FACTS)
def test_fact_holds_in_the_data(real_catalog, fact):
    assert FACTS[fact](real_catalog) == []


# (fact, text in today's data, the old mistake that replaces it)
MISTAKES = [
    ("authentication_code_ranges",
     "`5.7.20` to `5.7.22` for DKIM, `5.7.23` and `5.7.24` for an SPF fail or error, `5.7.25` for failed reverse DNS and `5.7.26` for several failed checks.",
     "`5.7.23` to `5.7.26` failed SPF, DKIM, reverse DNS or combined authentication checks."),
    ("authentication_code_ranges", "instead of the specific RFC 7372 codes (X.7.20-X.7.26).", "instead of X.7.23-X.7.26."),
    ("list_posting_is_x_7_2", "a sender who may not post to the list gets X.7.2, mailing list expansion prohibited (RFC 3463 §3.8).",
     "a posting restriction is normally reported with X.7.1."),
    ("x_6_10_history", "title: This is a duplicate of X.6.8 and is thus deprecated", "title: Duplicate of X.6.8 (deprecated)"),
    ("x_6_10_history", "X.6.10 was registered by RFC 5336, the experimental UTF8SMTP extension that SMTPUTF8 replaced.",
     "RFC 6531 §4.2 registered X.6.10 with the same meaning as X.6.8."),
    ("x_7_30_is_requiretls_only", "- A forwarding or alias hop that sends the message on toward servers without `REQUIRETLS`.",
     "- TLS to the next hop is unavailable or cannot be validated (no DANE or MTA-STS, certificate mismatch)."),
    ("x_7_10_cites_requiretls", "RFC 8689 §4.2.1 gives the code a second", "It has a second"),
    ("helo_replies", "commands: [EHLO, VRFY, EXPN, HELP]", "commands: [EHLO, HELO, VRFY, EXPN, HELP]"),
    ("class_4_is_abandonment_or_delay",
     "has delayed its delivery or made the sender abandon the attempt (RFC 3463 §2);",
     "stopped or delayed it for so long that the attempt was dropped;"),
    ("x_4_7_expiry_status",
     "The same code in a notice with `Action: delayed` is only a warning, and `5.4.7` is rare.",
     "It appears mainly in notices: `4.4.7` in \"still trying\" delay warnings and `5.4.7` when the queue lifetime ends."),
    ("recipient_limit_replies",
     "A `550 5.5.3` or another 5yz for a site-policy limit is meant as final for those recipients;",
     "Treat a `550` or `552` with 5.5.3 at `RCPT` the same way where your software allows;"),
    ("recipient_limit_replies", "answer a surplus with `452` so that no recipient is lost;",
     "enforce it with `452`, not `552`;", "guides.yaml"),
    ("recipient_limit_replies", "`552` is not the right reply for an exhausted implementation limit: RFC 5321 §4.5.3.1.10 requires `452` there",
     "`552` is not the right reply for this case: RFC 5321 specifies `452`, and clients should treat a `552` here as temporary. Also"),
    ("greeting_timeout", "sets 5 minutes as the minimum time a client should wait for it,", "suggests waiting up to 5 minutes for it,"),
    ("null_mx_replies",
     "A domain that really receives no mail should publish a null MX, so that senders fail at once instead of retrying for days.",
     "A domain that really receives no mail should publish a null MX, so that senders fail fast with `556 5.1.10`.", "guides.yaml"),
    ("null_mx_replies", "codes: ['421', '451', X.4.0,", "codes: ['421', '556', '451', X.4.0,", "guides.yaml"),
    ("null_mx_replies", "A sending MTA that finds one learns on its first attempt",
     "A sending MTA that finds one must not attempt delivery (RFC 7505 §4). It learns on its first attempt"),
    ("section_references", "text: Host does not accept mail\n    source: RFC 7504 §5.1", "text: Host does not accept mail\n    source: RFC 7504 §3"),
    ("section_references", "source: RFC 4954 §6 text: Authentication Exchange line is too long",
     "source: RFC 4954 §4\n        text: Authentication Exchange line is too long"),
    ("section_references", "text: You have no mail\n    source: RFC 2645 §7", "text: You have no mail\n    source: RFC 2645 §5.2.1"),
    ("give_up_time", "between attempts and a give-up time of at least 4-5 days;", "between attempts and a give-up time of 4-5 days;"),
    ("give_up_time", "retry after at least 30 minutes, with a give-up time of at least 4-5 days (RFC 5321 §4.5.4.1). For `STARTTLS`",
     "retry after at least 30 minutes and for up to 4-5 days (RFC 5321 §4.5.4.1). For `STARTTLS`"),
    ("x_7_25_reference", "sources: [RFC 7372, RFC 8601]", "sources: [RFC 7372, RFC 7601]"),
    ("3yz_replies", "and with the AUTH extension it is `334`, a login challenge (RFC 4954 §4).", "in practice only."),
]


def test_every_fact_has_a_mistake_to_catch():
    assert {mistake[0] for mistake in MISTAKES} == set(FACTS)


@pytest.mark.parametrize("fact, current, mistake, name", [(*m, "codes.yaml")[:4] for m in MISTAKES],
                         ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_fact_check_catches_the_old_mistake(tmp_path, fact, current, mistake, name):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    text = (folder / name).read_text(encoding="utf-8")
    # Words may be wrapped onto several lines in the YAML; any run of white space matches.
    found = list(re.finditer(r"\s+".join(map(re.escape, current.split())), text))
    assert len(found) == 1, f"today's {name} must contain {current!r} exactly once, not {len(found)} times"
    (folder / name).write_text(text[: found[0].start()] + mistake + text[found[0].end():], encoding="utf-8")
    assert FACTS[fact](load(folder)), f"{fact} did not notice {mistake!r}"


def test_loader_refuses_a_code_in_prose_that_the_data_does_not_have(tmp_path):
    # The review found `2.5.2` in 252's detail: X.5.2 is not used with class 2.
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    text = (folder / "codes.yaml").read_text(encoding="utf-8")
    current = "answers a disabled `VRFY` with `252` and the text"
    assert text.count(current) == 1
    (folder / "codes.yaml").write_text(text.replace(current, "answers `252 2.5.2 Cannot VRFY user` when `VRFY` is disabled, with the text"))
    with pytest.raises(DataError, match=r"code 252: field 'detail' mentions `2\.5\.2`"):
        load(folder)
