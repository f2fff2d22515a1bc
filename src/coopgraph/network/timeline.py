"""Yearly snapshots of a projection: how the cooperation network grew, and in which years each node and tie stood.

Every snapshot is projection(rows, name, year), so a year here means what `coopgraph analyze --year` means.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd

from coopgraph.network.metrics import cross_border_density
from coopgraph.network.projections import NetworkRows, projection, rows_for

if TYPE_CHECKING:
    import pyoxigraph as ox

    from coopgraph.load import LoadedGraph

LAST_YEAR = 2025
TIMELINE_COLUMNS = ["year", "nodes", "edges", "cross_border_edges", "cross_border_density", "density",
                    "components", "largest_component"]


def snapshots(store: ox.Store | LoadedGraph | NetworkRows, name: str = "collaboration", first: int | None = None,
              last: int = LAST_YEAR) -> Iterator[tuple[int, nx.Graph]]:
    """(year, projection in force that year), from the earliest start year in the data (or `first`) to `last`."""
    rows = rows_for(store)
    start = first if first is not None else rows.first_year()
    if start is None:
        return
    for year in range(start, max(start, last) + 1):
        yield year, projection(rows, name, year)


def timeline(store: ox.Store | LoadedGraph | NetworkRows, name: str = "collaboration", first: int | None = None,
             last: int = LAST_YEAR) -> pd.DataFrame:
    """One row per year; each row describes projection(store, name, year). The queries run once."""
    records = []
    for year, graph in snapshots(store, name, first, last):
        components = list(nx.connected_components(graph))
        records.append({
            "year": year,
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "cross_border_edges": sum(1 for *_, c in graph.edges(data="cross_border") if c),
            "cross_border_density": cross_border_density(graph),
            "density": nx.density(graph) if graph.number_of_nodes() > 1 else 0.0,
            "components": len(components),
            "largest_component": max((len(c) for c in components), default=0),
        })
    return pd.DataFrame.from_records(records, columns=TIMELINE_COLUMNS)


@dataclass
class Presence:
    """The years each node and each tie of a projection stood, as inclusive [first, last] ranges.

    A node or tie absent from `nodes`/`edges` never stood in a covered year (its dates are unknown); the page
    shows it only under "all years", as `coopgraph analyze` without --year does.
    """

    first: int | None
    last: int
    nodes: dict[Hashable, list[list[int]]] = field(default_factory=dict)
    edges: dict[frozenset, list[list[int]]] = field(default_factory=dict)

    def node_years(self, node: Hashable) -> list[list[int]]:
        return self.nodes.get(node, [])

    def edge_years(self, a: Hashable, b: Hashable) -> list[list[int]]:
        return self.edges.get(frozenset((a, b)), [])


def presence(store: ox.Store | LoadedGraph | NetworkRows, name: str = "collaboration", first: int | None = None,
             last: int = LAST_YEAR) -> Presence:
    """In which years each node and tie of projection `name` stood (from the same snapshots as timeline())."""
    rows = rows_for(store)
    start = first if first is not None else rows.first_year()
    found = Presence(start, last)
    for year, graph in snapshots(rows, name, start, last):
        for node in graph.nodes:
            _extend(found.nodes.setdefault(node, []), year)
        for a, b in graph.edges:
            _extend(found.edges.setdefault(frozenset((a, b)), []), year)
    return found


def _extend(ranges: list[list[int]], year: int) -> None:
    """Add `year` to ascending ranges, years arriving in order."""
    if ranges and ranges[-1][1] == year - 1:
        ranges[-1][1] = year
    else:
        ranges.append([year, year])
