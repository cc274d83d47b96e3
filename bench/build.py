"""Benchmark, build part: what the hooks cost (a) and how the build grows with the data (b).

a. `mkdocs build --strict` of the project against a plain MkDocs build of the very same pages,
   written out once as static Markdown (median of N fresh-process builds each, interleaved);
b. the build with synthetic data about `factor` times as large against 1x, beside the multiple of
   pages actually built.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

import yaml

from results import Row, say
from site_host import BUILD_ENV, build_site


def build_once(project: Path, out: Path) -> float:
    """One `mkdocs build --strict` of project into out, in a fresh process; seconds of wall time."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    result = build_site(project, out, "--quiet")
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{result.stderr[-3000:]}")
    return elapsed


def median_builds(projects: dict[str, Path], outs: dict[str, Path], runs: int, warmup: bool = True) -> dict[str, float]:
    """Median build time of each project; runs interleaved so that machine drift hits all alike."""
    if warmup:
        for name, project in projects.items():
            build_once(project, outs[name])
    times: dict[str, list[float]] = {name: [] for name in projects}
    for i in range(runs):
        for name, project in projects.items():
            times[name].append(build_once(project, outs[name]))
        say(f"    run {i + 1}/{runs}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()))
    return {name: statistics.median(t) for name, t in times.items()}


def html_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


SKIP_IN_COPY = (".git", ".venv", "node_modules", "site", "tests", "bench", ".ci", ".pytest_cache", "__pycache__", "*.pyc")


def copy_project(root: Path, dest: Path, data: Path | None = None) -> Path:
    """A copy of the project's site sources (everything but tests, tools and caches) in dest, with
    data/codes.yaml replaced by `data` when given."""
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns(*SKIP_IN_COPY), symlinks=True)
    if data:
        shutil.copy2(data, dest / "data" / "codes.yaml")
    return dest


def without_top_level_keys(config_text: str, keys: tuple[str, ...]) -> str:
    """mkdocs.yml text without the named top-level blocks (kept as text: custom YAML tags survive)."""
    out, skipping = [], False
    for line in config_text.splitlines(keepends=True):
        top = re.match(r"([A-Za-z_]+):", line)
        if top:
            skipping = top[1] in keys
        elif line.strip() and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            out.append(line)
    return "".join(out)


def static_project(root: Path, dest: Path, scratch: Path) -> Path:
    """The real site's pages written out as plain Markdown, with a copy of mkdocs.yml minus `hooks:`.

    The pages are captured from one in-process build of the real project: each page's front matter
    and its Markdown after every hook has run (generated pages, filled table markers), and every
    generated non-page file (lookup-index.json). Whatever the hooks make, the static copy has.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import BasePlugin

    class Capture(BasePlugin):
        def __init__(self):
            self.pages: dict[str, str] = {}
            self.assets: dict[str, bytes] = {}

        def on_files(self, files, config):
            for file in files:
                if file.generated_by and not file.is_documentation_page():
                    self.assets[file.src_uri] = file.content_bytes
            return files

        def on_page_markdown(self, markdown, page, config, files):
            meta = yaml.safe_dump(dict(page.meta), sort_keys=False, allow_unicode=True, width=1000) if page.meta else ""
            self.pages[page.file.src_uri] = (f"---\n{meta}---\n\n" if meta else "") + markdown
            return markdown

    capture = Capture()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    os.environ.update(BUILD_ENV)
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(scratch))
    config.plugins["bench-capture"] = capture  # registered last: runs after the project's hooks
    sys.path.insert(0, str(root / "hooks"))
    build(config)

    dest.mkdir(parents=True)
    shutil.copytree(root / "docs", dest / "docs")
    if (root / "overrides").exists():
        shutil.copytree(root / "overrides", dest / "overrides")
    for src_uri, text in capture.pages.items():
        path = dest / "docs" / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for src_uri, content in capture.assets.items():
        path = dest / "docs" / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    config_text = without_top_level_keys((root / "mkdocs.yml").read_text(encoding="utf-8"), ("hooks", "watch"))
    if "redirects" in config.plugins:
        # The hook adds redirects in on_config (hooks/redirects.py): write out the final map.
        config_text = with_redirect_maps(config_text, config.plugins["redirects"].config["redirect_maps"])
    (dest / "mkdocs.yml").write_text(config_text, encoding="utf-8")
    return dest


def with_redirect_maps(config_text: str, redirects: dict) -> str:
    """mkdocs.yml text with the redirects plugin's redirect_maps replaced by `redirects` (as a JSON
    flow mapping, which is YAML)."""
    lines = config_text.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if re.match(r"\s*redirect_maps:", line)), None)
    if at is None:
        raise SystemExit("mkdocs.yml uses the redirects plugin without a redirect_maps key")
    indent = len(lines[at]) - len(lines[at].lstrip())
    end = at + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return "".join(lines[:at] + [" " * indent + "redirect_maps: " + json.dumps(redirects) + "\n\n"] + lines[end:])


def _normalised(path: Path) -> bytes | list:
    """A built file's content; the search index and the sitemap in page order (MkDocs lists
    generated pages after the ones on disk, so their order differs, not their content)."""
    if path.name == "search_index.json":
        index = json.loads(path.read_bytes())
        return [index["config"]] + sorted(index["docs"], key=lambda doc: json.dumps(doc, sort_keys=True))
    if path.name == "sitemap.xml":
        return sorted(re.findall(rb"<url>.*?</url>", path.read_bytes(), re.S))
    return path.read_bytes()


def differing_files(a: Path, b: Path) -> list[str]:
    """Built files whose content differs between two site directories (the gzipped sitemap aside)."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(n for n in names if not n.endswith("sitemap.xml.gz")
                  and (not (a / n).exists() or not (b / n).exists() or _normalised(a / n) != _normalised(b / n)))


