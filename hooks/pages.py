"""Turn the catalog into Markdown pages: pure functions, no MkDocs import.

`generated_pages(catalog)` returns {source path: Markdown} for every page made from the data: one per
basic code (`550.md`, served at /550/), one per class an enhanced code is used with (`4.2.2.md` and
`5.2.2.md`), one per provider and per symptom guide, and the indexes of all four.
`render_table(name, catalog)` gives the generated tables that hand-written pages place with a
`<!-- smtp:NAME -->` marker. The layouts are Jinja templates beside this module.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from smtp_codes import COMMANDS, BasicCode, Catalog, EnhancedCode, Provider, ProviderReply, Symptom, VendorCode

TEMPLATES = Path(__file__).parent / "templates"
MARKER = re.compile(r"<!-- smtp:([a-z_]+) -->")
REPLIES_ON_A_CODE_PAGE = 6  # the most common codes have dozens; the provider pages list them all


CODE_SPAN = re.compile(r"(`[^`]*`)")
EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")


def plain(markdown: str, keep_code: bool = False) -> str:
    """Markdown inline text as plain text, for front matter, CSV and title attributes. Links keep
    their words and emphasis goes; code spans keep every character inside them (`selector._domainkey`),
    and with keep_code also their backticks, for the decoder, which shows them as code."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    parts = [part if part.startswith("`") else EMPHASIS.sub("", part) for part in CODE_SPAN.split(text)]
    if not keep_code:
        parts = [part.strip("`") if part.startswith("`") else part for part in parts]
    return " ".join("".join(parts).split())


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.filters["plain"] = plain


# ---------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------


def generated_pages(catalog: Catalog) -> dict[str, str]:
    pages = {f"{code.code}.md": basic_page(code, catalog) for code in catalog.basic.values()}
    for entry in catalog.enhanced.values():
        for cls in entry.classes:
            pages[f"{entry.variant(cls)}.md"] = enhanced_page(entry, cls, catalog)
    for provider in catalog.providers.values():
        pages[f"providers/{provider.id}.md"] = provider_page(provider, catalog)
    pages["providers/index.md"] = _env.get_template("providers_index.md.j2").render(providers=catalog.providers.values())
    for symptom in catalog.symptoms.values():
        pages[f"symptoms/{symptom.id}.md"] = symptom_page(symptom, catalog)
    pages["symptoms/index.md"] = _env.get_template("symptoms_index.md.j2").render(symptoms=catalog.symptoms.values())
    pages["basic.md"] = _env.get_template("basic_index.md.j2").render(groups=_basic_groups(catalog))
    pages["enhanced.md"] = _env.get_template("enhanced_index.md.j2").render(
        groups=_enhanced_groups(catalog), classes=catalog.classes.values())
    return pages


def basic_page(code: BasicCode, catalog: Catalog) -> str:
    codes = list(catalog.basic)
    at = codes.index(code.code)
    enhanced = [(f"{catalog.enhanced_page(e.code, code.first)}.md", catalog.enhanced_page(e.code, code.first), e.title)
                for e in catalog.enhanced_for_basic(code.code)]
    words = heading(code, catalog)
    return _env.get_template("basic_code.md.j2").render(
        code=code,
        title=f"{code.code} {words}",
        search_boost=search_boost(code.code),
        heading=words,
        first=catalog.first_digits[code.first],
        second=catalog.second_digits[code.second],
        commands=COMMANDS,
        enhanced=enhanced,
        related=[_basic_link(catalog.basic[other], catalog) for other in catalog.related_basic(code.code)],
        replies=_replies(catalog.replies_with(basic=code.code), catalog),
        guides=catalog.symptoms_for(code.code),
        prev=_neighbour(codes, at - 1),
        next=_neighbour(codes, at + 1),
    )


def enhanced_page(entry: EnhancedCode, cls: int, catalog: Catalog) -> str:
    variants = catalog.enhanced_variants
    at = variants.index(entry.variant(cls))
    association_note = entry.associated if re.sub(r"[\d,\s]", "", entry.associated) else None
    return _env.get_template("enhanced_code.md.j2").render(
        entry=entry,
        variant=entry.variant(cls),
        search_boost=search_boost(entry.variant(cls)),
        cls=catalog.classes[cls],
        severity=catalog.first_digits[cls],
        subject=catalog.subjects[entry.subject],
        others=[(f"{v}.md", v) for v in entry.variants if v != entry.variant(cls)],
        basic=[_basic_link(catalog.basic[b], catalog) for b in entry.basic_codes],
        basic_only_other_classes=bool(entry.basic_codes) and all(b[0] != str(cls) for b in entry.basic_codes),
        association_note=association_note if entry.basic_codes else None,
        related=[(f"{catalog.enhanced_page(o, cls)}.md", catalog.enhanced_page(o, cls), catalog.enhanced[o].title)
                 for o in catalog.related_enhanced(entry.code)],
        replies=_replies(catalog.replies_with(enhanced=entry.variant(cls)), catalog),
        guides=catalog.symptoms_for(entry.code) + catalog.symptoms_for(entry.variant(cls)),
        vendor_uses=[(f"providers/{p.id}.md#{v.code}", p.name, v) for p, v in catalog.vendor_uses(entry.variant(cls))],
        prev=_neighbour(variants, at - 1),
        next=_neighbour(variants, at + 1),
    )


def provider_page(provider: Provider, catalog: Catalog) -> str:
    def registry(vendor: VendorCode):
        entry = catalog.enhanced.get(vendor.registry_code)
        if entry is None:
            return None
        page = catalog.enhanced_page(entry.code, int(vendor.code[0]))
        return (f"../{page}.md", entry.code, entry.title)

    return _env.get_template("provider.md.j2").render(
        provider=provider, registry=registry, links=lambda reply: reply_links(reply, catalog, "../"))


def symptom_page(symptom: Symptom, catalog: Catalog) -> str:
    return _env.get_template("symptom.md.j2").render(
        symptom=symptom,
        codes=[link for code in symptom.codes for link in code_links(code, catalog, "../")],
        replies=[((f"../providers/{p.id}.md", p.name), reply, reply_links(reply, catalog, "../"))
                 for p, reply in catalog.symptom_replies(symptom)],
    )


def code_links(code: str, catalog: Catalog, prefix: str = "") -> list[tuple[str, str]]:
    """Pages explaining a code as data writes it: "550", "X.1.1" (one per class), a concrete "5.1.1",
    or a vendor's "5.7.708" (its section on the provider's page)."""
    if code in catalog.basic:
        return [(f"{prefix}{code}.md", code)]
    if code in catalog.enhanced:
        return [(f"{prefix}{variant}.md", variant) for variant in catalog.enhanced[code].variants]
    if catalog.has_registry_page(code):
        return [(f"{prefix}{code}.md", code)]
    provider = next(p for p, _ in catalog.vendor_uses(code))
    return [(f"{prefix}providers/{provider.id}.md#{code}", code)]


def reply_links(reply: ProviderReply, catalog: Catalog, prefix: str = "") -> list[tuple[str, str]]:
    """Where the codes of a provider reply are explained."""
    return [link for code in (reply.basic, reply.enhanced) if code for link in code_links(code, catalog, prefix)]


def search_boost(code: str) -> int:
    """Search weight of a code's page. Material matches every query term as a prefix, so "5.1.1" also
    finds 5.1.10, whose rarer term scores higher; weighting shorter codes more puts the exact page
    first. Basic codes never prefix one another."""
    return 4 if "." not in code else 2 ** max(0, 7 - len(code))


def heading(code: BasicCode, catalog: Catalog) -> str:
    """The words after the number in a basic code's title: its reply text, or what it is used with."""
    if code.text:
        return code.text
    if code.extensions and code.extensions[0].text:
        return code.extensions[0].text
    used_with = catalog.enhanced_for_basic(code.code)
    if code.registry_only and used_with:
        return f"(registry only, with {used_with[0].code} {used_with[0].title})"
    return plain(code.guidance.meaning).rstrip(".")


def render_table(name: str, catalog: Catalog) -> str:
    tables = _env.get_template("tables.md.j2").module
    if not hasattr(tables, name):
        raise KeyError(name)
    return str(getattr(tables, name)(catalog))


def fill_markers(markdown: str, catalog: Catalog) -> str:
    """Replace each `<!-- smtp:NAME -->` in a hand-written page with the generated table NAME."""
    return MARKER.sub(lambda match: render_table(match[1], catalog), markdown)


# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------


def _basic_link(code: BasicCode, catalog: Catalog) -> tuple[str, str, str]:
    return (f"{code.code}.md", code.code, heading(code, catalog))


def _replies(found: list[tuple[Provider, ProviderReply]], catalog: Catalog):
    shown = [((f"providers/{p.id}.md", p.name), reply, reply_links(reply, catalog))
             for p, reply in found[:REPLIES_ON_A_CODE_PAGE]]
    return {"shown": shown, "more": len(found) - len(shown)}


def _neighbour(codes: list[str], at: int) -> tuple[str, str] | None:
    return (f"{codes[at]}.md", codes[at]) if 0 <= at < len(codes) else None


def _basic_groups(catalog: Catalog):
    return [(digit, [c for c in catalog.basic.values() if c.first == number])
            for number, digit in catalog.first_digits.items()]


def _enhanced_groups(catalog: Catalog):
    return [(subject, [e for e in catalog.enhanced.values() if e.subject == number])
            for number, subject in catalog.subjects.items()]
