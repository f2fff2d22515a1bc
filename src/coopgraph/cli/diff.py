"""`coopgraph diff OLD NEW`: terms and facts added, removed and changed between two versions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coopgraph.diff import diff, open_version
from coopgraph.errors import FINDINGS


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Git repository to read revisions from. Default: the current folder's.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the versions differ (like `git diff --exit-code`).")
def command(old: str, new: str, fmt: str, repo: Path | None, exit_code: bool) -> None:
    """Compare OLD and NEW: each a folder holding ontology/ and data/ (or a data folder) or a git revision.

    Terms are ontology classes, properties and shapes; facts are the other subjects, each with its label.
    A changed subject lists, per property, the values removed (-) and added (+).
    """
    with open_version(old, repo) as old_version, open_version(new, repo) as new_version:
        report = diff(old_version, new_version)
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if exit_code and not report.empty:
        sys.exit(FINDINGS)
