"""Where the shipped ontology, data and queries live: the source checkout, else the copy inside the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # src/coopgraph -> repository root
_BUNDLED = _PACKAGE / "resources"


def shipped(name: str) -> Path:
    """The folder `name` (ontology, data, queries) of the checkout when run from one, else the bundled copy."""
    for root in (_CHECKOUT, _BUNDLED):
        candidate = root / name
        if candidate.is_dir() and (root is _BUNDLED or (root / "pyproject.toml").is_file()):
            return candidate
    return _CHECKOUT / name


def ontology_dir() -> Path:
    return shipped("ontology")


def data_dir() -> Path:
    return shipped("data")


def queries_dir() -> Path:
    return shipped("queries")
