"""Metrics per agency and for the whole network.

NetworkX is the interface; the heavy metrics are handed to igraph where NetworkX is the bottleneck (measured on
this kind of machine: exact betweenness on 5.6k nodes / 37k edges takes over 120 s in NetworkX, 3.8 s in
igraph; Louvain 1.0 s against 0.07 s):

- betweenness: NetworkX (exact) up to IGRAPH_FROM nodes; igraph exact up to EXACT_BETWEENNESS_UP_TO nodes;
  beyond, igraph from BETWEENNESS_SAMPLE source nodes drawn with SEED, scaled by n/k (Brandes' source-sampling
  estimator, the same as NetworkX's betweenness_centrality(k=...)). Shortest paths count hops: the edge weight
  is a strength of tie, not a distance. Normalised as NetworkX does for undirected graphs.
- communities: Louvain, weighted, seeded (NetworkX up to IGRAPH_FROM nodes, igraph's multilevel beyond);
  numbered by size, largest first.
- PageRank (weighted): always igraph (NetworkX's pagerank needs scipy, which the package does not require).
- articulation points, bridges, k-core: NetworkX (linear time).
"""

from __future__ import annotations

import random
from typing import Any

import igraph as ig
import networkx as nx
import pandas as pd

IGRAPH_FROM = 1000
EXACT_BETWEENNESS_UP_TO = 5000
BETWEENNESS_SAMPLE = 1000
SEED = 42

METRIC_COLUMNS = ["iri", "label", "kind", "country", "degree", "weighted_degree", "betweenness",
                  "betweenness_exact", "pagerank", "community", "articulation_point", "core_number",
                  "cross_border_ties", "cross_border_share"]


def agency_metrics(G: nx.Graph) -> pd.DataFrame:  # noqa: N803 - the NetworkX convention
    """One row per agency (per node when the graph has no agency, as in the country projection).

    Sorted by betweenness, then label. df.attrs holds "betweenness_method" and "community_method".
    """
    between, between_method = betweenness(G)
    community, community_method = communities(G)
    rank = pagerank(G)
    articulation = set(nx.articulation_points(G))
    cores = nx.core_number(G) if G.number_of_nodes() else {}
    exact = not between_method.startswith("sampled")
    agencies = [n for n, data in G.nodes(data=True) if data.get("category") == "agency"] or list(G)
    records = []
    for node in agencies:
        data = G.nodes[node]
        crossing = sum(1 for _, _, cross in G.edges(node, data="cross_border") if cross)
        degree = G.degree(node)
        records.append({
            "iri": data.get("iri", node),
            "label": data.get("label", str(node)),
            "kind": data.get("kind", ""),
            "country": data.get("country", ""),
            "degree": degree,
            "weighted_degree": float(G.degree(node, weight="weight")),
            "betweenness": between.get(node, 0.0),
            "betweenness_exact": exact,
            "pagerank": rank.get(node, 0.0),
            "community": community.get(node, -1),
            "articulation_point": node in articulation,
            "core_number": cores.get(node, 0),
            "cross_border_ties": crossing,
            "cross_border_share": crossing / degree if degree else 0.0,
        })
    frame = pd.DataFrame.from_records(records, columns=METRIC_COLUMNS)
    frame = frame.sort_values(["betweenness", "label"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame.attrs.update({"betweenness_method": between_method, "community_method": community_method})
    return frame


def network_summary(G: nx.Graph) -> dict[str, Any]:  # noqa: N803
    """Size, components, cross-border ties and density, the deepest k-core, and the bridges (by label)."""
    cross = [(a, b) for a, b, c in G.edges(data="cross_border") if c]
    components = list(nx.connected_components(G))
    cores = nx.core_number(G) if G.number_of_nodes() else {}
    label = nx.get_node_attributes(G, "label")
    bridges = sorted(
        ({"source": a, "target": b, "source_label": label.get(a, a), "target_label": label.get(b, b),
          "via": G.edges[a, b].get("via", ""), "cross_border": bool(G.edges[a, b].get("cross_border", False))}
         for a, b in nx.bridges(G)),
        key=lambda bridge: (bridge["source_label"], bridge["target_label"]),
    )
    return {
        "projection": G.graph.get("projection", ""),
        "year": G.graph.get("year", ""),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "density": nx.density(G) if G.number_of_nodes() > 1 else 0.0,
        "components": len(components),
        "largest_component": max((len(c) for c in components), default=0),
        "cross_border_edges": len(cross),
        "cross_border_density": cross_border_density(G),
        "max_k_core": max(cores.values(), default=0),
        "max_k_core_size": sum(1 for k in cores.values() if k == max(cores.values(), default=0)),
        "articulation_points": sorted(label.get(n, n) for n in nx.articulation_points(G)),
        "bridges": bridges,
        "undated_excluded": G.graph.get("undated_excluded", 0),
    }


def cross_border_density(G: nx.Graph) -> float:  # noqa: N803
    """Cross-border ties over the pairs of nodes that could have one (both countries known, not the same one)."""
    from coopgraph.network.projections import SEPARATOR

    single: dict[str, int] = {}
    known = 0
    for _, country in G.nodes(data="country"):
        parts = [p for p in (country or "").split(SEPARATOR) if p]
        if not parts:
            continue
        known += 1
        if len(parts) == 1:
            single[parts[0]] = single.get(parts[0], 0) + 1
    possible = known * (known - 1) // 2 - sum(n * (n - 1) // 2 for n in single.values())
    cross = sum(1 for *_, c in G.edges(data="cross_border") if c)
    return cross / possible if possible else 0.0


# --- the heavy metrics ------------------------------------------------------------------------------------


def to_igraph(G: nx.Graph) -> tuple[ig.Graph, list[Any]]:  # noqa: N803
    """The graph in igraph (vertex i is nodes[i]), with the edge weights."""
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[a], index[b]) for a, b in G.edges()]
    graph = ig.Graph(n=len(nodes), edges=edges, directed=False)
    graph.es["weight"] = [float(w) for _, _, w in G.edges(data="weight", default=1.0)]
    return graph, nodes


