"""`coopgraph validate`: SHACL shapes, quality checks and HermiT's consistency check."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coopgraph.cli.options import open_source, source_options
from coopgraph.errors import FINDINGS
from coopgraph.validate import validate


@click.command()
@click.option("--consistency/--no-consistency", default=True, show_default=True,
              help="Run HermiT's consistency check (needs Java; cached by input hash).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="text: one finding a line, file:line: subject: rule: message.")
@source_options
def command(consistency: bool, fmt: str, ontology_dir: Path | None, data_dir: Path | None,
            endpoint: str | None, graph_iri: str | None, no_cache: bool) -> None:
    """Check the ontology and data; exit 0 when valid, 1 with findings, 2 when the input cannot be read."""
    backend = open_source(ontology_dir, data_dir, endpoint, graph_iri, no_cache)
    report = validate(backend, consistency=consistency)
    click.echo(report.to_markdown() if fmt == "markdown" else report.to_text(), nl=False)
    if not report.conforms:
        sys.exit(FINDINGS)
