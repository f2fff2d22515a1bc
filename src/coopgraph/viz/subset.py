"""Cut a projection down to what the analyst asked for: a country, the neighbourhood of a threat or an entity."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

from coopgraph.errors import CoopgraphError
from coopgraph.namespaces import PREFIXES
from coopgraph.viz.style import split_countries


def find_node(graph: nx.Graph, spec: str) -> Hashable:
    """The node named by an IRI, a CURIE, a slug (the IRI's last segment) or a label (case-insensitive)."""
    wanted = spec.strip()
    prefix, colon, local = wanted.partition(":")
    expanded = PREFIXES[prefix] + local if colon and prefix in PREFIXES else wanted
    by_label: list[Hashable] = []
    by_slug: list[Hashable] = []
    for node, data in graph.nodes(data=True):
        iri = str(data.get("iri") or node)
        if expanded in (iri, str(node)):
            return node
        if str(data.get("label", "")).casefold() == wanted.casefold():
            by_label.append(node)
        if iri.rstrip("/").rsplit("/", 1)[-1] == wanted:
            by_slug.append(node)
    matches = by_label or by_slug
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(sorted(str(graph.nodes[m].get("iri") or m) for m in matches)[:5])
        raise CoopgraphError(f"{spec!r} names more than one node ({names}); give the IRI or CURIE")
    raise CoopgraphError(f"no node {spec!r} in this network; give a label, a CURIE such as agency:rcmp or an IRI")


def by_country(graph: nx.Graph, country: str) -> nx.Graph:
    """Nodes of that country (bi-national nodes count for each of their countries), matched on label or code."""
    wanted = country.strip().casefold()
    keep = [node for node, data in graph.nodes(data=True)
            if any(part.casefold() == wanted for part in split_countries(str(data.get("country", ""))))]
    if not keep:
        known = sorted({p for _, d in graph.nodes(data=True) for p in split_countries(str(d.get("country", "")))})
        raise CoopgraphError(f"no node of country {country!r}; this network has: {', '.join(known) or 'none'}")
    return graph.subgraph(keep).copy()


def around(graph: nx.Graph, centre: Hashable, radius: int = 1) -> nx.Graph:
    """The ego network: the node and everything within `radius` links of it."""
    return nx.ego_graph(graph, centre, radius=radius).copy()


def restrict_to(graph: nx.Graph, keep: Iterable[str]) -> nx.Graph:
    """Keep the nodes whose IRI (or key) is in `keep`."""
    wanted = set(keep)
    return graph.subgraph([n for n, d in graph.nodes(data=True) if str(d.get("iri") or n) in wanted]).copy()


def threat_neighbourhood(threat_graph: nx.Graph, threat: str, radius: int = 2) -> set[str]:
    """IRIs within `radius` links of a threat in the threat projection (what targets it, and who takes part)."""
    centre = find_node(threat_graph, threat)
    near = nx.single_source_shortest_path_length(threat_graph, centre, cutoff=radius)
    return {str(threat_graph.nodes[n].get("iri") or n) for n in near}
