"""The remote backend against a real Oxigraph server: push, then every catalogue query gives the embedded rows."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fixtures.http import free_port, wait_until_up
from fixtures.messages import problem_lines

from coopgraph import catalogue, sparql_text
from coopgraph.backend import Remote, as_backend
from coopgraph.errors import INPUT_ERROR, LIMIT_ERROR, REMOTE_ERROR, CoopgraphError
from coopgraph.push import push, target_url
from coopgraph.serve import server_binary
from coopgraph.store import select

HOSTILE = 'x" } ; DROP ALL ; #'


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real read-write Oxigraph server, in memory, on a free loopback port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen([server_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def pushed(server: str, shipped_graph) -> str:  # noqa: ANN001 - conftest fixture
    """The built shipped graph, pushed to the server's default graph; yields the query endpoint."""
    body = shipped_graph.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    result = push(body, server + "/store")
    assert result.confirmed and result.status in (200, 201, 204)
    return server + "/query"


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_remote_rows_equal_embedded_rows(name: str, pushed: str, shipped_graph) -> None:  # noqa: ANN001
    query = catalogue.catalogue()[name]
    embedded = select(shipped_graph.store, query.text, query.bindings(), source=name)
    remote_table = Remote(pushed).select(query.text, query.bindings(), source=name)
    assert remote_table.columns == embedded.columns
    assert len(remote_table) == len(embedded)
    assert sorted(remote_table.plain_rows()) == sorted(embedded.plain_rows())
    # the same cells, datatypes and languages included
    assert sorted(remote_table.rows, key=repr) == sorted(embedded.rows, key=repr)


def test_hostile_parameter_is_a_plain_value_remotely(pushed: str, shipped_graph) -> None:  # noqa: ANN001
    before = len(shipped_graph.store)
    query = catalogue.catalogue()["find-by-label"]
    table = Remote(pushed).select(query.text, query.bindings({"text": HOSTILE}))
    assert len(table) == 0
    count = Remote(pushed).select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count.records()[0]["n"] == before  # nothing was dropped
    # and the value comes back as exactly that value
    echo = Remote(pushed).select("SELECT ?text WHERE { }", {"text": ox.Literal(HOSTILE)})
    assert echo.plain_rows() == [(HOSTILE,)]


def test_ask_and_construct_remotely(pushed: str, shipped_graph) -> None:  # noqa: ANN001
    ask = "ASK { ?m a coop:TaskForce }"
    assert Remote(pushed).select(ask).plain_rows() == select(shipped_graph.store, ask).plain_rows() == [("true",)]
    construct = "CONSTRUCT { ?m coop:targets ?t } WHERE { ?m coop:targets ?t }"
    assert sorted(Remote(pushed).select(construct).plain_rows()) == \
        sorted(select(shipped_graph.store, construct).plain_rows())


def test_row_cap_remotely(pushed: str) -> None:
    with pytest.raises(CoopgraphError) as error:
        Remote(pushed).select("SELECT * WHERE { ?s ?p ?o }", max_rows=5)
    assert error.value.exit_code == LIMIT_ERROR


def test_a_syntax_error_is_exit_2_on_every_backend(pushed: str, shipped_graph) -> None:  # noqa: ANN001
    for backend in (Remote(pushed), as_backend(shipped_graph)):
        with pytest.raises(CoopgraphError) as error:
            backend.select("SELECT ?x WHERE { ?x ?y }", source="bad.rq")
        assert error.value.exit_code == INPUT_ERROR
        first, shown, caret = error.value.message.splitlines()  # one message: where, the line, a caret
        assert first.startswith("bad.rq:1:") and "SPARQL syntax error" in first
        assert shown == "    SELECT ?x WHERE { ?x ?y }" and caret.strip() == "^"


def test_a_syntax_error_shows_the_written_line_whatever_was_sent(pushed: str) -> None:
    # What is checked is the text as sent (comments gone, PREFIX lines added, parameters in a VALUES block);
    # the message shows the person's own line 4, the caret under the column it names.
    text = "# param: x iri urn:x\nSELECT * WHERE {  # a comment\n  ?x ?p ?o .\n  ?x coop:label ?y ?z }\n"
    query = catalogue.parse(text, "bad")
    with pytest.raises(CoopgraphError) as error:
        Remote(pushed).select(query.text, query.bindings(), source="bad.rq")
    first, shown, caret = error.value.message.splitlines()
    assert first.startswith("bad.rq:4:") and "SPARQL syntax error" in first
    assert shown.strip() == "?x coop:label ?y ?z }"
    column = int(first.split("bad.rq:4:")[1].split(":")[0])
    assert caret.index("^") - 4 == column - 1 >= shown.index("?z") - 4


