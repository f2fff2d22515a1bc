"""The network outputs of a build: metrics, timeline, what-if results, summary and graph files in one folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from coopgraph.network.exchange import write_gexf, write_graphml
from coopgraph.network.metrics import agency_metrics, network_summary
from coopgraph.network.projections import SEPARATOR, NetworkRows, rows_for
from coopgraph.network.projections import projection as make_projection
from coopgraph.network.timeline import timeline
from coopgraph.network.whatif import what_if
from coopgraph.results import spreadsheet_safe_frame

if TYPE_CHECKING:
    from coopgraph.load import LoadedGraph

TOP_BROKERS = 3
MAX_WHAT_IF = 25  # a synthetic graph can have hundreds of articulation points; the report needs the main ones


def write_outputs(graph: LoadedGraph | NetworkRows, folder: Path, projection: str = "collaboration",
                  year: int | None = None) -> dict[str, Path]:
    """Write metrics.csv, timeline.csv, whatif.csv, summary.json, <projection>.gexf and <projection>.graphml.

    Returns their paths by key (metrics, timeline, whatif, summary, gexf, graphml).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = rows_for(graph)
    G = make_projection(rows, projection, year)  # noqa: N806
    metrics = agency_metrics(G)
    summary = network_summary(G)
    summary.update({
        "betweenness_method": metrics.attrs.get("betweenness_method", ""),
        "community_method": metrics.attrs.get("community_method", ""),
        "communities": int(metrics["community"].nunique()) if len(metrics) else 0,
        "top_brokers": metrics.head(5)[["iri", "label", "betweenness"]].to_dict(orient="records"),
    })
    written = {
        "metrics": folder / "metrics.csv",
        "timeline": folder / "timeline.csv",
        "whatif": folder / "whatif.csv",
        "summary": folder / "summary.json",
        "gexf": folder / f"{projection}.gexf",
        "graphml": folder / f"{projection}.graphml",
    }
    spreadsheet_safe_frame(metrics).to_csv(written["metrics"], index=False)
    spreadsheet_safe_frame(timeline(rows, projection)).to_csv(written["timeline"], index=False)
    spreadsheet_safe_frame(what_if_table(G, metrics)).to_csv(written["whatif"], index=False)
    written["summary"].write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n",
                                  encoding="utf-8")
    write_gexf(G, written["gexf"])
    write_graphml(G, written["graphml"])
    return written


def brokers(metrics: pd.DataFrame) -> list[str]:
    """Every articulation point (most central first, at most MAX_WHAT_IF), else the top 3 by betweenness."""
    cut = metrics[metrics["articulation_point"]]
    chosen = cut if len(cut) else metrics.head(TOP_BROKERS)
    return list(chosen["iri"].head(MAX_WHAT_IF))


def what_if_table(G: nx.Graph, metrics: pd.DataFrame) -> pd.DataFrame:  # noqa: N803
    """What-if rows for the brokers, lists joined with "; " for CSV."""
    records: list[dict[str, Any]] = []
    for iri in brokers(metrics):
        result = what_if(G, iri)
        result["fragment_sizes"] = SEPARATOR.join(str(n) for n in result["fragment_sizes"])
        result["agencies_isolated"] = SEPARATOR.join(result["agencies_isolated"])
        records.append(result)
    columns = ["removed", "label", "kind", "nodes_before", "nodes_after", "edges_before", "edges_after",
               "components_before", "components_after", "largest_component_before", "largest_component_after",
               "fragment_sizes", "cross_border_edges_before", "cross_border_edges_after", "cross_border_ties_lost",
               "agencies_isolated"]
    return pd.DataFrame.from_records(records, columns=columns)