# ---------------------------------------------------------------------------------------------------
# Synthetic data: about `factor` times the pages
# ---------------------------------------------------------------------------------------------------



def synthetic_data(source: Path, factor: int) -> tuple[str, dict]:
    """codes.yaml grown by cloning entries under new, valid codes: every free basic code (RFC 5321
    allows only 240 in all), then new enhanced X.subject.detail entries (details up to 999) until the
    generated code pages number about `factor` times the original."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    basic = data["basic_codes"]
    enhanced = data["enhanced_codes"]
    pages_before = len(basic) + sum(len(e["classes"]) for e in enhanced)
    target = factor * pages_before

    used = {b["code"] for b in basic}
    free = [f"{a}{b}{c}" for a in "2345" for b in "012345" for c in "0123456789" if f"{a}{b}{c}" not in used]
    originals = list(basic)
    for i, code in enumerate(free):
        clone = copy.deepcopy(originals[i % len(originals)])
        clone["code"] = code
        basic.append(clone)

    taken = {e["code"] for e in enhanced}
    subjects = [s["subject"] for s in data["enhanced_subjects"]]
    originals = list(enhanced)
    pages = len(basic) + sum(len(e["classes"]) for e in enhanced)
    i = 0
    details = {s: 1 for s in subjects}
    while pages < target:
        source_entry = originals[i % len(originals)]
        subject = subjects[i % len(subjects)]
        while f"X.{subject}.{details[subject]}" in taken:
            details[subject] += 1
        if details[subject] > 999:
            raise SystemExit(f"ran out of enhanced codes in subject {subject}")
        clone = copy.deepcopy(source_entry)
        clone["code"] = f"X.{subject}.{details[subject]}"
        taken.add(clone["code"])
        enhanced.append(clone)
        pages += len(clone["classes"])
        i += 1
    info = {"basic": len(basic), "enhanced": len(enhanced), "code_pages_before": pages_before, "code_pages": pages}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), info


# ---------------------------------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------------------------------


def hooks_vs_static(root: Path, scratch: Path, runs: int, real_site: Path) -> tuple[list[Row], list[str]]:
    """a. The real build against the same pages as static Markdown; leaves the real build in real_site."""
    say("a. real build (hooks) vs plain MkDocs on the same pages as static Markdown")
    static = static_project(root, scratch / "static", scratch / "capture-site")
    times = median_builds({"hooks": root, "static": static}, {"hooks": real_site, "static": scratch / "site-static"}, runs)
    ratio = times["hooks"] / times["static"]
    pages = html_pages(real_site)
    differ = differing_files(real_site, scratch / "site-static")
    row = Row(f"a. build: hooks vs static Markdown (median of {runs})",
              f"{ratio:.2f}x ({times['hooks']:.2f} s vs {times['static']:.2f} s, {pages} pages)", "<= 1.10x", ratio <= 1.10)
    note = (f"a: {len(differ)} built file(s) differ between the two builds, e.g. {', '.join(differ[:5])}" if differ
            else f"a: the two builds produce the same {pages} pages, byte for byte")
    return [row], [note]


def growth(root: Path, scratch: Path, runs: int, factor: int) -> tuple[list[Row], list[str]]:
    """b. The build with about `factor` times the codes against 1x."""
    say(f"b. build with ~{factor}x the codes vs 1x")
    text, info = synthetic_data(root / "data" / "codes.yaml", factor)
    big_data = scratch / "codes-x.yaml"
    big_data.write_text(text, encoding="utf-8")
    one = copy_project(root, scratch / "project-1x")
    big = copy_project(root, scratch / "project-x", big_data)
    times = median_builds({"1x": one, "Nx": big}, {"1x": scratch / "site-1x", "Nx": scratch / "site-x"}, runs, warmup=False)
    pages_1, pages_n = html_pages(scratch / "site-1x"), html_pages(scratch / "site-x")
    multiple = pages_n / pages_1
    ratio = times["Nx"] / times["1x"]
    limit = 1.1 * multiple
    row = Row(f"b. build: {multiple:.1f}x pages vs 1x (median of {runs})",
              f"{ratio:.2f}x ({times['Nx']:.2f} s vs {times['1x']:.2f} s; {pages_n} vs {pages_1} pages)",
              f"<= {limit:.1f}x (1.1 x page multiple; 11x at 10x)", ratio <= limit)
    note = (f"b: synthetic data has {info['basic']} basic codes (all of RFC 5321's 240 possible) and "
            f"{info['enhanced']} enhanced entries: {info['code_pages']} code pages vs {info['code_pages_before']}")
    return [row], [note]
