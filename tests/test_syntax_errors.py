"""SPARQL syntax errors: one message with file, line and column, the line, and a caret where the parser stopped."""

from __future__ import annotations

import pytest

from coopgraph import catalogue
from coopgraph.errors import CoopgraphError
from coopgraph.graph import open_graph
from coopgraph.sparql_text import syntax_error_message
from coopgraph.store import select


def _lines(message: str) -> tuple[str, str, int]:
    """The first line, the shown query line and the caret's column (1-based, in the shown line)."""
    first, shown, caret = message.splitlines()[-3:]  # after any "reading ..." note
    assert set(caret.strip()) == {"^"}
    return first, shown[4:], caret.index("^") - 4 + 1


def test_misspelt_query_form_points_at_the_word(cli):
    result = cli("query", "-", stdin="SELEC * WHERE { ?s ?p ?o }\n")
    assert result.returncode == 2
    first, shown, column = _lines(result.stderr)
    assert first.startswith("error: stdin:1:1: SPARQL syntax error: 'SELEC' is not SELECT")
    assert "did you mean SELECT?" in first
    assert shown == "SELEC * WHERE { ?s ?p ?o }" and column == 1


def test_error_on_a_later_line_of_a_file(cli, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title: broken\nSELECT * WHERE {\n\t?s ?p ?o\n\tFILTER(?s = ) }\n", encoding="utf-8")
    result = cli("query", str(path))
    assert result.returncode == 2
    first, shown, column = _lines(result.stderr)
    assert first.startswith(f"error: {path}:4:")
    assert shown == "\tFILTER(?s = ) }"
    assert first.split(f"{path}:4:")[1].startswith(f"{column}:")
    assert result.stderr.splitlines()[2].startswith("    \t")  # a tab in the line, a tab under it


def test_undeclared_prefix_is_named():
    message = syntax_error_message("SELECT * WHERE { ?s foo:bar ?o }", "error at 1:28: expected one of Prefix "
                                   "not found, ['%']", "q.rq")
    first, shown, column = _lines(message)
    assert "the prefix 'foo:' is not declared" in first
    assert first.startswith("q.rq:1:21:") and shown[column - 1:].startswith("foo:bar")


def test_positions_in_the_sent_text_map_back_to_the_written_text():
    # A bound parameter adds a VALUES block inside the WHERE group: the caret still lands on the person's line.
    query = catalogue.parse("# param: x iri urn:x\nSELECT * WHERE {\n  ?x ?p ?o .\n  ?x ?p ?o ?z }\n", "q")
    graph = open_graph(rules=False)
    with pytest.raises(CoopgraphError) as error:
        select(graph.store, query.text, query.bindings(), source="q.rq")
    first, shown, column = _lines(error.value.message)
    assert first.startswith("q.rq:4:") and shown == "  ?x ?p ?o ?z }"
    assert first.split("q.rq:4:")[1].startswith(f"{column}:")


def test_long_lines_are_shown_around_the_caret():
    text = "SELECT * WHERE { " + "?s ?p ?o . " * 50 + "?s ?p ?o ?z }"
    message = syntax_error_message(text, f"error at 1:{text.index('?z') + 1}: expected something", "q")
    _, shown, column = _lines(message)
    assert len(shown) < 120 and shown.startswith("...")
    assert shown[column - 1:].startswith("?z")


def test_a_message_without_a_position_stays_one_line():
    message = syntax_error_message("SELECT", "something odd", "q.rq")
    assert message == "q.rq: SPARQL syntax error: something odd; fix the query text"
