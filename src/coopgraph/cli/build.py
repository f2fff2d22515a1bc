"""`coopgraph build`: the main job."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from coopgraph.cli.options import open_source, source_options
from coopgraph.errors import FINDINGS
from coopgraph.report import build


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Output folder; replaced as a whole when the build succeeds.")
@source_options
def command(out_dir: Path, ontology_dir: Path | None, data_dir: Path | None,
            endpoint: str | None, graph_iri: str | None, no_cache: bool) -> None:
    """Load, validate, run the query catalogue and write the report, graph files and query CSVs to --out."""
    console = Console(stderr=True)
    with console.status("loading the ontology and data") as status:
        graph = open_source(ontology_dir, data_dir, endpoint, graph_iri, no_cache)
        result = build(graph, out_dir, progress=lambda label: status.update(label))
    console.print(f"{result.triples} triples; {len(result.query_results)} queries; "
                  f"validation: {'valid' if result.conforms else 'violations found'}")
    console.print(f"report: {result.out / 'index.html'}")
    if not result.conforms:
        sys.exit(FINDINGS)
