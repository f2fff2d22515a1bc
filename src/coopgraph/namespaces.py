"""The one place prefixes live: Turtle files, SPARQL queries and the code all use this table."""

from __future__ import annotations

from typing import Any

ONTOLOGY = "https://w3id.org/coopgraph/ontology#"
ID = "https://w3id.org/coopgraph/id/"

# Instance namespaces, one per kind of thing; the slug after the prefix is readable (agency:rcmp).
INSTANCE_KINDS = (
    "country",
    "place",
    "agency",
    "mechanism",
    "agreement",
    "operation",
    "initiative",
    "measure",
    "observation",
    "indicator",
    "unit",
    "threat",
    "role",
    "participation",
    "source",
    "pair",
)

STANDARD = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
}

SHAPES = "https://w3id.org/coopgraph/shapes#"  # the SHACL shapes of ontology/shapes.ttl

PREFIXES: dict[str, str] = {
    "coop": ONTOLOGY,
    "shape": SHAPES,
    **{kind: f"{ID}{kind}/" for kind in INSTANCE_KINDS},
    **STANDARD,
}

XSD = STANDARD["xsd"]
RDF = STANDARD["rdf"]
OWL = STANDARD["owl"]
RDF_TYPE = RDF + "type"


def __getattr__(name: str) -> Any:
    """COOP, the ontology as an rdflib Namespace, made on first use: importing rdflib takes about 0.3 s, and a
    command that only asks the store (`coopgraph query`, `info`) never needs it."""
    if name == "COOP":
        from rdflib import Namespace

        return Namespace(ONTOLOGY)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def instance_iri(kind: str, slug: str) -> str:
    """The IRI of an instance of `kind` (one of INSTANCE_KINDS) with a readable slug."""
    if kind not in INSTANCE_KINDS:
        raise ValueError(f"unknown instance kind {kind!r}; expected one of {', '.join(INSTANCE_KINDS)}")
    return f"{ID}{kind}/{slug}"


def turtle_prefix_block() -> str:
    """The @prefix lines every Turtle file starts with."""
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())


def sparql_prefix_block() -> str:
    """PREFIX lines for queries that do not declare their own."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def shorten(iri: str) -> str:
    """A CURIE for iri when a prefix covers it (longest match first), else the IRI itself."""
    for name, ns in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{name}:{iri[len(ns):]}"
    return iri
