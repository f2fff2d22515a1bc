"""The machine a benchmark ran on: CPU, cores, memory, load, Python and library versions."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

LIBRARIES = ("coopgraph", "pyoxigraph", "rdflib", "pyshacl", "networkx", "igraph", "owlready2", "pyvis")


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or platform.machine()


def describe() -> dict[str, Any]:
    try:
        import psutil

        ram_gb = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        ram_gb = None
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu_model(), "cores": os.cpu_count(), "ram_gb": ram_gb,
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "versions": versions,
    }
