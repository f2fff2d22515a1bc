"""`coopgraph query`: run a catalogue query, a .rq file or standard input, on the folders or at an endpoint."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph import catalogue
from coopgraph.cli.options import format_option, open_source, parse_params, source_options
from coopgraph.store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT


@click.command()
@click.argument("query_spec", metavar="QUERY")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop waiting for the whole answer after this long (exit code 4).")
@click.option("--max-rows", type=click.IntRange(min=0), default=DEFAULT_MAX_ROWS, show_default=True, metavar="N",
              help="Refuse a result with more rows than this (exit code 4).")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="Let the query's SERVICE clauses call this endpoint (repeatable); without it SERVICE is refused.")
@click.option("--print-bound", is_flag=True,
              help="Print the exact query text with the parameters bound (paste it into any SPARQL tool); run nothing.")
@format_option
@source_options
def command(query_spec: str, params: tuple[str, ...], timeout: float, max_rows: int, allow_service: tuple[str, ...],
            print_bound: bool, fmt: str, ontology_dir: Path | None, data_dir: Path | None, endpoint: str | None,
            graph_iri: str | None, no_cache: bool) -> None:
    """Run QUERY: a catalogue name (see `coopgraph queries`), a path to a .rq file, or - for standard input.

    Exit codes: 2 for a syntax error, 3 when the endpoint is down or answers an error, 4 when the timeout or the
    row cap (yours or the server's) is hit.
    """
    from coopgraph.backend import bound_text

    query = catalogue.resolve(query_spec)
    bindings = query.bindings(parse_params(params))
    if print_bound:
        click.echo(bound_text(query.text, bindings), nl=False)
        return
    backend = open_source(ontology_dir, data_dir, endpoint, graph_iri, no_cache)
    table = backend.select(query.text, bindings, source=query.source, timeout=timeout, max_rows=max_rows,
                           allow_service=allow_service)
    click.echo(table.render(fmt), nl=False)
