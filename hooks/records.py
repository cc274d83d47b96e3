"""The data's records, each with the one spec of its YAML fields, and the Catalog that holds them all
with the queries the builders ask of it.

Nothing derivable is stored in the YAML: severity, category, enhanced class and subject, the basic
codes a registry entry names, and the codes a provider reply carries are computed here.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from fields import (Choice, Choices, Context, Date, Field, Flag, Group, Inline, Integer, Integers, Kind, Record, Records,
                    Spec, Text, TextGroups, TextLists, Texts)
from markup import plain

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

BASIC_CODE = re.compile(r"[2-5][0-5][0-9]")  # RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39
ENHANCED_ENTRY = re.compile(r"X\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})")  # RFC 3463 §2, no leading zeros
CONCRETE_CODE = re.compile(r"[245]\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})")
SOURCE = re.compile(r"(RFC [1-9][0-9]*)(?: §([0-9]+(?:\.[0-9]+)*))?|(draft-[a-z0-9-]+)")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
URL = re.compile(r"https?://[^\s]+")
REPLY_START = re.compile(r"(\d{3})(?:[ -]([245]\.(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2}))\b)?")


def web_address(what: str) -> Text:
    return Text(URL, why=f"{what} must be an http or https URL, not {{value!r}}")


# ---------------------------------------------------------------------------------------------------
# Kinds of this data: sources and commands
# ---------------------------------------------------------------------------------------------------


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


class SourceText(Text):
    """An RFC, an RFC section or a draft, written "RFC 5321 §4.2.3"; read as a Source."""

    def __init__(self):
        super().__init__(SOURCE)

    def convert(self, key: str, value: str, context: Context) -> Source:
        match = SOURCE.fullmatch(value)
        if not match:
            raise context.fail(f"source {value!r} is not 'RFC <number>', 'RFC <number> §<section>' or a draft name")
        return Source(match[1] or match[3], match[2])


class CommandNames(Texts):
    """SMTP commands, written as the keys of COMMANDS."""

    def convert(self, key: str, value: list, context: Context) -> tuple[str, ...]:
        for command in value:
            if command not in COMMANDS:
                raise context.fail(f"unknown command '{command}'; known: {', '.join(COMMANDS)}")
        return tuple(value)

    def schema(self, defs: dict) -> dict:
        return {"type": "array", "items": {"enum": list(COMMANDS)}}


# ---------------------------------------------------------------------------------------------------
# Digits, classes and subjects
# ---------------------------------------------------------------------------------------------------


class FirstDigit(Record):
    SPEC = Spec("first digit", [Field("digit", Integer()), Field("name", Text()), Field("severity", Text()),
                                Field("label", Text()), Field("meaning", Text())])


class SecondDigit(Record):
    SPEC = Spec("second digit", [Field("digit", Integer()), Field("name", Text()), Field("meaning", Text())])


class ReplyDigits(Record):
    SPEC = Spec("reply_digits", [Field("first", Records(FirstDigit)), Field("second", Records(SecondDigit))])


class EnhancedClass(Record):
    SPEC = Spec("enhanced class", [Field("class", Integer(), attr="number"), Field("title", Text()),
                                   Field("meaning", Text())])


class Subject(Record):
    SPEC = Spec("enhanced subject", [Field("subject", Integer(), attr="number"), Field("title", Text()),
                                     Field("meaning", Text()), Field("source", SourceText())])


# ---------------------------------------------------------------------------------------------------
# Codes
# ---------------------------------------------------------------------------------------------------


class Guidance(Record):
    """What a reader holding the code needs; the same fields for basic and enhanced codes."""

    SPEC = Spec("guidance", [
        Field("meaning", Text()),
        Field("detail", Text()),
        Field("causes", Texts()),
        Field("retry", Text()),
        Field("sender", Text()),
        Field("admin", Text()),
        Field("misreadings", Texts()),
    ])


class ClassGuidance(Record):
    """What a reader holding an enhanced code of one class (4.1.1, not 5.1.1) needs: its own retry
    verdict, causes and actions; the meaning and detail are the registry entry's."""

    SPEC = Spec("class guidance", [
        Field("class", Integer(), attr="number"),
        Field("retry", Text()),
        Field("causes", Texts()),
        Field("sender", Text()),
        Field("admin", Text()),
    ])


