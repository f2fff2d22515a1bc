"""Shared fixtures: the shipped graph, loaded once per session, and a runner for the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coopgraph import paths
from coopgraph.graph import open_graph
from coopgraph.load import LoadedGraph

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Persistent stores and HermiT verdicts go to a folder of this test session, never the user's cache
    (CLI runs inherit it through the environment)."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("COOPGRAPH_CACHE")
    os.environ["COOPGRAPH_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("COOPGRAPH_CACHE", None)
    else:
        os.environ["COOPGRAPH_CACHE"] = before


@pytest.fixture(scope="session")
def shipped_graph() -> LoadedGraph:
    """The shipped ontology and data with the derivation rules applied (do not modify it)."""
    return open_graph(paths.ontology_dir(), paths.data_dir())


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `coopgraph ARGS` as a separate process, the way a person does."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-c", "from coopgraph.cli import main; main()", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout, env=env,
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 1 MiB tmpfs (needs root): a full disk, not a pretend one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
