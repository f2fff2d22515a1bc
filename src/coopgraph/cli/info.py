"""`coopgraph info`: how big the graph is and what is in it."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph.cli.options import format_option, open_source, source_options
from coopgraph.stats import class_counts


@click.command()
@format_option
@source_options
def command(fmt: str, ontology_dir: Path | None, data_dir: Path | None, endpoint: str | None, graph_iri: str | None,
            no_cache: bool) -> None:
    """Triples, and instances per class."""
    backend = open_source(ontology_dir, data_dir, endpoint, graph_iri, no_cache)
    table = class_counts(backend)
    if fmt == "table":
        click.echo(f"{backend.triple_count()} triples; {backend.describe()}")
    click.echo(table.render(fmt), nl=False)
