"""Machine-readable data, schemas, the URL manifest, redirects and the deploy workflow."""

from __future__ import annotations

import csv
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import jsonschema
import pytest
import yaml
from mkdocs.config import load_config

from conftest import ROOT
import data_schema
from published_urls import manifest, published_urls
import api
from loader import load

DATA = load(ROOT / "data")
API_SCHEMA = json.loads((ROOT / "schema" / "api.schema.json").read_text())
CODE_PAGES = [*DATA.basic, *(v for e in DATA.enhanced.values() for v in e.variants)]


def validator(schema: dict) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def assert_valid(schema: dict, instance) -> None:
    errors = sorted(validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]


# --- the data files and their schemas -------------------------------------------------------------

# schema -> the data files it describes ("data/providers/<id>.yaml": every provider's file)
DATA_FILES = {name: sorted(ROOT.glob(described.replace("<id>", "*"))) for name, (_, described) in data_schema.SCHEMAS.items()}


def as_json(value):
    """YAML as JSON sees it: dates become their ISO text."""
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize("name", data_schema.SCHEMAS)
def test_committed_data_schema_is_up_to_date(name):
    assert (ROOT / "schema" / name).read_text() == data_schema.text(name), "run: .venv/bin/python hooks/data_schema.py"


@pytest.mark.parametrize("name", data_schema.SCHEMAS)
def test_data_files_validate_against_their_schema_and_point_editors_at_it(name):
    for path in DATA_FILES[name]:
        text = path.read_text()
        relative = "../" * (len(path.relative_to(ROOT).parts) - 1)
        assert text.splitlines()[0] == f"# yaml-language-server: $schema={relative}schema/{name}", path
        assert_valid(data_schema.schema(name), as_json(yaml.safe_load(text)))


def test_data_schema_rejects_what_the_loader_rejects():
    data = as_json(yaml.safe_load((ROOT / "data" / "codes.yaml").read_text()))
    data["basic_codes"][0]["colour"] = "red"
    data["enhanced_codes"][0]["code"] = "X.01.1"
    data["vendor_codes"][0]["stop_sending"] = "maybe"
    errors = list(validator(data_schema.schema("codes.schema.json")).iter_errors(data))
    assert len(errors) == 3


# --- the published data ----------------------------------------------------------------------------


def test_codes_json_has_every_code_page_and_validates(site):
    codes = json.loads((site / "codes.json").read_text())
    assert_valid(API_SCHEMA, codes)
    assert codes["api_version"] == 1
    assert [record["code"] for record in codes["codes"]] == CODE_PAGES


@pytest.mark.parametrize("code", CODE_PAGES)
def test_each_code_has_its_json_next_to_its_page(site, code):
    record = json.loads((site / f"{code}.json").read_text())
    assert_valid(API_SCHEMA, record)
    assert record["code"] == code
    assert record["url"].endswith(f"/{code}/") and record["json"].endswith(f"/{code}.json")


def test_records_carry_what_a_script_needs(site):
    by_code = {r["code"]: r for r in json.loads((site / "codes.json").read_text())["codes"]}
    assert by_code["550"]["severity"] == "permanent" and by_code["550"]["category"] == "Mail system"
    assert "5.1.1" in by_code["550"]["enhanced_codes"]
    assert by_code["4.2.2"]["class"] == 4 and by_code["4.2.2"]["registry_code"] == "X.2.2"
    assert by_code["4.2.2"]["basic_codes"] == ["552"]
    assert by_code["354"]["text"] == "Start mail input; end with <CRLF>.<CRLF>"
    assert any(v["vendor"].startswith("Microsoft") for v in by_code["5.2.2"]["vendor_meanings"])


def test_csv_has_one_row_per_code_page(site):
    rows = list(csv.DictReader((site / "codes.csv").open(newline="")))
    assert [row["code"] for row in rows] == CODE_PAGES
    assert rows[0].keys() == {"kind", "code", "class", "severity", "category", "title", "meaning", "url"}


