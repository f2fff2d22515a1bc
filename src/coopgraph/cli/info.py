"""`coopgraph info`: how big the graph is and what is in it."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph.cli.options import format_option, graph_options
from coopgraph.graph import open_graph
from coopgraph.stats import class_counts


@click.command()
@format_option
@graph_options
def command(fmt: str, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Triples, and instances per class."""
    graph = open_graph(ontology_dir, data_dir)
    table = class_counts(graph.store)
    if fmt == "table":
        click.echo(f"{len(graph)} triples from {len(graph.files)} files")
    click.echo(table.render(fmt), nl=False)
