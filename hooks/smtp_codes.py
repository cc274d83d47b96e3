"""Load data/codes.yaml into small typed records, and refuse bad data.

Used by the MkDocs hooks and by the tests alike; it imports nothing from MkDocs. Every problem with
the data raises DataError, whose message names the file, the line and the code, so that a broken
edit stops the build with one readable sentence instead of a traceback.

Nothing derivable is stored in the YAML: severity, category, enhanced class and subject are computed
here from the digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

# ---------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------


class DataError(Exception):
    """A fault in the data file, located by file, line and (where known) code."""

    def __init__(self, path: Path | str, line: int | None, message: str, code: str | None = None):
        where = f"{path}:{line}" if line else str(path)
        about = f" code {code}:" if code else ""
        super().__init__(f"{where}:{about} {message}")


# ---------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------

RFC_EDITOR = "https://www.rfc-editor.org/rfc/rfc{number}.html"
DATATRACKER = "https://datatracker.ietf.org/doc/{name}/"

# The commands RFC 5321 §4.3.2 and the extension RFCs name, as written in the data.
COMMANDS = {
    "connection": "Connection opening",
    "EHLO": "EHLO",
    "HELO": "HELO",
    "MAIL": "MAIL FROM",
    "RCPT": "RCPT TO",
    "DATA": "DATA",
    "end-of-data": "End of data",
    "RSET": "RSET",
    "VRFY": "VRFY",
    "EXPN": "EXPN",
    "HELP": "HELP",
    "NOOP": "NOOP",
    "QUIT": "QUIT",
    "any": "Any command",
    "STARTTLS": "STARTTLS",
    "AUTH": "AUTH",
    "ETRN": "ETRN",
    "ATRN": "ATRN",
    "BDAT": "BDAT",
    "BURL": "BURL",
}


@dataclass(frozen=True)
class Source:
    """A defining document: "RFC 5321 §4.2.3", "RFC 7505" or an Internet-Draft name."""

    document: str
    section: str | None

    @property
    def url(self) -> str:
        if self.document.startswith("RFC "):
            url = RFC_EDITOR.format(number=self.document[4:])
            return f"{url}#section-{self.section}" if self.section else url
        return DATATRACKER.format(name=self.document)

    def __str__(self) -> str:
        return f"{self.document} §{self.section}" if self.section else self.document


@dataclass(frozen=True)
class Digit:
    digit: int
    name: str
    meaning: str
    severity: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class EnhancedClass:
    number: int
    title: str
    meaning: str


@dataclass(frozen=True)
class Subject:
    number: int
    title: str
    meaning: str
    source: Source


@dataclass(frozen=True)
class Guidance:
    """What a reader holding the code needs; the same fields for basic and enhanced codes."""

    meaning: str
    detail: str
    causes: tuple[str, ...]
    retry: str
    sender: str
    admin: str
    misreadings: tuple[str, ...]


@dataclass(frozen=True)
class Extension:
    """An extension RFC's own use of a basic code."""

    name: str
    source: Source
    text: str | None
    commands: tuple[str, ...]
    use: str


@dataclass(frozen=True)
class BasicCode:
    code: str
    text: str | None
    source: Source
    extension: str | None
    registry_only: bool
    commands: tuple[str, ...]
    extensions: tuple[Extension, ...]
    guidance: Guidance
    related: tuple[str, ...]
    line: int

    @property
    def first(self) -> int:
        return int(self.code[0])

    @property
    def second(self) -> int:
        return int(self.code[1])

    @property
    def third(self) -> int:
        return int(self.code[2])


@dataclass(frozen=True)
class EnhancedCode:
    """A registry entry, written X.subject.detail; it stands for each class in `classes`."""

    code: str
    title: str
    associated: str
    classes: tuple[int, ...]
    sources: tuple[Source, ...]
    guidance: Guidance
    related: tuple[str, ...]
    line: int

    @property
    def subject(self) -> int:
        return int(self.code.split(".")[1])

    @property
    def detail(self) -> int:
        return int(self.code.split(".")[2])

    @property
    def basic_codes(self) -> tuple[str, ...]:
        """The concrete basic codes the registry associates with this code ("Any", "5XX" name none)."""
        return tuple(re.findall(r"\b[2-5]\d\d\b", self.associated))

    def variant(self, cls: int) -> str:
        return f"{cls}{self.code[1:]}"

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(self.variant(cls) for cls in self.classes)


