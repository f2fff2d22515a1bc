"""The release artefact for OWL 2 reasoners: out/graph-owl.ttl, the merged graph with OWL 2 datatypes only.

The data dates things as precisely as their sources do, with xsd:date, xsd:gYearMonth and xsd:gYear. None of
these is in the OWL 2 datatype map, so HermiT (as Protege runs it on ontology and data together) stops with
"The datatype xsd:gYear is not part of the OWL 2 datatype map". graph.ttl keeps the XSD types, which SPARQL and
SHACL need; graph-owl.ttl is the same graph with each literal outside the map retyped to xsd:string (the
lexical form kept, so "2003-03-01" stays readable). No OWL axiom in the ontology constrains those values
(SHACL does), so retyping changes no inference.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from coopgraph.namespaces import XSD
from coopgraph.reason import owl2_literal

OWL_GRAPH = "graph-owl.ttl"
_STRING = ox.NamedNode(f"{XSD}string")


def owl_quads(store: ox.Store) -> list[ox.Quad]:
    """The default graph, each literal outside the OWL 2 datatype map retyped to xsd:string."""
    quads = []
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.language is None and not owl2_literal(obj):
            obj = ox.Literal(obj.value, datatype=_STRING)
        quads.append(ox.Quad(quad.subject, quad.predicate, obj, ox.DefaultGraph()))
    return quads


def write_owl_graph(store: ox.Store, folder: Path, prefixes: dict[str, str] | None = None) -> Path:
    """Write folder/graph-owl.ttl (see the module docstring) and return its path."""
    path = Path(folder) / OWL_GRAPH
    ox.serialize(owl_quads(store), str(path), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return path
