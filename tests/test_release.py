"""The release practice (docs/releasing.md): CHANGELOG sections, package and ontology versions agree."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
from packaging.version import Version

from coopgraph import __version__, paths

REPO = Path(__file__).resolve().parent.parent
HEADING = re.compile(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", re.MULTILINE)


def _sections() -> list[tuple[str, str | None]]:
    return HEADING.findall((REPO / "CHANGELOG.md").read_text(encoding="utf-8"))


def _latest_release() -> str:
    return next(name for name, _ in _sections() if name != "Unreleased")


def test_changelog_has_unreleased_on_top_then_dated_releases():
    sections = _sections()
    assert sections[0] == ("Unreleased", "")
    released = sections[1:]
    assert released and all(date for _, date in released), "every release heading carries its date"
    versions = [Version(name) for name, _ in released]
    assert versions == sorted(versions, reverse=True), "newest release first"


def test_package_version_is_the_release_or_the_next_dev():
    latest, package = Version(_latest_release()), Version(__version__)
    assert package == latest or (package.is_devrelease and package > latest), (package, latest)


def test_ontology_header_carries_the_latest_release():
    graph = rdflib.Graph().parse(paths.ontology_dir() / "coopgraph.ttl")
    info = {str(o) for o in graph.objects(None, rdflib.OWL.versionInfo)}
    assert info == {_latest_release()}


def test_releasing_guide_lists_every_release():
    guide = (REPO / "docs" / "releasing.md").read_text(encoding="utf-8")
    for name, date in _sections()[1:]:
        assert re.search(rf"^\| {re.escape(name)} \| `[0-9a-f]{{7,40}}`.*\| {date} \|", guide, re.MULTILINE), name


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=60)


def test_the_named_release_commit_says_its_version():
    # The commit the guide names for each release holds that version in its package (the tag goes on it).
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")
    guide = (REPO / "docs" / "releasing.md").read_text(encoding="utf-8")
    for name, commit in re.findall(r"^\| (\d+\.\d+\.\d+) \| `([0-9a-f]{7,40})`", guide, re.MULTILINE):
        shown = _git("show", f"{commit}:src/coopgraph/__init__.py")
        if shown.returncode != 0:
            pytest.skip(f"commit {commit} is not in this clone's history (a shallow clone?)")
        assert f'__version__ = "{name}"' in shown.stdout
        tag = _git("rev-parse", "--verify", "--quiet", f"v{name}^{{commit}}")
        if tag.returncode == 0:  # a clone without tags has none to check
            assert tag.stdout.strip().startswith(commit) or _git("rev-parse", commit).stdout == tag.stdout
