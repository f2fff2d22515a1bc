"""The remote backend against a real Virtuoso: digest credentials, a named graph, its silent row cap, its errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fixtures import servers
from fixtures.messages import problem_lines

from coopgraph.errors import LIMIT_ERROR, REMOTE_ERROR

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _cli(*args: str, stdin: str = COUNT, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COOPGRAPH_USER")
             and not k.startswith("COOPGRAPH_PASSWORD")}
    return subprocess.run([sys.executable, "-m", "coopgraph", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env={**clean, "HOME": os.environ.get("HOME", "/root"), **env})


def test_digest_credentials_from_the_environment_read_the_named_graph(virtuoso: servers.Virtuoso,
                                                                      shipped_graph) -> None:  # noqa: ANN001
    auth = virtuoso.sparql + "-auth"  # Virtuoso's /sparql-auth asks for HTTP digest
    denied = _cli("query", "-", "--endpoint", auth, "--graph", servers.GRAPH_IRI, HOME="/nonexistent")
    assert denied.returncode == REMOTE_ERROR
    (line,) = problem_lines(denied.stderr)
    assert "asks for credentials" in line
    allowed = _cli("query", "-", "--endpoint", auth, "--graph", servers.GRAPH_IRI, "--format", "csv",
                   COOPGRAPH_USER="dba", COOPGRAPH_PASSWORD="dba")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.splitlines()[1] == str(len(shipped_graph))
    assert "dba" not in allowed.stderr


def test_info_and_a_catalogue_query_read_only_the_named_graph(virtuoso: servers.Virtuoso, shipped_graph) -> None:  # noqa: ANN001
    info = _cli("info", "--endpoint", virtuoso.sparql, "--graph", servers.GRAPH_IRI)
    assert info.returncode == 0, info.stderr
    assert info.stdout.startswith(f"{len(shipped_graph)} triples")  # not Virtuoso's system graphs too


def test_virtuosos_silent_row_cap_is_a_limit(tmp_path: Path, shipped_ntriples: Path) -> None:
    with servers.virtuoso_server(tmp_path / "capped", shipped_ntriples, restart=False, max_rows=100) as capped:
        result = _cli("query", "-", "--endpoint", capped.sparql, "--graph", servers.GRAPH_IRI,
                      stdin="SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert result.returncode == LIMIT_ERROR, result.stderr
    (line,) = problem_lines(result.stderr)
    assert "capped its answer at 100 rows" in line


def test_a_push_virtuoso_refuses_gives_its_reason_in_one_line(virtuoso: servers.Virtuoso, tmp_path: Path) -> None:
    graph_file = tmp_path / "one.nt"
    graph_file.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n",
                          encoding="utf-8")
    store = f"http://127.0.0.1:{virtuoso.http_port}/sparql-graph-crud-auth"
    result = _cli("push", "--endpoint", store, "--file", str(graph_file), COOPGRAPH_USER="dba",
                  COOPGRAPH_PASSWORD="dba")  # no --graph: Virtuoso has no default graph to replace
    assert result.returncode == REMOTE_ERROR
    (line,) = problem_lines(result.stderr)
    assert "<html" not in line.lower() and "answered HTTP" in line and "default" in line.lower(), line
    pushed = _cli("push", "--endpoint", store, "--graph", "https://w3id.org/coopgraph/graph/pushed", "--file",
                  str(graph_file), COOPGRAPH_USER="dba", COOPGRAPH_PASSWORD="dba")
    assert pushed.returncode == 0 and "HTTP 20" in pushed.stdout, pushed.stderr
