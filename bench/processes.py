"""Child processes the benchmarks start in a process group of their own (a server and what it spawns), and the
free loopback port such a server binds."""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def stop_group(process: subprocess.Popen, grace: float = 10) -> None:
    """TERM the child's whole process group, then KILL it if it lingers past `grace` seconds."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def free_port() -> int:
    """A loopback port nothing listens on (bound, then closed), for a server a benchmark starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
