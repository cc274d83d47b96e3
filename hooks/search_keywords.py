"""Words the site search finds a page by beyond its own text, from the data: a reason guide's names
in other taxonomies and the synonyms people type (data/guides.yaml) on the guide, the words of the
replies that show it (in every language the decoder knows) on its "How it shows up" section, each
code on its page and each vendor code on its provider section. Material's search gives them the
weight of tags; they are added to the entries of the built search index after the build."""

from __future__ import annotations

import re

import urls
from records import Catalog, VendorCode

GUIDE_REPLIES_SECTION = "how-it-shows-up"  # the anchor of the heading in templates/guide.md.j2


def keywords(catalog: Catalog) -> dict[str, list[str]]:
    """{page or section URL (as the search index writes it): words}. A code's page gets its code
    (which must outweigh the vendor codes it begins, 5.7.1 of 5.7.124) and the spellings people type
    that the page does not hold: X.7.1 for 4.7.1 and 5.7.1, 5xx for the list of basic codes. A vendor
    code without a page of its own gets its code on its section of the provider's page, so that the
    section, not a page that names the code in passing, comes first."""
    found = {urls.url(urls.BASIC_INDEX): [f"{digit}xx" for digit in catalog.first_digits]}
    for code in catalog.basic.values():
        found[urls.url(urls.code_page(code.code))] = [code.code]
    for entry in catalog.enhanced.values():
        for variant in entry.variants:
            found[urls.url(urls.code_page(variant))] = [variant, entry.code.lower()]
    for section, vendor in vendor_sections(catalog).items():
        found[section] = sorted({vendor.code, vendor.code.lower()})
    for guide in catalog.guides.values():
        # The guide's names (crosswalk, synonyms) on the page, its reply words on the section that
        # shows them: a short list of names is not outweighed by a code whose one text shares a
        # word, and a fragment of a reply still lands on the guide.
        phrases = {keyword_of(p) for phrases in guide.phrases.values() for p in phrases} - {""}
        names = {keyword_of(name) for names in guide.crosswalk.values() for name in names} - {""}
        # A group joins when the guide is named by one of its words (its title, a name or a phrase
        # that is just that word): "ip temporarily blacklisted" does not make rate limits a block list.
        title = guide.title.lower()
        for group in catalog.search_synonyms:
            if (names | phrases) & set(group) or any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", title) for word in group):
                names |= set(group)
        found[urls.url(urls.guide_page(guide.id))] = sorted(names)
        found[urls.url(urls.guide_page(guide.id), GUIDE_REPLIES_SECTION)] = words_of(phrases - names)
    return found


def words_of(phrases: set[str]) -> list[str]:
    """Each word of the phrases once. The search engine matches words, not phrases, and a word
    repeated across a guide's many replies ("too many connections", "too many messages") would
    count as often as it is repeated and lift the guide above the one the query names."""
    return sorted({word.strip(".,;:!?'\"()[]<>*") for phrase in phrases for word in phrase.split()} - {""})


# A code or a bare number in a keyword would outweigh the code's own page (tags weigh more than
# text), and other taxonomies' numeric ids mean nothing to someone searching.
_CODE_OR_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)*(?![\w.])")


def keyword_of(phrase: str) -> str:
    return " ".join(_CODE_OR_NUMBER.sub(" ", phrase.lower()).split())


def vendor_sections(catalog: Catalog) -> dict[str, VendorCode]:
    """{section URL: vendor code} for the sections of provider pages that explain a vendor code
    without a registry page of its own (5.7.708, S3150; not Microsoft's 5.1.10)."""
    return {urls.url(urls.provider_page(vendor.provider), vendor.anchor): vendor for vendor in catalog.vendor_codes
            if not catalog.has_registry_page(vendor.code)}


# A vendor code's section holds few words, the guide that explains its reason holds the same ones
# among many: the section, which names the code, must come first.
VENDOR_SECTION_BOOST = 3


def add_keywords(index: dict, catalog: Catalog) -> dict:
    """The search index (search/search_index.json) with the keywords as tags of the entries they
    belong to (a page's own entry, or one section), vendor code sections boosted, and the filler
    words that javascripts/search-worker.js drops from a query that holds a code ("smtp error 550")."""
    words = keywords(catalog)
    sections = vendor_sections(catalog)
    index["config"]["filler_words"] = list(catalog.search_filler_words)
    for doc in index["docs"]:
        if doc["location"] in words:
            doc["tags"] = words[doc["location"]]
        if doc["location"] in sections:
            doc["boost"] = VENDOR_SECTION_BOOST
    return index
