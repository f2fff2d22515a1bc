"""The query catalogue: one .rq file per competency question, with a header that documents it.

Header lines at the top of each file (comments), for example::

    # title: Members of a mechanism
    # question: Which agencies take part in a mechanism, and in what role?
    # param: mechanism iri:mechanism cbftf -- the mechanism (a slug, a CURIE or a full IRI)
    # columns: agency agencyLabel country role

A parameter has a name, a type (iri:<kind>, iri, string, integer, decimal, year, date) and a default, so every
query runs bare. Values are bound as RDF terms (never pasted into the query text).

A rule (ontology/rules/) may say ``# runs: last``: it runs once, after the other rules reach their fixpoint. For
rules whose output no rule reads (tests/test_reason.py checks that), such as the kinds and the tie years.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pyoxigraph as ox

from coopgraph import paths
from coopgraph.errors import INPUT_ERROR, CoopgraphError, InputError
from coopgraph.literals import XSD, date_literal, number_literal
from coopgraph.namespaces import INSTANCE_KINDS, PREFIXES, instance_iri
from coopgraph.paths import queries_dir
from coopgraph.suggest import did_you_mean

if TYPE_CHECKING:
    from coopgraph.results import ResultTable

_HEADER = re.compile(r"^#\s*(title|question|param|columns|runs)\s*:\s*(.*)$")
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
    # rules only: "last" runs it once, after the other rules reach their fixpoint (for output no rule reads)
    runs: str = ""

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
            hints = "".join(did_you_mean(name, known) for name in unknown)
            raise CoopgraphError(f"{self.name}: unknown parameter {', '.join(unknown)}{hints}; this query takes: "
                                 f"{names}")
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
        elif key == "runs" and value != "last":
            raise InputError(path or name, number, f"unknown '# runs:' value {value!r}",
                             "write '# runs: last', or leave the line out to run the rule to its fixpoint")
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
        raise CoopgraphError(f"no query named {spec!r} in the catalogue{did_you_mean(spec, queries)}; "
                             "`coopgraph queries` lists them")
    return queries[spec]


Runner = Callable[[str, Mapping[str, ox.NamedNode | ox.Literal]], "ResultTable"]
_SUGGESTED = 5  # known values listed when none is close to the one given


def check_resources(query: Query, given: Mapping[str, str], bindings: Mapping[str, ox.NamedNode | ox.Literal],
                    run: Runner) -> None:
    """Every IRI parameter given on the command line names something in the graph, else an error (exit 2)
    that names the closest existing values. `run(text, bindings)` runs a query (embedded or remote).

    Without this, a misspelt value (mechanism=cbftff) gives an empty result and exit 0: no word of the typo.
    """
    for parameter in query.parameters:
        term = bindings.get(parameter.name)
        if parameter.name not in given or not isinstance(term, ox.NamedNode):
            continue
        if _internal(run, "resource-exists", {"resource": term}) == [("true",)]:
            continue
        kind = parameter.type.partition(":")[2]
        cut = max(term.value.rfind("/"), term.value.rfind("#")) + 1
        namespace = instance_iri(kind, "") if kind in INSTANCE_KINDS else term.value[:cut]
        known = [row[0] for row in _internal(run, "resources-of-kind", {"namespace": ox.Literal(namespace)})]
        local = {iri[len(namespace):]: iri for iri in known}
        wanted = term.value[len(namespace):] if term.value.startswith(namespace) else term.value
        hint = did_you_mean(wanted, local)
        if not hint and local:
            more = ", ..." if len(local) > _SUGGESTED else ""
            hint = f" (known values: {', '.join(list(local)[:_SUGGESTED])}{more})"
        raise CoopgraphError(f"{query.name}: --param {parameter.name}={given[parameter.name]}: <{term.value}> is in "
                             f"no triple of the graph{hint}; check the spelling", INPUT_ERROR)


def _internal(run: Runner, name: str, values: Mapping[str, ox.NamedNode | ox.Literal]) -> list[tuple[str, ...]]:
    """Rows of a query of queries/internal/ (SPARQL the code runs for itself, not part of the catalogue)."""
    return run(query_set("internal")[name].text, values).plain_rows()


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

