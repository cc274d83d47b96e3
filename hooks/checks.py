"""The rules data must follow beyond the shape of its fields: the digit rules of RFC 5321 and
RFC 3463, each entry listed once, and every reference pointing at something that exists.

Each check raises DataError naming the file, the line and the code of the first fault it finds.
"""

from __future__ import annotations

from pathlib import Path

import re

from data_yaml import DataError
from records import REPLY_START, Catalog, DataFile

# A code in prose: `550`, `5.1.1`, `X.7.26`, or the codes a quoted reply starts with (`550 5.1.1 ...`).
CODE_SPAN = re.compile(r"`([^`]+)`")
MENTIONED = re.compile(r"(?:^|(?<=^[2-5]\d\d[ -]))(?:[2-5]\d\d|[245Xx]\.\d{1,3}\.\d{1,3})(?=$|\s|-[245]\.\d)")


def check_digits(path: Path, data: DataFile) -> None:
    for what, digits, allowed, line in (
            ("first digit", data.reply_digits.first, range(2, 6), data.reply_digits.line),
            ("second digit", data.reply_digits.second, range(0, 6), data.reply_digits.line)):
        seen: list[int] = []
        for digit in digits:
            if digit.digit not in allowed or digit.digit in seen:
                raise DataError(path, digit.line, f"{what} {digit.digit} is outside {allowed.start}-{allowed.stop - 1} or listed twice")
            seen.append(digit.digit)
        if seen != list(allowed):
            raise DataError(path, line, f"{what}s must list each of {allowed.start}-{allowed.stop - 1} once, in order")
    classes: list[int] = []
    for cls in data.enhanced_classes:
        if cls.number in classes:
            raise DataError(path, cls.line, f"class {cls.number} is listed twice")
        classes.append(cls.number)
    if classes != [2, 4, 5]:
        raise DataError(path, data.line, "enhanced_classes must be 2, 4 and 5, in order (RFC 3463 §2)")
    subjects: list[int] = []
    for subject in data.enhanced_subjects:
        if subject.number in subjects or not 0 <= subject.number <= 999:
            raise DataError(path, subject.line, f"subject {subject.number} is listed twice or outside 0-999 (RFC 3463 §2)")
        subjects.append(subject.number)


def check_codes(path: Path, data: DataFile) -> None:
    for code in data.basic_codes:
        if code.registry_only and (code.text or code.commands):
            raise DataError(path, code.line, "a registry-only code has no reply text and no commands", code.code)
        if not code.registry_only and not code.commands:
            raise DataError(path, code.line, "field 'commands' is required unless 'registry_only: true'", code.code)
    subjects = {subject.number for subject in data.enhanced_subjects}
    for entry in data.enhanced_codes:
        fail = lambda message: DataError(path, entry.line, message, entry.code)  # noqa: E731
        if entry.subject not in subjects:
            raise fail(f"subject {entry.subject} is not one of the enhanced_subjects")
        classes = list(entry.classes)
        if not classes or any(cls not in (2, 4, 5) for cls in classes) or classes != sorted(set(classes)):
            raise fail(f"classes must be a sorted list drawn from 2, 4 and 5 (RFC 3463 §2), not {classes}")
        for basic in entry.association.codes:
            # RFC 2034 §4: the enhanced class matches the basic code's first digit.
            if int(basic[0]) not in classes:
                raise fail(f"associated basic code {basic} has class {basic[0]}, which is not in classes {classes}"
                           " (RFC 2034 §4; 3yz replies carry no enhanced code)")


def check_providers(path: Path, data: DataFile) -> None:
    for provider in data.providers:
        for reply in provider.replies:
            if not REPLY_START.match(reply.reply):
                raise DataError(path, reply.line, "a reply starts with its three-digit code, as the server sends it")
        if provider.vendor_codes and not provider.signs:
            raise DataError(path, provider.line, "a provider with vendor_codes needs 'signs', the words that show a reply "
                            "is its own, so that its meanings are applied only to its replies", provider.id)


def unique(path: Path, records: tuple, what: str) -> dict:
    """The records by code (or id); DataError for a second one with the same."""
    by_key = {}
    for record in records:
        key = getattr(record, "code", None) or record.id
        if key in by_key:
            raise DataError(path, record.line, f"duplicate {what}; first defined on line {by_key[key].line}", key)
        by_key[key] = record
    return by_key


def check_references(path: Path, catalog: Catalog) -> None:
    for record in catalog.basic.values():
        for other in record.related:
            if other not in catalog.basic or other == record.code:
                raise DataError(path, record.line, f"related code '{other}' is not another basic code in this file", record.code)
    for record in catalog.enhanced.values():
        for other in record.related:
            if other not in catalog.enhanced or other == record.code:
                raise DataError(path, record.line, f"related code '{other}' is not another enhanced code in this file", record.code)
        for basic in record.association.codes:
            if basic not in catalog.basic:
                raise DataError(path, record.line, f"associated basic code '{basic}' is not in basic_codes", record.code)
    vendor_codes = {v.code for p in catalog.providers.values() for v in p.vendor_codes}
    for provider in catalog.providers.values():
        for reply in provider.replies:
            if reply.basic not in catalog.basic:
                raise DataError(path, reply.line, f"reply code {reply.basic} is not in basic_codes",
                                " ".join(filter(None, (reply.basic, reply.enhanced))))
            if reply.enhanced and not (catalog.has_registry_page(reply.enhanced) or reply.enhanced in vendor_codes):
                raise DataError(path, reply.line, f"enhanced code {reply.enhanced} has no page: it is not a class the "
                                "registry entry is used with, nor a vendor code", f"{reply.basic} {reply.enhanced}")
    for symptom in catalog.symptoms.values():
        for code in symptom.codes:
            if code not in catalog.basic and code not in catalog.enhanced and code not in vendor_codes:
                raise DataError(path, symptom.line, f"code '{code}' is not a basic code, a registry code in X form "
                                "or a vendor code of a provider", symptom.id)


def check_code_mentions(path, data: DataFile, catalog: Catalog) -> None:
    """A code named in prose must be one the data has: a basic code, a registry entry (X form), a
    concrete class it is used with, or a vendor code. A typo such as `5.9.1` stops the build."""
    vendor_codes = {v.code for p in catalog.providers.values() for v in p.vendor_codes}
    for record, key, text in data.texts():
        for span in CODE_SPAN.findall(text):
            for code in MENTIONED.findall(span.strip()):
                known = (code in catalog.basic or code.upper() in catalog.enhanced or code in vendor_codes
                         or (code[0] != "X" and catalog.has_registry_page(code)))
                if not known:
                    name = getattr(record, "code", None) or getattr(record, "id", None)
                    raise DataError(path, record.line, f"field '{key}' mentions `{code}`, which is not a basic code, "
                                    "a registry code, a class the registry uses it with, or a vendor code of a provider", name)