class Extension(Record):
    """An extension RFC's own use of a basic code."""

    SPEC = Spec("extension", [
        Field("name", Text()),
        Field("source", SourceText()),
        Field("text", Text(), required=False),
        Field("commands", CommandNames(), required=False),
        Field("use", Text()),
    ])


class BasicCode(Record):
    SPEC = Spec("basic code", key="code", fields=[
        Field("code", Text(BASIC_CODE, why="a basic code is three digits: first 2-5, second 0-5, third 0-9 (RFC 5321 §4.2)")),
        Field("text", Text(), required=False),
        Field("source", SourceText()),
        Field("extension", Text(), required=False),
        Field("registry_only", Flag(), required=False),
        Field("commands", CommandNames(), required=False),
        Field("extensions", Records(Extension, "extension of code {code}"), required=False),
        Field("guidance", Inline(Guidance)),
        Field("related", Texts()),
    ])

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
class Association:
    """The registry's "associated basic status code" text of an entry, read: "550", "451, 550",
    "Any", "Not given", "5XX" or codes with a remark ("552 (other 4XX or 5XX codes are allowed)")."""

    text: str

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """The concrete basic codes it names ("Any" and "5XX" name none)."""
        return tuple(re.findall(r"\b[2-5]\d\d\b", self.text))

    @property
    def any(self) -> bool:
        return self.text == "Any"

    @property
    def unstated(self) -> bool:
        return self.text == "Not given"

    @property
    def remark(self) -> str | None:
        """The whole text, when it says more than a list of codes."""
        return self.text if self.codes and re.sub(r"[\d,\s]", "", self.text) else None


class EnhancedCode(Record):
    """A registry entry, written X.subject.detail; it stands for each class in `classes`."""

    SPEC = Spec("enhanced code", key="code", fields=[
        Field("code", Text(ENHANCED_ENTRY, why="an enhanced code entry is written X.subject.detail, 1-3 digits each, "
                                               "no leading zeros (RFC 3463 §2)")),
        Field("title", Text()),
        Field("associated", Text()),
        Field("classes", Integers()),
        Field("sources", Texts(SourceText())),
        Field("reason", Text(SLUG), required=False),  # the guide a reply with this code and no telling words gets
        Field("guidance", Inline(Guidance)),  # for the entry as a whole (the decoder, the X form)
        Field("by_class", Records(ClassGuidance, "class of {code}")),
        Field("related", Texts()),
    ])

    def guidance_for(self, cls: int) -> Guidance:
        """The guidance of the page of one class: the entry's meaning, the class's verdict and actions."""
        own = next(g for g in self.by_class if g.number == cls)
        return dataclasses.replace(self.guidance, retry=own.retry, causes=own.causes, sender=own.sender, admin=own.admin)

    @property
    def subject(self) -> int:
        return int(self.code.split(".")[1])

    @property
    def detail(self) -> int:
        return int(self.code.split(".")[2])

    @cached_property
    def association(self) -> Association:
        return Association(self.associated)

    def variant(self, cls: int) -> str:
        return f"{cls}{self.code[1:]}"

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(self.variant(cls) for cls in self.classes)


# ---------------------------------------------------------------------------------------------------
# Providers, their replies and codes; reason guides
# ---------------------------------------------------------------------------------------------------

