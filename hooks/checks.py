"""The rules data must follow beyond the shape of its fields: the digit rules of RFC 5321 and
RFC 3463, each entry listed once, every reference pointing at something that exists, and every
code named in prose known to the data.

Each check raises DataError naming the file, the line and the code of the first fault it finds.
"""

from __future__ import annotations

import re

from data_yaml import DataError
from fields import Record
from records import BASIC_CODE, REPLY_START, SLUG, Catalog, CodesFile, Provider

# A code in prose: `550`, `5.1.1`, `X.7.26`, or the codes a quoted reply starts with (`550 5.1.1 ...`).
CODE_SPAN = re.compile(r"`([^`]+)`")
MENTIONED = re.compile(r"(?:^|(?<=^[2-5]\d\d[ -]))(?:[2-5]\d\d|[245Xx]\.\d{1,3}\.\d{1,3})(?=$|\s|-[245]\.\d)")


def fail(record: Record, message: str) -> DataError:
    """A DataError located at a record: its file, its line and its code or id."""
    name = getattr(record, "code", None) or getattr(record, "id", None)
    return DataError(record.file, record.line, message, name)


def check_digits(codes: CodesFile) -> None:
    for what, digits, allowed in (("first digit", codes.reply_digits.first, range(2, 6)),
                                  ("second digit", codes.reply_digits.second, range(0, 6))):
        seen: list[int] = []
        for digit in digits:
            if digit.digit not in allowed or digit.digit in seen:
                raise fail(digit, f"{what} {digit.digit} is outside {allowed.start}-{allowed.stop - 1} or listed twice")
            seen.append(digit.digit)
        if seen != list(allowed):
            raise fail(codes.reply_digits, f"{what}s must list each of {allowed.start}-{allowed.stop - 1} once, in order")
    classes: list[int] = []
    for cls in codes.enhanced_classes:
        if cls.number in classes:
            raise fail(cls, f"class {cls.number} is listed twice")
        classes.append(cls.number)
    if classes != [2, 4, 5]:
        raise fail(codes, "enhanced_classes must be 2, 4 and 5, in order (RFC 3463 §2)")
    subjects: list[int] = []
    for subject in codes.enhanced_subjects:
        if subject.number in subjects or not 0 <= subject.number <= 999:
            raise fail(subject, f"subject {subject.number} is listed twice or outside 0-999 (RFC 3463 §2)")
        subjects.append(subject.number)


def check_codes(codes: CodesFile) -> None:
    for code in codes.basic_codes:
        if code.registry_only and (code.text or code.commands):
            raise fail(code, "a registry-only code has no reply text and no commands")
        if not code.registry_only and not code.commands:
            raise fail(code, "field 'commands' is required unless 'registry_only: true'")
    subjects = {subject.number for subject in codes.enhanced_subjects}
    for entry in codes.enhanced_codes:
        if entry.subject not in subjects:
            raise fail(entry, f"subject {entry.subject} is not one of the enhanced_subjects")
        classes = list(entry.classes)
        if not classes or any(cls not in (2, 4, 5) for cls in classes) or classes != sorted(set(classes)):
            raise fail(entry, f"classes must be a sorted list drawn from 2, 4 and 5 (RFC 3463 §2), not {classes}")
        for basic in entry.association.codes:
            # RFC 2034 §4: the enhanced class matches the basic code's first digit.
            if int(basic[0]) not in classes:
                raise fail(entry, f"associated basic code {basic} has class {basic[0]}, which is not in classes {classes}"
                                  " (RFC 2034 §4; 3yz replies carry no enhanced code)")
        if [g.number for g in entry.by_class] != classes:
            raise fail(entry, f"by_class must give the guidance of each class of {classes}, in that order, not "
                              f"{[g.number for g in entry.by_class]}")


def check_provider(provider: Provider) -> None:
    if not SLUG.fullmatch(provider.id):
        raise DataError(provider.file, None, "a provider file is named by a lower-case slug such as "
                        "'microsoft-365.yaml' (it becomes the page URL)")
    signs = [sign.lower() for sign in provider.signs]
    for reply in provider.replies:
        if not REPLY_START.match(reply.reply):
            raise DataError(reply.file, reply.line, "a reply starts with its three-digit code, as the server sends it")
        if not any(sign in reply.reply.lower() for sign in signs):
            raise fail(reply, f"the reply contains none of the provider's signs ({', '.join(provider.signs)}), so "
                              "the decoder could not tell it is this provider's")