@dataclass(frozen=True)
class ProviderReply:
    """A reply a provider's servers really send; its codes are read from its start."""

    reply: str
    meaning: str
    action: str
    source: str
    basic: str
    enhanced: str | None
    line: int


@dataclass(frozen=True)
class VendorCode:
    """An enhanced code a vendor uses outside the registry, or with a meaning of its own."""

    code: str
    title: str
    meaning: str
    action: str
    source: str

    @property
    def registry_code(self) -> str:
        return f"X{self.code[1:]}"


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    kind: str
    docs: str
    signs: tuple[str, ...]  # words that show a reply came from this provider ("gsmtp")
    replies: tuple[ProviderReply, ...]
    vendor_codes: tuple[VendorCode, ...]
    line: int


@dataclass(frozen=True)
class Symptom:
    """A guide for a reader who knows what happened ("user unknown") but not the code."""

    id: str
    title: str
    question: str
    summary: str
    codes: tuple[str, ...]
    signs: tuple[str, ...]
    sender: str
    admin: str
    misreadings: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Catalog:
    first_digits: dict[int, Digit]
    second_digits: dict[int, Digit]
    classes: dict[int, EnhancedClass]
    subjects: dict[int, Subject]
    basic: dict[str, BasicCode]
    enhanced: dict[str, EnhancedCode]
    providers: dict[str, Provider]
    symptoms: dict[str, Symptom]

    @cached_property
    def enhanced_variants(self) -> tuple[str, ...]:
        """Every concrete enhanced code that has a page, in registry order (4.1.1, 5.1.1, 2.1.5, ...)."""
        return tuple(v for e in self.enhanced.values() for v in e.variants)

    @cached_property
    def _enhanced_by_basic(self) -> dict[str, list[EnhancedCode]]:
        by_basic: dict[str, list[EnhancedCode]] = {}
        for entry in self.enhanced.values():
            for basic in entry.basic_codes:
                by_basic.setdefault(basic, []).append(entry)
        return by_basic

    def enhanced_for_basic(self, code: str) -> list[EnhancedCode]:
        """Reverse of the registry association: the enhanced codes listed with a basic code."""
        return self._enhanced_by_basic.get(code, [])

    def related_basic(self, code: str) -> list[str]:
        """Related basic codes in both directions: those this code names and those naming it."""
        named = self.basic[code].related
        return [*named, *(c.code for c in self.basic.values() if code in c.related and c.code not in named)]

    def related_enhanced(self, code: str) -> list[str]:
        named = self.enhanced[code].related
        return [*named, *(e.code for e in self.enhanced.values() if code in e.related and e.code not in named)]

    def replies_with(self, *, basic: str | None = None, enhanced: str | None = None) -> list[tuple[Provider, ProviderReply]]:
        """Provider replies carrying a basic code, or a concrete enhanced code."""
        return [(p, r) for p in self.providers.values() for r in p.replies
                if (basic is None or r.basic == basic) and (enhanced is None or r.enhanced == enhanced)]

    def vendor_uses(self, code: str) -> list[tuple[Provider, VendorCode]]:
        """Vendor meanings of a concrete enhanced code ("5.7.708")."""
        return [(p, v) for p in self.providers.values() for v in p.vendor_codes if v.code == code]

    def symptom_replies(self, symptom: Symptom) -> list[tuple[Provider, ProviderReply]]:
        """Provider replies whose wording shows a symptom: they contain one of its signs."""
        signs = [sign.lower() for sign in symptom.signs]
        return [(p, r) for p in self.providers.values() for r in p.replies
                if any(sign in r.reply.lower() for sign in signs)]

    def symptoms_for(self, code: str) -> list[Symptom]:
        """The guides listing a basic code, a registry code (X form) or a concrete vendor code."""
        return [s for s in self.symptoms.values() if code in s.codes]

    def has_registry_page(self, concrete: str) -> bool:
        """Whether a concrete enhanced code ("5.1.1") has a page of its own: the registry has its entry,
        used with that class."""
        entry = self.enhanced.get(f"X{concrete[1:]}")
        return entry is not None and int(concrete[0]) in entry.classes

    def enhanced_page(self, code: str, preferred_class: int | None = None) -> str:
        """The concrete code whose page shows an X-form code, in the preferred class if it has one."""
        entry = self.enhanced[code]
        cls = preferred_class if preferred_class in entry.classes else entry.classes[-1]
        return entry.variant(cls)