# An enhanced-format code (subject and detail up to three digits: Microsoft's 5.1.351) or a provider
# token without spaces (Yahoo's TSS04, Outlook.com's S3150, RESOLVER.ADR.RecipNotFound, NetEase's DT:SPM).
VENDOR_CODE = re.compile(r"[245]\.(?:0|[1-9][0-9]{0,2})\.(?:0|[1-9][0-9]{0,2})|[A-Za-z][A-Za-z0-9_.:()\-]*[A-Za-z0-9)]")
WHO_ACTS = ("sender", "sender_admin", "sending_service", "recipient", "recipient_admin")
SOURCE_KINDS = ("vendor", "secondary")  # the vendor's own documentation or code, or someone else's
PROVIDER_KINDS = {"mailbox": "Mailbox provider", "gateway": "Security gateway", "service": "Sending service",
                  "mta": "Mail server software"}
LINK_KINDS = {"postmaster": "Postmaster", "guidelines": "Sender guidelines", "delisting": "Delisting",
              "errors": "Error reference", "tools": "Tools", "status": "Status"}
OUTCOMES = {"failure": "Failures", "delay": "Delays", "success": "Delivered", "report": "Reports"}
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "ja", "zh", "ko")
TAXONOMIES = ("sisimai", "ses", "sendgrid", "postmark", "sparkpost", "mailgun")


class StopSending(Kind):
    """Whether to stop sending to the address: true, false, or "after_repeats" (when it keeps failing)."""

    name = "true, false or after_repeats"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool) or value == "after_repeats"

    def schema(self, defs: dict) -> dict:
        return {"enum": [True, False, "after_repeats"]}


def _vetted() -> list[Field]:
    """The fields that say who must act and how far the wording can be trusted: the same on every
    provider reply and vendor code."""
    return [
        Field("who_acts", Choices(*WHO_ACTS)),
        Field("stop_sending", StopSending()),
        Field("reason", Text(SLUG)),
        Field("source", web_address("source")),
        Field("source_kind", Choice(*SOURCE_KINDS)),
        Field("verified", Date()),
    ]


def _reply_codes(node: Any) -> str | None:
    """A provider reply is named in messages by the codes it starts with ("550 5.1.1")."""
    start = REPLY_START.match(str(node.get("reply", "")))
    return start[0] if start else None


class ProviderReply(Record):
    """A reply a provider's servers really send; its codes are read from its start."""

    SPEC = Spec("reply", key=_reply_codes, fields=[
        Field("id", Text(SLUG, why="a reply id is a lower-case slug such as 'no-such-user' (it becomes the reply's permalink)")),
        Field("reply", Text()),
        Field("meaning", Text()),
        Field("action", Text()),
        *_vetted(),
        Field("period", Text(), required=False),  # only an old wording: the years it was seen
    ])

    @cached_property
    def _start(self) -> re.Match | None:
        return REPLY_START.match(self.reply)

    @property
    def basic(self) -> str | None:
        return self._start[1] if self._start else None

    @cached_property
    def enhanced(self) -> str | None:
        """The enhanced code after the basic one, or else the first of the same class later in the
        text (qmail's "(#5.5.1)", Yahoo's "... not allowed - 5.7.1 [BL23]")."""
        if not self._start:
            return None
        if self._start[2]:
            return self._start[2]
        later = re.search(rf"(?<![\w.]){self.basic[0]}\.(?:0|[1-9]\d{{0,2}})\.(?:0|[1-9]\d{{0,2}})(?![\w.])", self.reply)
        return later[0] if later else None


class ProviderLink(Record):
    SPEC = Spec("link", [Field("kind", Choice(*LINK_KINDS)), Field("title", Text()), Field("url", web_address("url"))])


class Provider(Record):
    """A mailbox provider, gateway, sending service or MTA: one file data/providers/<id>.yaml."""

    SPEC = Spec("provider", [
        Field("name", Text()),
        Field("kind", Choice(*PROVIDER_KINDS)),
        Field("about", Text()),
        Field("links", Records(ProviderLink)),
        Field("signs", Texts()),  # words that show a reply came from this provider ("gsmtp")
        # This provider's own reading of words that would mean another reason from anyone else
        # (IceWarp's "Permission denied" follows its reverse-DNS check): guide id -> phrases.
        Field("reason_phrases", TextLists(), required=False),
        Field("replies", Records(ProviderReply, "reply of provider {code}")),
    ])

    @property
    def id(self) -> str:
        return Path(self.file).stem


