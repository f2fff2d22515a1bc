"""Shared fixtures: the shipped graph, loaded once per session, a runner for the real CLI, and real SPARQL engines
(Oxigraph's server, Virtuoso, Jena ARQ: tests/fixtures/servers.py) holding the shipped graph."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fixtures import servers

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


def require_engine(available: bool, what: str) -> None:
    """Skip a test whose engine's package is not installed here; in CI (CI=true) that is a failure instead."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed, and CI must run the parity tests (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="session")
def shipped_ntriples(shipped_graph: LoadedGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped graph as coopgraph builds it (derived triples included), as N-Triples: what push sends."""
    path = tmp_path_factory.mktemp("shipped") / "graph.nt"
    shipped_graph.store.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return path


@pytest.fixture(scope="session")
def oxigraph_endpoint(shipped_ntriples: Path) -> Iterator[str]:
    """A real `oxigraph serve` holding the shipped graph in its default graph; yields its query endpoint."""
    from coopgraph.push import push
    from coopgraph.serve import server_binary

    with servers.oxigraph_server(server_binary()) as base:
        push(shipped_ntriples.read_bytes(), base + "/store")
        yield base + "/query"


@pytest.fixture(scope="session")
def virtuoso(shipped_ntriples: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.Virtuoso]:
    """Virtuoso from a fresh database in a temp folder, on loopback ports, with the shipped graph in a named graph."""
    require_engine(servers.virtuoso_available(), "Virtuoso (Debian package virtuoso-opensource-7-bin)")
    with servers.virtuoso_server(tmp_path_factory.mktemp("virtuoso"), shipped_ntriples) as server:
        yield server


@pytest.fixture(scope="session")
def jena_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The classpath that runs Jena ARQ from Debian's jars (see tests/fixtures/servers.py)."""
    require_engine(servers.jena_available(), "Jena ARQ (Debian package libapache-jena-java, and java)")
    return servers.jena_classpath(tmp_path_factory.mktemp("jena"))


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


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project of its own (the marker file, a copy of the ontology, the network fixture's data) and a
    private cache: for tests that edit inputs and watch the persistent store."""
    root = tmp_path / "project"
    shutil.copytree(paths.ontology_dir(), root / "ontology")
    shutil.copytree(REPO / "tests" / "fixtures" / "network" / "data", root / "data")
    (root / paths.MARKER).write_text("", encoding="utf-8")
    monkeypatch.setenv("COOPGRAPH_CACHE", str(tmp_path / "cache"))
    return root
