"""The data for programs, published next to the pages for people: pure, from the catalog.

- /codes.json: every code, with every field a program would want and the URL of its page
- /550.json, /5.1.1.json, ...: one record per code page, the same record as in codes.json
- /codes.csv: one row per code page, for spreadsheets
- /providers.json: every provider with its links, its replies and its own codes, each with who must act,
  whether to stop sending, its reason, its source and the date it was checked, and its permalink
- /symptoms.json: every reason guide with its page and its names in other taxonomies (the crosswalk)

The records are built here from the catalog, and their shape is described by schema/api.schema.json
(the API page documents it, and tests validate every file against it). Fields are added over time,
never renamed or removed within an API version.
"""

from __future__ import annotations

import csv
import io
import json

import urls
from markup import plain
from records import COMMANDS, TAXONOMIES, BasicCode, Catalog, EnhancedCode, Guidance, Provider, Source

API_VERSION = 1
SCHEMAS = ("api.schema.json", "codes.schema.json", "guides.schema.json", "formats.schema.json", "provider.schema.json")  # published as they are
CSV_COLUMNS = ("kind", "code", "class", "severity", "category", "title", "meaning", "url")


def _source(source: Source) -> dict:
    return {"document": source.document, "section": source.section, "url": source.url}


def _guidance(g: Guidance) -> dict:
    return {"meaning": g.meaning, "detail": g.detail, "causes": list(g.causes), "retry": g.retry,
            "sender": g.sender, "admin": g.admin, "misreadings": list(g.misreadings)}


def basic_record(code: BasicCode, catalog: Catalog, site_url: str) -> dict:
    first = catalog.first_digits[code.first]
    return {
        "kind": "basic",
        "code": code.code,
        "class": code.first,
        "severity": first.severity,
        "severity_label": first.label,
        "category": catalog.second_digits[code.second].name,
        "title": f"{code.code} {catalog.basic_heading(code)}",
        "text": code.text,
        "registry_only": code.registry_only,
        "source": _source(code.source),
        "extension": code.extension,
        "commands": [COMMANDS[c] for c in code.commands],
        "extensions": [{"name": x.name, "source": _source(x.source), "text": x.text,
                        "commands": [COMMANDS[c] for c in x.commands], "use": x.use} for x in code.extensions],
        **_guidance(code.guidance),
        "enhanced_codes": [catalog.variant_for(e.code, code.first) for e in catalog.enhanced_for_basic(code.code)],
        "related": catalog.related_basic(code.code),
        "url": site_url + urls.url(urls.code_page(code.code)),
        "json": site_url + urls.code_json(code.code),
    }


def enhanced_record(entry: EnhancedCode, cls: int, catalog: Catalog, site_url: str) -> dict:
    variant = entry.variant(cls)
    first = catalog.first_digits[cls]
    return {
        "kind": "enhanced",
        "code": variant,
        "registry_code": entry.code,
        "class": cls,
        "severity": first.severity,
        "severity_label": first.label,
        "class_title": catalog.classes[cls].title,
        "subject_number": entry.subject,
        "subject_title": catalog.subjects[entry.subject].title,
        "detail_number": entry.detail,
        "title": entry.title,
        "classes": list(entry.classes),
        "registry_association": entry.associated,
        "basic_codes": list(entry.association.codes),
        "sources": [_source(s) for s in entry.sources],
        **_guidance(entry.guidance),
        "vendor_meanings": [{"vendor": p.name, "provider": p.id, "title": v.title, "meaning": v.meaning, "source": v.source,
                             "permalink": site_url + urls.url(urls.provider_page(p.id), v.anchor)}
                            for p, v in catalog.vendor_uses(variant)],
        "related": [catalog.variant_for(o, cls) for o in catalog.related_enhanced(entry.code)],
        "url": site_url + urls.url(urls.code_page(variant)),
        "json": site_url + urls.code_json(variant),
    }


def records(catalog: Catalog, site_url: str) -> list[dict]:
    """One record per code page, in the order of the site: basic codes, then enhanced codes."""
    return [*(basic_record(c, catalog, site_url) for c in catalog.basic.values()),
            *(enhanced_record(e, cls, catalog, site_url) for e in catalog.enhanced.values() for cls in e.classes)]


def codes_csv(all_records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in all_records:
        category = record.get("category") or record.get("subject_title")
        writer.writerow([record["kind"], record["code"], record["class"], record["severity"], category,
                         record["title"], plain(record["meaning"]), record["url"]])
    return out.getvalue()


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def _vetted(item, site_url: str, page: str, anchor: str) -> dict:
    return {"who_acts": list(item.who_acts), "stop_sending": item.stop_sending, "reason": item.reason,
            "source": item.source, "source_kind": item.source_kind, "verified": item.verified,
            "permalink": site_url + urls.url(page, anchor)}


def provider_record(provider: Provider, catalog: Catalog, site_url: str) -> dict:
    page = urls.provider_page(provider.id)
    return {
        "id": provider.id,
        "name": provider.name,
        "kind": provider.kind,
        "about": provider.about,
        "url": site_url + urls.url(page),
        "links": [{"kind": link.kind, "title": link.title, "url": link.url} for link in provider.links],
        "signs": list(provider.signs),
        "replies": [{"id": r.id, "reply": r.reply, "basic": r.basic, "enhanced": r.enhanced, "meaning": r.meaning,
                     "action": r.action, **_vetted(r, site_url, page, r.id), "period": r.period}
                    for r in provider.replies],
        "codes": [{"code": v.code, "title": v.title, "meaning": v.meaning, "action": v.action,
                   "registry_code": v.registry_code if v.registry_code in catalog.enhanced else None,
                   **_vetted(v, site_url, page, v.anchor)}
                  for v in catalog.provider_codes(provider)],
    }


def guide_record(guide, site_url: str) -> dict:
    return {"id": guide.id, "title": guide.title, "outcome": guide.kind, "url": site_url + urls.url(urls.guide_page(guide.id)),
            "question": guide.question, "codes": list(guide.codes),
            **{taxonomy: list(guide.crosswalk.get(taxonomy, ())) for taxonomy in TAXONOMIES}}


def api_files(catalog: Catalog, site_url: str) -> dict[str, str]:
    """{path: content} of every generated API file: /codes.json, a record per code page, /codes.csv,
    /providers.json and /symptoms.json."""
    all_records = records(catalog, site_url)
    files = {"codes.json": _json({"api_version": API_VERSION, "codes": all_records})}
    for record in all_records:
        files[urls.code_json(record["code"])] = _json(record)
    files["codes.csv"] = codes_csv(all_records)
    files["providers.json"] = _json({"api_version": API_VERSION, "providers": [
        provider_record(p, catalog, site_url) for p in catalog.providers.values()]})
    files["symptoms.json"] = _json({"api_version": API_VERSION, "taxonomies": list(TAXONOMIES), "guides": [
        guide_record(g, site_url) for g in catalog.guides.values()]})
    return files
