"""GEXF and GraphML load back in NetworkX with the same nodes and edges; RDF exports parse back."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from coopgraph.errors import CoopgraphError
from coopgraph.graph import open_graph
from coopgraph.network import projection, write_gexf, write_graphml
from coopgraph.network.exchange import exchange_safe, export_rdf

FIXTURE = Path(__file__).parent / "fixtures" / "network" / "data"


@pytest.fixture(scope="module")
def fixture_graph():
    return open_graph(None, FIXTURE)


@pytest.mark.parametrize("name", ["collaboration", "bipartite", "threat"])
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_files_round_trip(fixture_graph, tmp_path, name, fmt):
    G = projection(fixture_graph.store, name)  # noqa: N806
    path = tmp_path / f"g.{fmt}"
    if fmt == "gexf":
        write_gexf(G, path)
        back = nx.read_gexf(path)
    else:
        write_graphml(G, path)
        back = nx.read_graphml(path)
    assert set(back.nodes) == set(G.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in G.edges}
    node = next(iter(G))
    assert back.nodes[node]["label"] == G.nodes[node]["label"]
    assert back.nodes[node]["country"] == G.nodes[node]["country"]
    a, b = next(iter(G.edges))
    assert float(back.edges[a, b]["weight"]) == G.edges[a, b]["weight"]
    assert back.edges[a, b]["via"] == G.edges[a, b]["via"]


def test_attributes_are_made_safe():
    G = nx.Graph(year=None)  # noqa: N806
    G.add_node("a", items=["x", "y"], missing=None, flag=True, share=float("nan"))
    safe = exchange_safe(G)
    assert safe.nodes["a"] == {"items": '["x", "y"]', "missing": "", "flag": True, "share": ""}
    assert safe.graph["year"] == ""


@pytest.mark.parametrize(("fmt", "rdf_format"), [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES),
                                                 ("jsonld", ox.RdfFormat.JSON_LD)])
def test_rdf_exports_hold_the_whole_graph(fixture_graph, tmp_path, fmt, rdf_format):
    path = export_rdf(fixture_graph.store, tmp_path / f"graph.{fmt}", fmt)
    triples = list(ox.parse(path=str(path), format=rdf_format))
    assert len(triples) == len(fixture_graph.store)


def test_unwritable_target_is_a_clear_error(fixture_graph, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CoopgraphError, match="cannot write"):
        write_gexf(projection(fixture_graph.store, "country"), blocker / "inside.gexf")
