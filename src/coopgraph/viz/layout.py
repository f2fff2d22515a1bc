"""Node positions and sizes computed before the page is written, so the first paint is already stable.

igraph does the work: it is a declared dependency and needs no scipy (networkx's layouts and pagerank do).
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable

import igraph as ig
import networkx as nx

CENTRALITIES = ("pagerank", "degree", "betweenness")
LAYOUT_SEED = 42


def _to_igraph(graph: nx.Graph) -> tuple[ig.Graph, list[Hashable]]:
    order = list(graph.nodes)
    index = {node: i for i, node in enumerate(order)}
    g = ig.Graph(n=len(order), edges=[(index[u], index[v]) for u, v in graph.edges()], directed=False)
    g.es["weight"] = [_weight(data) for _, _, data in graph.edges(data=True)]
    return g, order


def _weight(data: dict) -> float:
    try:
        weight = float(data.get("weight", 1.0))
    except (TypeError, ValueError):
        return 1.0
    return weight if weight > 0 and math.isfinite(weight) else 1.0


def positions(graph: nx.Graph, spacing: float = 140.0) -> dict[Hashable, tuple[float, float]]:
    """Fruchterman-Reingold from a circle (deterministic), scaled so neighbours sit about `spacing` px apart."""
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    if n == 1:
        return {next(iter(graph.nodes)): (0.0, 0.0)}
    g, order = _to_igraph(graph)
    seed = [[math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)] for i in range(n)]
    # The start positions are fixed, but igraph's moves draw random numbers: seed them, or the page changes per run.
    previous = ig.set_random_number_generator(random.Random(LAYOUT_SEED))
    try:
        layout = g.layout_fruchterman_reingold(seed=seed, niter=300 if n <= 2000 else 150,
                                               grid="auto", weights=None)
    finally:
        ig.set_random_number_generator(previous if previous is not None else random)
    xs, ys = zip(*layout.coords, strict=True)
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = spacing * math.sqrt(n) / extent
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    # + 0.0 turns a rounded -0.0 into 0.0
    return {node: (round((x - cx) * scale, 1) + 0.0, round((y - cy) * scale, 1) + 0.0)
            for node, (x, y) in zip(order, layout.coords, strict=True)}


def centrality(graph: nx.Graph, name: str = "pagerank") -> dict[Hashable, float]:
    """A centrality per node: a node attribute of that name when the network module supplied one, else computed."""
    if name not in CENTRALITIES:
        raise ValueError(f"unknown centrality {name!r}; expected one of {', '.join(CENTRALITIES)}")
    given = nx.get_node_attributes(graph, name)
    if graph.number_of_nodes() and len(given) == graph.number_of_nodes():
        return {node: _number(value) for node, value in given.items()}
    if graph.number_of_nodes() == 0:
        return {}
    g, order = _to_igraph(graph)
    if name == "pagerank":
        values = g.pagerank(weights="weight") if g.ecount() else [1.0 / len(order)] * len(order)
    elif name == "degree":
        values = g.strength(weights="weight")
    else:  # betweenness: weight is a strength, so the distance is its inverse
        values = g.betweenness(weights=[1.0 / w for w in g.es["weight"]] if g.ecount() else None)
    return dict(zip(order, values, strict=True))


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def scale(values: dict[Hashable, float], low: float, high: float) -> dict[Hashable, float]:
    """Map values onto [low, high] by square root (area grows with the value)."""
    if not values:
        return {}
    top = max(values.values())
    if top <= 0:
        return dict.fromkeys(values, low)
    return {key: round(low + (high - low) * math.sqrt(max(v, 0.0) / top), 1) for key, v in values.items()}
