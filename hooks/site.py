"""The MkDocs hook: the one adapter between MkDocs' events and the site's pure builders.

It loads the data once per build (in on_config, which every build and every `mkdocs serve` rebuild
runs first) and hands the catalog to modules that know nothing of MkDocs: pages.py (the Markdown
pages and tables), decoder_index.py (the decoder's index), api.py (the JSON and CSV files),
redirects.py (class-less code spellings), tables.py (tables readable on a phone),
search_keywords.py (the words the site search finds pages by) and release.py (the release number
/api/ shows). Generated files live in memory (File.generated); nothing is written into docs/.
MkDocs loads this file by path, with hooks/ on sys.path, so the builders import as top-level
modules. `mkdocs serve` does not reload Python: restart it after editing hooks/.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import api
import decoder_index
import pages
import redirects
import release
import search_keywords
import tables
from data_yaml import DataError
from loader import load
from records import Catalog

_catalog: Catalog | None = None  # the data of the build under way, loaded by on_config
_version = ""  # its release number: the npm package's version


def _data(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent / "data"


# ---------------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _catalog, _version
    try:
        _catalog = load(_data(config))
    except DataError as error:
        # PluginError makes MkDocs stop with this one line instead of a traceback.
        raise PluginError(f"Bad data: {error}") from None
    _version = release.release(Path(config.config_file_path).parent).version
    plugin = config.plugins["redirects"]
    plugin.config["redirect_maps"] = {**redirects.class_less_redirects(_catalog), **plugin.config["redirect_maps"]}
    return config


@event_priority(50)  # before plugins that look at the pages, such as mkdocs-redirects
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    generated = {
        **pages.generated_pages(_catalog),
        decoder_index.INDEX_PATH: json.dumps(decoder_index.build_index(_catalog), ensure_ascii=False, separators=(",", ":")),
        **api.api_files(_catalog, config.site_url or "/"),
    }
    for path, content in generated.items():
        files.append(File.generated(config, path, content=content))
    schema_dir = Path(config.config_file_path).parent / "schema"
    for name in api.SCHEMAS:
        files.append(File.generated(config, f"schema/{name}", abs_src_path=str(schema_dir / name)))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        return pages.fill_markers(release.fill_version(markdown, _version), _catalog)
    except KeyError as error:
        raise PluginError(f"{page.file.src_uri}: unknown table marker <!-- smtp:{error.args[0]} -->") from None


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return tables.label_cells(html)


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(*, config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / "search" / "search_index.json"
    index = search_keywords.add_keywords(json.loads(path.read_text(encoding="utf-8")), _catalog)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