# ---------------------------------------------------------------------------------------------------
# YAML reading: line numbers and duplicate keys
# ---------------------------------------------------------------------------------------------------


class Node(dict):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


class Items(list):
    """A YAML sequence that remembers the line of each item, for items that are not mappings."""

    lines: list[int] = []


def _items(sequence: Any) -> list[tuple[Any, int | None]]:
    return list(zip(sequence, getattr(sequence, "lines", [None] * len(sequence))))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 5x faster
    path: Path


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    # PyYAML silently keeps the last of two equal keys; a data file must not lose an edit that way.
    code = next((v.value for k, v in node.value if k.value == "code" and isinstance(v, yaml.ScalarNode)), None)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise DataError(loader.path, key_node.start_mark.line + 1, "a mapping key must be a plain value, not a list or mapping", code)
        key = loader.construct_object(key_node)
        if key in seen:
            raise DataError(loader.path, key_node.start_mark.line + 1, f"duplicate key '{key}'", code)
        seen.add(key)
    mapping = Node(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Items:
    items = Items(loader.construct_sequence(node, deep=True))
    items.lines = [child.start_mark.line + 1 for child in node.value]
    return items


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


MAX_FILE_BYTES = 5_000_000  # about ten times today's file: far larger means a mistake, not data


def _read_yaml(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(path, None, f"is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit for the data file")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise DataError(path, line, f"not valid UTF-8 (byte 0x{error.object[error.start]:02x})") from None
    except OSError as error:
        raise DataError(path, None, f"cannot be read: {error.strerror}") from None
    loader = _Loader(text)
    loader.path = path
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, line, f"YAML syntax error: {error.problem or error.context}") from None
    except yaml.reader.ReaderError as error:  # a control character such as NUL: no mark, a position
        line = text[: error.position].count("\n") + 1
        character = error.character if isinstance(error.character, int) else ord(error.character)
        raise DataError(path, line, f"YAML syntax error: {error.reason} (character {character:#04x})") from None
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------------------------
# Field checks
# ---------------------------------------------------------------------------------------------------

BASIC_CODE = re.compile(r"[2-5][0-5][0-9]")  # RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39
ENHANCED_ENTRY = re.compile(r"X\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})")  # RFC 3463 §2, no leading zeros
SOURCE = re.compile(r"(RFC [1-9][0-9]*)(?: §([0-9]+(?:\.[0-9]+)*))?|(draft-[a-z0-9-]+)")
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX+)\b|lorem ipsum|^\W*$", re.IGNORECASE)

