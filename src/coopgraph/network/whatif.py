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
    """Remove `remove` (an IRI, a CURIE such as agency:rcmp, a slug, a label or an acronym) from a copy of G.

    A node is removed with its ties; a vehicle that is not a node (a mechanism in the collaboration projection)
    is taken off every tie it carries, and a tie carried by nothing else disappears.
    """
    target, label, kind = resolve(G, remove)
    after = G.copy()
    if target in after:
        after.remove_node(target)
    else:
        for a, b, data in list(after.edges(data=True)):
            vehicles = data.get("via_iri", "").split(SEPARATOR)
            if target not in vehicles:
                continue
            keep = [i for i, v in enumerate(vehicles) if v != target]
            if not keep:
                after.remove_edge(a, b)
                continue
            labels = data.get("via", "").split(SEPARATOR)
            data["via_iri"] = SEPARATOR.join(vehicles[i] for i in keep)
            data["via"] = SEPARATOR.join(labels[i] for i in keep if i < len(labels))
            data["weight"] = float(len(keep))
    before_parts = list(nx.connected_components(G))
    after_parts = sorted((len(c) for c in nx.connected_components(after)), reverse=True)
    cross_before = {frozenset((a, b)) for a, b, c in G.edges(data="cross_border") if c}
    cross_after = {frozenset((a, b)) for a, b, c in after.edges(data="cross_border") if c}
    isolated = sorted(after.nodes[n].get("label", n) for n in after if after.degree(n) == 0 and G.degree(n) > 0)
    return {
        "removed": target,
        "label": label,
        "kind": kind,
        "nodes_before": G.number_of_nodes(),
        "nodes_after": after.number_of_nodes(),
        "edges_before": G.number_of_edges(),
        "edges_after": after.number_of_edges(),
        "components_before": len(before_parts),
        "components_after": len(after_parts),
        "largest_component_before": max((len(c) for c in before_parts), default=0),
        "largest_component_after": after_parts[0] if after_parts else 0,
        "fragment_sizes": after_parts,
        "cross_border_edges_before": len(cross_before),
        "cross_border_edges_after": len(cross_after),
        "cross_border_ties_lost": len(cross_before - cross_after),
        "agencies_isolated": isolated,
    }


def resolve(G: nx.Graph, spec: str) -> tuple[str, str, str]:  # noqa: N803
    """The IRI, label and kind `spec` names: a node of G or a vehicle on its ties."""
    vehicles = _vehicles(G)
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
