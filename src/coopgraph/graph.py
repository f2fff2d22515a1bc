"""Open the knowledge graph: load the ontology and data folders, then derive the links the queries rely on."""

from __future__ import annotations

from pathlib import Path

from coopgraph import paths
from coopgraph.load import LoadedGraph, load


def open_graph(ontology_dir: Path | None = None, data_dir: Path | None = None, rules: bool = True) -> LoadedGraph:
    """Load both folders (default: the shipped ones) and, unless told not to, apply the derivation rules."""
    ontology_dir = Path(ontology_dir) if ontology_dir else paths.ontology_dir()
    graph = load(ontology_dir, Path(data_dir) if data_dir else paths.data_dir())
    if rules:
        from coopgraph.reason import apply_rules

        # The rules belong to the ontology they derive for: a custom --ontology brings its own rules/.
        own_rules = ontology_dir / "rules"
        apply_rules(graph.store, own_rules if own_rules.is_dir() else None)
    return graph
