"""The small index the in-browser decoder reads (lookup-index.json): pure, from the catalog.

The decoder (docs/javascripts/decode.js) holds no data of its own; everything it says about a code
comes from this index, made from the data on every build.
"""

from __future__ import annotations

import urls
from markup import first_sentence, plain
from records import Catalog, Guidance

INDEX_PATH = "lookup-index.json"


def _text(markdown: str) -> str:
    """Index text keeps its code spans: the decoder shows `RCPT TO` as code."""
    return plain(markdown, keep_code=True)


def _guidance(g: Guidance) -> dict:
    return {"meaning": _text(g.meaning), "retry": first_sentence(g.retry), "action": first_sentence(g.sender)}


def _only_command(code) -> dict:
    """The one command a code answers (535: AUTH), which names the command of a reply that does not."""
    commands = {*code.commands, *(c for extension in code.extensions for c in extension.commands)}
    return {"command": commands.pop()} if len(commands) == 1 and "any" not in commands else {}


def build_index(catalog: Catalog) -> dict:
    return {
        "first_digits": {str(d.digit): {"name": d.name, "severity": d.severity, "label": d.label,
                                        "meaning": _text(d.meaning)} for d in catalog.first_digits.values()},
        "second_digits": {str(d.digit): {"name": d.name, "meaning": _text(d.meaning)}
                          for d in catalog.second_digits.values()},
        "classes": {str(c.number): {"name": c.title, "severity": catalog.first_digits[c.number].severity,
                                    "label": catalog.first_digits[c.number].label, "meaning": _text(c.meaning)}
                    for c in catalog.classes.values()},
        "subjects": {str(s.number): {"name": s.title, "meaning": _text(s.meaning)} for s in catalog.subjects.values()},
        # The decoder makes page addresses from these patterns ({key}: a code or an id).
        "pages": {"code": urls.url(urls.code_page("{key}")), "provider": urls.url(urls.provider_page("{key}")),
                  "guide": urls.url(urls.guide_page("{key}"))},
        "basic": {c.code: {**({"text": c.text} if c.text else {}), **_guidance(c.guidance), **_only_command(c)}
                  for c in catalog.basic.values()},
        "enhanced": {e.code[2:]: {"title": e.title, **_guidance(e.guidance), "classes": list(e.classes),
                                  **({"reason": e.reason} if e.reason else {})}
                     for e in catalog.enhanced.values()},
        "vendor": _vendor_codes(catalog),
        "providers": {p.id: {"name": p.name, "signs": list(p.signs), **({"gateway": True} if p.kind == "gateway" else {}),
                             **({"phrases": p.reason_phrases} if p.reason_phrases else {})}
                      for p in catalog.providers.values()},
        "reasons": {g.id: {"title": g.title, "outcome": g.kind} for g in catalog.guides.values()},
        "phrases": {g.id: sorted({" ".join(p.lower().split()) for phrases in g.phrases.values() for p in phrases})
                    for g in catalog.guides.values()},
        "formats": {"reports": catalog.formats.report_phrases, "commands": catalog.formats.command_phrases,
                    "servers": list(catalog.formats.remote_server_phrases),
                    "senders": list(catalog.formats.report_senders),
                    "returned": list(catalog.formats.returned_marks), "forwarded": list(catalog.formats.forward_marks),
                    "json": catalog.formats.json_fields, "events": catalog.formats.json_events,
                    "csv": catalog.formats.csv_columns, "csv_events": catalog.formats.csv_events,
                    "csv_reasons": catalog.formats.csv_event_reasons,
                    "verdicts": catalog.formats.log_verdicts},
    }


def _vendor_codes(catalog: Catalog) -> dict[str, list[dict]]:
    """Each vendor code or token with the uses of every provider that has it: the provider's title
    for it and its reason (the card links to the provider's section for the rest, which keeps the
    index small); the section's anchor only where it is not the code itself."""
    vendor: dict[str, list[dict]] = {}
    for code in catalog.vendor_codes:
        vendor.setdefault(code.code, []).append({
            "provider": code.provider, "title": code.title, "reason": code.reason,
            **({"anchor": code.anchor} if code.anchor != code.code else {})})
    return vendor
