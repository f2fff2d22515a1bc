"""`coopgraph export`: a network projection for Gephi or Cytoscape, or the whole graph as RDF."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph.cli.options import open_source, pair_option, source_options
from coopgraph.errors import CoopgraphError
from coopgraph.network.projections import PROJECTIONS


@click.command()
@click.option("--format", "fmt", required=True, type=click.Choice(["gexf", "graphml", "ttl", "nt", "jsonld"]),
              help="gexf (Gephi) or graphml (Cytoscape): a network projection; ttl, nt, jsonld: the whole graph "
                   "(ontology, data and derived links).")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (replaced only once it is complete).")
@click.option("--projection", "projection_name", default="collaboration", show_default=True,
              type=click.Choice(PROJECTIONS),
              help="The projection GEXF and GraphML carry.")
@click.option("--year", type=click.IntRange(1800, 2200), default=None,
              help="GEXF/GraphML: only what was in force that year.")
@pair_option
@source_options
def command(fmt: str, out_file: Path, projection_name: str, year: int | None, pair: str | None,
            ontology_dir: Path | None, data_dir: Path | None, endpoint: str | None, graph_iri: str | None,
            no_cache: bool) -> None:
    """Write the graph or a network projection to --out in --format."""
    from coopgraph.network import projection
    from coopgraph.network.exchange import GRAPH_FORMATS, export_rdf, write_graph

    graph = open_source(ontology_dir, data_dir, endpoint, graph_iri, no_cache)
    if fmt in GRAPH_FORMATS:
        G = projection(graph, projection_name, year, pair=pair)  # noqa: N806
        write_graph(G, out_file, fmt)
        click.echo(f"wrote {out_file}: {projection_name} projection, {G.number_of_nodes()} nodes, "
                   f"{G.number_of_edges()} edges", err=True)
    else:
        if pair is not None:
            raise CoopgraphError("--pair applies to the network formats (gexf, graphml); the RDF formats carry the "
                                 "whole graph, where each vehicle's pairs are its coop:inPair links")
        export_rdf(graph, out_file, fmt)
        click.echo(f"wrote {out_file}: {graph.triple_count()} triples", err=True)
