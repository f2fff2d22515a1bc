"""The query catalogue: one .rq file per competency question, with a header that documents it.

Header lines at the top of each file (comments), for example::

    # title: Members of a mechanism
    # question: Which agencies take part in a mechanism, and in what role?
    # param: mechanism iri:mechanism cbftf -- the mechanism (a slug, a CURIE or a full IRI)
    # columns: agency agencyLabel country role

A parameter has a name, a type (iri:<kind>, iri, string, integer, decimal, year, date) and a default, so every
query runs bare. Values are bound as RDF terms (never pasted into the query text).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from coopgraph import paths
from coopgraph.errors import CoopgraphError, InputError
from coopgraph.literals import XSD, date_literal, number_literal
from coopgraph.namespaces import INSTANCE_KINDS, PREFIXES, instance_iri
from coopgraph.paths import queries_dir

_HEADER = re.compile(r"^#\s*(title|question|param|columns)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\S+)\s+(\S+)\s*(?:--\s*(.*))?$")
_LITERAL_TYPES = {"string": None, "integer": "integer", "decimal": "decimal", "year": "gYear", "date": "date"}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str
    description: str = ""

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for a value given on the command line (a plain value, never query text)."""
        if self.type == "iri" or self.type.startswith("iri:"):
            iri = _expand_iri(value, self.type.partition(":")[2])
            try:
                return ox.NamedNode(iri)
            except ValueError as error:
                raise CoopgraphError(f"parameter {self.name}: {value!r} is not a valid IRI ({error})") from None
        if self.type not in _LITERAL_TYPES:
            raise CoopgraphError(f"parameter {self.name}: unknown type {self.type!r}")
        datatype = _LITERAL_TYPES[self.type]
        if datatype is None:
            return ox.Literal(value)
        parsed = date_literal(value) if self.type in ("year", "date") else number_literal(value)
        if parsed is None or (self.type != "decimal" and parsed.datatype.value != XSD + datatype):
            raise CoopgraphError(f"parameter {self.name}: {value!r} is not a valid {self.type}")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


@dataclass
class Query:
    name: str
    path: Path | None
    text: str
    title: str = ""
    question: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """How messages name the query: its file, else its name."""
        return str(self.path or self.name)

    def bindings(self, given: dict[str, str] | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
        """Terms for every parameter: the given value, else the default. Unknown names are an error."""
        given = dict(given or {})
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise CoopgraphError(f"{self.name}: unknown parameter {', '.join(unknown)}; this query takes: {names}")
        return {p.name: p.term(given.get(p.name, p.default)) for p in self.parameters}


def parse(text: str, name: str, path: Path | None = None) -> Query:
    query = Query(name=name, path=path, text=text)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        header = _HEADER.match(line)
        if not header:
            continue
        key, value = header.group(1), header.group(2).strip()
        if key == "param":
            match = _PARAM.match(value)
            if not match:
                raise InputError(path or name, number, f"bad parameter line {value!r}",
                                 "write '# param: NAME TYPE DEFAULT -- description'")
            query.parameters.append(Parameter(match.group(1), match.group(2), match.group(3), match.group(4) or ""))
        elif key == "columns":
            query.columns = value.replace(",", " ").split()
        else:
            setattr(query, key, value)
    return query


def catalogue(folder: Path | None = None) -> dict[str, Query]:
    """Every query of the catalogue folder (not its sub-folders), by name (the file stem)."""
    return _read_folder(folder or queries_dir())


# The named sets of .rq files; this module is the one reader of them all.
SETS = ("catalogue", "qc", "rules", "internal")


def set_folder(name: str, ontology_dir: Path | None = None) -> Path:
    """Where a named set lives: the project's catalogue, its quality checks and its rules; the package's own
    internal queries (they are part of the code, so a project never overrides them)."""
    if name == "catalogue":
        return queries_dir()
    if name == "qc":
        return queries_dir() / "qc"
    if name == "rules":
        return Path(ontology_dir or paths.ontology_dir()) / "rules"
    if name == "internal":
        return paths.internal_queries_dir()
    raise CoopgraphError(f"unknown query set {name!r}; the sets are {', '.join(SETS)}")


def query_set(name: str, folder: Path | None = None) -> dict[str, Query]:
    """The queries of a named set (SETS), by name; `folder` reads the set from another folder."""
    return _read_folder(folder or set_folder(name))


def _read_folder(folder: Path) -> dict[str, Query]:
    return {p.stem: read(p) for p in sorted(Path(folder).glob("*.rq"))}


def read(path: Path) -> Query:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, None, f"cannot be read: {error}", "check the path and that the file is UTF-8") from None
    return parse(text, path.stem, path)


def resolve(spec: str, folder: Path | None = None) -> Query:
    """QUERY as the CLI takes it: a catalogue name, a path to a .rq file, or '-' for standard input."""
    if spec == "-":
        return parse(sys.stdin.read(), "stdin")
    path = Path(spec)
    if path.suffix == ".rq" or path.is_file():
        if not path.is_file():
            raise InputError(path, None, "no such query file", "check the path")
        return read(path)
    queries = catalogue(folder)
    if spec not in queries:
        raise CoopgraphError(f"no query named {spec!r} in the catalogue; `coopgraph queries` lists them")
    return queries[spec]


def _expand_iri(value: str, kind: str) -> str:
    if value.startswith(("http://", "https://", "urn:")):
        return value
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if kind in INSTANCE_KINDS:
        # A slug is a value, not IRI syntax: anything unusual in it is percent-encoded.
        return instance_iri(kind, quote(value, safe="-._~"))
    raise CoopgraphError(f"{value!r} is not an IRI; give a full IRI or a CURIE such as agency:rcmp")