def test_providers_json_has_every_provider_reply_and_code(site):
    published = json.loads((site / "providers.json").read_text())
    assert_valid(API_SCHEMA, published)
    assert [p["id"] for p in published["providers"]] == list(DATA.providers)
    for record in published["providers"]:
        provider = DATA.providers[record["id"]]
        assert [r["id"] for r in record["replies"]] == [r.id for r in provider.replies]
        assert [c["code"] for c in record["codes"]] == [v.code for v in DATA.provider_codes(provider)]
        for item in record["replies"] + record["codes"]:
            page, _, anchor = item["permalink"].partition("#")
            assert page == record["url"] and f'id="{anchor}"' in (site / "providers" / record["id"] / "index.html").read_text()


def test_symptoms_json_has_every_guide_with_its_crosswalk(site):
    published = json.loads((site / "symptoms.json").read_text())
    assert_valid(API_SCHEMA, published)
    assert [g["id"] for g in published["guides"]] == list(DATA.guides)
    by_id = {g["id"]: g for g in published["guides"]}
    assert "UserUnknown" in by_id["unknown-recipient"]["sisimai"]
    for guide in published["guides"]:
        assert guide["url"].endswith(f"/symptoms/{guide['id']}/")
        assert set(published["taxonomies"]) <= set(guide)


def test_schemas_are_published(site):
    for name in api.SCHEMAS:
        assert json.loads((site / "schema" / name).read_text()) == json.loads((ROOT / "schema" / name).read_text())


# --- links that never break ------------------------------------------------------------------------


def test_every_url_in_the_manifest_is_still_published(site):
    missing = manifest() - published_urls(site)
    assert not missing, f"no longer produced (add a redirect in mkdocs.yml): {sorted(missing)[:20]}"


def test_every_published_url_is_in_the_manifest(site):
    new = published_urls(site) - manifest()
    assert not new, f"add to tests/published-urls.txt (see tests/published_urls.py): {sorted(new)[:20]}"


@pytest.mark.parametrize("typed, target", [("X.7.1", "5.7.1"), ("x.7.1", "5.7.1"), ("X.2.2", "5.2.2"),
                                           ("X.1.5", "2.1.5"), ("x.4.7", "5.4.7")])
def test_class_less_codes_redirect_to_a_page(site, typed, target):
    html = (site / typed / "index.html").read_text()
    assert f'<meta http-equiv="refresh" content="0; url=../{target}/">' in html
    assert (site / target / "index.html").is_file()


def fetch(url: str) -> tuple[int, str, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    try:
        response = urllib.request.build_opener(NoRedirect).open(url)
        return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


def test_a_code_typed_without_the_slash_is_redirected(base_url):
    status, location, _ = fetch(f"{base_url}/5.1.1")
    assert status == 301 and location.endswith("/5.1.1/")


def test_an_unknown_address_gets_the_not_found_page_with_the_decoder(base_url):
    status, _, body = fetch(f"{base_url}/4.7.2/")
    assert status == 404
    assert "data-lookup data-lookup-path" in body


# --- findable: titles, descriptions, sitemap -------------------------------------------------------


@pytest.mark.parametrize("code", ["550", "354", "422", "5.1.1", "4.2.2"])
def test_title_and_description_say_the_code_and_its_meaning(site, code):
    html = (site / code / "index.html").read_text()
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert title.startswith(f"{code} ") and len(title) > len(code) + 10
    assert code in description and len(description) > 40


def test_every_page_has_a_description(site):
    without = [p for p in site.rglob("index.html")
               if "http-equiv=\"refresh\"" not in p.read_text() and 'name="description"' not in p.read_text()]
    assert not without


def test_sitemap_lists_the_code_pages_under_the_site_url(site):
    sitemap = (site / "sitemap.xml").read_text()
    site_url = load_config(str(ROOT / "mkdocs.yml")).site_url
    assert f"<loc>{site_url}550/</loc>" in sitemap and f"<loc>{site_url}5.1.1/</loc>" in sitemap


# --- deploy ----------------------------------------------------------------------------------------


def test_deploy_workflow_tests_builds_and_publishes_with_pinned_official_actions():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses and all(re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", u) for u in uses), uses
    names = {u.split("@")[0] for u in uses}
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/configure-pages"} <= names
    runs = " ".join(step.get("run", "") for step in steps)
    assert "pytest" in runs and "mkdocs build --strict" in runs
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
