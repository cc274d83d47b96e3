"""Turn the catalog into Markdown pages: pure functions, no MkDocs import.

`generated_pages(catalog)` returns {source path: Markdown} for every page made from the data: one per
basic code (`550.md`, served at /550/), one per class an enhanced code is used with (`4.2.2.md` and
`5.2.2.md`), one per provider and per reason guide, and the indexes of all four.
`fill_markers(markdown, catalog)` places the generated tables that hand-written pages ask for with a
`<!-- smtp:NAME -->` marker. The layouts are Jinja templates beside this module; they receive named
records (Link, ShownReply, VendorUse), never bare tuples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

import urls
from markup import plain
from records import (COMMANDS, LINK_KINDS, OUTCOMES, PROVIDER_KINDS, TAXONOMIES, BasicCode, Catalog, EnhancedCode,
                     Guide, Provider, ProviderReply, VendorCode)
from urls import Link, reply_links

TEMPLATES = Path(__file__).parent / "templates"
MARKER = re.compile(r"<!-- smtp:([a-z_]+) -->")
REPLIES_ON_A_CODE_PAGE = 3  # the most common codes have hundreds; a spread of providers, the rest on theirs
REPLIES_ON_A_GUIDE = 3      # per provider: a guide shows how each words it, the provider page has the rest
TAXONOMY_NAMES = {"sisimai": "Sisimai reason", "ses": "Amazon SES bounceType/bounceSubType",
                  "sendgrid": "SendGrid bounce classification", "postmark": "Postmark bounce Type",
                  "sparkpost": "SparkPost bounce class", "mailgun": "Mailgun severity/reason"}
WHO_ACTS = {"sender": "the sender", "sender_admin": "the sender's admin", "sending_service": "the sending service",
            "recipient": "the recipient", "recipient_admin": "the recipient's admin"}
STOP_SENDING = {True: "yes", False: "no", "after_repeats": "if it keeps failing"}
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
                  "nl": "Dutch", "ru": "Russian", "ja": "Japanese", "zh": "Chinese", "ko": "Korean"}

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.filters["plain"] = plain
_env.filters["who"] = WHO_ACTS.__getitem__
_env.filters["stop"] = STOP_SENDING.__getitem__
_env.globals["urls"] = urls


@dataclass(frozen=True)
class ShownReply:
    """A provider reply as a page shows it: who sends it, the reply, where its codes are explained,
    the guide to its reason and its permalink."""

    provider: Link
    reply: ProviderReply
    links: list[Link]
    guide: Guide
    permalink: Link


@dataclass(frozen=True)
class VendorUse:
    """A vendor's own meaning of a concrete enhanced code, and its section on the provider's page."""

    provider: Provider
    vendor: VendorCode
    link: Link


# ---------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------


def generated_pages(catalog: Catalog) -> dict[str, str]:
    pages = {urls.code_page(code.code): render_basic(code, catalog) for code in catalog.basic.values()}
    for entry in catalog.enhanced.values():
        for cls in entry.classes:
            pages[urls.code_page(entry.variant(cls))] = render_enhanced(entry, cls, catalog)
    for provider in catalog.providers.values():
        pages[urls.provider_page(provider.id)] = render_provider(provider, catalog)
    pages[urls.PROVIDERS_INDEX] = _render("providers_index.md.j2", groups=_provider_groups(catalog), catalog=catalog)
    for guide in catalog.guides.values():
        pages[urls.guide_page(guide.id)] = render_guide(guide, catalog)
    pages[urls.GUIDES_INDEX] = _render("guides_index.md.j2", groups=_guide_groups(catalog))
    pages[urls.BASIC_INDEX] = _render("basic_index.md.j2", groups=_basic_groups(catalog))
    pages[urls.ENHANCED_INDEX] = _render("enhanced_index.md.j2", groups=_enhanced_groups(catalog),
                                         classes=catalog.classes.values())
    return pages


def render_basic(code: BasicCode, catalog: Catalog) -> str:
    codes = list(catalog.basic)
    at = codes.index(code.code)
    words = catalog.basic_heading(code)
    return _render(
        "basic_code.md.j2",
        code=code,
        title=f"{code.code} {words}",
        search_boost=search_boost(code.code),
        heading=words,
        first=catalog.first_digits[code.first],
        second=catalog.second_digits[code.second],
        commands=COMMANDS,
        enhanced=[_enhanced_link(e, code.first, catalog) for e in catalog.enhanced_for_basic(code.code)],
        related=[_basic_link(catalog.basic[other], catalog) for other in catalog.related_basic(code.code)],
        replies=_replies(catalog.replies_with(basic=code.code), catalog),
        guides=_guide_links(catalog.guides_for(code.code)),
        prev=_neighbour(codes, at - 1),
        next=_neighbour(codes, at + 1),
    )


def render_enhanced(entry: EnhancedCode, cls: int, catalog: Catalog) -> str:
    variants = catalog.enhanced_variants
    variant = entry.variant(cls)
    at = variants.index(variant)
    vendor_uses = [VendorUse(p, v, Link(urls.provider_page(p.id), v.code, anchor=v.anchor)) for p, v in catalog.vendor_uses(variant)]
    return _render(
        "enhanced_code.md.j2",
        entry=entry,
        variant=variant,
        search_boost=search_boost(variant),
        cls=catalog.classes[cls],
        severity=catalog.first_digits[cls],
        subject=catalog.subjects[entry.subject],
        others=[Link(urls.code_page(v), v) for v in entry.variants if v != variant],
        basic=[_basic_link(catalog.basic[b], catalog) for b in entry.association.codes],
        basic_only_other_classes=bool(entry.association.codes) and all(b[0] != str(cls) for b in entry.association.codes),
        related=[_enhanced_link(catalog.enhanced[o], cls, catalog) for o in catalog.related_enhanced(entry.code)],
        replies=_replies(catalog.replies_with(enhanced=variant), catalog),
        guides=_guide_links(catalog.guides_for(entry.code) + catalog.guides_for(variant)),
        guidance=entry.guidance_for(cls),
        vendor_uses=vendor_uses,
        # A vendor's use that names another reason than the registry's is a second reading.
        readings=[use for use in vendor_uses if use.vendor.reason != entry.reason],
        prev=_neighbour(variants, at - 1),
        next=_neighbour(variants, at + 1),
    )


def render_provider(provider: Provider, catalog: Catalog) -> str:
    def registry(vendor: VendorCode) -> Link | None:
        """The registry entry a vendor code shares its subject and detail with, if any."""
        entry = catalog.enhanced.get(vendor.registry_code)
        if entry is None:
            return None
        return Link(urls.code_page(catalog.variant_for(entry.code, int(vendor.code[0]))), entry.code, entry.title)

    by_reason: dict[str, list[ShownReply]] = {}
    for reply in provider.replies:
        by_reason.setdefault(reply.reason, []).append(_shown(provider, reply, catalog))
    return _render(
        "provider.md.j2",
        provider=provider,
        kind=PROVIDER_KINDS[provider.kind],
        link_kinds=LINK_KINDS,
        groups=[(guide, by_reason[guide.id]) for guide in catalog.guides.values() if guide.id in by_reason],
        codes=catalog.provider_codes(provider),
        guides=catalog.guides,
        registry=registry,
    )


def render_guide(guide: Guide, catalog: Catalog) -> str:
    by_provider: dict[str, list[ShownReply]] = {}
    for provider, reply in catalog.guide_replies(guide):
        by_provider.setdefault(provider.id, []).append(_shown(provider, reply, catalog))
    return _render(
        "guide.md.j2",
        guide=guide,
        codes=[link for code in guide.codes for link in urls.code_links(code, catalog)],
        crosswalk=[(TAXONOMY_NAMES[name], guide.crosswalk[name]) for name in TAXONOMIES if name in guide.crosswalk],
        replies=[(shown[0].provider, shown[:REPLIES_ON_A_GUIDE], len(shown)) for shown in by_provider.values()],
        reply_count=sum(len(shown) for shown in by_provider.values()),
        languages=LANGUAGE_NAMES,
        vendor_codes=[(urls.Link(urls.provider_page(v.provider), v.code, v.title, v.anchor), catalog.providers[v.provider])
                      for v in catalog.vendor_codes if v.reason == guide.id],
    )


def search_boost(code: str) -> int:
    """Search weight of a code's page. Material matches every query term as a prefix, so "5.1.1" also
    finds 5.1.10, whose rarer term scores higher; weighting shorter codes more puts the exact page
    first. Basic codes never prefix one another."""
    return 4 if "." not in code else 2 ** max(0, 7 - len(code))


def fill_markers(markdown: str, catalog: Catalog) -> str:
    """Replace each `<!-- smtp:NAME -->` in a hand-written page with the generated table NAME;
    KeyError for a name that has no table."""
    tables = _env.get_template("tables.md.j2").module

    def table(match: re.Match) -> str:
        if not hasattr(tables, match[1]):
            raise KeyError(match[1])
        return str(getattr(tables, match[1])(catalog))

    return MARKER.sub(table, markdown)


# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------


def _render(template: str, **context) -> str:
    return _env.get_template(template).render(**context)


def _basic_link(code: BasicCode, catalog: Catalog) -> Link:
    return Link(urls.code_page(code.code), code.code, catalog.basic_heading(code))


def _enhanced_link(entry: EnhancedCode, preferred_class: int, catalog: Catalog) -> Link:
    """The entry's page in the class a page is about (or its most severe class), titled."""
    variant = catalog.variant_for(entry.code, preferred_class)
    return Link(urls.code_page(variant), variant, entry.title)