def test_a_server_error_is_one_line_with_the_servers_reason(pushed: str) -> None:
    # Parses, but Oxigraph refuses to evaluate it: the server's own words, one line, exit 3.
    with pytest.raises(CoopgraphError) as error:
        Remote(pushed).select('SELECT * WHERE { ?s ?p ?o } ORDER BY <urn:no-such-function>(?o)', source="f.rq")
    assert error.value.exit_code == REMOTE_ERROR
    assert "\n" not in error.value.message
    assert "answered HTTP 500" in error.value.message
    assert "<urn:no-such-function> is not supported" in error.value.message


def test_push_named_graph_with_the_cli(server: str, cli, tmp_path: Path) -> None:  # noqa: ANN001
    graph_file = tmp_path / "graph.nt"
    graph_file.write_text('<https://example.org/a> <https://example.org/b> "c" .\n', encoding="utf-8")
    iri = "https://w3id.org/coopgraph/graph/test"
    done = cli("push", "--endpoint", server + "/store", "--graph", iri, "--file", str(graph_file))
    assert done.returncode == 0, done.stderr
    assert "HTTP 20" in done.stdout
    count = Remote(server + "/query").select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                          {"g": ox.NamedNode(iri)})
    assert count.records()[0]["n"] == 1


def test_push_to_a_wrong_path_is_not_reported_as_done(server: str) -> None:
    with pytest.raises(CoopgraphError) as error:
        push(b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n", server + "/nowhere")
    assert error.value.exit_code == REMOTE_ERROR


def test_endpoint_down_gives_exit_3_and_one_line(cli) -> None:  # noqa: ANN001
    url = f"http://127.0.0.1:{free_port()}/query"
    done = cli("query", "timeline", "--endpoint", url)
    assert done.returncode == REMOTE_ERROR
    assert done.stdout == ""
    assert len(problem_lines(done.stderr)) == 1
    assert "cannot be reached" in done.stderr and "Traceback" not in done.stderr
    pushed = cli("push", "--endpoint", url.replace("/query", "/store"), "--file", str(Path(__file__)))
    assert pushed.returncode == REMOTE_ERROR and len(problem_lines(pushed.stderr)) == 1


def test_updates_are_never_sent() -> None:
    with pytest.raises(CoopgraphError) as error:
        Remote("http://127.0.0.1:9/query").select("# a comment that says select\nDROP ALL")
    assert error.value.exit_code == INPUT_ERROR


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE {\n  VALUES (?x) { (<urn:x>) }\n ?s ?p ?o }"),
    ("SELECT * { ?s ?p ?o }", "SELECT * {\n  VALUES (?x) { (<urn:x>) }\n ?s ?p ?o }"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
     "CONSTRUCT { ?s ?p ?o } WHERE {\n  VALUES (?x) { (<urn:x>) }\n ?s ?p ?o }"),
    ('# where {\nSELECT ("{" AS ?b) (?a<?c AS ?d) WHERE { ?a ?p "}" }',
     '# where {\nSELECT ("{" AS ?b) (?a<?c AS ?d) WHERE {\n  VALUES (?x) { (<urn:x>) }\n ?a ?p "}" }'),
])
def test_values_block_goes_into_the_outermost_where_group(text: str, expected: str) -> None:
    assert sparql_text.bind_values(text, {"x": ox.NamedNode("urn:x")}) == expected


def test_strip_comments_keeps_hashes_in_strings_and_iris() -> None:
    text = 'SELECT * WHERE { ?s ?p "a # b" ; <urn:x#y> ?o } # gone\n'
    assert sparql_text.strip_comments(text) == 'SELECT * WHERE { ?s ?p "a # b" ; <urn:x#y> ?o } \n'


def test_target_url() -> None:
    assert target_url("http://h/store", None) == "http://h/store?default"
    assert target_url("http://h/store", "https://e.org/g#1") == "http://h/store?graph=https%3A%2F%2Fe.org%2Fg%231"
    with pytest.raises(CoopgraphError):
        target_url("ftp://h/store", None)


def test_a_misspelt_parameter_value_is_named_at_an_endpoint_too(pushed: str) -> None:
    query = catalogue.resolve("mechanism-members")
    given = {"mechanism": "cbftff"}
    with pytest.raises(CoopgraphError) as error:
        catalogue.check_resources(query, given, query.bindings(given),
                                  lambda text, values: Remote(pushed).select(text, values))
    assert "(did you mean cbftf" in error.value.message
