"""The README's tour, run as written: every command in its code blocks, in a temporary clone of the project.

What is not run, and why:
- `coopgraph serve` serves until it is stopped (tests/test_serve.py runs it against real clients);
- `coopgraph push --endpoint http://HOST:PORT/store` and `coopgraph query ... --endpoint http://HOST:PORT/query`
  need a remote store, which HOST:PORT stands for (tests/test_remote.py runs both against a real Oxigraph server).
- in the Python block, the line that asks `Remote("http://127.0.0.1:7878/query")`: it needs `coopgraph serve`
  running (tests/test_remote.py runs Remote against a real server); the block's other lines run.
The two install commands of "Two commands" are not run either (they build a virtual environment and download
packages: `.ci/run` runs command 2 on a clean clone); their `coopgraph build` is, first, as a newcomer would.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SKIPPED = {
    "coopgraph serve": "serves until stopped",
    "--endpoint http://HOST:PORT": "needs a remote store at HOST:PORT",
}
# Commands the README itself says exit non-zero, with what they must say.
EXPECTED_FAILURES = {
    "coopgraph import out/rows.csv --kind agency": (1, "template's example row"),
}
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "out", "__pycache__", ".pytest_cache", ".ruff_cache",
                                    ".hypothesis", "*.egg-info", "build", "dist")


def tour_blocks(readme: str) -> list[tuple[str, str]]:
    """(language, text) of each sh and python code block of the section "A short tour"."""
    section = readme.split("\n## A short tour", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```(sh|python)\n(.*?)^```", section, re.MULTILINE | re.DOTALL)


def tour_commands(readme: str) -> list[str]:
    commands = []
    for language, text in tour_blocks(readme):
        if language == "sh":
            commands += [line.strip() for line in text.splitlines()
                         if line.strip() and not line.lstrip().startswith("#")]
    return commands


def _skip_reason(command: str) -> str | None:
    return next((why for marker, why in SKIPPED.items() if marker in command), None)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A clone of the repository with the working tree's files on top, and a `coopgraph` command on PATH."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("tour")
    folder = root / "coopgraph"
    cloned = subprocess.run(["git", "clone", "--quiet", str(REPO), str(folder)], capture_output=True, text=True,
                            timeout=300)
    if cloned.returncode != 0:
        pytest.skip(f"cannot clone {REPO}: {cloned.stderr.strip()}")
    shutil.copytree(REPO, folder, ignore=NOT_COPIED, dirs_exist_ok=True)  # uncommitted work is tested too
    _ensure_release_tag(folder)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    script = bin_dir / "coopgraph"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "from coopgraph.cli import main; main()" "$@"\n',
                      encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


def _ensure_release_tag(folder: Path) -> None:
    """The tag the tour's `diff` names, in the clone only: a clone made without tags gets it from the guide."""
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60)

    if git("rev-parse", "--verify", "--quiet", "v0.1.0^{commit}").returncode == 0:
        return
    guide = (folder / "docs" / "releasing.md").read_text(encoding="utf-8")
    commit = re.search(r"^\| 0\.1\.0 \| `([0-9a-f]{7,40})`", guide, re.MULTILINE)
    if commit and git("rev-parse", "--verify", "--quiet", f"{commit.group(1)}^{{commit}}").returncode == 0:
        git("-c", "user.name=test", "-c", "user.email=test@localhost", "tag", "v0.1.0", commit.group(1))


def _environment(clone: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COOPGRAPH_")}
    env["PATH"] = f"{clone.parent / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(clone / "src")  # the clone's code, ontology, data and queries
    env["COOPGRAPH_CACHE"] = str(clone.parent / "cache")
    env["PYTHONWARNINGS"] = "ignore"
    return env


def _run(command: str, clone: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=clone, env=_environment(clone), capture_output=True,
                          text=True, timeout=600)


def test_the_tour_is_found():
    commands = tour_commands((REPO / "README.md").read_text(encoding="utf-8"))
    assert any(c.startswith("coopgraph query mechanism-members") for c in commands)
    assert any(c.startswith("coopgraph diff v0.1.0 HEAD") for c in commands)
    assert sum(1 for c in commands if _skip_reason(c)) == 3  # serve, push, query --endpoint
    python = [text for language, text in tour_blocks((REPO / "README.md").read_text(encoding="utf-8"))
              if language == "python"]
    assert python and all(text.count('Remote("http') <= 1 for text in python)


def test_the_tour_runs_as_written(clone):
    readme = (clone / "README.md").read_text(encoding="utf-8")
    top_level = {p.name for p in clone.iterdir()}
    data_before = {p: p.read_bytes() for p in sorted((clone / "data").rglob("*")) if p.is_file()}

    build = _run("coopgraph build", clone)  # command 1's main job: the tour starts from its out/
    assert build.returncode == 0, build.stderr[-3000:]
    failures = []
    for command in tour_commands(readme):
        if _skip_reason(command):
            continue
        if "coopgraph diff v0.1.0" in command and subprocess.run(
                ["git", "rev-parse", "--verify", "--quiet", "v0.1.0"], cwd=clone, capture_output=True).returncode:
            continue  # a shallow clone without the release commit (docs/releasing.md names it)
        result = _run(command, clone)
        expected = next((want for start, want in EXPECTED_FAILURES.items() if command.startswith(start)), None)
        code, words = expected or (0, "")
        if result.returncode != code or words not in result.stdout + result.stderr:
            failures.append(f"{command}\n  exit {result.returncode} (expected {code})\n  {result.stderr[-1500:]}")
    for language, text in tour_blocks(readme):
        if language == "python":
            text = "\n".join(line for line in text.splitlines() if 'Remote("http' not in line)
            result = subprocess.run([sys.executable, "-c", text], cwd=clone, env=_environment(clone),
                                    capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                failures.append(f"python block\n  {result.stderr[-1500:]}")
    assert failures == [], "\n".join(failures)

    # The tour's files are under out/; nothing lands in the project folder, and the data are as they were.
    assert {p.name for p in clone.iterdir()} - top_level == {"out"}
    assert {"canada.html", "coop.gexf", "rows.csv", "inferred.ttl"} <= {p.name for p in (clone / "out").iterdir()}
    assert {p: p.read_bytes() for p in sorted((clone / "data").rglob("*")) if p.is_file()} == data_before
