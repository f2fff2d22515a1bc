"""Metrics on small hand-made graphs whose answers are known, and NetworkX / igraph agreement."""

from __future__ import annotations

import networkx as nx
import pytest

from coopgraph.network import agency_metrics, network_summary
from coopgraph.network import metrics as m


def agency_graph(edges, countries: dict[str, str]) -> nx.Graph:
    G = nx.Graph()  # noqa: N806
    for node, country in countries.items():
        G.add_node(node, iri=node, label=node.upper(), kind="Agency", category="agency", country=country,
                   sources="[]")
    for a, b in edges:
        cross = countries[a] != countries[b]
        G.add_edge(a, b, weight=1.0, via="m", via_iri="urn:m", cross_border=cross)
    return G


def star() -> nx.Graph:
    # c in the middle: c is the only broker, every tie a bridge.
    return agency_graph([("c", "a"), ("c", "b"), ("c", "d"), ("c", "e")],
                        {"c": "X", "a": "X", "b": "Y", "d": "Y", "e": "X"})


def test_star_betweenness_degree_and_cross_border_share():
    metrics = agency_metrics(star()).set_index("iri")
    assert metrics.loc["c", "betweenness"] == pytest.approx(1.0)
    assert metrics.loc["a", "betweenness"] == 0.0
    assert metrics.loc["c", "degree"] == 4 and metrics.loc["c", "weighted_degree"] == 4.0
    assert metrics.loc["c", "cross_border_share"] == pytest.approx(0.5)
    assert metrics.loc["b", "cross_border_share"] == 1.0
    assert bool(metrics.loc["c", "articulation_point"]) and not metrics.loc["a", "articulation_point"]
    assert metrics.loc["c", "pagerank"] > metrics.loc["a", "pagerank"]
    assert metrics.index[0] == "c"  # most central first
    assert metrics.attrs["betweenness_method"] == "exact (networkx)"


def test_summary_bridges_components_core_and_cross_border_density():
    G = star()  # noqa: N806
    G.add_node("z", iri="z", label="Z", kind="Agency", category="agency", country="Y", sources="[]")
    summary = network_summary(G)
    assert summary["nodes"] == 6 and summary["edges"] == 4 and summary["components"] == 2
    assert summary["max_k_core"] == 1
    assert len(summary["bridges"]) == 4
    assert summary["articulation_points"] == ["C"]
    assert summary["cross_border_edges"] == 2
    # X: a, c, e; Y: b, d, z -> 9 possible cross-border pairs
    assert summary["cross_border_density"] == pytest.approx(2 / 9)


def test_path_bridges_and_articulation_points():
    G = agency_graph([("a", "b"), ("b", "c"), ("c", "d")], dict.fromkeys("abcd", "X"))  # noqa: N806
    metrics = agency_metrics(G).set_index("iri")
    assert set(metrics.index[metrics["articulation_point"]]) == {"b", "c"}
    assert metrics.loc["b", "betweenness"] == pytest.approx(2 / 3)
    assert len(network_summary(G)["bridges"]) == 3


def test_two_cliques_make_two_communities_with_a_seed():
    G = nx.barbell_graph(5, 0)  # noqa: N806 - two 5-cliques joined by one tie
    nx.set_node_attributes(G, "agency", "category")
    nx.set_edge_attributes(G, 1.0, "weight")
    first = agency_metrics(G).set_index("iri")["community"].to_dict()
    again = agency_metrics(G).set_index("iri")["community"].to_dict()
    assert first == again
    assert len(set(first.values())) == 2
    assert len({first[n] for n in range(5)}) == 1 and len({first[n] for n in range(5, 10)}) == 1
    assert network_summary(G)["max_k_core"] == 4


def test_bipartite_rows_are_agencies_only():
    G = nx.Graph()  # noqa: N806
    G.add_node("a", category="agency", label="A")
    G.add_node("v", category="vehicle", label="V")
    G.add_edge("a", "v", weight=1.0)
    assert list(agency_metrics(G)["iri"]) == ["a"]


def test_igraph_path_agrees_with_networkx(monkeypatch):
    G = nx.connected_watts_strogatz_graph(200, 6, 0.2, seed=3)  # noqa: N806
    nx.set_edge_attributes(G, 1.0, "weight")
    exact, method = m.betweenness(G)
    assert method == "exact (networkx)"
    monkeypatch.setattr(m, "IGRAPH_FROM", 10)
    fast, method = m.betweenness(G)
    assert method == "exact (igraph)"
    assert all(fast[n] == pytest.approx(exact[n], abs=1e-9) for n in G)
    groups, method = m.communities(G)
    assert "igraph" in method and set(groups) == set(G)


def test_sampled_betweenness_estimates_the_exact_one(monkeypatch):
    G = nx.connected_watts_strogatz_graph(300, 6, 0.1, seed=1)  # noqa: N806
    nx.set_edge_attributes(G, 1.0, "weight")
    exact = nx.betweenness_centrality(G)
    monkeypatch.setattr(m, "IGRAPH_FROM", 10)
    monkeypatch.setattr(m, "EXACT_BETWEENNESS_UP_TO", 100)
    monkeypatch.setattr(m, "BETWEENNESS_SAMPLE", 300)
    full, method = m.betweenness(G)
    assert method.startswith("sampled") and all(full[n] == pytest.approx(exact[n]) for n in G)
    monkeypatch.setattr(m, "BETWEENNESS_SAMPLE", 150)
    half, _ = m.betweenness(G)
    assert half == m.betweenness(G)[0]  # seeded
    top_exact = set(sorted(G, key=exact.get)[-10:])
    top_half = set(sorted(G, key=half.get)[-10:])
    assert len(top_exact & top_half) >= 6
    assert not agency_metrics(nx.relabel_nodes(G, str))["betweenness_exact"].any()


def test_empty_graph():
    assert agency_metrics(nx.Graph()).empty
    assert network_summary(nx.Graph())["nodes"] == 0
