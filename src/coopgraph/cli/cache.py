"""`coopgraph cache`: where the persistent store of the project's folders lives, and clearing it."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from coopgraph import paths, persist
from coopgraph.cli.options import graph_options


@click.command()
@click.option("--clear", is_flag=True, help="Delete the persistent store of these folders (rebuilt on next use).")
@click.option("--clear-all", is_flag=True, help="Delete the persistent stores of every project.")
@graph_options
def command(clear: bool, clear_all: bool, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Show (or clear) the on-disk stores that read commands open instead of loading the files again."""
    ontology = ontology_dir or paths.ontology_dir()
    data = data_dir or paths.data_dir()
    if clear or clear_all:
        removed = persist.clear() if clear_all else persist.clear(ontology, data)
        click.echo(f"removed {len(removed)} store folder(s)" + "".join(f"\n  {p}" for p in removed))
        return
    folder = persist.project_folder(ontology, data)
    stores = sorted(folder.glob("store-*")) if folder.is_dir() else []
    click.echo(f"store folder of {ontology} and {data}:\n  {folder}")
    for store in stores:
        size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
        click.echo(f"  {store.name}: {size / 1e6:.1f} MB")
    if not stores:
        click.echo("  (none yet: the next read command builds it)")
    usage = shutil.disk_usage(folder if folder.is_dir() else paths.cache_dir().parent)
    click.echo(f"free disk space there: {usage.free / 1e9:.1f} GB")