def unique(records, what: str, key=None) -> dict:
    """The records by code (or id, or `key`); DataError for a second one with the same."""
    by_key = {}
    for record in records:
        name = key(record) if key else getattr(record, "code", None) or record.id
        if name in by_key:
            raise fail(record, f"duplicate {what}; first defined on line {by_key[name].line}")
        by_key[name] = record
    return by_key


def check_references(catalog: Catalog) -> None:
    for record in catalog.basic.values():
        for other in record.related:
            if other not in catalog.basic or other == record.code:
                raise fail(record, f"related code '{other}' is not another basic code in this file")
    for record in catalog.enhanced.values():
        for other in record.related:
            if other not in catalog.enhanced or other == record.code:
                raise fail(record, f"related code '{other}' is not another enhanced code in this file")
        for basic in record.association.codes:
            if basic not in catalog.basic:
                raise fail(record, f"associated basic code '{basic}' is not in basic_codes")
    for vendor in catalog.vendor_codes:
        if vendor.provider not in catalog.providers:
            raise fail(vendor, f"provider '{vendor.provider}' has no file data/providers/{vendor.provider}.yaml")
    for provider, reply in catalog.replies:
        codes = " ".join(filter(None, (reply.basic, reply.enhanced)))
        if not BASIC_CODE.fullmatch(reply.basic):
            # A code outside the registry (Courier's 513) is what the server sends; it must still be SMTP's.
            raise DataError(reply.file, reply.line, f"reply code {reply.basic} is not a reply code: first digit 2-5, "
                            "second 0-5 (RFC 5321 §4.2)", codes)
        if reply.enhanced and not (f"X{reply.enhanced[1:]}" in catalog.enhanced or reply.enhanced in catalog.known_vendor_codes):
            raise DataError(reply.file, reply.line, f"enhanced code {reply.enhanced} is neither in the registry nor a "
                            "vendor code of a provider", codes)
    for record in (*catalog.enhanced.values(), *catalog.vendor_codes, *(r for _, r in catalog.replies)):
        if record.reason and record.reason not in catalog.guides:
            raise fail(record, f"reason '{record.reason}' is not the id of a guide in guides.yaml")
    for provider in catalog.providers.values():
        for reason, phrases in provider.reason_phrases.items():
            if reason not in catalog.guides:
                raise fail(provider, f"reason_phrases names '{reason}', which is not the id of a guide in guides.yaml")
            for phrase in phrases:
                if phrase != phrase.lower():
                    raise fail(provider, f"reason phrase {phrase!r} must be lower case, as the decoder matches it")
    # The verdicts list reasons under each verdict; the CSV events are listed under their reason.
    named = [("log_verdicts", reason) for reasons in catalog.formats.log_verdicts.values() for reason in reasons]
    named += [("csv_event_reasons", reason) for reason in catalog.formats.csv_event_reasons]
    for field, reason in named:
        if reason not in catalog.guides:
            raise fail(catalog.formats, f"{field} names '{reason}', which is not the id of a guide in guides.yaml")
    for guide in catalog.guides.values():
        for code in guide.codes:
            if code not in catalog.basic and code not in catalog.enhanced and code not in catalog.known_vendor_codes:
                raise fail(guide, f"code '{code}' is not a basic code, a registry code in X form or a vendor code of a provider")


def check_phrases(catalog: Catalog) -> None:
    """A phrase says one reason: listed under two guides, the decoder could not choose."""
    owner: dict[str, str] = {}
    for guide in catalog.guides.values():
        for phrases in guide.phrases.values():
            for phrase in phrases:
                key = " ".join(phrase.lower().split())
                if key in owner and owner[key] != guide.id:
                    raise fail(guide, f"phrase {phrase!r} is also a phrase of guide '{owner[key]}'")
                owner[key] = guide.id


def check_code_mentions(records, catalog: Catalog) -> None:
    """A code named in prose must be one the data has: a basic code, a registry entry (X form), a
    concrete class it is used with, or a vendor code. A typo such as `5.9.1` stops the build."""
    for top in records:
        for record, key, text in top.texts():
            for span in CODE_SPAN.findall(text):
                for code in MENTIONED.findall(span.strip()):
                    known = (code in catalog.basic or code.upper() in catalog.enhanced or code in catalog.known_vendor_codes
                             or (code[0] != "X" and catalog.has_registry_page(code)))
                    if not known:
                        raise fail(record, f"field '{key}' mentions `{code}`, which is not a basic code, a registry code, "
                                           "a class the registry uses it with, or a vendor code of a provider")
