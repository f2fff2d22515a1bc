"""`coopgraph import`: add rows from a CSV file to the data, or print the CSV template of a kind."""

from __future__ import annotations

from pathlib import Path

import click

from coopgraph import paths
from coopgraph.cli.options import graph_options
from coopgraph.errors import CoopgraphError, printable
from coopgraph.importer import KINDS, import_csv, template

_KIND = click.Choice(list(KINDS))


@click.command()
@click.argument("csv_file", metavar="FILE.csv", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", "kind", type=_KIND, help="What each row is.")
@click.option("--template", "template_kind", type=_KIND, metavar="KIND",
              help="Print the CSV header for KIND and one example row, then exit.")
@click.option("--dry-run", is_flag=True, help="Check and validate every row, but write nothing.")
@graph_options
def command(csv_file: Path | None, kind: str | None, template_kind: str | None, dry_run: bool,
            ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Check every row of FILE.csv and write them as Turtle to the data folder, or write nothing.

    The new file is DATA/imported-KIND-STEM.ttl (re-importing the same CSV replaces it). When any row is
    wrong, each bad row is named with its CSV line, column and reason, and the data folder is left as it was
    (exit 1). Kinds: agency, mechanism, agreement, operation, statistic, source.
    """
    if template_kind:
        click.echo(template(template_kind), nl=False)
        return
    if csv_file is None or kind is None:
        raise CoopgraphError("give FILE.csv and --kind KIND (or --template KIND for the columns); "
                             "see `coopgraph import --help`")
    data = data_dir or paths.data_dir()
    if paths.inside_package(data) and not dry_run:
        raise CoopgraphError(f"{data}: is the copy of data/ installed with coopgraph, not a project's; run the "
                             "import inside your project folder (the one holding ontology/ and data/), or give "
                             "--data DIR")
    result = import_csv(csv_file, kind, ontology_dir or paths.ontology_dir(), data, dry_run=dry_run)
    for warning in result.warnings:
        click.echo(f"warning: {printable(csv_file)}:{warning.line}: column {warning.column}: {warning.reason}",
                   err=True)
    verb = "would write" if dry_run else ("replaced" if result.replaced else "wrote")
    click.echo(f"{result.rows} {kind} row{'s' * (result.rows != 1)} valid; {verb} {result.triples} triples "
               f"to {result.target}")