class VendorCode(Record):
    """A code or token a provider uses outside the IANA registry, or a registered code it gives a
    meaning of its own."""

    SPEC = Spec("vendor code", key="code", fields=[
        Field("code", Text(VENDOR_CODE, why="a vendor code is an enhanced code such as 5.7.708 or 5.1.351, or a token "
                                            "without spaces such as S3150 or RESOLVER.ADR.RecipNotFound")),
        Field("provider", Text(SLUG)),
        Field("title", Text()),
        Field("meaning", Text()),
        Field("action", Text()),
        *_vetted(),
    ])

    @property
    def enhanced(self) -> bool:
        """An enhanced-format code (5.7.708), not a token (S3150)."""
        return bool(CONCRETE_CODE.fullmatch(self.code))

    @property
    def registry_code(self) -> str | None:
        return f"X{self.code[1:]}" if self.enhanced else None

    @property
    def anchor(self) -> str:
        """Its section on the provider's page: the code itself, with characters an id avoids replaced."""
        return re.sub(r"[^A-Za-z0-9._:-]", "-", self.code)


class Guide(Record):
    """What a reason for a delivery outcome means and what to do about it ("the recipient address does
    not exist"), with the words that show it in a reply and its names in other taxonomies."""

    SPEC = Spec("guide", key="id", fields=[
        Field("id", Text(SLUG, why="a guide id is a lower-case slug such as 'unknown-recipient' (it becomes the page URL)")),
        Field("title", Text()),
        Field("outcome", Choice(*OUTCOMES), required=False),  # absent: a failure
        Field("question", Text()),
        Field("summary", Text()),
        Field("confirm", Text()),
        Field("sender", Text()),
        Field("admin", Text()),
        Field("codes", Texts()),
        Field("phrases", TextLists(*LANGUAGES)),
        Field("crosswalk", TextLists(*TAXONOMIES), required=False),
        Field("misreadings", Texts()),
    ])

    @property
    def kind(self) -> str:
        return self.outcome or "failure"


class FormatsFile(Record):
    """data/formats.yaml: the signs the decoder reads a message's shape from."""

    SPEC = Spec("top level", [
        Field("report_phrases", TextLists("failed", "delayed", "delivered", "relayed")),
        Field("command_phrases", TextLists(*COMMANDS)),
        Field("remote_server_phrases", Texts()),
        Field("report_senders", Texts()),
        Field("returned_marks", Texts()),
        Field("forward_marks", Texts()),
        Field("json_fields", TextLists("form_posts", "embedded", "recipient", "recipient_lists", "event", "status", "reply", "server", "time")),
        Field("json_events", TextLists("failed", "delayed", "delivered", "complained")),
        Field("csv_columns", TextLists("address", "event", "reply", "time")),
        Field("csv_events", TextLists("failed", "delayed", "delivered", "expanded", "other")),
        Field("csv_event_reasons", TextLists()),
        Field("log_verdicts", TextLists("drop", "retry")),
    ])


class CodesFile(Record):
    """data/codes.yaml: every code, standard and vendor-specific."""

    SPEC = Spec("top level", [
        Field("reply_digits", Group(ReplyDigits)),
        Field("enhanced_classes", Records(EnhancedClass)),
        Field("enhanced_subjects", Records(Subject)),
        Field("basic_codes", Records(BasicCode)),
        Field("enhanced_codes", Records(EnhancedCode)),
        Field("vendor_codes", Records(VendorCode)),
    ])


class GuidesFile(Record):
    """data/guides.yaml: one guide per reason."""

    SPEC = Spec("top level", [
        Field("guides", Records(Guide)),
        # Words people type for the same thing: a guide whose title or phrases hold one word of a
        # group is found by the site search for every word of it.
        Field("search_synonyms", TextGroups(), required=False),
        # Words that, next to a code, say nothing the code does not ("smtp error 550"): the site
        # search drops them from such a query, so the code's page comes first.
        Field("search_filler_words", Texts(), required=False),
    ])


