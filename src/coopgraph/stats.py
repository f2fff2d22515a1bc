"""Counts that describe the graph: triples, and instances per class of the ontology."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopgraph.results import ResultTable

if TYPE_CHECKING:
    from coopgraph.backend import Backend


def class_counts(backend: Backend) -> ResultTable:
    """Instances per coop: class (after the rules, so a TaskForce also counts as a CoordinationMechanism)."""
    return backend.internal("class-counts", max_rows=None)
