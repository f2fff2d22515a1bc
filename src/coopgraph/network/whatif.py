"""What-if: remove an agency (a node) or a cooperation vehicle (the ties it carries) and see what fragments."""

from __future__ import annotations

from typing import Any

import networkx as nx

from coopgraph.errors import CoopgraphError
from coopgraph.namespaces import PREFIXES
from coopgraph.network.projections import SEPARATOR

# Where a bare slug is looked for, in this order.
SLUG_KINDS = ("agency", "mechanism", "agreement", "operation", "initiative", "measure", "country", "threat")


def what_if(G: nx.Graph, remove: str) -> dict[str, Any]:  # noqa: N803
    """Remove `remove` (an IRI, a CURIE such as agency:rcmp, a slug, a label or an acronym) (G is not changed).

    A node is removed with its ties; a vehicle that is not a node (a mechanism in the collaboration projection)
    is taken off every tie it carries, and a tie carried by nothing else disappears. G is left as it was.
    """
    target, label, kind = resolve(G, remove)
    if target in G:
        lost_edges = [(target, other) for other in G[target]]
        removed_nodes = [target]
    else:
        lost_edges = [(a, b) for a, b, via in G.edges(data="via_iri", default="") if via == target]
        removed_nodes = []
    # A view hides what is removed: no copy of a graph of tens of thousands of ties per what-if.
    after = nx.restricted_view(G, removed_nodes, lost_edges)
    touched = {n for edge in lost_edges for n in edge} - set(removed_nodes)
    before_parts = sorted((len(c) for c in nx.connected_components(G)), reverse=True)
    after_parts = sorted((len(c) for c in nx.connected_components(after)), reverse=True)
    cross_before = sum(1 for *_, c in G.edges(data="cross_border") if c)
    cross_lost = sum(1 for a, b in lost_edges if G.edges[a, b].get("cross_border"))
    return {
        "removed": target,
        "label": label,
        "kind": kind,
        "nodes_before": G.number_of_nodes(),
        "nodes_after": G.number_of_nodes() - len(removed_nodes),
        "edges_before": G.number_of_edges(),
        "edges_after": G.number_of_edges() - len(lost_edges),
        "components_before": len(before_parts),
        "components_after": len(after_parts),
        "largest_component_before": before_parts[0] if before_parts else 0,
        "largest_component_after": after_parts[0] if after_parts else 0,
        "fragment_sizes": after_parts,
        "cross_border_edges_before": cross_before,
        "cross_border_edges_after": cross_before - cross_lost,
        "cross_border_ties_lost": cross_lost,
        "agencies_isolated": sorted(G.nodes[n].get("label", n) for n in touched if after.degree(n) == 0),
    }


def resolve(G: nx.Graph, spec: str) -> tuple[str, str, str]:  # noqa: N803
    """The IRI, label and kind `spec` names: a node of G or a vehicle on its ties."""
    candidates = [spec]
    prefix, colon, local = spec.partition(":")
    if colon and prefix in PREFIXES and not spec.startswith(("http://", "https://")):
        candidates = [PREFIXES[prefix] + local]
    elif not colon:
        candidates += [PREFIXES[kind] + spec for kind in SLUG_KINDS]
    for iri in candidates:
        if iri in G:
            data = G.nodes[iri]
            return iri, data.get("label", iri), data.get("kind", "")
    vehicles = _vehicles(G)
    for iri in candidates:
        if iri in vehicles:
            return iri, vehicles[iri], "vehicle"
    wanted = spec.casefold()
    for node, data in G.nodes(data=True):
        if wanted in (str(data.get("label", "")).casefold(), str(data.get("acronym", "")).casefold()):
            return node, data.get("label", node), data.get("kind", "")
    for iri, label in vehicles.items():
        if wanted == label.casefold():
            return iri, label, "vehicle"
    raise CoopgraphError(f"{spec!r} is neither a node of the {G.graph.get('projection', '')} projection nor a "
                         f"vehicle on its ties; give an IRI, a CURIE such as agency:rcmp, a slug or a label "
                         f"(`coopgraph analyze` lists the agencies)")


def _vehicles(G: nx.Graph) -> dict[str, str]:  # noqa: N803
    found: dict[str, str] = {}
    for _, _, data in G.edges(data=True):
        iris = [v for v in data.get("via_iri", "").split(SEPARATOR) if v]
        labels = data.get("via", "").split(SEPARATOR)
        for i, iri in enumerate(iris):
            found.setdefault(iri, labels[i] if i < len(labels) else iri)
    return found
