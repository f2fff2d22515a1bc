"""`coopgraph docs`: HTML documentation of every ontology term."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph import paths
from coopgraph.docs import write_docs


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out/docs"),
              show_default=True, help="Output folder; replaced as a whole when the docs are written.")
@click.option("--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the ontology (Turtle). Default: the shipped ontology/.")
def command(out_dir: Path, ontology_dir: Path | None) -> None:
    """Write index.html (classes and properties) and vocabularies.html (threats, roles, units) to --out."""
    result = write_docs(ontology_dir or paths.ontology_dir(), out_dir)
    renderer = "pyLODE" if result.pylode else f"the built-in renderer (pyLODE failed: {result.pylode_error})"
    click.echo(f"{len(result.terms)} terms documented with {renderer}; open {out_dir / 'index.html'}")
