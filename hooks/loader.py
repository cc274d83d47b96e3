"""Load data/codes.yaml into a Catalog of typed records, and refuse bad data.

Used by the MkDocs hook and by the tests alike; it imports nothing from MkDocs. Every problem with
the data raises DataError, whose message names the file, the line and the code, so that a broken
edit stops the build with one readable sentence instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

import checks
from data_yaml import DataError, Node, read_yaml
from records import Catalog, DataFile


def load(path: Path | str) -> Catalog:
    """Read and check the data file; raise DataError on the first fault found."""
    path = Path(path)
    raw = read_yaml(path)
    if not isinstance(raw, Node):
        keys = ", ".join(key for key, _ in DataFile.SPEC.keys())
        raise DataError(path, 1, f"the file must be a mapping with the keys {keys}")
    data = DataFile.SPEC.read(DataFile, path, raw, 1)
    checks.check_digits(path, data)
    checks.check_codes(path, data)
    checks.check_providers(path, data)
    catalog = Catalog(
        first_digits={d.digit: d for d in data.reply_digits.first},
        second_digits={d.digit: d for d in data.reply_digits.second},
        classes={c.number: c for c in data.enhanced_classes},
        subjects={s.number: s for s in data.enhanced_subjects},
        basic=checks.unique(path, data.basic_codes, "basic code"),
        enhanced=checks.unique(path, data.enhanced_codes, "enhanced code"),
        providers=checks.unique(path, data.providers, "provider"),
        symptoms=checks.unique(path, data.symptoms, "symptom"),
    )
    checks.check_references(path, catalog)
    checks.check_code_mentions(path, data, catalog)
    return catalog
