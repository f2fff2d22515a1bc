"""`coopgraph queries`: the catalogue, one query a line, its name first."""

from __future__ import annotations

import click

from coopgraph import catalogue


@click.command()
@click.option("--verbose", "-v", is_flag=True, help="Also show the question, parameters and columns.")
def command(verbose: bool) -> None:
    """List the query catalogue."""
    for name, query in catalogue.catalogue().items():
        click.echo(f"{name}\t{query.title}")
        if verbose:
            click.echo(f"    question: {query.question}")
            for p in query.parameters:
                click.echo(f"    param {p.name} ({p.type}, default {p.default}) {p.description}")
            click.echo(f"    columns: {' '.join(query.columns)}")
