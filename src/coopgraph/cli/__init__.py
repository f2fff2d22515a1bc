"""The `coopgraph` command: a click group whose subcommands are imported only when used.

Each subcommand lives in its own module here and exposes `command`; add a line to COMMANDS to register one.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys

import click

from coopgraph import __version__
from coopgraph.errors import INPUT_ERROR, INTERNAL_ERROR, CoopgraphError, machine_error

COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("coopgraph.cli.build", "Load, validate, query and analyse; write the report to --out."),
    "validate": ("coopgraph.cli.validate", "SHACL shapes, quality checks and the reasoner's consistency check."),
    "query": ("coopgraph.cli.query", "Run a catalogue query, a .rq file or standard input."),
    "queries": ("coopgraph.cli.queries", "List the query catalogue."),
    "info": ("coopgraph.cli.info", "Triples, and instances per class."),
    "reason": ("coopgraph.cli.reason", "Check consistency with HermiT and write the inferred triples."),
    "docs": ("coopgraph.cli.docs", "Write HTML documentation of every ontology term."),
    "serve": ("coopgraph.cli.serve", "Serve the built graph as a read-only SPARQL endpoint."),
    "push": ("coopgraph.cli.push", "Upload the graph to a SPARQL Graph Store Protocol endpoint."),
    "analyze": ("coopgraph.cli.analyze", "Network metrics per agency."),
    "export": ("coopgraph.cli.export", "Export the graph or a network projection (GEXF, GraphML, RDF)."),
    "viz": ("coopgraph.cli.viz", "Write an interactive network page."),
    "import": ("coopgraph.cli.importer", "Add rows from a CSV file to the data, or print a CSV template."),
    "diff": ("coopgraph.cli.diff", "Terms and facts added, removed and changed between two versions."),
    "synth": ("coopgraph.cli.synth", "Write a synthetic data set of a given size."),
    "cache": ("coopgraph.cli.cache", "Show or clear the persistent store of the ontology and data folders."),
}


class LazyGroup(click.Group):
    """Lists every command and imports a command's module only when it runs (keeps start-up fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (module, _) in COMMANDS.items() if importlib.util.find_spec(module))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[cmd_name]
        if importlib.util.find_spec(module_name) is None:
            return None
        return importlib.import_module(module_name).command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coopgraph")
def cli() -> None:
    """coopgraph: a knowledge graph of bilateral security cooperation.

    Exit codes: 0 ok; 1 findings (validation violations, inconsistency); 2 input unreadable;
    3 remote endpoint error; 4 a limit was hit (timeout, row cap); 70 internal error.
    """


def _recover_interrupted(args: list[str]) -> None:
    """Put back what a killed run left half done: folders named by --out/--data/--file, the data and ./out."""
    from pathlib import Path

    from coopgraph import paths
    from coopgraph.output import recover_interrupted

    named = [Path(a.split("=", 1)[1]) for a in args if a.startswith(("--out=", "--data="))]
    named += [Path(args[i + 1]) for i, a in enumerate(args[:-1]) if a in ("--out", "--data", "--file")]
    with contextlib.suppress(OSError):  # a deleted working folder: nothing to recover, and not this step's to report
        recover_interrupted([Path.cwd(), Path("out"), paths.data_dir(), *named, *(p.parent for p in named)])


def main() -> None:
    """Entry point: people get one line on stderr and the documented exit code, never a traceback."""
    try:
        _recover_interrupted(sys.argv[1:])
        cli.main(standalone_mode=False)
    except CoopgraphError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(2)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except MemoryError:
        click.echo("error: out of memory; try a smaller input or a machine with more memory", err=True)
        sys.exit(INPUT_ERROR)
    except OSError as error:  # the machine's fault, not ours: a full disk, permissions, a link loop
        click.echo(f"error: {machine_error(error).message}", err=True)
        sys.exit(INPUT_ERROR)
    except Exception as error:  # noqa: BLE001 - a bug of ours: one line for people, the traceback on request
        if os.environ.get("COOPGRAPH_DEBUG"):
            raise
        click.echo(f"error: internal error: {type(error).__name__}: {error}; rerun with COOPGRAPH_DEBUG=1 to see "
                   "where, and report it", err=True)
        sys.exit(INTERNAL_ERROR)
