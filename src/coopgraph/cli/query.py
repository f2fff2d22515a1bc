"""`coopgraph query`: run a catalogue query, a .rq file or standard input, on the folders or at an endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click

from coopgraph import catalogue
from coopgraph.cli.options import format_option, open_source, parse_params, source_options
from coopgraph.results import ResultTable
from coopgraph.sparql_text import Term
from coopgraph.store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT


# Extra words are kept (not refused by click) so that `--param NAME VALUE` gets a message saying how to write it.
@click.command(context_settings={"allow_extra_args": True})
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
@click.pass_context
def command(ctx: click.Context, query_spec: str, params: tuple[str, ...], timeout: float, max_rows: int,
            allow_service: tuple[str, ...], print_bound: bool, fmt: str, ontology_dir: Path | None,
            data_dir: Path | None, endpoint: str | None, graph_iri: str | None, no_cache: bool) -> None:
    """Run QUERY: a catalogue name (see `coopgraph queries`), a path to a .rq file, or - for standard input.

    Exit codes: 2 for a syntax error, 3 when the endpoint is down or answers an error, 4 when the timeout or the
    row cap (yours or the server's) is hit.
    """
    from coopgraph.backend import bound_text

    given = parse_params(params, ctx.args)
    query = catalogue.resolve(query_spec)
    bindings = query.bindings(given)
    if print_bound:
        click.echo(bound_text(query.text, bindings), nl=False)
        return
    backend = open_source(ontology_dir, data_dir, endpoint, graph_iri, no_cache)

    def check(text: str, values: Mapping[str, Term]) -> ResultTable:
        # --max-rows caps the answer, not the list the closest values are drawn from
        return backend.select(text, values, source="parameter check", timeout=timeout, max_rows=None)

    # A given IRI that names nothing in the graph is a typo: say so, with the closest values, not an empty table.
    catalogue.check_resources(query, given, bindings, check)
    table = backend.select(query.text, bindings, source=query.source, timeout=timeout, max_rows=max_rows,
                           allow_service=allow_service)
    table.write(fmt, click.get_text_stream("stdout"))
