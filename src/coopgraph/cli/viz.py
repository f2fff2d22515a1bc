"""`coopgraph viz`: one interactive network page, self-contained, that opens offline."""

from __future__ import annotations

import json
from pathlib import Path

import click
import networkx as nx

from coopgraph.cli.options import open_source, pair_option, source_options
from coopgraph.errors import CoopgraphError, InputError
from coopgraph.network.projections import PROJECTIONS


@click.command()
@click.option("--projection", "name", type=click.Choice(PROJECTIONS), default="collaboration", show_default=True,
              help="Which network: agencies linked by what they share, agencies and vehicles, countries, threats.")
@click.option("--country", help="Keep the nodes of this country (its label, e.g. Canada).")
@click.option("--threat", help="Keep what lies within two links of this threat (label, slug or CURIE).")
@click.option("--year", type=click.IntRange(1800, 2200), help="The network as it stood in this year.")
@pair_option
@click.option("--focus", help="Centre on this entity (label, slug, CURIE or IRI) and its neighbours.")
@click.option("--radius", type=click.IntRange(1, 5), default=1, show_default=True, help="Links around --focus.")
@click.option("--size-by", type=click.Choice(("pagerank", "degree", "betweenness")), default="pagerank",
              show_default=True, help="The centrality that sizes the nodes.")
@click.option("--aggregate-above", type=click.IntRange(10, None), default=2000, show_default=True,
              help="Above this many nodes, draw groups with a drill-down view per group.")
@click.option("--group-by", type=click.Choice(("auto", "country", "kind", "community")), default="auto",
              show_default=True, help="How to group a large network.")
@click.option("--input", "input_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Draw this graph file (GraphML, GEXF or node-link JSON) instead of a projection of the data.")
@click.option("--title", help="Page title. Default: the projection and the filters.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=Path("network.html"),
              show_default=True, help="The HTML file to write (nothing else is written).")
@source_options
def command(name: str, country: str | None, threat: str | None, year: int | None, pair: str | None,
            focus: str | None, radius: int,
            size_by: str, aggregate_above: int, group_by: str, input_file: Path | None, title: str | None,
            out_file: Path, ontology_dir: Path | None, data_dir: Path | None, endpoint: str | None,
            graph_iri: str | None, no_cache: bool) -> None:
    """Write an interactive network page: colour by country, shape by type, size by centrality, a legend,
    search, filters and tooltips that cite sources. The page carries its libraries inline and opens offline."""
    from coopgraph.viz import subset
    from coopgraph.viz.page import write_page

    if out_file.is_dir():
        raise CoopgraphError(f"{out_file}: is a folder; give a file name such as {out_file / 'network.html'}")
    years = None
    if input_file is not None:
        graph = read_graph(input_file)
        threat_graph = graph
    else:
        from coopgraph import network
        from coopgraph.network.timeline import presence

        # the queries run once for every projection below
        rows = network.rows_for(open_source(ontology_dir, data_dir, endpoint, graph_iri, no_cache))
        if pair is not None:
            rows = rows.for_pair(pair)  # every projection and the year slider below see that pair's ties only
        graph = network.projection(rows, name, year=year)
        threat_graph = network.projection(rows, "threat", year=year) if threat else graph
        # The page's year slider: the years each node and tie stood (the whole range, not only --year).
        years = presence(rows, name) if year is None else None

    if threat:
        graph = subset.restrict_to(graph, subset.threat_neighbourhood(threat_graph, threat))
    if country:
        graph = subset.by_country(graph, country)
    centre = None
    if focus:
        centre = subset.find_node(graph, focus)
        graph = subset.around(graph, centre, radius)
    if graph.number_of_nodes() == 0:
        raise CoopgraphError("no nodes left to draw; loosen --country, --threat, --year or --focus")

    filters = [f"{label} {value}" for label, value in (("pair", pair), ("country", country), ("threat", threat),
                                                        ("year", year), ("around", focus)) if value]
    heading = title or f"{name.capitalize()} network" + (f" ({', '.join(filters)})" if filters else "")
    info = write_page(graph, out_file, heading, size_by=size_by, limit=aggregate_above, group_by=group_by,
                      focus=centre, note=f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links.",
                      presence=years)
    views = f"; {len(info.views)} views (aggregated)" if info.aggregated else ""
    click.echo(f"{info.path}: {info.nodes} nodes, {info.edges} links{views}")


def read_graph(path: Path) -> nx.Graph:
    """A GraphML, GEXF or node-link JSON file as an undirected networkx graph."""
    if not path.is_file():
        raise InputError(path, None, "no such file", "give a GraphML, GEXF or JSON graph file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".graphml":
            graph = nx.read_graphml(path)
        elif suffix == ".gexf":
            graph = nx.read_gexf(path)
        elif suffix == ".json":
            doc = json.loads(path.read_text(encoding="utf-8"))
            graph = nx.node_link_graph(doc, edges="edges" if "edges" in doc else "links")
        else:
            raise InputError(path, None, f"unknown graph format {suffix or '(none)'}",
                             "use .graphml, .gexf or .json (node-link)")
    except (OSError, ValueError, KeyError, TypeError, SyntaxError, nx.NetworkXError) as error:
        # SyntaxError: ElementTree's ParseError for GraphML/GEXF that is not well-formed XML
        raise InputError(path, None, f"cannot be read as a graph: {error}", "check the file") from None
    return nx.Graph(graph)
