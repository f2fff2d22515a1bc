"""`coopgraph serve`: the graph as a read-only SPARQL endpoint (Oxigraph's server behind our proxy), a query page."""

from __future__ import annotations

import gc
from pathlib import Path

import click

from coopgraph import serve
from coopgraph.cli.options import graph_options, say_folders
from coopgraph.store import DEFAULT_TIMEOUT


@click.command()
@click.option("--host", default=serve.DEFAULT_HOST, show_default=True,
              help="Address to listen on; anything but 127.0.0.1 exposes the endpoint to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=serve.DEFAULT_PORT, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --file: folder for its on-disk store. Default: $COOPGRAPH_CACHE/serve or "
                   "~/.cache/coopgraph/serve.")
@click.option("--file", "graph_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Serve a built graph (out/graph.nt or .ttl) instead of the ontology and data folders.")
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="The server stops a query after this long.")
@graph_options
def command(host: str, port: int, out_dir: Path | None, graph_file: Path | None, timeout: float,
            ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Serve the graph read-only: SPARQL queries at http://HOST:PORT/query, a query page at http://HOST:PORT/.

    The folders are served from their persistent store (built first if an input changed), so a large graph is
    up in seconds. Updates and SERVICE clauses are refused (the endpoint never sends requests of its own). There
    is no row cap; --timeout bounds every answer, including one that is still streaming.
    """
    if graph_file is not None:
        folder = out_dir or serve.default_folder()
        serve.server_command(folder / serve.STORE_FOLDER, host, port, timeout)  # fails early if missing
        location = serve.build_store(folder, graph_file=graph_file)
        what = str(graph_file)
    else:
        from coopgraph.graph import open_graph

        say_folders(ontology_dir, data_dir)
        graph = open_graph(ontology_dir, data_dir, cache=True)
        if graph.location is None:
            raise click.ClickException("the persistent store cannot be used here (see the line above); serve a "
                                       "built graph with --file out/graph.nt")
        location, what = graph.location, f"{len(graph)} triples"
        del graph  # closes this process's handle on the store before the server opens it
        gc.collect()
    serve.server_command(location, host, port, timeout)  # fails early when the server is not installed
    shown = f"[{host}]" if ":" in host else host
    serve.run(location, host, port, timeout, lambda bound: click.echo(
        f"serving {what} from {location} at http://{shown}:{bound}/ (SPARQL endpoint: /query); Ctrl-C stops",
        err=True))