TEXT = "text"
TEXTS = "list of texts"
INTEGERS = "list of integers"
FLAG = "true or false"
INTEGER = "integer"
MAPPING = "mapping"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Entry:
    """One mapping of the data file, checked field by field against a fixed list of keys."""

    def __init__(self, path: Path, node: Any, fields: dict[str, tuple[str, bool]], what: str, line: int | None = None):
        self.path = path
        if not isinstance(node, Node):
            raise DataError(path, line, f"each {what} must be a mapping of fields, not {_short(node)}")
        self.node = node
        self.code = str(node["code"]) if "code" in node else None
        unknown = [key for key in node if key not in fields]
        if unknown:
            raise DataError(path, node.line, f"unknown field '{unknown[0]}' in {what}", self.code)
        missing = [key for key, (_, required) in fields.items() if required and key not in node]
        if missing:
            raise DataError(path, node.line, f"missing field '{missing[0]}' in {what}", self.code)
        order = [key for key in fields if key in node]
        if list(node) != order:
            wrong = next(a for a, b in zip(node, order) if a != b)
            raise DataError(path, node.line, f"field '{wrong}' is out of order; the order is: {', '.join(order)}", self.code)
        for key, value in node.items():
            self._check_type(key, value, fields[key][0])

    def fail(self, message: str) -> DataError:
        return DataError(self.path, self.node.line, message, self.code)

    def _check_type(self, key: str, value: Any, kind: str) -> None:
        if kind == TEXT:
            ok = isinstance(value, str)
            if ok and PLACEHOLDER.search(value):
                raise self.fail(f"field '{key}' is empty or a placeholder: {value!r}")
        elif kind == TEXTS:
            ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
            for item in value if ok else []:
                if PLACEHOLDER.search(item):
                    raise self.fail(f"field '{key}' has an empty or placeholder item: {item!r}")
        elif kind == INTEGERS:
            ok = isinstance(value, list) and all(type(item) is int for item in value)
        elif kind == INTEGER:
            ok = type(value) is int
        elif kind == FLAG:
            ok = isinstance(value, bool)
        elif kind == MAPPING:
            ok = isinstance(value, Node)
        else:  # a list of nested mappings, each checked by its own _Entry
            kind = "list"
            ok = isinstance(value, list)
        if not ok:
            raise self.fail(f"field '{key}' must be a {kind}, not {type(value).__name__}: {_short(value)}")

    def get(self, key: str, default: Any = None) -> Any:
        return self.node.get(key, default)

    def source(self, text: str) -> Source:
        match = SOURCE.fullmatch(text)
        if not match:
            raise self.fail(f"source {text!r} is not 'RFC <number>', 'RFC <number> §<section>' or a draft name")
        return Source(match[1] or match[3], match[2])

    def commands(self, key: str = "commands") -> tuple[str, ...]:
        commands = tuple(self.get(key, ()))
        for command in commands:
            if command not in COMMANDS:
                raise self.fail(f"unknown command '{command}'; known: {', '.join(COMMANDS)}")
        return commands


GUIDANCE_FIELDS = {
    "meaning": (TEXT, True),
    "detail": (TEXT, True),
    "causes": (TEXTS, True),
    "retry": (TEXT, True),
    "sender": (TEXT, True),
    "admin": (TEXT, True),
    "misreadings": (TEXTS, True),
}
BASIC_FIELDS = {
    "code": (TEXT, True),
    "text": (TEXT, False),
    "source": (TEXT, True),
    "extension": (TEXT, False),
    "registry_only": (FLAG, False),
    "commands": (TEXTS, False),
    "extensions": ("extensions", False),
    **GUIDANCE_FIELDS,
    "related": (TEXTS, True),
}
EXTENSION_FIELDS = {
    "name": (TEXT, True),
    "source": (TEXT, True),
    "text": (TEXT, False),
    "commands": (TEXTS, False),
    "use": (TEXT, True),
}
ENHANCED_FIELDS = {
    "code": (TEXT, True),
    "title": (TEXT, True),
    "associated": (TEXT, True),
    "classes": (INTEGERS, True),
    "sources": (TEXTS, True),
    **GUIDANCE_FIELDS,
    "related": (TEXTS, True),
}
FIRST_DIGIT_FIELDS = {"digit": (INTEGER, True), "name": (TEXT, True), "severity": (TEXT, True),
                      "label": (TEXT, True), "meaning": (TEXT, True)}
SECOND_DIGIT_FIELDS = {"digit": (INTEGER, True), "name": (TEXT, True), "meaning": (TEXT, True)}
CLASS_FIELDS = {"class": (INTEGER, True), "title": (TEXT, True), "meaning": (TEXT, True)}
SUBJECT_FIELDS = {"subject": (INTEGER, True), "title": (TEXT, True), "meaning": (TEXT, True),
                  "source": (TEXT, True)}
