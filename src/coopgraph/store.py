"""The embedded backend: SPARQL over a pyoxigraph Store, parameters bound as values, never pasted in.

Limits: pyoxigraph's query() has no timeout, so a query with a `timeout` runs in a worker thread and the caller
stops waiting when the time is up. pyoxigraph releases the GIL while it evaluates, so the wait ends on time, but
the worker cannot be cancelled: it keeps one core busy until the query ends or the process exits. The CLI exits
right after the limit error, which ends it; a long-lived caller (a notebook) keeps that thread running. A row cap
is exact and cheap: solutions are read lazily and reading stops at the first row past the cap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import pyoxigraph as ox

from coopgraph.errors import LIMIT_ERROR, CoopgraphError
from coopgraph.namespaces import PREFIXES, XSD
from coopgraph.results import ResultTable, Value
from coopgraph.sparql_text import Term, bind_values, refuse_service, syntax_error_message

DEFAULT_TIMEOUT = 60.0  # seconds; `coopgraph query --timeout`
DEFAULT_MAX_ROWS = 100_000  # `coopgraph query --max-rows`


def select(store: ox.Store, query: str, bindings: Mapping[str, Term] | None = None, source: str = "query",
           timeout: float | None = None, max_rows: int | None = None,
           allow_service: tuple[str, ...] = ()) -> ResultTable:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE; `bindings` bind variables to terms (a VALUES block).

    With `timeout` (seconds) or `max_rows`, a query past either limit raises CoopgraphError with LIMIT_ERROR.
    A SERVICE clause is refused unless its endpoint is in `allow_service` (nothing is read from the network).
    """
    refuse_service(query, allow_service, source)
    return run_checked(store, query, bindings, source, timeout, max_rows)


def run_checked(store: ox.Store, query: str, bindings: Mapping[str, Term] | None, source: str,
                timeout: float | None, max_rows: int | None) -> ResultTable:
    """select() once SERVICE has been checked (the backend's runner checks it before; see coopgraph.backend)."""
    if timeout is None:
        return _evaluate(store, query, bindings, source, max_rows)
    outcome: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["table"] = _evaluate(store, query, bindings, source, max_rows)
        except BaseException as error:  # noqa: BLE001 - handed back to the caller's thread
            # Without its traceback: the frames hold pyoxigraph results, which must be dropped on this thread.
            error.__traceback__ = error.__context__ = error.__cause__ = None
            outcome["error"] = error
        finally:
            done.set()

    # A daemon thread: if the query outlives its timeout, it does not keep the process alive at exit.
    threading.Thread(target=work, name=f"sparql:{source}", daemon=True).start()
    if not done.wait(timeout):
        raise CoopgraphError(
            f"{source}: the query did not finish within {timeout:g} s; "
            "narrow it (a LIMIT, more specific patterns) or raise --timeout", LIMIT_ERROR)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["table"]  # type: ignore[return-value]


def _evaluate(store: ox.Store, query: str, bindings: Mapping[str, Term] | None, source: str,
              max_rows: int | None) -> ResultTable:
    try:
        return collect(store.query(bind_values(query, bindings or {}), prefixes=PREFIXES), source, max_rows)
    except SyntaxError as error:
        raise CoopgraphError(syntax_error_message(query, error, source, bind_values(query, bindings or {}))) from None
    except (OSError, ValueError, RuntimeError) as error:
        raise CoopgraphError(f"{source}: the query failed: {error}") from None


def collect(answer: object, source: str, max_rows: int | None) -> ResultTable:
    """A pyoxigraph answer (solutions, a boolean, or triples, from the store or parsed off a socket) as a
    ResultTable, reading no further than the first row past max_rows."""
    if isinstance(answer, ox.QueryBoolean):
        return ResultTable(["result"], [(Value(str(bool(answer)).lower(), "literal", XSD + "boolean"),)])
    convert = _converter()
    if isinstance(answer, ox.QuerySolutions):
        columns = [variable.value for variable in answer.variables]
        return ResultTable(columns, _take((tuple(map(convert, solution)) for solution in answer), max_rows, source))
    rows = _take(((convert(t.subject), convert(t.predicate), convert(t.object)) for t in answer), max_rows, source)
    return ResultTable(["subject", "predicate", "object"], rows)


def _converter() -> Callable[[Term | None], Value | None]:
    """to_value with each distinct term converted once: results repeat the same IRIs and labels a lot."""
    seen: dict[Term, Value | None] = {}

    def convert(term: Term | None) -> Value | None:
        if term is None:
            return None
        value = seen.get(term)
        if value is None:
            value = seen[term] = to_value(term)
        return value

    return convert


def _take(rows, max_rows: int | None, source: str) -> list:  # noqa: ANN001 - any iterator of rows
    """The rows, or a limit error as soon as there is one more than max_rows (the rest is never computed)."""
    taken = []
    for row in rows:
        if max_rows is not None and len(taken) >= max_rows:
            raise row_cap_error(source, max_rows)
        taken.append(row)
    return taken


def row_cap_error(source: str, max_rows: int) -> CoopgraphError:
    return CoopgraphError(f"{source}: the result has more than {max_rows} rows; "
                          "add a LIMIT or a narrower pattern, or raise --max-rows", LIMIT_ERROR)


def to_value(term: Term | None) -> Value | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Value(term.value, "iri")
    if isinstance(term, ox.BlankNode):
        return Value(term.value, "bnode")
    if isinstance(term, ox.Literal):
        return Value(term.value, "literal", term.datatype.value if term.language is None else None, term.language)
    return Value(str(term), "literal")


def to_term(value: Value) -> Term:
    """A result cell back as the pyoxigraph term it was read from (the inverse of to_value)."""
    if value.kind == "iri":
        return ox.NamedNode(value.value)
    if value.kind == "bnode":
        return ox.BlankNode(value.value)
    if value.lang:
        return ox.Literal(value.value, language=value.lang)
    return ox.Literal(value.value, datatype=ox.NamedNode(value.datatype) if value.datatype else None)


def solutions(store: ox.Store, query: str, source: str) -> list[dict[str, Term | None]]:
    """Rows as {column: term} through the runner's embedded engine, for code that works on RDF terms."""
    table = select(store, query, source=source, timeout=None, max_rows=None)
    return [{column: None if cell is None else to_term(cell) for column, cell in zip(table.columns, row, strict=True)}
            for row in table.rows]
