"""MkDocs hook: load data/codes.yaml and add the generated code pages and tables to the site.

A thin adapter: the data checks live in smtp_codes.py and the Markdown in pages.py; this module only
connects them to MkDocs events. Pages are created in memory (File.generated); nothing is written
into docs/.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import pages
import smtp_codes


def catalog_for(config: MkDocsConfig) -> smtp_codes.Catalog:
    path = Path(config.config_file_path).parent / "data" / "codes.yaml"
    try:
        return smtp_codes.load_cached(path)
    except smtp_codes.DataError as error:
        # PluginError makes MkDocs stop with this one line instead of a traceback.
        raise PluginError(f"Bad data: {error}") from None


# ---------------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------------


@event_priority(50)  # before plugins that look at the pages, such as mkdocs-redirects
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    for path, markdown in pages.generated_pages(catalog_for(config)).items():
        files.append(File.generated(config, path, content=markdown))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        return pages.fill_markers(markdown, catalog_for(config))
    except KeyError as error:
        raise PluginError(f"{page.file.src_uri}: unknown table marker <!-- smtp:{error.args[0]} -->") from None
