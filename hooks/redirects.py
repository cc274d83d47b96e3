"""The spellings people type that lead to a page: /X.7.1/ and /x.7.1/ go to the class the entry is
most often seen with (its last class: 5 when it is used with 4 and 5); that page names the other
class. Renamed pages keep their old URL with an entry in mkdocs.yml's `redirect_maps`, never here.
(Pages without a trailing slash, /550, are redirected by the web server itself.)
"""

from __future__ import annotations

import urls
from records import Catalog


def class_less_redirects(catalog: Catalog) -> dict[str, str]:
    """{source page: target page} in the form mkdocs-redirects takes."""
    redirects = {}
    for entry in catalog.enhanced.values():
        target = urls.code_page(catalog.variant_for(entry.code))
        redirects[urls.code_page(entry.code)] = target
        redirects[urls.code_page(entry.code.lower())] = target
    return redirects
