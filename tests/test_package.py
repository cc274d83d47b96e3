"""The npm package smtp-codes: built by scripts/package, packed, installed from its tarball into an
empty folder (offline: it has no dependencies) and used from there, as a ticket tool and an admin
would, never from the source tree. What it says must be what the site says: its decode() and
triage() are compared with the site's decoder modules reading the built site's lookup-index.json,
its explain() with the built site's JSON API, its links with the built site's pages.
"""

from __future__ import annotations

import gzip
import html
import importlib.util
import json
import os
import pty
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from release import release
from site_host import serve

FIXTURES = ROOT / "tests" / "fixtures"
BOUNCES = sorted(p for p in (FIXTURES / "bounces").glob("*/*") if p.name != "expected.yaml")
REPLY = "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table"
BOUNCE = FIXTURES / "bounces" / "microsoft-365" / "eo-5.1.10-recipient-not-found.eml"
LOG = FIXTURES / "package" / "mail.log"
# The files the documentation's examples name, as an admin would have them in the current folder.
EXAMPLE_FILES = {"bounce.eml": BOUNCE, "mail.log": LOG}
DOCUMENTED = {ROOT / "docs" / "api.md": "## The package and its command line", ROOT / "README.md": "## The npm package"}
SHIPPED = {"package.json", "README.md", "index.js", "index.d.ts", "types.d.ts", "cli.js",
           "data/index.js", "data/records.js", "data/release.js"}
NODE = shutil.which("node") or "node"


def run(args, cwd: Path, input: str | bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, input=input, capture_output=True, text=not isinstance(input, bytes),
                          env={**os.environ, **(env or {})}, timeout=120)


