"""Country pairs side by side: the structure of each pair's collaboration network, from the projections.

Every pair in the data (coop:CountryPair, data/shared/pairs.ttl) gets one row; nothing here names a country, so
a third pair added as data appears with no code change. The numbers come from the same projection the
`analyze` command reads, filtered to the pair's vehicles (coop:inPair).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd
import pyoxigraph as ox

from coopgraph.network.metrics import agency_metrics, network_summary
from coopgraph.network.projections import NetworkRows, projection, rows_for

if TYPE_CHECKING:
    from coopgraph.load import LoadedGraph

COLUMNS = ["pair", "label", "agencies", "ties", "density", "cross_border_ties", "cross_border_share", "components",
           "largest_component", "articulation_points", "articulation_point_labels", "brokers", "shared_agencies"]
BROKERS = 3  # how many of the most between agencies to name per pair


def pair_projections(source: ox.Store | LoadedGraph | NetworkRows, name: str = "collaboration",
                     year: int | None = None) -> dict[str, nx.Graph]:
    """The projection `name` for each country pair, by pair IRI (the queries run once for all pairs)."""
    rows = rows_for(source)
    return {iri: projection(rows, name, year, pair=iri) for iri in sorted(rows.pairs())}


def compare_pairs(source: ox.Store | LoadedGraph | NetworkRows, year: int | None = None) -> pd.DataFrame:
    """One row per country pair: size, density, share of cross-border ties, brokers and single points of failure
    (articulation points) of its agency collaboration network, and how many of its agencies serve in another pair.
    """
    rows = rows_for(source)
    labels = rows.pairs()
    graphs = pair_projections(rows, "collaboration", year)
    members = {iri: set(graph.nodes) for iri, graph in graphs.items()}
    records = []
    for iri, graph in graphs.items():
        summary = network_summary(graph)
        metrics = agency_metrics(graph)
        brokers = metrics[metrics["betweenness"] > 0].head(BROKERS)["label"].tolist() if len(metrics) else []
        others = set().union(*(nodes for other, nodes in members.items() if other != iri))
        edges = summary["edges"]
        records.append({
            "pair": iri,
            "label": labels.get(iri, iri),
            "agencies": summary["nodes"],
            "ties": edges,
            "density": round(summary["density"], 4),
            "cross_border_ties": summary["cross_border_edges"],
            "cross_border_share": round(summary["cross_border_edges"] / edges, 4) if edges else 0.0,
            "components": summary["components"],
            "largest_component": summary["largest_component"],
            "articulation_points": len(summary["articulation_points"]),
            "articulation_point_labels": "; ".join(summary["articulation_points"]),
            "brokers": "; ".join(brokers),
            "shared_agencies": len(members[iri] & others),
        })
    return pd.DataFrame(records, columns=COLUMNS)
