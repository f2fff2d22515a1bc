"""Exports: a projection as GEXF (Gephi) or GraphML (Cytoscape), the whole graph as Turtle, N-Triples or JSON-LD.

GEXF and GraphML take only strings, numbers and booleans as attribute values: anything else is written as JSON
(lists, dicts) or as an empty string (None). Files are written beside the target and renamed into place.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from coopgraph.backend import Backend, as_backend
from coopgraph.errors import CoopgraphError
from coopgraph.load import LoadedGraph
from coopgraph.output import atomic_target

GRAPH_FORMATS = ("gexf", "graphml")
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
FORMATS = GRAPH_FORMATS + tuple(RDF_FORMATS)


def exchange_safe(G: nx.Graph) -> nx.Graph:  # noqa: N803
    """A copy whose graph, node and edge attributes are all str, int, float or bool."""
    safe = nx.Graph() if not G.is_directed() else nx.DiGraph()
    safe.graph.update({k: _safe(v) for k, v in G.graph.items()})
    safe.add_nodes_from((str(n), {k: _safe(v) for k, v in d.items()}) for n, d in G.nodes(data=True))
    safe.add_edges_from((str(a), str(b), {k: _safe(v) for k, v in d.items()}) for a, b, d in G.edges(data=True))
    return safe


def write_gexf(G: nx.Graph, path: Path) -> Path:  # noqa: N803
    safe = exchange_safe(G)
    # Gephi reads `label` from the node element, not the attribute table: NetworkX puts it there.
    return _write(path, lambda target: nx.write_gexf(safe, target))


def write_graphml(G: nx.Graph, path: Path) -> Path:  # noqa: N803
    safe = exchange_safe(G)
    return _write(path, lambda target: nx.write_graphml(safe, target, named_key_ids=True))


def write_graph(G: nx.Graph, path: Path, fmt: str) -> Path:  # noqa: N803
    if fmt == "gexf":
        return write_gexf(G, path)
    if fmt == "graphml":
        return write_graphml(G, path)
    raise CoopgraphError(f"unknown graph format {fmt!r}; choose one of {', '.join(GRAPH_FORMATS)}")


def export_rdf(source: Backend | LoadedGraph | ox.Store, path: Path, fmt: str) -> Path:
    """The whole default graph (ontology, data and derived links) in an RDF format, from any backend."""
    if fmt not in RDF_FORMATS:
        raise CoopgraphError(f"unknown RDF format {fmt!r}; choose one of {', '.join(RDF_FORMATS)}")
    backend = as_backend(source)
    return _write(path, lambda target: backend.dump(RDF_FORMATS[fmt], Path(target)))


def _safe(value: Any) -> str | int | float | bool:
    if value is None:
        return ""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else ""
    if hasattr(value, "item"):  # numpy scalars
        return _safe(value.item())
    if isinstance(value, list | tuple | set | frozenset | dict):
        return json.dumps(sorted(value) if isinstance(value, set | frozenset) else value, ensure_ascii=False,
                          default=str)
    return str(value)


def _write(path: Path, writer: Callable[[str], None]) -> Path:
    path = Path(path)
    try:
        with atomic_target(path) as temporary:
            writer(str(temporary))
    except OSError as error:
        raise CoopgraphError(f"{path}: cannot write: {error}; choose a writable --out path") from None
    return path
