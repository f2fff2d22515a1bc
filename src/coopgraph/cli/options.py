"""Options and helpers shared by the commands that read the graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def graph_options(function: F) -> F:
    """--ontology DIR and --data DIR, defaulting to the shipped folders."""
    function = click.option(
        "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Folder of instance data (Turtle). Default: the shipped data/.",
    )(function)
    function = click.option(
        "--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Folder of the ontology (Turtle, with shapes.ttl). Default: the shipped ontology/.",
    )(function)
    return function


def pair_option(function: F) -> F:
    """--pair CODE: keep a network projection to one country pair's ties (data/shared/pairs.ttl)."""
    return click.option(
        "--pair", "pair", metavar="PAIR", default=None,
        help="Only the ties of this country pair (such as CA-US or us-mx; the pairs are data/shared/pairs.ttl). "
             "Default: every pair.",
    )(function)


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
