"""Open the knowledge graph: load the ontology and data folders, then derive the links the queries rely on."""

from __future__ import annotations

from pathlib import Path

from coopgraph import paths
from coopgraph.load import LoadedGraph, load


def rules_for(ontology_dir: Path) -> Path | None:
    """The rules belong to the ontology they derive for: a custom --ontology brings its own rules/."""
    own = Path(ontology_dir) / "rules"
    return own if own.is_dir() else None


def open_graph(ontology_dir: Path | None = None, data_dir: Path | None = None, rules: bool = True,
               cache: bool = False) -> LoadedGraph:
    """Load both folders (default: the project's, see coopgraph.paths) and, unless told not to, apply the rules.

    With `cache`, the loaded and derived graph comes from its persistent on-disk store (coopgraph.persist),
    built on first use and rebuilt when an input changed; the store is then read-only.
    """
    from coopgraph.reason import apply_rules

    ontology_dir = Path(ontology_dir) if ontology_dir else paths.ontology_dir()
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    if rules and cache:
        from coopgraph import persist

        return persist.open_store(ontology_dir, data_dir, rules_for(ontology_dir), apply_rules)
    graph = load(ontology_dir, data_dir)
    if rules:
        apply_rules(graph.store, rules_for(ontology_dir))
    return graph
