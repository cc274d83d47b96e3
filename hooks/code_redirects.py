"""MkDocs hook: send the spellings people type to the page they mean, through mkdocs-redirects.

A registry code in its class-less form, /X.7.1/ or /x.7.1/, goes to the page of the class it is most
often seen with (the entry's last class: 5 when it is used with 4 and 5); that page names the other
class. Renamed pages keep their old URL with an entry in mkdocs.yml's `redirect_maps`, never by hand
here. (Pages without a trailing slash, /550, are redirected by the web server itself.)
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig

from generate_pages import catalog_for


def class_less_redirects(catalog) -> dict[str, str]:
    redirects = {}
    for entry in catalog.enhanced.values():
        target = f"{catalog.enhanced_page(entry.code)}.md"
        redirects[f"{entry.code}.md"] = target
        redirects[f"{entry.code.lower()}.md"] = target
    return redirects


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    plugin = config.plugins["redirects"]
    plugin.config["redirect_maps"] = {**class_less_redirects(catalog_for(config)), **plugin.config["redirect_maps"]}
    return config