def node(script: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """A module script run by Node in cwd (where `import "smtp-codes"` finds the installed package)."""
    path = cwd / f"script-{abs(hash(script))}.mjs"
    path.write_text(script)
    done = run([NODE, str(path), *args], cwd)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


# ---------------------------------------------------------------------------------------------------
# The package, packed and installed
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def npm_settings(tmp_path_factory) -> dict[str, str]:
    """The npm settings of someone whose own npmrc would spoil a build (it asks for a dry run), with
    npm's cache and logs in a folder of their own, which the build must leave alone."""
    home = tmp_path_factory.mktemp("npm-user")
    (home / "npmrc").write_text("dry-run=true\n")
    return {"npm_config_userconfig": str(home / "npmrc"), "npm_config_cache": str(home / "cache")}


@pytest.fixture(scope="session")
def tarball(tmp_path_factory, npm_settings) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = run([str(ROOT / "scripts" / "package"), "--out", str(out)], ROOT, env=npm_settings)
    assert done.returncode == 0, done.stderr[-3000:]
    [packed] = out.glob("smtp-codes-*.tgz")
    return packed


@pytest.fixture(scope="session")
def user(tarball, tmp_path_factory) -> Path:
    """An empty project of someone else's, with the tarball installed and the examples' files."""
    folder = tmp_path_factory.mktemp("ticket-tool")
    (folder / "package.json").write_text('{"name": "ticket-tool", "private": true}\n')
    done = run(["npm", "install", "--offline", "--no-audit", "--no-fund", str(tarball)], folder,
               env={"npm_config_cache": str(folder / ".npm-cache")})
    assert done.returncode == 0, done.stderr[-3000:]
    for name, source in EXAMPLE_FILES.items():
        shutil.copyfile(source, folder / name)
    return folder


def cli(user: Path, *args: str, input: str | bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return run([str(user / "node_modules" / ".bin" / "smtp-codes"), *args], user, input=input, env=env)


@pytest.fixture(scope="session")
def site_decoder(site, tmp_path_factory):
    """The site's decoder (docs/javascripts, with the built lookup-index.json) on files: decode()
    and the log triage's groupRecipients(), as JSON, for comparison."""
    folder = tmp_path_factory.mktemp("site-decoder")
    script = folder / "decode.mjs"
    script.write_text(f"""
import {{ readFileSync }} from "node:fs";
import {{ decode }} from {json.dumps(str(ROOT / "docs" / "javascripts" / "decode.js"))};
import {{ groupRecipients }} from {json.dumps(str(ROOT / "docs" / "javascripts" / "logs.js"))};
const index = JSON.parse(readFileSync({json.dumps(str(site / "lookup-index.json"))}, "utf8"));
const out = {{}};
for (const file of process.argv.slice(2)) {{
  const result = decode(readFileSync(file), index);
  out[file] = {{ result, groups: groupRecipients(result.recipients) }};
}}
console.log(JSON.stringify(out));
""")

    def read(*files: Path) -> dict:
        done = run([NODE, str(script), *map(str, files)], folder)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout)
    return read


# ---------------------------------------------------------------------------------------------------
# What the tarball holds
# ---------------------------------------------------------------------------------------------------


def test_the_tarball_holds_only_the_package_with_the_decoder_modules_unchanged(tarball):
    with tarfile.open(tarball) as packed:
        members = {m.name.removeprefix("package/"): packed.extractfile(m).read() for m in packed.getmembers() if m.isfile()}
    decoder = {name for name in members if name.startswith("decoder/")}
    assert set(members) - decoder == SHIPPED
    assert {"decoder/decode.js", "decoder/logs.js", "decoder/explain.js"} <= decoder
    for name in decoder:
        assert members[name] == (ROOT / "docs" / "javascripts" / name.removeprefix("decoder/")).read_bytes(), name
    assert not {"decoder/lookup.js", "decoder/cards.js", "decoder/decode-worker.js"} & decoder  # the UI stays on the site
    manifest = json.loads(members["package.json"])
    assert manifest["version"] == release(ROOT).version
    assert manifest["type"] == "module" and manifest["bin"] == {"smtp-codes": "./cli.js"}
    assert manifest["engines"] == {"node": ">=18"}
    assert not {"dependencies", "peerDependencies", "optionalDependencies", "scripts"} & set(manifest)
    assert members["cli.js"].startswith(b"#!/usr/bin/env node\n")
    assert f"The current version is `{manifest['version']}`".encode() in members["README.md"]


def test_the_build_ignores_the_users_npm_settings_and_writes_only_its_output(tarball, npm_settings):
    assert not Path(npm_settings["npm_config_cache"]).exists()  # no cache, no log of npm's
    assert {p.name for p in tarball.parent.iterdir()} == {"smtp-codes", tarball.name}
    assert "dist/" in (ROOT / ".gitignore").read_text().split()  # scripts/package's default output


def test_the_types_of_a_jsdoc_block_stop_at_each_tag():
    """A @property's description ends where the next tag starts, whether or not it makes a type."""
    spec = importlib.util.spec_from_file_location("package_build", ROOT / "package" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    source = """/**
 * @typedef {Object} Found  a code in a text
 * @property {string} code  as written
 * @see findReplies
 * @property {number} line
 */"""
    assert build.jsdoc_types(source) == ("/** a code in a text */\nexport interface Found {\n  /** as written */\n  code: string;\n"
                                         "  line: number;\n}\n\n")


def test_the_api_page_shows_the_version_of_the_package(site):
    assert f"<code>{release(ROOT).version}</code>" in (site / "api" / "index.html").read_text()


# ---------------------------------------------------------------------------------------------------
# The library, from the folder it is installed in
# ---------------------------------------------------------------------------------------------------


def test_decode_and_triage_equal_the_site_decoder_on_every_fixture_and_a_log(user, site_decoder):
    files = [*BOUNCES, LOG]
    done = node("""
import { readFileSync } from "node:fs";
import { decode, triage } from "smtp-codes";
const out = {};
for (const file of process.argv.slice(2)) {
  const bytes = readFileSync(file);
  out[file] = { result: decode(bytes), triage: triage(bytes) };
}
console.log(JSON.stringify(out));
""", user, *map(str, files))
    ours, site = json.loads(done.stdout), site_decoder(*files)
    assert len(ours) == len(files) > 200
    for file in map(str, files):
        assert ours[file]["result"] == site[file]["result"], file
        result = site[file]["result"]
        assert ours[file]["triage"] == {"kind": result["kind"], "records": len(result["recipients"]),
                                        "unreadable": result["unreadable"], **site[file]["groups"]}, file
    log = ours[str(LOG)]["triage"]
    assert log["kind"] == "log" and log["records"] == 14 and log["delivered"] == 5
    assert [(g["count"], g["action"], g["basic"], g["enhanced"], g["reason"]) for g in log["groups"][:2]] == [
        (3, "delayed", "421", "4.7.0", "bad-reputation"), (2, "delayed", None, "4.4.1", "network-failure")]


def test_explain_gives_the_record_the_site_publishes_for_every_code(user, site):
    site_codes = json.loads((site / "codes.json").read_text())["codes"]
    providers = json.loads((site / "providers.json").read_text())["providers"]
    class_less = {e["registry_code"] for e in site_codes if e["kind"] == "enhanced"}
    page_codes = {c["code"] for c in site_codes}
    vendor = {c["code"] for p in providers for c in p["codes"]} - page_codes
    unknown = ["599", "5.9.99", "NOT-A-TOKEN", "", "constructor", "__proto__", "X.constructor"]
    asked = [*page_codes, *class_less, *(c.lower() for c in class_less), *vendor, *unknown]
    done = node("""
import { explain } from "smtp-codes";
const codes = JSON.parse(process.argv[2]);
const first = explain("550");
first.title = "changed by a caller";
console.log(JSON.stringify({ records: Object.fromEntries(codes.map((c) => [c, explain(c)])), fresh: explain("550").title }));
""", user, json.dumps(asked))
    answer = json.loads(done.stdout)
    records = answer["records"]
    for code in page_codes:
        assert records[code] == json.loads((site / f"{code}.json").read_text()), code
    for code in class_less:
        # The class-less spelling is the page its address redirects to on the site.
        target = re.search(r'url=\.\./([^/"]+)/', (site / code / "index.html").read_text())[1]
        assert records[code] == records[code.lower()] == records[target], code
    for code in vendor:
        uses = [{"provider": p["id"], "vendor": p["name"], **c} for p in providers for c in p["codes"] if c["code"] == code]
        assert records[code] == {"kind": "vendor", "code": code, "uses": uses}, code
    assert all(records[code] is None for code in unknown)
    assert answer["fresh"] == records["550"]["title"]  # a caller's change does not reach the bundled data


TICKET = """Since Monday mail to finn@example.com bounces:
  550 5.7.1 Unfortunately, messages from [192.0.2.25] weren't sent (S3150). [AM4PEPF00027A5C.eurprd04.prod.outlook.com]
and Yahoo defers with 421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred.
Not codes: we waited 550 seconds on port 587 of 192.0.2.250, Exim 4.1.1, build 5.1.1.2.
<script>alert("x & y")</script> said: 552
    5.2.2 quota"""


def test_linkify_escapes_the_text_and_links_each_code_to_the_page_the_site_has(user, site):
    done = node("""
import { findCodes, linkify } from "smtp-codes";
const text = process.argv[2];
console.log(JSON.stringify({ html: linkify(text), codes: findCodes(text), based: linkify("550", { base: "https://tickets.example.com/kb" }),
  refused: (() => { try { linkify("550", { base: "javascript:alert(1)" }); return null; } catch (e) { return e.name; } })() }));
""", user, TICKET)
    answer = json.loads(done.stdout)
    page = answer["html"]
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x &amp; y&quot;)&lt;/script&gt;" in page
    assert html.unescape(re.sub(r"</?a[^>]*>", "", page)) == TICKET  # the text, all of it, and nothing else
    links = re.findall(r'<a href="([^"]+)" title="[^"]*">([^<]+)</a>', page)
    assert len(links) == page.count("<a ")
    assert [text for _, text in links] == ["550", "5.7.1", "S3150", "421", "4.7.0", "TSS04", "552", "5.2.2"]
    site_url = json.loads(node('import { siteUrl } from "smtp-codes"; console.log(JSON.stringify(siteUrl));', user).stdout)
    for url, text in links:
        assert url.startswith(site_url), url
        path, _, anchor = url.removeprefix(site_url).partition("#")
        built = (site / path / "index.html").read_text()
        assert not anchor or f'id="{anchor}"' in built, url
    assert dict((text, url.removeprefix(site_url)) for url, text in links)["S3150"] == "providers/outlook-com/#S3150"
    for code in answer["codes"]:
        assert TICKET[code["start"]:code["end"]].upper() == code["code"].upper(), code
    assert answer["based"] == '<a href="https://tickets.example.com/kb/550/" title="Requested action not taken: mailbox unavailable">550</a>'
    assert answer["refused"] == "TypeError"


def test_the_library_runs_in_a_browser_as_it_is_installed(user, page):
    """A browser extension or a ticket system's page loads the same modules, with no build step."""
    use = (f"({{ decode, explain, linkify }}) => ({{ html: linkify({json.dumps(TICKET)}), "
           f"kind: decode({json.dumps(REPLY)}).kind, code: explain('X.7.1').code }})")
    in_node = json.loads(node(f'import * as smtp from "smtp-codes";\nconsole.log(JSON.stringify(({use})(smtp)));', user).stdout)
    with serve(user / "node_modules" / "smtp-codes") as base:
        page.goto(f"{base}/package.json")
        in_browser = page.evaluate(f"async (base) => ({use})(await import(base + '/index.js'))", base)
    assert in_browser == in_node and in_browser["kind"] == "reply" and in_browser["code"] == "5.7.1"


def test_the_types_declare_every_export_and_the_keys_the_functions_return(user, tarball):
    types = {name: (user / "node_modules" / "smtp-codes" / name).read_text() for name in ("index.d.ts", "types.d.ts")}
    done = node("""
import * as smtp from "smtp-codes";
import { readFileSync } from "node:fs";
const log = smtp.triage(readFileSync("mail.log"));
const result = smtp.decode(readFileSync("bounce.eml"));
console.log(JSON.stringify({ exports: Object.keys(smtp), result: Object.keys(result), recipient: Object.keys(result.recipients[0]),
  triage: Object.keys(log), group: Object.keys(log.groups[0]), found: Object.keys(smtp.findCodes("550")[0]) }));
""", user)
    keys = json.loads(done.stdout)
    declared = set(re.findall(r"^export (?:function|const) (\w+)", types["index.d.ts"], re.M))
    assert declared == set(keys["exports"])

    def members(source: str, name: str) -> set[str]:
        body = re.search(rf"export interface {name} \{{(.*?)\n\}}", source, re.S)[1]
        return set(re.findall(r"^  (\w+)\??:", body, re.M))
    assert members(types["types.d.ts"], "DecodeResult") == set(keys["result"])
    assert members(types["types.d.ts"], "Recipient") == set(keys["recipient"])
    assert members(types["index.d.ts"], "Triage") == set(keys["triage"])
    assert members(types["index.d.ts"], "TriageGroup") == set(keys["group"])
    assert members(types["index.d.ts"], "FoundCode") == set(keys["found"])
    assert "export type ApiCode = " in types["types.d.ts"] and "kind: \"enhanced\";" in types["types.d.ts"]


# ---------------------------------------------------------------------------------------------------
# The command line, as an admin runs it
# ---------------------------------------------------------------------------------------------------


def test_the_cli_prints_what_the_library_and_the_site_say(user, site, site_decoder):
    for code in ("550", "5.1.1"):
        done = cli(user, code, "--json")
        assert done.returncode == 0 and json.loads(done.stdout) == json.loads((site / f"{code}.json").read_text())
    site_says = site_decoder(BOUNCE, LOG)
    bounce = cli(user, "decode", "bounce.eml", "--json")
    assert bounce.returncode == 0 and json.loads(bounce.stdout) == site_says[str(BOUNCE)]["result"]
    reply = cli(user, "decode", "-", "--json", input=REPLY)
    (user / "reply.txt").write_text(REPLY)
    assert reply.returncode == 0 and json.loads(reply.stdout) == site_decoder(user / "reply.txt")[str(user / "reply.txt")]["result"]
    log = cli(user, "triage", "mail.log", "--json")
    assert log.returncode == 0 and json.loads(log.stdout)["groups"] == site_says[str(LOG)]["groups"]["groups"]
    packed = cli(user, "triage", "-", "--json", input=gzip.compress(LOG.read_bytes()))  # a rotated log, as it lies
    assert packed.returncode == 0 and json.loads(packed.stdout) == json.loads(log.stdout)


def test_the_cli_reads_bounces_and_logs_for_people(user):
    bounce = cli(user, "decode", "bounce.eml")
    assert bounce.returncode == 0 and "\x1b" not in bounce.stdout  # no colour into a pipe
    for line in ("failed", "Why", "Pages"):
        assert re.search(rf"^  {line}\b", bounce.stdout, re.M), line
    triage = cli(user, "triage", "mail.log")
    assert triage.returncode == 0
    assert re.search(r"^Count +Action +Codes +Reason +Domains +First +Last$", triage.stdout, re.M), triage.stdout
    assert re.search(r"^ +3 +delayed +421 4\.7\.0 +bad-reputation +example\.com 3 ", triage.stdout, re.M), triage.stdout
    assert "symptoms/bad-reputation/" in triage.stdout
    assert cli(user, "decode", "mail.log").stdout == triage.stdout  # a log decoded is its triage
    explained = cli(user, "5.7.708")
    assert explained.returncode == 0 and "providers/microsoft-365/#5.7.708" in explained.stdout


def in_terminal(user: Path, *args: str, env: dict | None = None, typed: str | None = None) -> str:
    """What the CLI writes to a terminal (a pseudo-terminal: stdout is a TTY); with `typed`, what
    someone types there too (stdin and stderr are the terminal as well; the terminal echoes it)."""
    leader, follower = pty.openpty()
    terminal = {"stdin": follower, "stderr": follower} if typed is not None else {"stderr": subprocess.DEVNULL}
    process = subprocess.Popen([str(user / "node_modules" / ".bin" / "smtp-codes"), *args], cwd=user, stdout=follower,
                               env={**os.environ, "TERM": "xterm", **(env or {})}, **terminal)
    os.close(follower)
    if typed is not None:
        os.write(leader, typed.encode())
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_the_cli_uses_colour_only_on_a_terminal_that_wants_it(user):
    assert "\x1b[31mfailed" in in_terminal(user, "decode", "bounce.eml")
    assert "\x1b" not in in_terminal(user, "decode", "bounce.eml", env={"NO_COLOR": "1"})


def test_the_cli_says_it_reads_what_is_pasted_at_a_terminal(user):
    shown = in_terminal(user, "decode", "-", env={"NO_COLOR": "1"}, typed=REPLY + "\n\x04")  # Ctrl-D ends the input
    assert "smtp-codes: reading what you paste; end it with Ctrl-D" in shown
    assert re.search(r"^A reply: 550 5\.1\.1 in reply to RCPT TO\.", shown.replace("\r\n", "\n"), re.M), shown
    assert "reading what you paste" not in cli(user, "decode", "-", input=REPLY).stderr  # not when it is piped in


@pytest.mark.parametrize("args, stdin, status", [
    (["550"], None, 0),
    (["550", "599"], None, 0),              # one known code is an answer
    (["599"], None, 1),                     # a code the data does not know
    (["decode", "-"], "Lunch at noon? The invoice is 550 EUR.", 1),  # a text that names no code
    (["triage", "-"], "hello world\n", 1),
    (["decode", "missing.eml"], None, 2),   # an unreadable file
    (["bounce.eml"], None, 2),              # a file named where a code goes
    (["decode"], None, 2),
    (["decode", "a.eml", "b.eml"], None, 2),
    (["--colour"], None, 2),                # an unknown option
    ([], None, 2),
])
def test_the_cli_exit_status_says_how_it_went(user, args, stdin, status):
    done = cli(user, *args, input=stdin if stdin is not None else "")
    assert done.returncode == status, (done.stdout, done.stderr)
    if status == 2:
        assert done.stdout == "" and done.stderr.startswith("smtp-codes: ") and done.stderr.count("\n") == 1, done.stderr
    if status == 1 and args[0] == "599":
        assert done.stdout == "" and "599" in done.stderr


# ---------------------------------------------------------------------------------------------------
# The documentation's examples, run from the installed package
# ---------------------------------------------------------------------------------------------------

FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.M | re.S)


