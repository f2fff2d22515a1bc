"""Beyond a few thousand nodes a drawing is a hairball: show one node per group, and a drill-down view per group.

Groups are countries, classes (kind) or communities (igraph's multilevel modularity). "auto" takes the first of
those that splits the graph into several groups of at most `limit` nodes. A group still larger than the limit is
aggregated again by community, so every view a browser draws stays small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

import igraph as ig
import networkx as nx

AGGREGATE_ABOVE = 2000
GROUPINGS = ("auto", "country", "kind", "community")
_MAX_DEPTH = 3


@dataclass
class ViewSpec:
    """One view of a page: a graph to draw, its title, and the view it drills down from."""

    id: str
    title: str
    graph: nx.Graph
    parent: str | None = None
    aggregated: bool = False
    grouping: str = ""


def plan(graph: nx.Graph, title: str, limit: int = AGGREGATE_ABOVE, group_by: str = "auto") -> list[ViewSpec]:
    """The views of a page: the graph itself when small, else an overview and one drill-down per group."""
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}; expected one of {', '.join(GROUPINGS)}")
    views: list[ViewSpec] = []
    _plan(graph, title, limit, group_by, None, views, depth=0)
    return views


def _plan(graph: nx.Graph, title: str, limit: int, group_by: str, parent: str | None,
          views: list[ViewSpec], depth: int) -> None:
    view_id = f"view-{len(views)}"
    if graph.number_of_nodes() <= limit or depth >= _MAX_DEPTH:
        views.append(ViewSpec(view_id, title, graph, parent))
        return
    grouping, groups = _choose(graph, limit, group_by if depth == 0 else "community")
    overview = ViewSpec(view_id, f"{title}: by {grouping}", nx.Graph(), parent, aggregated=True, grouping=grouping)
    views.append(overview)
    drill: dict[str, str] = {}
    for name, members in groups.items():
        drill[name] = f"view-{len(views)}"
        _plan(graph.subgraph(members).copy(), f"{title}: {name}", limit, group_by, view_id, views, depth + 1)
    overview.graph = _group_graph(graph, groups, grouping, drill)


def _choose(graph: nx.Graph, limit: int, group_by: str) -> tuple[str, dict[str, list[Hashable]]]:
    order = ("country", "kind", "community") if group_by == "auto" else (group_by,)
    for grouping in order:
        groups = _communities(graph) if grouping == "community" else _by_attribute(graph, grouping)
        if group_by != "auto" or (len(groups) > 1 and max(map(len, groups.values())) <= limit):
            return grouping, groups
    return "community", _communities(graph)


def _by_attribute(graph: nx.Graph, name: str) -> dict[str, list[Hashable]]:
    groups: dict[str, list[Hashable]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        groups[str(data.get(name) or f"(no {name})")].append(node)
    return dict(sorted(groups.items()))


def _communities(graph: nx.Graph) -> dict[str, list[Hashable]]:
    order = list(graph.nodes)
    index = {node: i for i, node in enumerate(order)}
    g = ig.Graph(n=len(order), edges=[(index[u], index[v]) for u, v in graph.edges()])
    membership = g.community_multilevel().membership if g.ecount() else list(range(len(order)))
    members: dict[int, list[Hashable]] = defaultdict(list)
    for node, community in zip(order, membership, strict=True):
        members[community].append(node)
    ranked = sorted(members.values(), key=len, reverse=True)
    return {_community_name(graph, nodes, i + 1): nodes for i, nodes in enumerate(ranked)}


def _community_name(graph: nx.Graph, nodes: list[Hashable], number: int) -> str:
    """'Community 3 (around X)': X is the member with the most links, so the name says something."""
    hub = max(nodes, key=lambda n: (graph.degree(n), str(n)))
    return f"Community {number} (around {graph.nodes[hub].get('label', hub)})"


def _group_graph(graph: nx.Graph, groups: dict[str, list[Hashable]], grouping: str,
                 drill: dict[str, str]) -> nx.Graph:
    """One node per group (size = members), one edge per pair of groups with links between them."""
    where = {node: name for name, members in groups.items() for node in members}
    summary = nx.Graph()
    for name, members in groups.items():
        countries = sorted({str(graph.nodes[m].get("country") or "") for m in members} - {""})
        summary.add_node(f"group:{name}", label=f"{name} ({len(members)})", kind="group",
                         country=name if grouping == "country" else "; ".join(countries[:1]) if len(countries) == 1
                         else "", count=len(members), drill=drill[name], iri="", sources="[]",
                         role=f"{len(members)} nodes grouped by {grouping}")
    links: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for u, v, data in graph.edges(data=True):
        a, b = sorted((where[u], where[v]))
        if a != b:
            links[(a, b)][0] += float(data.get("weight", 1.0) or 1.0)
            links[(a, b)][1] += 1
    for (a, b), (weight, count) in links.items():
        summary.add_edge(f"group:{a}", f"group:{b}", weight=weight, via=f"{int(count)} links between the groups")
    return summary