# ---------------------------------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    first_digits: dict[int, FirstDigit]
    second_digits: dict[int, SecondDigit]
    classes: dict[int, EnhancedClass]
    subjects: dict[int, Subject]
    basic: dict[str, BasicCode]
    enhanced: dict[str, EnhancedCode]
    vendor_codes: tuple[VendorCode, ...]
    providers: dict[str, Provider]
    guides: dict[str, Guide]
    search_synonyms: tuple[tuple[str, ...], ...]
    search_filler_words: tuple[str, ...]
    formats: FormatsFile

    @cached_property
    def enhanced_variants(self) -> tuple[str, ...]:
        """Every concrete enhanced code that has a page, in registry order (4.1.1, 5.1.1, 2.1.5, ...)."""
        return tuple(v for e in self.enhanced.values() for v in e.variants)

    @cached_property
    def _enhanced_by_basic(self) -> dict[str, list[EnhancedCode]]:
        by_basic: dict[str, list[EnhancedCode]] = {}
        for entry in self.enhanced.values():
            for basic in entry.association.codes:
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

    @cached_property
    def replies(self) -> tuple[tuple[Provider, ProviderReply], ...]:
        """Every provider reply, provider by provider."""
        return tuple((p, r) for p in self.providers.values() for r in p.replies)

    def replies_with(self, *, basic: str | None = None, enhanced: str | None = None) -> list[tuple[Provider, ProviderReply]]:
        """Provider replies carrying a basic code, or a concrete enhanced code."""
        return [(p, r) for p, r in self.replies
                if (basic is None or r.basic == basic) and (enhanced is None or r.enhanced == enhanced)]

    def vendor_uses(self, code: str) -> list[tuple[Provider, VendorCode]]:
        """Vendor meanings of a code or token ("5.7.708", "S3150"), with the provider of each."""
        return [(self.providers[v.provider], v) for v in self.vendor_codes if v.code == code]

    def provider_codes(self, provider: Provider) -> list[VendorCode]:
        return [v for v in self.vendor_codes if v.provider == provider.id]

    @cached_property
    def known_vendor_codes(self) -> frozenset[str]:
        return frozenset(v.code for v in self.vendor_codes)

    def guide_replies(self, guide: Guide) -> list[tuple[Provider, ProviderReply]]:
        """Provider replies that mean this guide's reason."""
        return [(p, r) for p, r in self.replies if r.reason == guide.id]

    def guides_for(self, code: str) -> list[Guide]:
        """The guides listing a basic code, a registry code (X form) or a vendor code."""
        return [g for g in self.guides.values() if code in g.codes]

    def has_registry_page(self, concrete: str) -> bool:
        """Whether a concrete enhanced code ("5.1.1") has a page of its own: the registry has its entry,
        used with that class."""
        entry = self.enhanced.get(f"X{concrete[1:]}")
        return entry is not None and int(concrete[0]) in entry.classes

    def variant_for(self, code: str, preferred_class: int | None = None) -> str:
        """The concrete code whose page shows the registry entry `code` ("X.2.2"), in the preferred
        class if the entry is used with it, else in its last (most severe) class."""
        entry = self.enhanced[code]
        cls = preferred_class if preferred_class in entry.classes else entry.classes[-1]
        return entry.variant(cls)

    def basic_heading(self, code: BasicCode) -> str:
        """The words after the number in a basic code's title: its reply text, or what it is used with."""
        if code.text:
            return code.text
        if code.extensions and code.extensions[0].text:
            return code.extensions[0].text
        used_with = self.enhanced_for_basic(code.code)
        if code.registry_only and used_with:
            return f"(registry only, with {used_with[0].code} {used_with[0].title})"
        return plain(code.guidance.meaning).rstrip(".")
