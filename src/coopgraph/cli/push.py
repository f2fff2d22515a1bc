"""`coopgraph push`: upload the graph to a store over the SPARQL 1.1 Graph Store Protocol."""

from __future__ import annotations

from pathlib import Path

import click
import pyoxigraph as ox

from coopgraph.backend import as_backend
from coopgraph.cli.options import graph_options, say_folders
from coopgraph.errors import CoopgraphError
from coopgraph.graph import open_graph
from coopgraph.push import push
from coopgraph.store import DEFAULT_TIMEOUT


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's Graph Store Protocol endpoint, such as http://127.0.0.1:7878/store (Oxigraph).")
@click.option("--graph", "graph_iri", metavar="IRI", default=None,
              help="The named graph to write. Default: the store's default graph.")
@click.option("--append", is_flag=True, help="Add to the graph (POST) instead of replacing it (PUT).")
@click.option("--file", "graph_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Push a built graph (out/graph.nt or .ttl) instead of loading --ontology and --data.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Give up on a store that does not answer within this long.")
@graph_options
def command(endpoint: str, graph_iri: str | None, append: bool, graph_file: Path | None, timeout: float,
            ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Upload the graph: PUT (replace) or, with --append, POST to URL?graph=IRI or URL?default.

    Exit code 3 when the store is down or does not confirm that it stored the graph.
    """
    triples: int | None = None
    if graph_file is not None:
        syntax = "ttl" if graph_file.suffix == ".ttl" else "nt"
        try:
            body = graph_file.read_bytes()
        except OSError as error:
            raise CoopgraphError(f"{graph_file}: cannot be read: {error}") from None
    else:
        say_folders(ontology_dir, data_dir)
        graph = as_backend(open_graph(ontology_dir, data_dir, cache=True))
        body = graph.dump(ox.RdfFormat.N_TRIPLES)
        syntax, triples = "nt", graph.triple_count()
    result = push(body, endpoint, graph_iri, append=append, syntax=syntax, timeout=timeout)
    click.echo(result.describe(triples))
