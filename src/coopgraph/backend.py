"""One backend interface for the whole read side, and the one runner every query goes through.

Three kinds: the graph loaded in memory, the persistent on-disk store (coopgraph.persist), and a remote SPARQL
1.1 endpoint (Oxigraph, Virtuoso, Jena/Fuseki, ...). Commands, the network projections, validation's SPARQL checks
and the report ask a Backend, never a store or a URL, so they read the same on every kind.

The runner (Backend.select) does for every query, on every kind: bind parameters as a VALUES block and declare the
prefixes it uses (the exact text `coopgraph query --print-bound` shows), refuse what is not a query, check the
syntax locally (the same exit 2 whatever the engine), then run it with the same timeout (exit 4), row cap (exit 4)
and error mapping (exit 3 for a remote fault).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from coopgraph import catalogue
from coopgraph.errors import INPUT_ERROR, CoopgraphError
from coopgraph.load import LoadedGraph
from coopgraph.results import ResultTable
from coopgraph.sparql_text import (
    Term,
    bind_values,
    missing_prefixes,
    query_form,
    refuse_service,
    strip_comments,
    syntax_error_message,
)
from coopgraph.store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT

_EMPTY = ox.Store()  # parses queries for the syntax check; never holds data


def bound_text(query: str, bindings: Mapping[str, Term] | None = None) -> str:
    """The query as sent: parameters bound as a VALUES block, the prefixes it uses declared; paste-able anywhere."""
    text = strip_comments(query).strip() + "\n"
    return missing_prefixes(text) + bind_values(text, bindings or {})


def check_syntax(text: str, source: str, written: str | None = None) -> None:
    """Parse the query here, so a syntax error is exit 2 whatever the engine. Only syntax is judged: what this
    engine cannot evaluate (another engine's functions) is left to the engine that will run it. `written` is the
    query as the person wrote it (before bound_text): the message shows their line, with a caret."""
    try:
        _EMPTY.query(text)
    except (RuntimeError, ValueError, OSError):
        return
    except SyntaxError as error:
        message = syntax_error_message(written if written is not None else text, error, source, sent=text)
        raise CoopgraphError(message, INPUT_ERROR) from None


class Backend(ABC):
    """Where the graph is read from. `kind` is "memory", "disk" or "remote"."""

    kind: str

    def select(self, query: str, bindings: Mapping[str, Term] | None = None, *, source: str = "query",
               timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = DEFAULT_MAX_ROWS,
               allow_service: tuple[str, ...] = ()) -> ResultTable:
        """Run a SELECT, ASK, CONSTRUCT or DESCRIBE (see the module docstring).

        A SERVICE clause is refused unless its endpoint is in `allow_service`, before anything runs: the syntax
        check evaluates the query on an empty store, which would already send the SERVICE request.
        """
        text = bound_text(query, bindings)
        try:
            form = query_form(text)
        except CoopgraphError:
            check_syntax(text, source, query)  # a misspelt SELECT: the message points at the word
            raise
        if not refuse_service(text, allow_service, source):  # an allowed SERVICE is called once, by the engine
            check_syntax(text, source, query)
        return self._run(text, form, source, timeout, max_rows)

    def run(self, query: catalogue.Query, params: Mapping[str, str] | None = None, **limits: float | None
            ) -> ResultTable:
        """A catalogue query with its parameters (defaults where not given)."""
        return self.select(query.text, query.bindings(dict(params or {})), source=query.source, **limits)

    def internal(self, name: str, params: Mapping[str, str] | None = None, **limits: float | None) -> ResultTable:
        """One of the queries the code itself asks (queries/internal/)."""
        return self.run(catalogue.query_set("internal")[name], params, **limits)

    def triple_count(self) -> int:
        return int(self.internal("triple-count").rows[0][0].value)

    @abstractmethod
    def _run(self, text: str, form: str, source: str, timeout: float | None, max_rows: int | None) -> ResultTable:
        """Run text that select() has bound and checked (SERVICE included)."""

    @abstractmethod
    def dump(self, fmt: ox.RdfFormat, path: Path | None = None) -> bytes | None:
        """The default graph serialised (into `path` when given)."""

    @abstractmethod
    def describe(self) -> str:
        """One line for stderr: what is read."""


# The code's own questions whose answers are kept beside the persistent store: small answers over the whole graph
# that `coopgraph info` (and the report) ask every time; 1.6 s and 4.9 s on 1.6M triples on disk.
KEPT = ("triple-count", "class-counts")


class Embedded(Backend):
    """The graph in an embedded Oxigraph store: loaded in memory, or the persistent on-disk store."""

    def __init__(self, graph: LoadedGraph, kind: str = "memory") -> None:
        self.graph, self.kind = graph, kind

    def internal(self, name: str, params: Mapping[str, str] | None = None, **limits: float | None) -> ResultTable:
        """On the persistent store, a KEPT answer is asked once and then read from beside the store: the store is
        never written again, so the answer holds until the store is replaced (another key, another folder)."""
        if self.graph.location is None or name not in KEPT or params:
            return super().internal(name, params, **limits)
        from coopgraph import persist

        query = catalogue.query_set("internal")[name]
        path = persist.answer_file(self.graph.location, name, query.text)
        table = _table_from_json(persist.read_answer(path))
        if table is None:
            table = super().internal(name, **limits)
            persist.keep_answer(path, {"columns": table.columns, "rows": [list(row) for row in table.rows]})
        max_rows = limits.get("max_rows", DEFAULT_MAX_ROWS)
        if max_rows is not None and len(table) > max_rows:
            from coopgraph.store import row_cap_error

            raise row_cap_error(query.source, int(max_rows))
        return table

    @property
    def store(self) -> ox.Store:
        return self.graph.store

    def _run(self, text: str, form: str, source: str, timeout: float | None, max_rows: int | None) -> ResultTable:
        from coopgraph.store import run_checked

        return run_checked(self.store, text, None, source, timeout, max_rows)

    def dump(self, fmt: ox.RdfFormat, path: Path | None = None) -> bytes | None:
        from coopgraph.namespaces import PREFIXES

        extra = {"prefixes": PREFIXES} if fmt == ox.RdfFormat.TURTLE else {}
        if path is not None:
            self.store.dump(str(path), format=fmt, from_graph=ox.DefaultGraph(), **extra)
            return None
        return self.store.dump(format=fmt, from_graph=ox.DefaultGraph(), **extra)

    def describe(self) -> str:
        where = "the persistent store" if self.graph.location else "loaded in memory"
        return f"{len(self.graph.files)} files, {where}"


class Remote(Backend):
    """A SPARQL 1.1 Protocol endpoint; `graph` names the graph read as the default graph."""

    kind = "remote"

    def __init__(self, endpoint: str, graph: str | None = None) -> None:
        from coopgraph.remote import check_endpoint

        self.endpoint, self.graph_iri = check_endpoint(endpoint), check_graph(graph)

    def _run(self, text: str, form: str, source: str, timeout: float | None, max_rows: int | None) -> ResultTable:
        from coopgraph import remote

        return remote.run(self.endpoint, text, form, source, DEFAULT_TIMEOUT if timeout is None else timeout,
                          max_rows, graph=self.graph_iri)

    def dump(self, fmt: ox.RdfFormat, path: Path | None = None) -> bytes | None:
        from coopgraph.store import to_term

        table = self.internal("all-triples", max_rows=None)
        triples = [ox.Triple(*(to_term(cell) for cell in row)) for row in table.rows]
        return ox.serialize(triples, str(path) if path else None, format=fmt)

    def describe(self) -> str:
        from coopgraph.remote import redact

        graph = f", graph <{self.graph_iri}>" if self.graph_iri else ""
        return f"endpoint {redact(self.endpoint)}{graph}"


def _table_from_json(kept: dict | None) -> ResultTable | None:
    """A kept answer back as a table, or None when it is missing or not the shape keep_answer wrote."""
    from coopgraph.results import Value

    try:
        columns = [str(c) for c in kept["columns"]]  # type: ignore[index]
        rows = [tuple(None if cell is None else Value(*cell) for cell in row) for row in kept["rows"]]  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        return None
    if any(len(row) != len(columns) for row in rows):
        return None
    return ResultTable(columns, rows)


def check_graph(graph: str | None) -> str | None:
    if graph is None:
        return None
    try:
        ox.NamedNode(graph)
    except ValueError as error:
        raise CoopgraphError(f"--graph {graph!r} is not an IRI ({error}); give a full IRI such as "
                             "https://w3id.org/coopgraph/graph", INPUT_ERROR) from None
    return graph


def open_backend(ontology_dir: Path | None = None, data_dir: Path | None = None, *, endpoint: str | None = None,
                 graph: str | None = None, cache: bool = True) -> Backend:
    """The backend a command reads: the endpoint when given, else the folders (persistent store unless cache=False)."""
    if endpoint:
        return Remote(endpoint, graph)
    from coopgraph.graph import open_graph

    return Embedded(open_graph(ontology_dir, data_dir, cache=cache), "disk" if cache else "memory")


def as_backend(source: Backend | LoadedGraph | ox.Store) -> Backend:
    """The one place a loaded graph or a bare store (library and notebook callers) becomes a Backend."""
    if isinstance(source, Backend):
        return source
    if isinstance(source, LoadedGraph):
        return Embedded(source)
    if isinstance(source, ox.Store):
        return Embedded(LoadedGraph(store=source, files=[]))
    raise TypeError(f"expected a Backend, a LoadedGraph or a pyoxigraph Store, not {type(source).__name__}")
