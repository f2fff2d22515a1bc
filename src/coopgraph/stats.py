"""Counts that describe the graph: triples, and instances per class of the ontology."""

from __future__ import annotations

import pyoxigraph as ox

from coopgraph.namespaces import ID
from coopgraph.results import ResultTable
from coopgraph.store import select

CLASS_COUNTS = """
SELECT ?class (SAMPLE(?label) AS ?classLabel) (COUNT(DISTINCT ?instance) AS ?instances)
WHERE {
  ?instance a ?class .
  FILTER(STRSTARTS(STR(?class), STR(coop:)))
  FILTER(STRSTARTS(STR(?instance), "ID_BASE"))
  OPTIONAL { ?class rdfs:label ?label }
}
GROUP BY ?class
ORDER BY DESC(?instances) ?class
""".replace("ID_BASE", ID)  # our own constant, not input


def class_counts(store: ox.Store) -> ResultTable:
    """Instances per coop: class (after the rules, so a TaskForce also counts as a CoordinationMechanism)."""
    return select(store, CLASS_COUNTS, source="class counts")
