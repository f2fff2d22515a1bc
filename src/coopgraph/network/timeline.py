"""Yearly snapshots of a projection: how the cooperation network grew."""

from __future__ import annotations

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


def timeline(store: ox.Store | LoadedGraph | NetworkRows, name: str = "collaboration", first: int | None = None,
             last: int = LAST_YEAR) -> pd.DataFrame:
    """One row per year, from the earliest start year in the data (or `first`) to `last`.

    Each row describes projection(store, name, year): what was in force that year. The queries run once.
    """
    rows = rows_for(store)
    start = first if first is not None else rows.first_year()
    if start is None:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    records = []
    for year in range(start, max(start, last) + 1):
        graph = projection(rows, name, year)
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
