"""The release artefact for OWL 2 reasoners: out/graph-owl.ttl, the merged graph with OWL 2 datatypes only.

The data dates things as precisely as their sources do, with xsd:date, xsd:gYearMonth and xsd:gYear. None of
these is in the OWL 2 datatype map, so HermiT (as Protege runs it on ontology and data together) stops with
"The datatype xsd:gYear is not part of the OWL 2 datatype map". graph.ttl keeps the XSD types, which SPARQL and
SHACL need; graph-owl.ttl is the same graph with each literal outside the map retyped to xsd:string (the
lexical form kept, so "2003-03-01" stays readable). No OWL axiom in the ontology constrains those values
(SHACL does), so retyping changes no inference.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from coopgraph.namespaces import PREFIXES, XSD
from coopgraph.reason import owl2_literal

OWL_GRAPH = "graph-owl.ttl"
_STRING = ox.NamedNode(f"{XSD}string")


def owl_triples(triples: Iterable[ox.Triple | ox.Quad]) -> list[ox.Triple]:
    """The triples, each literal outside the OWL 2 datatype map retyped to xsd:string."""
    retyped = []
    for triple in triples:
        obj = triple.object
        if isinstance(obj, ox.Literal) and obj.language is None and not owl2_literal(obj):
            obj = ox.Literal(obj.value, datatype=_STRING)
        retyped.append(ox.Triple(triple.subject, triple.predicate, obj))
    return retyped


def write_owl_graph(triples: Iterable[ox.Triple | ox.Quad], folder: Path) -> Path:
    """Write folder/graph-owl.ttl (see the module docstring) and return its path."""
    path = Path(folder) / OWL_GRAPH
    ox.serialize(owl_triples(triples), str(path), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return path
