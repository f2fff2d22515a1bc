"""Projections from the network-*.rq catalogue queries, on the made-up fixture graph with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopgraph import catalogue
from coopgraph.errors import CoopgraphError
from coopgraph.graph import open_graph
from coopgraph.load import LoadedGraph
from coopgraph.network import PROJECTIONS, projection
from coopgraph.store import select

FIXTURE = Path(__file__).parent / "fixtures" / "network" / "data"
A = "https://w3id.org/coopgraph/id/agency/"


@pytest.fixture(scope="module")
def fixture_graph() -> LoadedGraph:
    return open_graph(None, FIXTURE)


def labelled_edges(G) -> set[tuple[str, str, float]]:  # noqa: N803
    return {(*sorted((G.nodes[a]["label"], G.nodes[b]["label"])), d["weight"]) for a, b, d in G.edges(data=True)}


def test_collaboration_edges_are_weighted_by_shared_vehicles(fixture_graph):
    G = projection(fixture_graph.store, "collaboration")  # noqa: N806
    assert labelled_edges(G) == {
        ("Xland Police", "Yland Police", 2.0),
        ("Xland Border Agency", "Xland Police", 1.0),
        ("Xland Border Agency", "Yland Police", 1.0),
        ("Xland Border Agency", "Yland Customs", 1.0),
        ("Yland Coast Guard", "Yland Customs", 1.0),
        ("Xland Financial Intelligence Unit", "Xland Police", 1.0),
    }
    assert G.edges[A + "xa-police", A + "ya-police"]["via"] == "Operation One; Task Force One"
    assert A + "xa-lonely" not in G  # takes part in nothing
    assert sum(1 for *_, c in G.edges(data="cross_border") if c) == 3


def test_node_attributes_follow_the_interface(fixture_graph):
    G = projection(fixture_graph.store, "collaboration")  # noqa: N806
    police = G.nodes[A + "xa-police"]
    assert police["label"] == "Xland Police"
    assert police["kind"] == "PoliceAgency"
    assert police["country"] == "Xland"
    assert police["iri"] == A + "xa-police"
    assert json.loads(police["sources"]) == [
        {"title": "Fixture document A", "url": "https://example.org/a"},
        {"title": "Fixture document B", "url": "https://example.org/b"},
    ]
    for _, data in G.nodes(data=True):
        assert {"label", "kind", "country", "sources", "iri"} <= set(data)
    for *_, data in G.edges(data=True):
        assert isinstance(data["weight"], float) and data["via"]


def test_year_keeps_what_was_in_force(fixture_graph):
    store = fixture_graph.store
    assert labelled_edges(projection(store, "collaboration", 1998)) == {
        ("Xland Police", "Yland Police", 1.0),
        ("Xland Border Agency", "Xland Police", 1.0),
        ("Xland Border Agency", "Yland Police", 1.0),
    }
    assert projection(store, "collaboration", 1997).number_of_nodes() == 0
    # The MOU counts from its entry into force (2010), not its signature (2009).
    assert A + "xa-fiu" not in projection(store, "collaboration", 2009)
    assert A + "xa-fiu" in projection(store, "collaboration", 2010)
    # The coast guard's participation ended in 2020; the operation ran in 2024 only.
    assert A + "ya-coast" in projection(store, "collaboration", 2020)
    assert A + "ya-coast" not in projection(store, "collaboration", 2021)
    assert projection(store, "collaboration", 2024).edges[A + "xa-police", A + "ya-police"]["weight"] == 2.0
    assert projection(store, "collaboration", 2025).edges[A + "xa-police", A + "ya-police"]["weight"] == 1.0


def test_bipartite_country_and_threat_projections(fixture_graph):
    store = fixture_graph.store
    bipartite = projection(store, "bipartite")
    assert bipartite.number_of_nodes() == 11 and bipartite.number_of_edges() == 11
    assert {d["bipartite"] for _, d in bipartite.nodes(data=True)} == {0, 1}
    assert bipartite.nodes["https://w3id.org/coopgraph/id/mechanism/tf1"]["kind"] == "TaskForce"
    assert bipartite.nodes["https://w3id.org/coopgraph/id/mechanism/tf1"]["country"] == "Xland; Yland"

    country = projection(store, "country")
    assert labelled_edges(country) == {("Xland", "Yland", 4.0)}  # tf1, forum, op1, and the MOU's parties

    threat = projection(store, "threat")
    assert {d["category"] for _, d in threat.nodes(data=True)} == {"threat", "vehicle", "measure", "agency"}
    assert threat.has_edge("https://w3id.org/coopgraph/id/threat/fentanyl", "https://w3id.org/coopgraph/id/measure/scanners")
    assert threat.has_edge(A + "xa-border", "https://w3id.org/coopgraph/id/measure/scanners")
    assert threat.number_of_edges() == 10


def test_unknown_projection_is_a_clear_error(fixture_graph):
    with pytest.raises(CoopgraphError, match="choose one of"):
        projection(fixture_graph.store, "nope")


@pytest.mark.parametrize("name", ["network-participations", "network-collaboration", "network-countries",
                                  "network-threats", "network-entities"])
def test_network_queries_are_documented_and_return_their_columns(name, shipped_graph):
    query = catalogue.catalogue()[name]
    assert query.title and query.question and query.columns
    table = select(shipped_graph.store, query.text, query.bindings())
    assert table.columns == query.columns
    assert len(table) > 0, f"{name} returns no rows on the shipped data"


@pytest.mark.parametrize("name", PROJECTIONS)
def test_projections_of_the_shipped_data_are_not_empty(name, shipped_graph):
    G = projection(shipped_graph.store, name)  # noqa: N806
    assert G.number_of_nodes() > 1 and G.number_of_edges() > 0
