"""`coopgraph query`: run a catalogue query, a .rq file or standard input."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph import catalogue
from coopgraph.cli.options import format_option, graph_options, open_graph, parse_params
from coopgraph.store import select


@click.command()
@click.argument("query_spec", metavar="QUERY")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@format_option
@graph_options
def command(query_spec: str, params: tuple[str, ...], fmt: str, ontology_dir: Path | None,
            data_dir: Path | None) -> None:
    """Run QUERY: a catalogue name (see `coopgraph queries`), a path to a .rq file, or - for standard input."""
    query = catalogue.resolve(query_spec)
    bindings = query.bindings(parse_params(params))
    graph = open_graph(ontology_dir, data_dir)
    table = select(graph.store, query.text, bindings, source=str(query.path or query.name))
    click.echo(table.render(fmt), nl=False)
