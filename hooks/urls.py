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
GUIDES_INDEX = "symptoms/index.md"  # reason guides live under /symptoms/, their first URL
HOW_TO_READ = "how-to-read.md"
DECODER = "lookup.md"


def code_page(code: str) -> str:
    """The page of a basic code ("550") or of a concrete enhanced code ("5.1.1")."""
    return f"{code}.md"


def provider_page(provider_id: str) -> str:
    return f"providers/{provider_id}.md"


def guide_page(guide_id: str) -> str:
    return f"symptoms/{guide_id}.md"


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


def code_links(code: str, catalog: Catalog, provider: str | None = None) -> list[Link]:
    """Pages explaining a code as data writes it: "550", "X.1.1" (one per class), a concrete "5.1.1",
    or a vendor's "5.7.708" (its section on the provider's page: that of `provider` when it has one)."""
    if code in catalog.basic:
        return [Link(code_page(code), code)]
    if code in catalog.enhanced:
        return [Link(code_page(variant), variant) for variant in catalog.enhanced[code].variants]
    uses = catalog.vendor_uses(code)
    own = [vendor for owner, vendor in uses if owner.id == provider]
    if own:
        return [Link(provider_page(provider), code, anchor=own[0].anchor)]
    if catalog.has_registry_page(code):
        return [Link(code_page(code), code)]
    if f"X{code[1:]}" in catalog.enhanced:
        # A registry entry in a class it is not listed with (a 451 4.7.6): its page in the nearest class.
        return [Link(code_page(catalog.variant_for(f"X{code[1:]}", int(code[0]))), code)]
    owner, vendor = uses[0]
    return [Link(provider_page(owner.id), code, anchor=vendor.anchor)]


def reply_links(reply: ProviderReply, catalog: Catalog, provider: str) -> list[Link]:
    """Where the codes of a provider's reply are explained (a basic code outside the RFCs, such as
    Courier's 513, has no page)."""
    links = code_links(reply.basic, catalog) if reply.basic in catalog.basic else []
    return links + (code_links(reply.enhanced, catalog, provider) if reply.enhanced else [])