def documented_examples() -> list[tuple[str, str, str, str]]:
    """(where, language, code, expected output) of each example in the package's sections: a
    `console` block is commands ("$ ...") and what they print; a `js` block is followed by a `text`
    block with what it prints."""
    examples = []
    for path, heading in DOCUMENTED.items():
        text = path.read_text()
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        blocks = list(FENCE.finditer(text[start:end if end != -1 else len(text)]))
        for i, block in enumerate(blocks):
            where = f"{path.name}: {block[2].splitlines()[0]}"
            if block[1] == "console":
                for command in re.split(r"^(?=\$ )", block[2], flags=re.M):
                    if command.strip():
                        first, _, output = command.partition("\n")
                        examples.append((where, "sh", first.removeprefix("$ "), output))
            elif block[1] == "js":
                assert i + 1 < len(blocks) and blocks[i + 1][1] == "text", f"{where}: a js example needs its output in a text block"
                examples.append((where, "js", block[2], blocks[i + 1][2]))
    return examples


def test_the_documentation_has_examples_of_the_cli_and_of_each_function():
    examples = documented_examples()
    commands = " ".join(code for _, kind, code, _ in examples if kind == "sh")
    scripts = " ".join(code for _, kind, code, _ in examples if kind == "js")
    for use in ("smtp-codes 550", "smtp-codes 5.1.1", "decode bounce.eml", "decode -", "triage mail.log", "--json"):
        assert use in commands, use
    for function in ("decode(", "explain(", "linkify(", "triage("):
        assert function in scripts, function
    assert {path.name for path in DOCUMENTED} == {where.split(":")[0] for where, *_ in examples}


