"""A read-only SPARQL 1.1 Protocol endpoint over the graph: Oxigraph's own server behind a small proxy of ours.

The graph goes into an on-disk Oxigraph store (built beside the target folder, then swapped in), and
`oxigraph serve-read-only` runs on that store at a loopback port of its own: queries at /query, the YASGUI query
page at /, updates refused. People connect to serve_proxy.ProxyServer at --host/--port, which refuses SERVICE
(the endpoint never federates) and ends every answer at the timeout, streaming or not. Oxigraph's --timeout-s
stops the evaluation; the proxy stops the answer. There is no row cap: the timeout is what bounds a query.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
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


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: Linux sends it SIGTERM when coopgraph ends, even by SIGKILL (no orphaned server)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_backend(location: Path, timeout: float) -> tuple[subprocess.Popen, tuple[str, int]]:
    """Start Oxigraph's read-only server on a free loopback port; wait until it accepts connections."""
    port = free_loopback_port()
    command = server_command(location, "127.0.0.1", port, timeout)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
    threading.Thread(target=_pass_messages, args=(process,), daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CoopgraphError(f"{location}: the oxigraph server stopped at start (exit {process.returncode}); "
                                 "see its message above", INPUT_ERROR)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, ("127.0.0.1", port)
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise CoopgraphError(f"{location}: the oxigraph server did not start within 60 s", INPUT_ERROR)


def _pass_messages(process: subprocess.Popen) -> None:
    """The server's messages to our stderr, but not its "Listening" line: that port is not the one to use."""
    for line in process.stderr or ():
        if not line.startswith(b"Listening for requests at "):
            sys.stderr.buffer.write(line)
            sys.stderr.flush()


def run(location: Path, host: str, port: int, timeout: float, started: Callable[[int], None]) -> None:
    """Listen at host:port (proxy) in front of Oxigraph's server until SIGTERM or Ctrl-C; then stop both."""
    from coopgraph.serve_proxy import ProxyServer

    try:
        proxy = ProxyServer((host, port), ("127.0.0.1", 0), timeout)  # listen first: a taken port fails early
    except OSError as error:
        raise CoopgraphError(f"cannot listen on {host}:{port}: {error.strerror or error}; choose another --port "
                             "or --host", INPUT_ERROR) from None
    backend = None
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        backend, proxy.backend = start_backend(location, timeout)
        started(proxy.server_address[1])
        proxy.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        proxy.server_close()
        if backend is not None:
            backend.terminate()
            try:
                backend.wait(timeout=10)
            except subprocess.TimeoutExpired:
                backend.kill()


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # ends serve_forever in the main thread; the finally block stops the server
