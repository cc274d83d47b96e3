"""Each kind of bad data stops loading with one clear message naming the file, the line and the code.

The cases mutate one file of a small, valid data folder (tests/fixtures/minimal) copied into a
temporary folder: codes.yaml, guides.yaml, formats.yaml or providers/example-mail.yaml."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, build_site
from data_yaml import DataError
from loader import load

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
CODES, GUIDES, PROVIDER = "codes.yaml", "guides.yaml", "providers/example-mail.yaml"


def line_of(text: str, needle: str, nth: int = 1) -> int:
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    return text.count("\n", 0, starts[nth - 1]) + 1


def replace_once(old: str, new: str):
    def mutate(text: str) -> str:
        assert text.count(old) == 1, f"fixture must contain {old!r} exactly once"
        return text.replace(old, new)
    return mutate


CODE_550 = '  - code: "550"'
CODE_451 = '  - code: "451"'
CODE_X11 = "  - code: X.1.1"
REPLY = '    reply: "550 5.1.1 <bob@example.org>: User unknown"'
VENDOR = '  - code: "5.7.708"'
GUIDE = "  - id: unknown-recipient"

# (id, file, mutation, expected words, code named, (needle whose line is reported, nth occurrence))
CASES = [
    ("syntax-error", CODES, replace_once("title: Bad destination mailbox address", "title: [unclosed"),
     "YAML syntax error", None, ("associated:", 1)),
    ("tab-indentation", CODES, replace_once("    detail: A detail.\n    causes: [A typo.]", "    detail: A detail.\n\tcauses: [A typo.]"),
     "YAML syntax error", None, ("\tcauses", 1)),
    ("duplicate-key", CODES, replace_once("    meaning: The mailbox cannot be used.\n", "    meaning: The mailbox cannot be used.\n    meaning: Again.\n"),
     "duplicate key 'meaning'", "550", ("meaning: Again.", 1)),
    ("duplicate-code", CODES, replace_once(CODE_451, CODE_550),
     "duplicate basic code; first defined on line", "550", (CODE_550, 2)),
    ("unknown-field", CODES, replace_once("    detail: A detail.\n    causes: [No such user.]", "    detail: A detail.\n    colour: red\n    causes: [No such user.]"),
     "unknown field 'colour'", "550", (CODE_550, 1)),
    ("missing-field", CODES, replace_once("    admin: Check the user.\n", ""),
     "missing field 'admin'", "550", (CODE_550, 1)),
    ("keys-out-of-order", CODES, replace_once("    meaning: A local error.\n    detail: A detail.\n", "    detail: A detail.\n    meaning: A local error.\n"),
     "field 'detail' is out of order", "451", (CODE_451, 1)),
    ("wrong-type", CODES, replace_once("causes: [No such user.]", "causes: No such user."),
     "field 'causes' must be a list of texts", "550", (CODE_550, 1)),
    ("wrong-type-classes", CODES, replace_once("classes: [4, 5]", 'classes: ["4", "5"]'),
     "field 'classes' must be a list of integers", "X.1.1", (CODE_X11, 1)),
    ("empty-text", CODES, replace_once('text: "Requested action not taken: mailbox unavailable"', 'text: ""'),
     "field 'text' is empty or a placeholder", "550", (CODE_550, 1)),
    ("placeholder", CODES, replace_once("meaning: A local error.", "meaning: TODO"),
     "field 'meaning' is empty or a placeholder", "451", (CODE_451, 1)),
    ("basic-first-digit", CODES, replace_once(CODE_451, '  - code: "651"'),
     "first 2-5, second 0-5", "651", ('  - code: "651"', 1)),
    ("basic-second-digit", CODES, replace_once(CODE_451, '  - code: "461"'),
     "first 2-5, second 0-5", "461", ('  - code: "461"', 1)),
    ("basic-not-three-digits", CODES, replace_once(CODE_451, '  - code: "4510"'),
     "three digits", "4510", ('  - code: "4510"', 1)),
    ("enhanced-leading-zero", CODES, replace_once(CODE_X11, "  - code: X.01.1"),
     "no leading zeros", "X.01.1", ("  - code: X.01.1", 1)),
    ("enhanced-class-3", CODES, replace_once("classes: [4, 5]", "classes: [3, 5]"),
     "classes must be a sorted list drawn from 2, 4 and 5", "X.1.1", (CODE_X11, 1)),
    ("class-disagrees-with-basic-code", CODES, replace_once("classes: [4, 5]", "classes: [5]"),
     "associated basic code 451 has class 4, which is not in classes [5]", "X.1.1", (CODE_X11, 1)),
    ("dangling-related-code", CODES, replace_once('related: ["451"]', 'related: ["421"]'),
     "related code '421' is not another basic code", "550", (CODE_550, 1)),
    ("dangling-associated-code", CODES, replace_once('associated: "451, 550"', 'associated: "451, 552"'),
     "associated basic code '552' is not in basic_codes", "X.1.1", (CODE_X11, 1)),
    ("unknown-command", CODES, replace_once("commands: [RCPT]", "commands: [RCTP]"),
     "unknown command 'RCTP'", "550", (CODE_550, 1)),
    ("bad-source", CODES, replace_once("source: RFC 5321 §4.2.3\n    commands: [RCPT]", "source: the internet\n    commands: [RCPT]"),
     "source 'the internet' is not", "550", (CODE_550, 1)),
    ("unknown-subject", CODES, replace_once(CODE_X11, "  - code: X.9.1"),
     "subject 9 is not one of the enhanced_subjects", "X.9.1", ("  - code: X.9.1", 1)),
    ("list-as-key", CODES, replace_once("    meaning: A local error.\n", "    meaning: A local error.\n    ? [a, b]\n    : 1\n"),
     "a mapping key must be a plain value", "451", ("? [a, b]", 1)),
    ("item-not-a-mapping", CODES, replace_once("basic_codes:\n", 'basic_codes:\n  - "421"\n'),
     "each basic code must be a mapping of fields, not '421'", None, ('  - "421"', 1)),
    ("extension-not-a-mapping", CODES, replace_once("    commands: [RCPT]\n", "    commands: [RCPT]\n    extensions: [SIZE]\n"),
     "each extension of code 550 must be a mapping of fields, not 'SIZE'", None, ("extensions: [SIZE]", 1)),
    ("duplicate-class", CODES, replace_once("  - class: 4\n", "  - class: 2\n"),
     "class 2 is listed twice", None, ("  - class: 2", 2)),
    ("duplicate-subject", CODES, replace_once("enhanced_subjects:\n", "enhanced_subjects:\n  - subject: 1\n    title: Again\n    meaning: Again.\n    source: RFC 3463 §3.2\n"),
     "subject 1 is listed twice", None, ("  - subject: 1", 2)),
    ("code-in-prose-unknown", CODES, replace_once("    detail: A detail.\n    causes: [No such user.]", "    detail: As `5.9.1` says.\n    causes: [No such user.]"),
     "field 'detail' mentions `5.9.1`", "550", (CODE_550, 1)),
    ("verdict-of-no-guide", "formats.yaml", replace_once("  drop: [unknown-recipient]", "  drop: [no-such-guide]"),
     "log_verdicts names 'no-such-guide', which is not the id of a guide", None, ("report_phrases:", 1)),
]


def folder_with(tmp_path: Path, name: str, mutate) -> tuple[Path, str]:
    """A copy of the minimal data folder with one file mutated; (that file, its new text)."""
    folder = tmp_path / "data"
    shutil.copytree(MINIMAL, folder)
    path = folder / name
    text = mutate(path.read_text())
    path.write_text(text)
    return path, text


@pytest.mark.parametrize("name, mutate, words, code, where", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_data_is_rejected_with_file_line_and_code(tmp_path, name, mutate, words, code, where):
    path, text = folder_with(tmp_path, name, mutate)
    with pytest.raises(DataError) as caught:
        load(tmp_path / "data")
    message = str(caught.value)
    assert message.startswith(f"{path}:{line_of(text, *where)}:"), message
    assert words in message
    if code:
        assert f"code {code}:" in message
    assert "\n" not in message


def test_minimal_fixture_is_valid():
    catalog = load(MINIMAL)
    assert list(catalog.basic) == ["550", "451"]
    assert catalog.enhanced["X.1.1"].association.codes == ("451", "550")
    reply = catalog.providers["example-mail"].replies[0]
    assert (reply.basic, reply.enhanced) == ("550", "5.1.1")
    assert catalog.guide_replies(catalog.guides["unknown-recipient"]) == [(catalog.providers["example-mail"], reply)]


def test_non_utf8_bytes_are_rejected(tmp_path):
    path, text = folder_with(tmp_path, CODES, lambda text: text)
    path.write_bytes(text.encode().replace(b"A local error.", b"A local \xff error."))
    with pytest.raises(DataError, match=rf"^{re.escape(str(path))}:{line_of(text, 'A local error.')}: not valid UTF-8 \(byte 0xff\)"):
        load(tmp_path / "data")


def test_a_control_character_is_rejected_with_its_line(tmp_path):
    path, text = folder_with(tmp_path, CODES, replace_once("A local error.", "A local \x00 error."))
    with pytest.raises(DataError, match=rf"^{re.escape(str(path))}:{line_of(text, 'A local')}: YAML syntax error"):
        load(tmp_path / "data")


def test_a_missing_file_is_named(tmp_path):
    path, _ = folder_with(tmp_path, GUIDES, lambda text: text)
    path.unlink()
    with pytest.raises(DataError, match=rf"^{re.escape(str(path))}: cannot be read: No such file"):
        load(tmp_path / "data")


def test_a_huge_file_is_rejected_before_parsing(tmp_path):
    path, _ = folder_with(tmp_path, CODES, lambda text: text + "# padding\n" * 600_000)
    with pytest.raises(DataError, match=rf"^{re.escape(str(path))}: is \d+\.\d MB, over the 5 MB limit"):
        load(tmp_path / "data")


@pytest.mark.parametrize("content", ["", "- just\n- a list\n"], ids=["empty-file", "not-a-mapping"])
def test_file_that_is_not_a_mapping_is_rejected(tmp_path, content):
    path, _ = folder_with(tmp_path, PROVIDER, lambda text: content)
    with pytest.raises(DataError, match=rf"^{re.escape(str(path))}:1: the file must be a mapping"):
        load(tmp_path / "data")


def test_build_stops_with_one_line_and_no_traceback(tmp_path):
    project = tmp_path / "project"
    for part in ("docs", "hooks", "overrides", "data"):
        shutil.copytree(ROOT / part, project / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", project)
    data = project / "data" / "codes.yaml"
    data.write_text(data.read_text().replace('  - code: "421"', '  - code: "621"', 1))

    result = build_site(project, tmp_path / "site")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert re.search(r"Bad data: .*codes\.yaml:\d+: code 621: a basic code is three digits", result.stderr), result.stderr