def betweenness(G: nx.Graph) -> tuple[dict[Any, float], str]:  # noqa: N803
    """Normalised betweenness (hops) and how it was computed."""
    n = G.number_of_nodes()
    if n < IGRAPH_FROM:
        return nx.betweenness_centrality(G, normalized=True), "exact (networkx)"
    graph, nodes = to_igraph(G)
    scale = 2.0 / ((n - 1) * (n - 2))  # NetworkX's normalisation for undirected graphs
    if n <= EXACT_BETWEENNESS_UP_TO:
        values = graph.betweenness(directed=False)
        method = "exact (igraph)"
    else:
        k = min(BETWEENNESS_SAMPLE, n)
        sources = random.Random(SEED).sample(range(n), k)
        values = graph.betweenness(directed=False, sources=sources, targets=range(n))
        scale *= n / k
        method = f"sampled (igraph, {k} of {n} source nodes, seed {SEED})"
    return {node: value * scale for node, value in zip(nodes, values, strict=True)}, method


def communities(G: nx.Graph) -> tuple[dict[Any, int], str]:  # noqa: N803
    """Louvain communities (weighted, seeded): node -> community number, 0 the largest."""
    if G.number_of_nodes() == 0:
        return {}, "none"
    if G.number_of_nodes() < IGRAPH_FROM:
        groups = nx.community.louvain_communities(G, weight="weight", seed=SEED)
        method = f"louvain (networkx, seed {SEED})"
    else:
        graph, nodes = to_igraph(G)
        previous = ig.set_random_number_generator(random.Random(SEED))
        try:
            clustering = graph.community_multilevel(weights="weight")
        finally:
            ig.set_random_number_generator(previous if previous is not None else random)
        groups = [{nodes[i] for i in members} for members in clustering]
        method = f"louvain (igraph multilevel, seed {SEED})"
    ordered = sorted(groups, key=lambda group: (-len(group), min(str(n) for n in group)))
    return {node: number for number, group in enumerate(ordered) for node in group}, method


def pagerank(G: nx.Graph) -> dict[Any, float]:  # noqa: N803
    """Weighted PageRank (damping 0.85), computed by igraph."""
    if G.number_of_nodes() == 0:
        return {}
    graph, nodes = to_igraph(G)
    weights = "weight" if graph.ecount() else None
    return dict(zip(nodes, graph.pagerank(directed=False, weights=weights), strict=True))
