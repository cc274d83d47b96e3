"""Load the data folder into a Catalog of typed records, and refuse bad data.

The folder holds data/codes.yaml (every code, standard and vendor-specific), data/guides.yaml (one
guide per reason), data/formats.yaml (the signs of a report's shape) and data/providers/<id>.yaml
(one file per provider, with the replies its servers send). Used by the MkDocs hook and by the tests alike; it imports nothing from MkDocs. Every problem
raises DataError, whose message names the file, the line and the code, so that a broken edit stops
the build with one readable sentence instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

import checks
from data_yaml import DataError, Node, read_yaml
from fields import Record
from records import Catalog, CodesFile, FormatsFile, GuidesFile, Provider

CODES = "codes.yaml"
GUIDES = "guides.yaml"
FORMATS = "formats.yaml"
PROVIDERS = "providers"


def _read(record: type[Record], path: Path) -> Record:
    raw = read_yaml(path)
    if not isinstance(raw, Node):
        keys = ", ".join(key for key, _ in record.SPEC.keys())
        raise DataError(path, 1, f"the file must be a mapping with the keys {keys}")
    return record.SPEC.read(record, path, raw, 1)


def data_files(folder: Path) -> list[Path]:
    """The files a build of this data folder reads."""
    return [folder / CODES, folder / GUIDES, folder / FORMATS, *sorted((folder / PROVIDERS).glob("*.yaml"))]


def load(folder: Path | str) -> Catalog:
    """Read and check the data folder; raise DataError on the first fault found."""
    folder = Path(folder)
    codes = _read(CodesFile, folder / CODES)
    guides = _read(GuidesFile, folder / GUIDES)
    formats = _read(FormatsFile, folder / FORMATS)
    providers = [_read(Provider, path) for path in sorted((folder / PROVIDERS).glob("*.yaml"))]
    checks.check_digits(codes)
    checks.check_codes(codes)
    for provider in providers:
        checks.check_provider(provider)
        checks.unique(provider.replies, "reply id", key=lambda reply: reply.id)
    checks.unique(codes.vendor_codes, "vendor code of this provider", key=lambda v: (v.provider, v.code))
    catalog = Catalog(
        first_digits={d.digit: d for d in codes.reply_digits.first},
        second_digits={d.digit: d for d in codes.reply_digits.second},
        classes={c.number: c for c in codes.enhanced_classes},
        subjects={s.number: s for s in codes.enhanced_subjects},
        basic=checks.unique(codes.basic_codes, "basic code"),
        enhanced=checks.unique(codes.enhanced_codes, "enhanced code"),
        vendor_codes=codes.vendor_codes,
        providers={p.id: p for p in providers},
        guides=checks.unique(guides.guides, "guide"),
        search_synonyms=guides.search_synonyms,
        search_filler_words=guides.search_filler_words,
        formats=formats,
    )
    checks.check_references(catalog)
    checks.check_phrases(catalog)
    checks.check_code_mentions([codes, guides, *providers], catalog)
    return catalog
