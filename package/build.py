"""Build the npm package smtp-codes into dist/ and pack it: run as `scripts/package`.

    scripts/package                 dist/smtp-codes/ (the package) and dist/smtp-codes-<version>.tgz
    scripts/package --out DIR       the same into DIR
    scripts/package --version       print the version it would have, and nothing else

Everything in the package is made here from the project's own sources, never kept as a copy:
  decoder/*.js   the site's decoder modules, copied unchanged from docs/javascripts/ (decode.js and
                 every module it imports, followed through their imports)
  data/index.js  the lookup index the site serves (decoder_index.build_index)
  data/records.js  the records of the JSON API (api.records and api.provider_record): explain()
  data/release.js  the version (release.py: from the history of the data) and the site's URL
  index.js, cli.js, index.d.ts  the package's own entry module, command line and types (package/)
  types.d.ts     the decoder's result types, from the JSDoc of decode.js, and the API records'
                 types, from schema/api.schema.json
  README.md      the package section of docs/api.md, the site's /api/ page
  package.json   with the version; no dependencies
The site URL is the site's: SITE_URL when set (as the deploy workflow sets it), else mkdocs.yml's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

import api  # noqa: E402
import decoder_index  # noqa: E402
import release  # noqa: E402
import urls  # noqa: E402
from loader import load  # noqa: E402
from mkdocs.utils.yaml import yaml_load  # noqa: E402

NAME = "smtp-codes"
SOURCES = Path(__file__).resolve().parent
DECODER = ROOT / "docs" / "javascripts"
DECODER_ENTRY = "decode.js"
OWN_FILES = ("index.js", "cli.js", "index.d.ts")
API_PAGE = ROOT / "docs" / "api.md"
PACKAGE_SECTION = "## The package and its command line"
GENERATED = "// Made by scripts/package from the project's sources: edit those, not this file.\n"


def site_url() -> str:
    """The site's URL as its build has it: mkdocs.yml's, which SITE_URL overrides."""
    return yaml_load((ROOT / "mkdocs.yml").read_text())["site_url"]


# ---------------------------------------------------------------------------------------------------
# The decoder's modules
# ---------------------------------------------------------------------------------------------------

IMPORT = re.compile(r"""^\s*(?:import|export)\s[^;]*?\bfrom\s*["']\./([\w.-]+\.js)["']""", re.M)


def decoder_modules(folder: Path = DECODER, entry: str = DECODER_ENTRY) -> list[str]:
    """The entry module and every module it imports, directly or not, by file name."""
    found, waiting = [], [entry]
    while waiting:
        name = waiting.pop()
        if name not in found:
            found.append(name)
            waiting.extend(IMPORT.findall((folder / name).read_text()))
    return sorted(found)


# ---------------------------------------------------------------------------------------------------
# Types: from decode.js's JSDoc and from the API's JSON Schema
# ---------------------------------------------------------------------------------------------------

TAG = re.compile(r"^@(\w+)\s+", re.M)  # every tag ends the one before; @typedef and @property make types
IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


def _braced(text: str, start: int) -> tuple[str, int]:
    """The text inside the braces that open at start, and where they close."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1:i], i + 1
    raise ValueError(f"unclosed {{ in JSDoc: {text[start:start + 60]!r}")


def _ts_type(jsdoc: str) -> str:
    return re.sub(r"\bObject\b", "Record<string, any>", jsdoc)


def _doc(text: str, indent: str = "") -> str:
    return f"{indent}/** {' '.join(text.split())} */\n" if text.strip() else ""


def jsdoc_types(source: str) -> str:
    """TypeScript declarations of the @typedef blocks of a module's JSDoc."""
    out = []
    for block in re.findall(r"/\*\*(.*?)\*/", source, re.S):
        text = "\n".join(re.sub(r"^\s*\* ?", "", line) for line in block.splitlines())
        tags = list(TAG.finditer(text))
        open_interface = False
        for i, tag in enumerate(tags):
            if tag[1] not in ("typedef", "property"):
                continue
            body = text[tag.end():tags[i + 1].start() if i + 1 < len(tags) else len(text)]
            if not body.startswith("{"):
                raise ValueError(f"@{tag[1]} without a {{type}}: {body[:60]!r}")
            type_text, end = _braced(body, 0)
            name, _, doc = body[end:].strip().replace("\n", " ").partition(" ")
            if not IDENTIFIER.fullmatch(name):
                raise ValueError(f"@{tag[1]} {{{type_text}}} has no plain name: {name!r}")
            if tag[1] == "property":
                if not open_interface:
                    raise ValueError(f"@property {name} outside an @typedef {{Object}}")
                out.append(_doc(doc, "  ") + f"  {name}: {_ts_type(type_text)};\n")
                continue
            if open_interface:
                out.append("}\n\n")
            open_interface = type_text == "Object"
            out.append(_doc(doc) + (f"export interface {name} {{\n" if open_interface else f"export type {name} = {_ts_type(type_text)};\n\n"))
        if open_interface:
            out.append("}\n\n")
    return "".join(out)


def _pascal(name: str) -> str:
    return "Api" + "".join(part.title() for part in name.split("_"))


def _union(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def _required(schema: dict, defs: dict) -> set[str]:
    """The properties a schema requires, also through the schemas it combines with allOf."""
    required = set(schema.get("required", ()))
    for part in schema.get("allOf", ()):
        required |= _required(defs[part["$ref"].rsplit("/", 1)[1]] if "$ref" in part else part, defs)
    return required


def schema_type(schema: dict, defs: dict, depth: int = 0) -> str:
    """The TypeScript type of a JSON Schema, as far as the API's schema uses the vocabulary."""
    if "$ref" in schema:
        return _pascal(schema["$ref"].rsplit("/", 1)[1])
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return _union([json.dumps(v) for v in schema["enum"]])
    parts = []
    if "oneOf" in schema:
        parts.append(_union([schema_type(s, defs, depth) for s in schema["oneOf"]]))
    parts.extend(schema_type(s, defs, depth) for s in schema.get("allOf", []))
    if "properties" in schema:
        required = _required(schema, defs)
        pad = "  " * (depth + 1)
        fields = "".join(f"{pad}{name}{'' if name in required else '?'}: {schema_type(s, defs, depth + 1)};\n"
                         for name, s in schema["properties"].items())
        parts.append("{\n" + fields + "  " * depth + "}")
    elif "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        simple = {"string": "string", "boolean": "boolean", "null": "null", "integer": "number", "number": "number",
                  "object": "Record<string, any>"}
        parts.append(_union([f"Array<{schema_type(schema['items'], defs, depth)}>" if t == "array" else simple[t] for t in names]))
    return " & ".join(parts) if parts else "unknown"


def schema_types(schema: dict) -> str:
    defs = schema["$defs"]
    return "".join(_doc(s.get("description", "")) + f"export type {_pascal(name)} = {schema_type(s, defs)};\n\n"
                   for name, s in defs.items())


def types_module() -> str:
    schema = json.loads((ROOT / "schema" / "api.schema.json").read_text())
    return (GENERATED + "// The decoder's results (the JSDoc of decoder/decode.js):\n\n" + jsdoc_types((DECODER / DECODER_ENTRY).read_text())
            + "// The records of the site's JSON API (schema/api.schema.json):\n\n" + schema_types(schema)).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------


def explain_records(catalog, url: str) -> dict:
    """What explain() looks up: the API's record of each code page, the page each class-less
    registry code leads to (as the site redirects it), and each provider's own codes that have no
    page, with every provider's entry for them in /providers.json."""
    codes = {record["code"]: record for record in api.records(catalog, url)}
    vendor: dict[str, dict] = {}
    for provider in catalog.providers.values():
        for entry in api.provider_record(provider, catalog, url)["codes"]:
            if entry["code"] not in codes:
                record = vendor.setdefault(entry["code"], {"kind": "vendor", "code": entry["code"], "uses": []})
                record["uses"].append({"provider": provider.id, "vendor": provider.name, **entry})
    return {"codes": codes, "classLess": {e.code: catalog.variant_for(e.code) for e in catalog.enhanced.values()},
            "vendor": vendor}


def data_module(value) -> str:
    # JSON.parse of a string literal reads faster than the same object written as code.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return GENERATED + f"export default JSON.parse({json.dumps(text, ensure_ascii=False)});\n"


# ---------------------------------------------------------------------------------------------------
# The package
# ---------------------------------------------------------------------------------------------------


def repository() -> dict:
    """Where the package is built from, when GitHub Actions builds it: npm's provenance statement
    must name the same repository."""
    name = os.environ.get("GITHUB_REPOSITORY")
    return {"repository": {"type": "git", "url": f"git+{os.environ['GITHUB_SERVER_URL']}/{name}.git"}} if name else {}


def manifest(version: str, url: str) -> dict:
    return {
        "name": NAME,
        "version": version,
        "description": "What SMTP reply codes such as 550 and 5.1.1 mean, and what a bounce or a mail log says: "
                       "the data and the decoder of the SMTP reply codes site, as a library and a command line.",
        "keywords": ["smtp", "reply code", "enhanced status code", "bounce", "dsn", "ndr", "mail log", "postfix", "exim"],
        "homepage": url + urls.url(API_PAGE.name),
        **repository(),
        "license": "UNLICENSED",
        "type": "module",
        "exports": {".": {"types": "./index.d.ts", "default": "./index.js"}, "./package.json": "./package.json"},
        "main": "./index.js",
        "types": "./index.d.ts",
        "bin": {NAME: "./cli.js"},
        "files": [*OWN_FILES, "types.d.ts", "decoder/", "data/"],
        "engines": {"node": ">=18"},
        "sideEffects": False,
    }


def readme(version: str, url: str) -> str:
    """The package section of the /api/ page, which says how to install and use it."""
    page = release.fill_version(API_PAGE.read_text(), version)
    start = page.index(PACKAGE_SECTION) + len(PACKAGE_SECTION)
    end = page.find("\n## ", start)
    section = page[start:end if end != -1 else len(page)].strip()
    return f"# {NAME}\n\nThe SMTP reply codes site, {url}, as a library and a command line.\n\n{section}\n\nMore on the site: {url}{urls.url(API_PAGE.name)}\n"


def npm_pack(stage: Path, out: Path) -> subprocess.CompletedProcess:
    """npm pack, offline and on its own: the user's and the machine's npm settings (a registry, a
    dry-run) do not change the tarball, and npm's cache and logs go to a folder removed after."""
    with tempfile.TemporaryDirectory(prefix="smtp-codes-npm-") as npm_home:
        home = Path(npm_home)
        for name in ("userconfig", "globalconfig"):
            (home / name).touch()
        env = {**os.environ, "npm_config_userconfig": str(home / "userconfig"), "npm_config_globalconfig": str(home / "globalconfig"),
               "npm_config_cache": str(home / "cache"), "npm_config_update_notifier": "false", "npm_config_fund": "false"}
        return subprocess.run(["npm", "pack", "--offline", "--json", "--pack-destination", str(out), str(stage)],
                              capture_output=True, text=True, env=env)


def build(out: Path, url: str, version: str) -> dict:
    """The package in out/smtp-codes/ and its tarball beside it; npm pack's account of it."""
    catalog = load(ROOT / "data")
    stage = out / NAME
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "decoder").mkdir(parents=True)
    (stage / "data").mkdir()
    for name in decoder_modules():
        shutil.copyfile(DECODER / name, stage / "decoder" / name)
    for name in OWN_FILES:
        shutil.copyfile(SOURCES / name, stage / name)
    (stage / "types.d.ts").write_text(types_module())
    (stage / "data" / "index.js").write_text(data_module(decoder_index.build_index(catalog)))
    (stage / "data" / "records.js").write_text(data_module(explain_records(catalog, url)))
    (stage / "data" / "release.js").write_text(GENERATED + f"export const version = {json.dumps(version)};\n"
                                               f"export const siteUrl = {json.dumps(url)};\n")
    (stage / "README.md").write_text(readme(version, url))
    (stage / "package.json").write_text(json.dumps(manifest(version, url), indent=2) + "\n")
    for old in out.glob(f"{NAME}-*.tgz"):
        old.unlink()
    packed = npm_pack(stage, out)
    if packed.returncode != 0:
        raise SystemExit(f"scripts/package: npm pack failed:\n{packed.stderr[-3000:]}")
    return json.loads(packed.stdout)[0]


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/package", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where to build (default: dist/)")
    parser.add_argument("--version", action="store_true", help="print the version and stop")
    args = parser.parse_args()
    number = release.release(ROOT)
    if args.version:
        print(number.version)
        return 0
    if not number.exact:
        print(f"scripts/package: {number.version} is not a release number ({number.why_not}): fine to test, not to publish",
              file=sys.stderr)
    packed = build(args.out.resolve(), site_url(), number.version)
    print(f"{args.out / packed['filename']}: {NAME} {packed['version']}, {len(packed['files'])} files, "
          f"{packed['size'] / 1024:.1f} KB packed, {packed['unpackedSize'] / 1024:.1f} KB unpacked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
