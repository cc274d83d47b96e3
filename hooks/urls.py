"""Where every generated page lives, and how the other outputs point at it: the one module that
knows paths and URLs.

- a page is named by its source path under docs/ ("550.md", "providers/gmail.md");
- generated Markdown links to it with `link()` ("/550.md"), which MkDocs resolves from the docs
  folder (validation.links.absolute_links: relative_to_docs), checks, and writes as a relative URL;
- the decoder's index, the API and redirects use `url()`, the address relative to the site root
  ("550/", "providers/gmail/#5.7.708"), which the API prefixes with the site URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from records import Catalog, ProviderReply

HOME = "index.md"
BASIC_INDEX = "basic.md"
ENHANCED_INDEX = "enhanced.md"
PROVIDERS_INDEX = "providers/index.md"
SYMPTOMS_INDEX = "symptoms/index.md"
HOW_TO_READ = "how-to-read.md"
DECODER = "lookup.md"


def code_page(code: str) -> str:
    """The page of a basic code ("550") or of a concrete enhanced code ("5.1.1")."""
    return f"{code}.md"


def provider_page(provider_id: str) -> str:
    return f"providers/{provider_id}.md"


def symptom_page(symptom_id: str) -> str:
    return f"symptoms/{symptom_id}.md"


def code_json(code: str) -> str:
    """The API record published beside a code's page."""
    return f"{code}.json"


def link(page: str, anchor: str | None = None) -> str:
    """What generated Markdown writes to link a page (or a section of it)."""
    return f"/{page}" + (f"#{anchor}" if anchor else "")


def url(page: str, anchor: str | None = None) -> str:
    """The page's address relative to the site root, as the site serves it (directory URLs)."""
    path = page.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    return path + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------------
# Links to the page that explains a code
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A link as pages show it: the page (and section), its label and an optional title."""

    page: str
    label: str
    title: str | None = None
    anchor: str | None = None

    @property
    def href(self) -> str:
        return link(self.page, self.anchor)

    @property
    def url(self) -> str:
        return url(self.page, self.anchor)


def code_links(code: str, catalog: Catalog) -> list[Link]:
    """Pages explaining a code as data writes it: "550", "X.1.1" (one per class), a concrete "5.1.1",
    or a vendor's "5.7.708" (its section on the provider's page)."""
    if code in catalog.basic:
        return [Link(code_page(code), code)]
    if code in catalog.enhanced:
        return [Link(code_page(variant), variant) for variant in catalog.enhanced[code].variants]
    if catalog.has_registry_page(code):
        return [Link(code_page(code), code)]
    provider = next(p for p, _ in catalog.vendor_uses(code))
    return [Link(provider_page(provider.id), code, anchor=code)]


def reply_links(reply: ProviderReply, catalog: Catalog) -> list[Link]:
    """Where the codes of a provider reply are explained."""
    return [link for code in (reply.basic, reply.enhanced) if code for link in code_links(code, catalog)]
