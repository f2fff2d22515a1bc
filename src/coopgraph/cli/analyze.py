"""`coopgraph analyze`: network metrics per agency, or what fragments when one entity is removed."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import click
import pandas as pd

from coopgraph.cli.options import format_option, open_source, pair_option, source_options
from coopgraph.network.projections import PROJECTIONS
from coopgraph.results import spreadsheet_safe_frame

# The columns a person reads first; --format csv and json carry every column.
TABLE_COLUMNS = ["label", "country", "degree", "weighted_degree", "betweenness", "pagerank", "community",
                 "articulation_point", "cross_border_share"]


@click.command()
@click.option("--projection", "projection_name", default="collaboration", show_default=True,
              type=click.Choice(PROJECTIONS),
              help="Which network: agency-agency collaboration, agency-vehicle bipartite, country ties, threat "
                   "coverage.")
@click.option("--year", type=click.IntRange(1800, 2200), default=None,
              help="Only what was in force that year (dated mechanisms, agreements, participations).")
@click.option("--remove", "remove", metavar="ENTITY", default=None,
              help="What-if: remove an agency or a mechanism (IRI, CURIE such as agency:rcmp, slug or label) "
                   "and report what fragments.")
@pair_option
@format_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write metrics.csv, timeline.csv, whatif.csv, summary.json, GEXF and GraphML here.")
@source_options
def command(projection_name: str, year: int | None, remove: str | None, pair: str | None, fmt: str,
            out_dir: Path | None, ontology_dir: Path | None, data_dir: Path | None,
            endpoint: str | None, graph_iri: str | None, no_cache: bool) -> None:
    """One row per agency with its label and metrics (betweenness, PageRank, community, articulation point,
    share of cross-border ties), most central first. Exact betweenness up to 5000 nodes, sampled beyond."""
    from coopgraph.network import agency_metrics, projection, rows_for, what_if, write_outputs

    rows = rows_for(open_source(ontology_dir, data_dir, endpoint, graph_iri, no_cache))
    if pair is not None:
        rows = rows.for_pair(pair)
    G = projection(rows, projection_name, year)  # noqa: N806
    if remove is not None:
        click.echo(_render_record(what_if(G, remove), fmt), nl=False)
    else:
        click.echo(_render_metrics(agency_metrics(G), fmt), nl=False)
    if out_dir is not None:
        written = write_outputs(rows, out_dir, projection_name, year)
        for path in written.values():
            click.echo(f"wrote {path}", err=True)


def _render_metrics(metrics: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return spreadsheet_safe_frame(metrics).to_csv(index=False)
    if fmt == "json":
        return json.dumps(metrics.to_dict(orient="records"), indent=2, ensure_ascii=False) + "\n"
    shown = metrics[TABLE_COLUMNS].copy()
    for column in ("betweenness", "pagerank", "cross_border_share"):
        shown[column] = shown[column].map(lambda value: f"{value:.3f}")
    footer = (f"{len(metrics)} row(s); betweenness: {metrics.attrs.get('betweenness_method', '')}; "
              f"communities: {metrics.attrs.get('community_method', '')}")
    return _rich_table(list(shown.columns), [[str(v) for v in row] for row in shown.itertuples(index=False)],
                       footer)


def _render_record(record: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    flat = {k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in record.items()}
    if fmt == "csv":
        return spreadsheet_safe_frame(pd.DataFrame([flat])).to_csv(index=False)
    return _rich_table(["measure", "value"], [[k, str(v)] for k, v in flat.items()], "")


def _rich_table(columns: list[str], rows: list[list[str]], footer: str) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(*columns)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: data is never parsed as rich markup
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(table)
    if footer:
        console.print(Text(footer))
    return console.export_text()
