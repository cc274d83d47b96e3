"""MkDocs hook: publish lookup-index.json, the small index the in-browser decoder reads.

The decoder (docs/javascripts/decode.js) holds no data of its own; everything it says about a code
comes from this file, which is made from data/codes.yaml on every build.
"""

from __future__ import annotations

import json
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

import pages
from generate_pages import catalog_for
from smtp_codes import Catalog

INDEX_PATH = "lookup-index.json"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(\"])")


def first_sentence(markdown: str) -> str:
    """The verdict or key action a guidance field opens with (the content guide asks for one)."""
    return SENTENCE_END.split(index_text(markdown), maxsplit=1)[0]


def index_text(markdown: str) -> str:
    """Index text keeps its code spans: the decoder shows `RCPT TO` as code."""
    return pages.plain(markdown, keep_code=True)


def build_index(catalog: Catalog) -> dict:
    def guidance(g):
        return {"meaning": index_text(g.meaning), "retry": first_sentence(g.retry), "action": first_sentence(g.sender)}

    return {
        "first_digits": {str(d.digit): {"name": d.name, "severity": d.severity, "label": d.label,
                                        "meaning": index_text(d.meaning)} for d in catalog.first_digits.values()},
        "second_digits": {str(d.digit): {"name": d.name, "meaning": index_text(d.meaning)}
                          for d in catalog.second_digits.values()},
        "classes": {str(c.number): {"name": c.title, "severity": catalog.first_digits[c.number].severity,
                                    "label": catalog.first_digits[c.number].label, "meaning": index_text(c.meaning)}
                    for c in catalog.classes.values()},
        "subjects": {str(s.number): {"name": s.title, "meaning": index_text(s.meaning)} for s in catalog.subjects.values()},
        "basic": {c.code: {**({"text": c.text} if c.text else {}), **guidance(c.guidance), "url": f"{c.code}/"}
                  for c in catalog.basic.values()},
        "enhanced": {e.code[2:]: {"title": e.title, **guidance(e.guidance), "classes": list(e.classes),
                                  "urls": {str(cls): f"{e.variant(cls)}/" for cls in e.classes}}
                     for e in catalog.enhanced.values()},
        "vendor": _vendor_codes(catalog),
    }


def _vendor_codes(catalog: Catalog) -> dict[str, list[dict]]:
    vendor: dict[str, list[dict]] = {}
    for provider in catalog.providers.values():
        for code in provider.vendor_codes:
            vendor.setdefault(code.code, []).append({
                "vendor": provider.name, "title": code.title, "meaning": index_text(code.meaning),
                "action": first_sentence(code.action), "url": f"providers/{provider.id}/#{code.code}",
                "signs": list(provider.signs)})
    return vendor


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    index = json.dumps(build_index(catalog_for(config)), ensure_ascii=False, separators=(",", ":"))
    files.append(File.generated(config, INDEX_PATH, content=index))
    return files
