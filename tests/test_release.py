"""The release number (hooks/release.py): the same for the same commit, larger after a change of
the data, unchanged by other commits, and never an error in a checkout that cannot tell exactly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from release import MARKER, fill_version, release

NUMBER = re.compile(r"1\.(\d{8})\.(0|[1-9]\d{0,5})")


def git(repo: Path, *args: str, when: str = "2026-12-01T08:00:00Z") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "Test",
           "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit(repo: Path, path: str, text: str, when: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"change {path}", when=when)


def order(version: str) -> tuple[int, ...]:
    return tuple(map(int, NUMBER.fullmatch(version).groups()))


@pytest.fixture()
def repo(tmp_path) -> Path:
    if not shutil.which("git"):
        pytest.skip("git is needed for release numbers")
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q")
    commit(repo, "data/codes.yaml", "codes: 1\n", "2026-12-01T00:05:12Z")
    return repo


def test_the_number_is_the_time_of_the_last_change_of_the_data(repo):
    first = release(repo)
    assert first.exact and first.version == "1.20261201.512"  # 00:05:12 UTC, without leading zeros
    commit(repo, "README.md", "prose\n", "2026-12-02T10:00:00Z")
    assert release(repo) == first  # not a change of what the package is made from
    commit(repo, "data/codes.yaml", "codes: 2\n", "2026-12-02T23:59:59Z")
    second = release(repo)
    assert second.exact and second.version == "1.20261202.235959" and order(second.version) > order(first.version)
    commit(repo, "docs/javascripts/decode.js", "// a decoder fix\n", "2026-12-03T09:30:00Z")
    assert order(release(repo).version) > order(second.version)  # a decoder fix can be published too


def test_uncommitted_changes_give_a_marked_number_of_their_own(repo):
    committed = release(repo).version
    (repo / "data" / "codes.yaml").write_text("codes: edited\n")
    edited = release(repo)
    (repo / "data" / "codes.yaml").write_text("codes: edited again\n")
    again = release(repo)
    assert not edited.exact and edited.version.startswith(committed + "-modified.h")
    assert again.version != edited.version and "uncommitted" in edited.why_not


def test_a_shallow_clone_builds_and_says_when_its_number_is_not_exact(repo, tmp_path):
    commit(repo, "data/codes.yaml", "codes: 2\n", "2026-12-02T12:00:00Z")
    commit(repo, "README.md", "prose\n", "2026-12-03T12:00:00Z")
    full = release(repo)
    deep = tmp_path / "deep"
    git(tmp_path, "clone", "-q", "--depth", "3", f"file://{repo}", str(deep))
    assert release(deep) == full  # the last change of the data is inside its history
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    cut = release(shallow)
    assert not cut.exact and "shallow" in cut.why_not and order(cut.version) >= order(full.version)


def test_a_copy_without_history_builds_with_an_unreleased_number(tmp_path):
    copy = tmp_path / "copy"
    (copy / "data").mkdir(parents=True)
    (copy / "data" / "codes.yaml").write_text("codes: 1\n")
    first = release(copy)
    (copy / "data" / "codes.yaml").write_text("codes: 2\n")
    assert not first.exact and first.version.startswith("1.0.0-unreleased.h")
    assert release(copy).version != first.version


def test_pages_get_the_number_where_they_ask_for_it():
    assert fill_version(f"Version `{MARKER}` of the data.", "1.20261201.512") == "Version `1.20261201.512` of the data."
