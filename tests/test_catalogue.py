"""The query catalogue: documented headers, runnable anywhere, a row for every query, parameters as values."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from coopgraph import catalogue, paths
from coopgraph.load import load
from coopgraph.reason import apply_rules
from coopgraph.store import select

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue" / "data"
QUERIES = catalogue.catalogue()
HOSTILE = 'x" } ; DROP ALL ; #'


@pytest.fixture(scope="module")
def fixture_store() -> ox.Store:
    graph = load(paths.ontology_dir(), FIXTURE)
    apply_rules(graph.store)
    return graph.store


def test_at_least_twenty_queries() -> None:
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header_documents_the_query(name: str) -> None:
    query = QUERIES[name]
    assert query.title and query.question and query.columns, f"{name}: title, question and columns are required"
    for parameter in query.parameters:
        parameter.term(parameter.default)  # every default is a valid value, so the query runs bare


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_declares_its_prefixes(name: str) -> None:
    """Each file runs in any SPARQL tool: no reliance on the prefixes coopgraph passes to the embedded store."""
    query = QUERIES[name]
    ox.Store().query(query.text, substitutions={ox.Variable(k): v for k, v in query.bindings().items()} or None)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_returns_rows_on_the_fixture_with_the_documented_columns(name: str, fixture_store: ox.Store) -> None:
    query = QUERIES[name]
    table = select(fixture_store, query.text, query.bindings(), source=name)
    assert table.columns == query.columns
    if not name.startswith("network-"):  # the network developer's queries are checked on the shipped data
        assert len(table) > 0, f"{name} returns nothing on the fixture"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_returns_rows_on_the_shipped_data(name: str, shipped_graph) -> None:  # noqa: ANN001 - conftest fixture
    query = QUERIES[name]
    table = select(shipped_graph.store, query.text, query.bindings(), source=name, timeout=60, max_rows=100_000)
    assert len(table) > 0, f"{name} returns nothing on the shipped data"


@pytest.mark.parametrize(("name", "param"), [("find-by-label", "text"), ("targeting-threat", "threat"),
                                             ("mechanism-members", "mechanism")])
def test_hostile_value_is_only_a_value(name: str, param: str, fixture_store: ox.Store) -> None:
    before = len(fixture_store)
    query = QUERIES[name]
    table = select(fixture_store, query.text, query.bindings({param: HOSTILE}), source=name)
    assert len(table) == 0
    assert len(fixture_store) == before


def test_parameter_changes_the_answer(fixture_store: ox.Store) -> None:
    query = QUERIES["targeting-threat"]
    fentanyl = select(fixture_store, query.text, query.bindings())
    drugs = select(fixture_store, query.text, query.bindings({"threat": "drugs"}))
    # sub-threats count: whatever targets fentanyl also answers for drugs
    assert {r[2] for r in fentanyl.plain_rows()} < {r[2] for r in drugs.plain_rows()}


def test_results_as_dataframe(fixture_store: ox.Store) -> None:
    query = QUERIES["most-connected-agencies"]
    frame = select(fixture_store, query.text).to_dataframe()
    assert list(frame.columns) == query.columns
    assert frame["vehicles"].dtype.kind == "i"