def _guide_links(guides: list[Guide]) -> list[Link]:
    return [Link(urls.guide_page(g.id), g.title) for g in guides]


def _shown(provider: Provider, reply: ProviderReply, catalog: Catalog) -> ShownReply:
    return ShownReply(Link(urls.provider_page(provider.id), provider.name), reply, reply_links(reply, catalog, provider.id),
                      catalog.guides[reply.reason], Link(urls.provider_page(provider.id), "permalink", anchor=reply.id))


def _replies(found: list[tuple[Provider, ProviderReply]], catalog: Catalog) -> dict:
    """What a code page shows of the replies carrying its code: one reply from each of the providers
    with the most, then how many each provider has, linked to its page."""
    by_provider: dict[str, list[ProviderReply]] = {}
    for provider, reply in found:
        by_provider.setdefault(provider.id, []).append(reply)
    ranked = sorted(by_provider.items(), key=lambda item: -len(item[1]))
    shown = [_shown(catalog.providers[pid], replies[0], catalog) for pid, replies in ranked[:REPLIES_ON_A_CODE_PAGE]]
    counts = [(Link(urls.provider_page(pid), catalog.providers[pid].name), len(replies)) for pid, replies in ranked]
    return {"shown": shown, "counts": counts, "total": len(found)}


def _neighbour(codes: list[str] | tuple[str, ...], at: int) -> Link | None:
    return Link(urls.code_page(codes[at]), codes[at]) if 0 <= at < len(codes) else None


def _basic_groups(catalog: Catalog):
    return [(digit, [c for c in catalog.basic.values() if c.first == number])
            for number, digit in catalog.first_digits.items()]


def _enhanced_groups(catalog: Catalog):
    return [(subject, [e for e in catalog.enhanced.values() if e.subject == number])
            for number, subject in catalog.subjects.items()]


def _provider_groups(catalog: Catalog):
    return [(title, [p for p in catalog.providers.values() if p.kind == kind]) for kind, title in PROVIDER_KINDS.items()]


def _guide_groups(catalog: Catalog):
    return [(title, [g for g in catalog.guides.values() if g.kind == kind]) for kind, title in OUTCOMES.items()]