PROVIDER_FIELDS = {"id": (TEXT, True), "name": (TEXT, True), "kind": (TEXT, True), "docs": (TEXT, True),
                   "signs": (TEXTS, False), "replies": ("replies", True), "vendor_codes": ("vendor codes", False)}
REPLY_FIELDS = {"reply": (TEXT, True), "meaning": (TEXT, True), "action": (TEXT, True), "source": (TEXT, True)}
VENDOR_CODE_FIELDS = {"code": (TEXT, True), "title": (TEXT, True), "meaning": (TEXT, True),
                      "action": (TEXT, True), "source": (TEXT, True)}
SYMPTOM_FIELDS = {"id": (TEXT, True), "title": (TEXT, True), "question": (TEXT, True), "summary": (TEXT, True),
                  "codes": (TEXTS, True), "signs": (TEXTS, True), "sender": (TEXT, True), "admin": (TEXT, True),
                  "misreadings": (TEXTS, True)}
PROVIDER_KINDS = ("provider", "mta")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
URL = re.compile(r"https://[^\s]+")
REPLY_START = re.compile(r"(\d{3})(?:[ -]([245]\.(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2}))\b)?")
CONCRETE_ENHANCED = re.compile(r"[245]\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})")

TOP_FIELDS = {"reply_digits": (MAPPING, True), "enhanced_classes": ("list", True),
              "enhanced_subjects": ("list", True), "basic_codes": ("list", True),
              "enhanced_codes": ("list", True), "providers": ("list", True), "symptoms": ("list", True)}


def _guidance(entry: _Entry) -> Guidance:
    return Guidance(**{key: tuple(entry.get(key)) if kind == TEXTS else entry.get(key)
                       for key, (kind, _) in GUIDANCE_FIELDS.items()})


# ---------------------------------------------------------------------------------------------------
# Building the records
# ---------------------------------------------------------------------------------------------------


def _basic(path: Path, node: Any, line: int | None) -> BasicCode:
    entry = _Entry(path, node, BASIC_FIELDS, "basic code", line)
    code = entry.code
    if not BASIC_CODE.fullmatch(code):
        raise entry.fail("a basic code is three digits: first 2-5, second 0-5, third 0-9 (RFC 5321 §4.2)")
    registry_only = entry.get("registry_only", False)
    if registry_only and (entry.get("text") or entry.get("commands")):
        raise entry.fail("a registry-only code has no reply text and no commands")
    if not registry_only and not entry.get("commands"):
        raise entry.fail("field 'commands' is required unless 'registry_only: true'")
    extensions = []
    for raw, line in _items(entry.get("extensions", [])):
        ext = _Entry(path, raw, EXTENSION_FIELDS, f"extension of code {code}", line)
        ext.code = code
        extensions.append(Extension(ext.get("name"), ext.source(ext.get("source")), ext.get("text"),
                                    ext.commands(), ext.get("use")))
    return BasicCode(
        code=code,
        text=entry.get("text"),
        source=entry.source(entry.get("source")),
        extension=entry.get("extension"),
        registry_only=registry_only,
        commands=entry.commands(),
        extensions=tuple(extensions),
        guidance=_guidance(entry),
        related=tuple(entry.get("related")),
        line=node.line,
    )


def _enhanced(path: Path, node: Any, line: int | None, subjects: dict[int, Subject]) -> EnhancedCode:
    entry = _Entry(path, node, ENHANCED_FIELDS, "enhanced code", line)
    code = entry.code
    match = ENHANCED_ENTRY.fullmatch(code)
    if not match:
        raise entry.fail("an enhanced code entry is written X.subject.detail, 1-3 digits each, no leading zeros (RFC 3463 §2)")
    if int(match[1]) not in subjects:
        raise entry.fail(f"subject {match[1]} is not one of the enhanced_subjects")
    classes = tuple(entry.get("classes"))
    if not classes or any(cls not in (2, 4, 5) for cls in classes) or list(classes) != sorted(set(classes)):
        raise entry.fail(f"classes must be a sorted list drawn from 2, 4 and 5 (RFC 3463 §2), not {list(classes)}")
    record = EnhancedCode(
        code=code,
        title=entry.get("title"),
        associated=entry.get("associated"),
        classes=classes,
        sources=tuple(entry.source(text) for text in entry.get("sources")),
        guidance=_guidance(entry),
        related=tuple(entry.get("related")),
        line=node.line,
    )
    for basic in record.basic_codes:
        # RFC 2034 §4: the enhanced class matches the basic code's first digit.
        if int(basic[0]) not in classes:
            raise entry.fail(f"associated basic code {basic} has class {basic[0]}, which is not in classes {list(classes)}"
                             " (RFC 2034 §4; 3yz replies carry no enhanced code)")
    return record


