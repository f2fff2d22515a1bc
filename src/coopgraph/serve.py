"""A read-only SPARQL 1.1 Protocol endpoint over the graph: Oxigraph's own server, not one of ours.

The graph goes into an on-disk Oxigraph store (built beside the target folder, then swapped in), and the process
becomes `oxigraph serve-read-only` on that store: queries at /query, the YASGUI query page at /, updates refused.
The server enforces the timeout itself (--timeout-s). It has no row cap: the timeout is what bounds a query.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

from coopgraph import paths
from coopgraph.errors import INPUT_ERROR, CoopgraphError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
STORE_FOLDER = "store"
MARKER = ".coopgraph-serve"  # marks a folder this module wrote, so only such a folder is ever replaced


def server_binary() -> str:
    """The `oxigraph` server from the PyPI package `oxigraph`: beside this Python first, else on PATH."""
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise CoopgraphError("the oxigraph server was not found beside Python or on PATH; install it with "
                         "`pip install oxigraph`", INPUT_ERROR)


def default_folder() -> Path:
    """Under $COOPGRAPH_CACHE or ~/.cache/coopgraph, like the reasoner's cache."""
    return paths.cache_dir() / "serve"


def build_store(folder: Path, ntriples: bytes | None = None, graph_file: Path | None = None) -> Path:
    """Write the graph (N-Triples bytes, or a .nt/.ttl file) into folder/store; returns the store's path."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()) and not (folder / MARKER).exists():
        raise CoopgraphError(f"{folder}: not empty and not written by `coopgraph serve`; pass an empty or new "
                             "folder with --out", INPUT_ERROR)
    (folder / MARKER).touch()
    target = folder / STORE_FOLDER
    staging = folder / f".{STORE_FOLDER}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    store = ox.Store(str(staging))
    try:
        if graph_file is not None:
            fmt = ox.RdfFormat.TURTLE if graph_file.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
            store.bulk_load(path=str(graph_file), format=fmt)
        else:
            store.bulk_load(ntriples or b"", format=ox.RdfFormat.N_TRIPLES)
        store.flush()
    except (SyntaxError, OSError, ValueError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise CoopgraphError(f"{graph_file or 'graph'}: cannot be loaded into the store: {error}") from None
    finally:
        del store  # closes the database, so the server can open it
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def server_command(location: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                   timeout: float | None = None) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    command = [server_binary(), "serve-read-only", "--location", str(location), "--bind", bind]
    if timeout is not None:
        command += ["--timeout-s", str(max(1, round(timeout)))]
    return command


def exec_server(command: list[str]) -> None:
    """Become the server (same process id: Ctrl-C and kill reach it directly)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
