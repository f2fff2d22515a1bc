"""Network analysis of the cooperation graph: projections from catalogue queries, metrics, time, what-if, exports.

NetworkX is the interface; igraph computes betweenness, communities and PageRank where NetworkX is the
bottleneck (see coopgraph.network.metrics).
"""

from coopgraph.network.exchange import export_rdf, write_gexf, write_graphml
from coopgraph.network.metrics import agency_metrics, network_summary
from coopgraph.network.outputs import write_outputs
from coopgraph.network.projections import PROJECTIONS, NetworkRows, projection, rows_for
from coopgraph.network.timeline import timeline
from coopgraph.network.whatif import what_if

__all__ = [
    "PROJECTIONS",
    "NetworkRows",
    "agency_metrics",
    "export_rdf",
    "network_summary",
    "projection",
    "rows_for",
    "timeline",
    "what_if",
    "write_gexf",
    "write_graphml",
    "write_outputs",
]
