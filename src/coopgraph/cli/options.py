"""Options and helpers shared by the commands that read the graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from coopgraph.errors import CoopgraphError
from coopgraph.suggest import did_you_mean

F = TypeVar("F", bound=Callable[..., Any])


class Choice(click.Choice):
    """click's Choice, whose error also names the closest choices ("did you mean collaboration?")."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            hint = did_you_mean(str(value), map(str, self.choices))
            if hint:
                error.message = error.message.rstrip(".") + hint + "."
            raise


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


def format_option(function: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
        help="Output format.",
    )(function)


def parse_params(values: tuple[str, ...], extra: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """NAME=VALUE pairs from repeated --param options; `extra` are stray words after them (click's ctx.args).

    `--param mechanism cbftf` (a space for '=') leaves 'cbftf' as a stray word: the message says how to write it.
    """
    params: dict[str, str] = {}
    stray = list(extra)
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            if sep:
                raise CoopgraphError(f"--param {item!r} has no name; write --param NAME=VALUE")
            example = f"{item}={stray[0]}" if stray else f"{item}=VALUE"
            raise CoopgraphError(f"--param {item}{' ' + stray[0] if stray else ''}: write the parameter as "
                                 f"NAME=VALUE in one word, such as --param {example}")
        params[name.strip()] = value
    if stray:
        raise CoopgraphError(f"unexpected argument {' '.join(stray)!r}: give one QUERY, and each parameter as "
                             "--param NAME=VALUE")
    return params
