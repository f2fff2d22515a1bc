"""Options and helpers shared by the commands that read the graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from coopgraph.backend import Backend

F = TypeVar("F", bound=Callable[..., Any])


def graph_options(function: F) -> F:
    """--ontology DIR and --data DIR, defaulting to the project's folders (see coopgraph.paths)."""
    function = click.option(
        "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Folder of instance data. Default: data/ of the project you are in (else the shipped copy).",
    )(function)
    function = click.option(
        "--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Folder of the ontology (with shapes.ttl and rules/). Default: ontology/ of the project you are in.",
    )(function)
    return function


def pair_option(function: F) -> F:
    """--pair CODE: keep a network projection to one country pair's ties (data/shared/pairs.ttl)."""
    return click.option(
        "--pair", "pair", metavar="PAIR", default=None,
        help="Only the ties of this country pair (such as CA-US or us-mx; the pairs are data/shared/pairs.ttl). "
             "Default: every pair.",
    )(function)


def source_options(function: F) -> F:
    """Where a read-side command reads the graph: the folders (persistent store, or --no-cache), or --endpoint."""
    function = click.option(
        "--no-cache", "no_cache", is_flag=True, default=False,
        help="Load the folders in memory instead of opening (or building) the persistent store.",
    )(function)
    function = click.option(
        "--graph", "graph_iri", metavar="IRI", default=None,
        help="With --endpoint: read this named graph as the default graph (sent as default-graph-uri).",
    )(function)
    function = click.option(
        "--endpoint", metavar="URL", default=None,
        help="Read a remote SPARQL endpoint (such as http://127.0.0.1:7878/query) instead of the folders; "
             "credentials come from COOPGRAPH_USER/COOPGRAPH_PASSWORD or ~/.netrc.",
    )(function)
    return graph_options(function)


def open_source(ontology_dir: Path | None, data_dir: Path | None, endpoint: str | None = None,
                graph_iri: str | None = None, no_cache: bool = False) -> Backend:
    """The backend the options name, after one line on stderr saying what is read."""
    from coopgraph.backend import open_backend

    if graph_iri and not endpoint:
        raise click.BadParameter("--graph goes with --endpoint", param_hint="--graph")
    if not endpoint:
        say_folders(ontology_dir, data_dir)
    return open_backend(ontology_dir, data_dir, endpoint=endpoint, graph=graph_iri, cache=not no_cache)


def say_folders(ontology_dir: Path | None, data_dir: Path | None) -> None:
    """One line on stderr: which ontology and data folders this command reads (they may be a project's)."""
    from coopgraph import paths

    project = paths.find_project()
    ontology = ontology_dir or project.ontology
    data = data_dir or project.data
    where = " (the copy shipped with coopgraph)" if project.shipped and not (ontology_dir or data_dir) else ""
    click.echo(f"reading {_shown(ontology)} and {_shown(data)}{where}", err=True)


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve())) + "/"
    except (ValueError, OSError):
        return str(path)


def format_option(function: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
        help="Output format.",
    )(function)


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """NAME=VALUE pairs from repeated --param options."""
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        params[name.strip()] = value
    return params
