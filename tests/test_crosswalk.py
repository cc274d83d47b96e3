"""The crosswalk of data/guides.yaml maps every reason name of each bounce taxonomy it lists (Sisimai,
Amazon SES, SendGrid, Postmark, SparkPost, Mailgun) to a guide. tests/reference/taxonomies.yaml holds
each taxonomy's names with their source; a name that says the tool could not tell has no guide."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import REFERENCE
from records import TAXONOMIES

TAXONOMY_NAMES = yaml.safe_load((REFERENCE / "taxonomies.yaml").read_text())


def crosswalk(catalog, taxonomy: str) -> dict[str, list[str]]:
    """Each name of the taxonomy with the guides that list it."""
    mapped: dict[str, list[str]] = {}
    for guide in catalog.guides.values():
        for name in guide.crosswalk.get(taxonomy, ()):
            mapped.setdefault(name, []).append(guide.id)
    return mapped


def test_the_reference_lists_every_taxonomy_of_the_crosswalk_with_its_source():
    assert set(TAXONOMY_NAMES) == set(TAXONOMIES)
    for taxonomy, entry in TAXONOMY_NAMES.items():
        assert entry["source"].startswith("https://"), taxonomy
        assert entry["verified"], taxonomy
        assert len(entry["names"]) >= 5, taxonomy


@pytest.mark.parametrize("taxonomy", TAXONOMIES)
def test_every_name_of_the_taxonomy_maps_to_a_guide(catalog, taxonomy):
    reference = TAXONOMY_NAMES[taxonomy]
    mapped = crosswalk(catalog, taxonomy)
    names = {str(n) for n in reference["names"]}
    undetermined = {str(n) for n in reference["undetermined"]}
    assert not names & undetermined
    assert sorted(names - set(mapped)) == [], "names with no guide"
    assert sorted(set(mapped) - names) == [], "crosswalk names the taxonomy does not have"
    assert not undetermined & set(mapped), "an undetermined name says no reason: it maps to no guide"


def test_symptoms_json_publishes_the_crosswalk(site, catalog):
    published = json.loads((site / "symptoms.json").read_text())
    by_id = {g["id"]: g for g in published["guides"]}
    for taxonomy in TAXONOMIES:
        for name, guides in crosswalk(catalog, taxonomy).items():
            for guide in guides:
                assert name in by_id[guide][taxonomy], (taxonomy, name, guide)
