"""`coopgraph synth`: write a synthetic data set of about N triples (for the benchmark and scale tests)."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph import paths
from coopgraph.errors import CoopgraphError


@click.command()
@click.option("--triples", type=click.IntRange(min=100), default=10_000, show_default=True,
              help="About how many triples to write.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the Turtle files into (created; the files are replaced).")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same files.")
@click.option("--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Ontology folder whose threats, roles and units are reused. Default: the shipped ontology/.")
def command(triples: int, out_dir: Path, seed: int, ontology_dir: Path | None) -> None:
    """Write about --triples triples of synthetic (labelled, not factual) data; load it with --data DIR."""
    from coopgraph.synth import generate

    if out_dir.exists() and not out_dir.is_dir():
        raise CoopgraphError(f"{out_dir}: exists and is not a folder; pass a folder to --out")
    result = generate(out_dir, triples, seed=seed, ontology_dir=ontology_dir or paths.ontology_dir())
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(result.counts.items()) if n)
    click.echo(f"{result.triples} triples in {len(result.files)} files in {result.out} ({counts})")
    click.echo(f"check it: coopgraph validate --data {result.out}")
