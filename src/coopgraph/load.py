"""Load the ontology and data folders into the embedded store, with errors that name file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import rdflib

from coopgraph.errors import InputError

SHAPES_SUFFIX = "shapes.ttl"

_PREFIX_LINE = re.compile(r"^\s*@?prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_LINE = re.compile(r"^(<[^>\s]+>|[A-Za-z][\w.-]*:[\w.-]+)\s")


@dataclass
class LoadedGraph:
    """The merged graph in an embedded Oxigraph store, and where each subject came from."""

    store: ox.Store
    files: list[Path]
    shapes_files: list[Path] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.store)

    @cached_property
    def _subject_index(self) -> dict[str, tuple[Path, int]]:
        index: dict[str, tuple[Path, int]] = {}
        for path in self.files:
            for iri, line in _subject_lines(path):
                index.setdefault(iri, (path, line))
        return index

    def locate(self, iri: str) -> tuple[Path, int] | None:
        """The file and line where `iri` is first described as a subject, when a file does so."""
        return self._subject_index.get(iri)

    def to_rdflib(self) -> rdflib.Graph:
        """A copy of the default graph as an rdflib Graph (for pySHACL and other rdflib tools)."""
        graph = rdflib.Graph()
        graph.parse(data=self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
        return graph


def turtle_files(folder: Path) -> list[Path]:
    """Every Turtle file under folder, in a stable order."""
    if not folder.is_dir():
        raise InputError(folder, None, "no such folder", "pass an existing folder with --ontology / --data")
    return sorted(p for p in folder.rglob("*.ttl") if p.is_file())


def load(ontology_dir: Path, data_dir: Path, store: ox.Store | None = None) -> LoadedGraph:
    """Parse every Turtle file of both folders into one store (in memory unless one is given)."""
    store = store if store is not None else ox.Store()
    files: list[Path] = []
    shapes: list[Path] = []
    for path in turtle_files(Path(ontology_dir)) + turtle_files(Path(data_dir)):
        if path.name.endswith(SHAPES_SUFFIX):
            _check_parses(path)
            shapes.append(path)
            continue
        _load_file(store, path)
        files.append(path)
    return LoadedGraph(store=store, files=files, shapes_files=shapes)


def _load_file(store: ox.Store, path: Path) -> None:
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except (OSError, ValueError) as error:
        raise InputError(path, None, f"cannot be read: {error}", "check the file is UTF-8 Turtle") from None


def _check_parses(path: Path) -> None:
    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except (OSError, ValueError) as error:
        raise InputError(path, None, f"cannot be read: {error}", "check the file is UTF-8 Turtle") from None


def _syntax_error(path: Path, error: SyntaxError) -> InputError:
    message = str(error.msg if hasattr(error, "msg") else error)
    message = re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
    return InputError(path, error.lineno, f"Turtle syntax error: {message}", "fix the Turtle on that line")


def _subject_lines(path: Path) -> list[tuple[str, int]]:
    """Subjects written at the start of a line, expanded with the file's own prefixes."""
    prefixes: dict[str, str] = {}
    found: list[tuple[str, int]] = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        declared = _PREFIX_LINE.match(line)
        if declared:
            prefixes[declared.group(1) or ""] = declared.group(2)
            continue
        subject = _SUBJECT_LINE.match(line)
        if not subject:
            continue
        token = subject.group(1)
        if token.startswith("<"):
            found.append((token[1:-1], number))
        else:
            prefix, _, local = token.partition(":")
            if prefix in prefixes:
                found.append((prefixes[prefix] + local, number))
    return found