def _provider(path: Path, node: Any, line: int | None) -> Provider:
    entry = _Entry(path, node, PROVIDER_FIELDS, "provider", line)
    entry.code = entry.get("id")
    if not SLUG.fullmatch(entry.code):
        raise entry.fail("a provider id is a lower-case slug such as 'microsoft-365' (it becomes the page URL)")
    if entry.get("kind") not in PROVIDER_KINDS:
        raise entry.fail(f"kind must be one of {', '.join(PROVIDER_KINDS)}, not {entry.get('kind')!r}")
    if not URL.fullmatch(entry.get("docs")):
        raise entry.fail(f"docs must be an https URL, not {entry.get('docs')!r}")
    replies = []
    for raw, line in _items(entry.get("replies")):
        reply = _Entry(path, raw, REPLY_FIELDS, f"reply of provider {entry.code}", line)
        text = reply.get("reply")
        start = REPLY_START.match(text)
        reply.code = start[0] if start else None
        if not start:
            raise reply.fail("a reply starts with its three-digit code, as the server sends it")
        if not URL.fullmatch(reply.get("source")):
            raise reply.fail(f"source must be an https URL, not {reply.get('source')!r}")
        replies.append(ProviderReply(text, reply.get("meaning"), reply.get("action"), reply.get("source"),
                                     start[1], start[2], raw.line))
    vendor_codes = []
    for raw, line in _items(entry.get("vendor_codes", [])):
        vendor = _Entry(path, raw, VENDOR_CODE_FIELDS, f"vendor code of provider {entry.code}", line)
        if not CONCRETE_ENHANCED.fullmatch(vendor.code):
            raise vendor.fail("a vendor code is a concrete enhanced code such as 5.7.708 (RFC 3463 §2 syntax)")
        if not URL.fullmatch(vendor.get("source")):
            raise vendor.fail(f"source must be an https URL, not {vendor.get('source')!r}")
        vendor_codes.append(VendorCode(vendor.code, vendor.get("title"), vendor.get("meaning"),
                                       vendor.get("action"), vendor.get("source")))
    if vendor_codes and not entry.get("signs"):
        raise entry.fail("a provider with vendor_codes needs 'signs', the words that show a reply is its own, "
                         "so that its meanings are applied only to its replies")
    return Provider(entry.code, entry.get("name"), entry.get("kind"), entry.get("docs"), tuple(entry.get("signs", ())),
                    tuple(replies), tuple(vendor_codes), node.line)


def _symptom(path: Path, node: Any, line: int | None) -> Symptom:
    entry = _Entry(path, node, SYMPTOM_FIELDS, "symptom", line)
    entry.code = entry.get("id")
    if not SLUG.fullmatch(entry.code):
        raise entry.fail("a symptom id is a lower-case slug such as 'unknown-recipient' (it becomes the page URL)")
    return Symptom(**{key: tuple(entry.get(key)) if kind == TEXTS else entry.get(key)
                      for key, (kind, _) in SYMPTOM_FIELDS.items()}, line=node.line)


def _digits(path: Path, nodes: Any, fields: dict, what: str, allowed: range) -> dict[int, Digit]:
    digits = {}
    for node, line in _items(nodes if isinstance(nodes, list) else []):
        entry = _Entry(path, node, fields, what, line)
        number = entry.get("digit")
        if number not in allowed or number in digits:
            raise entry.fail(f"{what} {number} is outside {allowed.start}-{allowed.stop - 1} or listed twice")
        digits[number] = Digit(**dict(entry.node))
    if list(digits) != list(allowed):
        raise DataError(path, getattr(nodes, "line", None), f"{what}s must list each of {allowed.start}-{allowed.stop - 1} once, in order")
    return digits


