"""`coopgraph query`: run a catalogue query, a .rq file or standard input, embedded or at a remote endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click

from coopgraph import catalogue
from coopgraph.cli.options import format_option, graph_options, parse_params
from coopgraph.graph import open_graph
from coopgraph.results import ResultTable
from coopgraph.sparql_text import Term
from coopgraph.store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT


# Extra words are kept (not refused by click) so that `--param NAME VALUE` gets a message saying how to write it.
@click.command(context_settings={"allow_extra_args": True})
@click.argument("query_spec", metavar="QUERY")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@click.option("--endpoint", metavar="URL", default=None,
              help="Run at this SPARQL endpoint (such as http://127.0.0.1:7878/query) instead of the embedded store.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop waiting for the query after this long (exit code 4).")
@click.option("--max-rows", type=click.IntRange(min=0), default=DEFAULT_MAX_ROWS, show_default=True, metavar="N",
              help="Refuse a result with more rows than this (exit code 4).")
@format_option
@graph_options
@click.pass_context
def command(ctx: click.Context, query_spec: str, params: tuple[str, ...], endpoint: str | None, timeout: float,
            max_rows: int, fmt: str, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Run QUERY: a catalogue name (see `coopgraph queries`), a path to a .rq file, or - for standard input.

    Exit codes: 3 when the endpoint is down or answers an error, 4 when the timeout or the row cap is hit.
    """
    given = parse_params(params, ctx.args)
    query = catalogue.resolve(query_spec)
    bindings = query.bindings(given)
    source = str(query.path or query.name)
    if endpoint:
        from coopgraph import remote

        def run(text: str, values: Mapping[str, Term], source: str = source, cap: int | None = max_rows,
                ) -> ResultTable:
            return remote.select(endpoint, text, values, source=source, timeout=timeout, max_rows=cap)
    else:
        from coopgraph.store import select

        graph = open_graph(ontology_dir, data_dir)

        def run(text: str, values: Mapping[str, Term], source: str = source, cap: int | None = max_rows,
                ) -> ResultTable:
            return select(graph.store, text, values, source=source, timeout=timeout, max_rows=cap)
    # A given IRI that names nothing in the graph is a typo: say so, with the closest values, not an empty table.
    # (--max-rows caps the answer, not the list the closest values are drawn from)
    catalogue.check_resources(query, given, bindings, lambda text, values: run(text, values, "parameter check", None))
    click.echo(run(query.text, bindings).render(fmt), nl=False)