@pytest.mark.parametrize("where, kind, code, expected", [pytest.param(*example, id=f"{example[0].split(':')[0]}-{i}")
                                                         for i, example in enumerate(documented_examples())])
def test_each_documented_example_prints_what_the_documentation_shows(user, where, kind, code, expected):
    env = {"PATH": f"{user / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}"}
    if kind == "sh":
        done = run(["bash", "-c", "exec 2>&1\n" + code], user, env=env)
        printed = done.stdout
    else:
        printed = node(code, user).stdout
    assert printed == expected, f"{where}\n--- documented\n{expected}--- printed\n{printed}"


def test_the_deploy_workflow_publishes_the_package_for_a_version_tag_only():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    assert "v*" in workflow[True]["push"]["tags"]  # YAML reads the key `on` as true
    publish = workflow["jobs"]["publish-package"]
    assert publish["if"] == "github.ref_type == 'tag'" and publish["needs"] == "build"
    assert workflow["jobs"]["deploy"]["if"] == "github.ref_type != 'tag'"  # a tag publishes no site
    checkout = next(step for step in publish["steps"] if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the version needs the data's whole history
    runs = "\n".join(step.get("run", "") for step in publish["steps"])
    assert "scripts/package --version" in runs and '"v$version"' in runs and "npm publish dist/smtp-codes-*.tgz" in runs