def _unique(path: Path, records: list, what: str) -> dict:
    by_key = {}
    for record in records:
        key = getattr(record, "code", None) or record.id
        if key in by_key:
            raise DataError(path, record.line, f"duplicate {what}; first defined on line {by_key[key].line}", key)
        by_key[key] = record
    return by_key


def _check_references(path: Path, catalog: Catalog) -> None:
    for record in catalog.basic.values():
        for other in record.related:
            if other not in catalog.basic or other == record.code:
                raise DataError(path, record.line, f"related code '{other}' is not another basic code in this file", record.code)
    for record in catalog.enhanced.values():
        for other in record.related:
            if other not in catalog.enhanced or other == record.code:
                raise DataError(path, record.line, f"related code '{other}' is not another enhanced code in this file", record.code)
        for basic in record.basic_codes:
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


def load(path: Path | str) -> Catalog:
    """Read and check the data file; raise DataError on the first fault found."""
    path = Path(path)
    raw = _read_yaml(path)
    if not isinstance(raw, Node):
        raise DataError(path, 1, f"the file must be a mapping with the keys {', '.join(TOP_FIELDS)}")
    top = _Entry(path, raw, TOP_FIELDS, "top level")
    digits = raw["reply_digits"]
    if not isinstance(digits, Node) or set(digits) != {"first", "second"}:
        raise DataError(path, raw.line, "reply_digits must have exactly the keys 'first' and 'second'")
    first = _digits(path, digits["first"], FIRST_DIGIT_FIELDS, "first digit", range(2, 6))
    second = _digits(path, digits["second"], SECOND_DIGIT_FIELDS, "second digit", range(0, 6))

    classes = {}
    for node, line in _items(raw["enhanced_classes"]):
        entry = _Entry(path, node, CLASS_FIELDS, "enhanced class", line)
        if entry.get("class") in classes:
            raise entry.fail(f"class {entry.get('class')} is listed twice")
        classes[entry.get("class")] = EnhancedClass(entry.get("class"), entry.get("title"), entry.get("meaning"))
    if list(classes) != [2, 4, 5]:
        raise top.fail("enhanced_classes must be 2, 4 and 5, in order (RFC 3463 §2)")
    subjects = {}
    for node, line in _items(raw["enhanced_subjects"]):
        entry = _Entry(path, node, SUBJECT_FIELDS, "enhanced subject", line)
        if entry.get("subject") in subjects or not 0 <= entry.get("subject") <= 999:
            raise entry.fail(f"subject {entry.get('subject')} is listed twice or outside 0-999 (RFC 3463 §2)")
        subjects[entry.get("subject")] = Subject(entry.get("subject"), entry.get("title"), entry.get("meaning"),
                                                 entry.source(entry.get("source")))

    catalog = Catalog(
        first_digits=first,
        second_digits=second,
        classes=classes,
        subjects=subjects,
        basic=_unique(path, [_basic(path, *item) for item in _items(raw["basic_codes"])], "basic code"),
        enhanced=_unique(path, [_enhanced(path, *item, subjects) for item in _items(raw["enhanced_codes"])], "enhanced code"),
        providers=_unique(path, [_provider(path, *item) for item in _items(raw["providers"])], "provider"),
        symptoms=_unique(path, [_symptom(path, *item) for item in _items(raw["symptoms"])], "symptom"),
    )
    _check_references(path, catalog)
    return catalog


_cache: dict[Path, tuple[float, Catalog]] = {}


def load_cached(path: Path | str) -> Catalog:
    """load(), but read the file again only when it changed: several hooks share one catalog."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime
    except OSError as error:
        raise DataError(path, None, f"cannot be read: {error.strerror}") from None
    if path not in _cache or _cache[path][0] != mtime:
        _cache[path] = (mtime, load(path))
    return _cache[path][1]
