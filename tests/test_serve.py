"""`coopgraph serve`: a real Oxigraph read-only server behind our proxy answers the SPARQL protocol, refuses
updates and SERVICE, and ends every answer at its timeout."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.http import free_port, local_server, recorder, wait_until_up

from coopgraph.backend import Remote
from coopgraph.errors import LIMIT_ERROR, CoopgraphError
from coopgraph.serve import server_command

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # hours, unless stopped
FIXTURE = str(Path(__file__).parent / "fixtures" / "catalogue" / "data")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    out = tmp_path_factory.mktemp("serve")
    process = subprocess.Popen(
        [sys.executable, "-m", "coopgraph", "serve", "--port", str(port), "--out", str(out), "--data", FIXTURE,
         "--timeout", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process, seconds=60)
        yield base
    finally:
        os.kill(process.pid, signal.SIGTERM)  # coopgraph stops its proxy and the oxigraph server
        process.wait(timeout=10)


def post(url: str, data: dict[str, str], accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), method="POST",
                                     headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_answers_a_protocol_query(served: str) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/coopgraph/ontology#TaskForce> }"
    status, body = post(served + "/query", {"query": query})
    assert status == 200
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == 2
    curl = subprocess.run(["curl", "-s", "-H", "Accept: text/csv", "--data-urlencode",
                           "query=ASK { ?s ?p ?o }", served + "/query"], capture_output=True, text=True, timeout=30)
    assert curl.stdout.strip().lower().endswith("true")


def test_refuses_updates(served: str) -> None:
    status, _ = post(served + "/update", {"update": "DROP ALL"})
    assert status == 403
    status, _ = post(served + "/query", {"query": "ASK { ?s ?p ?o }"})
    assert status == 200  # still all there


def test_query_page_at_root(served: str) -> None:
    with urllib.request.urlopen(served + "/", timeout=30) as response:
        assert response.status == 200
        assert b"<html" in response.read().lower()


def test_server_timeout_stops_a_runaway_query(served: str) -> None:
    started = time.monotonic()
    status, body = post(served + "/query", {"query": SLOW})
    assert time.monotonic() - started < 20
    # Oxigraph has sent 200 and the start of the results when it cancels: the body ends with its message
    assert status >= 400 or body.rstrip().endswith(b"The SPARQL operation has been cancelled"), body[:200]


def test_remote_client_reports_the_server_timeout_as_a_limit(served: str) -> None:
    with pytest.raises(CoopgraphError) as error:
        Remote(served + "/query").select(SLOW)
    assert error.value.exit_code == LIMIT_ERROR and "its own time limit" in error.value.message


def test_server_command_binds_loopback_by_default(tmp_path: Path) -> None:
    command = server_command(tmp_path)
    assert command[1] == "serve-read-only" and command[command.index("--bind") + 1] == "127.0.0.1:7878"
    assert server_command(tmp_path, "::1", 9000, 5)[-4:] == ["--bind", "[::1]:9000", "--timeout-s", "5"]


# Stands for a service inside the network (an admin port): the endpoint must never call it.
_SECRET = b'{"head": {"vars": ["secret"]}, "results": {"bindings": []}}'


@pytest.fixture()
def listener() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    with local_server(recorder(_SECRET, "application/sparql-results+json")) as endpoint:
        yield f"{endpoint.url}/internal-admin", endpoint.requests


@pytest.mark.parametrize("shape", ["iri", "prefixed", "variable", "nested", "escaped"])
@pytest.mark.parametrize("how", ["get", "post-form", "post-direct"])
def test_service_is_refused_and_nothing_is_sent(served: str, listener: tuple[str, list[str]], how: str,
                                                shape: str) -> None:
    url, seen = listener
    clause = {"iri": f"SERVICE <{url}> {{ ?s ?p ?o }}",
              "prefixed": "SERVICE admin:x { ?s ?p ?o }",
              "variable": f"VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }}",
              "nested": f"{{ SELECT * WHERE {{ FILTER EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }} }}",
              "escaped": f"\\u0053ERVICE <{url}> {{ ?s ?p ?o }}"}[shape]
    query = f"PREFIX admin: <{url}#> SELECT * WHERE {{ {clause} }}"
    if how == "get":
        try:
            with urllib.request.urlopen(served + "/query?" + urllib.parse.urlencode({"query": query}),
                                        timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
    elif how == "post-form":
        status, body = post(served + "/query", {"query": query})
    else:
        request = urllib.request.Request(served + "/query", data=query.encode(), method="POST",
                                         headers={"Content-Type": "application/sparql-query"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
    assert status == 403, body[:300]
    assert b"SERVICE" in body and b"refused" in body
    assert seen == []


def test_a_query_naming_service_only_in_a_string_still_runs(served: str) -> None:
    status, body = post(served + "/query", {"query": 'SELECT ?x WHERE { BIND("SERVICE <http://x/> {}" AS ?x) }'})
    assert status == 200 and b"SERVICE" in body


def test_the_timeout_ends_a_streaming_answer(served: str) -> None:
    """A cross product streams rows from the first moment (Oxigraph's own timeout does not stop it): the proxy
    ends it. Without the proxy's deadline the answer would run for hours; the socket timeout only guards the test."""
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    request = urllib.request.Request(served + "/query", data=urllib.parse.urlencode({"query": query}).encode(),
                                     method="POST", headers={"Accept": "text/csv"})
    received = 0
    tail = b""
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        while chunk := response.read(1 << 16):
            received += len(chunk)
            tail = (tail + chunk)[-200:]
    assert received > 0
    assert tail.rstrip().endswith(b"The SPARQL operation has been cancelled"), tail


def test_serve_reports_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "coopgraph", "serve", "--port", str(port), "--out",
                                 str(tmp_path / "s"), "--data", FIXTURE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
