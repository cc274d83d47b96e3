"""The release number of the data and the decoder: the npm package's version, shown on /api/ too.

MAJOR.MINOR.PATCH is API_VERSION . YYYYMMDD . HHMMSS of the UTC time of the last commit that
changed what the package is made from (RELEASE_PATHS: the data first of all, and the decoder and
builders that turn it into the package, so that a decoder fix can be published too). The same
commit gives the same number on every machine, and a later change gives a larger one; no file
stores it, so nothing has to be bumped by hand. HHMMSS is written as a number (00:05:12 is 512):
semver allows no leading zeros.

Some checkouts cannot tell that time exactly. The number is still made, never an error, and marked
`exact=False`, which the package build reports and the publish job refuses:
  - uncommitted changes there: the committed number with `-modified.h<digest>` (a prerelease);
  - a shallow clone whose oldest commit is the last one found: the change may be older, so the
    number is only an upper bound (the publish job fetches the whole history);
  - no git history at all (an exported copy): `MAJOR.0.0-unreleased.h<digest>`.
The digest is of the files themselves, so different contents never share a number.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from api import API_VERSION

RELEASE_PATHS = ("data", "docs/javascripts", "hooks", "package", "schema")
MARKER = "<!-- smtp:release_version -->"


@dataclass(frozen=True)
class Release:
    version: str
    exact: bool
    why_not: str = ""  # what kept the number from being exact


def _git(root: Path, *args: str) -> str | None:
    """Git's answer in root, or None where there is no git or no repository."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for name in RELEASE_PATHS for p in (root / name).rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return "h" + digest.hexdigest()[:12]  # a letter first: a digits-only part may not start with 0


def _is_shallow_boundary(root: Path, commit: str) -> bool:
    if _git(root, "rev-parse", "--is-shallow-repository") != "true":
        return False
    shallow = _git(root, "rev-parse", "--git-path", "shallow")
    path = Path(shallow) if shallow else None
    if path is not None and not path.is_absolute():
        path = root / path
    return path is None or not path.is_file() or commit in path.read_text().split()


def release(root: Path) -> Release:
    """The release number of the checkout at root."""
    last = _git(root, "log", "-1", "--format=%H %ct", "--", *RELEASE_PATHS)
    if not last:
        return Release(f"{API_VERSION}.0.0-unreleased.{_digest(root)}", False, "no git history")
    commit, seconds = last.split()
    when = datetime.fromtimestamp(int(seconds), timezone.utc)
    version = f"{API_VERSION}.{when:%Y%m%d}.{int(when.strftime('%H%M%S'))}"
    if _git(root, "status", "--porcelain", "--", *RELEASE_PATHS):
        return Release(f"{version}-modified.{_digest(root)}", False, "uncommitted changes in " + ", ".join(RELEASE_PATHS))
    if _is_shallow_boundary(root, commit):
        return Release(version, False, "a shallow clone: the last change may be older than its oldest commit")
    return Release(version, True)


def fill_version(markdown: str, version: str) -> str:
    """A hand-written page with the release number where it has the marker."""
    return markdown.replace(MARKER, version)
