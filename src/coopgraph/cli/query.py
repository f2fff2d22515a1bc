"""`coopgraph query`: run a catalogue query, a .rq file or standard input, embedded or at a remote endpoint."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph import catalogue
from coopgraph.cli.options import format_option, graph_options, parse_params
from coopgraph.graph import open_graph
from coopgraph.store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT


@click.command()
@click.argument("query_spec", metavar="QUERY")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@click.option("--endpoint", metavar="URL", default=None,
              help="Run at this SPARQL endpoint (such as http://127.0.0.1:7878/query) instead of the embedded store.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop waiting for the query after this long (exit code 4).")
@click.option("--max-rows", type=click.IntRange(min=0), default=DEFAULT_MAX_ROWS, show_default=True, metavar="N",
              help="Refuse a result with more rows than this (exit code 4).")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="Let the embedded store send the query's SERVICE clauses to this endpoint (repeatable); "
                   "without it SERVICE is refused.")
@format_option
@graph_options
def command(query_spec: str, params: tuple[str, ...], endpoint: str | None, timeout: float, max_rows: int,
            allow_service: tuple[str, ...], fmt: str, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Run QUERY: a catalogue name (see `coopgraph queries`), a path to a .rq file, or - for standard input.

    Exit codes: 3 when the endpoint is down or answers an error, 4 when the timeout or the row cap is hit.
    """
    query = catalogue.resolve(query_spec)
    bindings = query.bindings(parse_params(params))
    source = str(query.path or query.name)
    if endpoint:
        from coopgraph import remote

        table = remote.select(endpoint, query.text, bindings, source=source, timeout=timeout, max_rows=max_rows)
    else:
        from coopgraph.store import select

        graph = open_graph(ontology_dir, data_dir)
        table = select(graph.store, query.text, bindings, source=source, timeout=timeout, max_rows=max_rows,
                       allow_service=allow_service)
    click.echo(table.render(fmt), nl=False)
