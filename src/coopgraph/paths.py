"""Where the ontology, data and queries live: the project the user stands in, else the shipped copy.

A project is a folder holding ontology/ and data/ and a marker: a `coopgraph.toml` file, or a pyproject.toml that
names coopgraph (this repository). It is found by looking upward from the working folder, as git finds its
repository, so `coopgraph validate` run anywhere inside a checkout reads the files the user edits, even after a
non-editable `pip install .`. Outside any project the copy shipped inside the package is read (read-only).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # src/coopgraph -> repository root, when run from a source checkout
_BUNDLED = _PACKAGE / "resources"
MARKER = "coopgraph.toml"
_NAMES_COOPGRAPH = re.compile(r'^\s*name\s*=\s*["\']coopgraph["\']', re.MULTILINE)


@dataclass(frozen=True)
class Project:
    """The folders one command reads; `shipped` when they are the package's own read-only copy."""

    root: Path
    shipped: bool = False

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def queries(self) -> Path:
        return self.root / "queries"


def is_project(folder: Path) -> bool:
    if not ((folder / "ontology").is_dir() and (folder / "data").is_dir()):
        return False
    if (folder / MARKER).is_file():
        return True
    try:
        return bool(_NAMES_COOPGRAPH.search((folder / "pyproject.toml").read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def find_project(start: Path | None = None) -> Project:
    """The nearest project at or above `start` (default: the working folder), else the checkout we run from,
    else the copy shipped inside the package."""
    try:
        here = Path(start or os.getcwd()).resolve()
    except OSError:  # the working folder was deleted
        here = None
    for folder in ([here, *here.parents] if here else []):
        if is_project(folder):
            return Project(folder)
    if is_project(_CHECKOUT):
        return Project(_CHECKOUT)
    return Project(_BUNDLED, shipped=True)


def inside_package(path: Path) -> bool:
    """True for a path inside the installed package (never a place to write the user's data)."""
    try:
        Path(path).resolve().relative_to(_PACKAGE)
    except ValueError:
        return False
    return True


def ontology_dir() -> Path:
    return find_project().ontology


def data_dir() -> Path:
    return find_project().data


def queries_dir() -> Path:
    """The project's queries/ when it has one, else the shipped catalogue."""
    folder = find_project().queries
    if folder.is_dir():
        return folder
    return _shipped_queries()


def internal_queries_dir() -> Path:
    """The queries the code itself runs (queries/internal/), always the package's own copy."""
    return _shipped_queries() / "internal"


def _shipped_queries() -> Path:
    return (_BUNDLED if _BUNDLED.is_dir() else _CHECKOUT) / "queries"


def cache_dir() -> Path:
    """$COOPGRAPH_CACHE, else ~/.cache/coopgraph: the persistent stores, HermiT's verdicts, serve's folder."""
    return Path(os.environ.get("COOPGRAPH_CACHE") or Path.home() / ".cache" / "coopgraph")
