"""The embedded backend: SPARQL over a pyoxigraph Store, parameters bound as values, never pasted in."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from coopgraph.errors import CoopgraphError
from coopgraph.namespaces import PREFIXES
from coopgraph.results import ResultTable, Value

Term = ox.NamedNode | ox.Literal | ox.BlankNode


def select(store: ox.Store, query: str, bindings: Mapping[str, Term] | None = None,
           source: str = "query") -> ResultTable:
    """Run a SELECT, ASK or CONSTRUCT query; `bindings` substitute variables with terms (SEP-0007)."""
    substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
    try:
        result = store.query(query, prefixes=PREFIXES, substitutions=substitutions or None)
    except SyntaxError as error:
        raise CoopgraphError(f"{source}: SPARQL syntax error: {error}; fix the query text") from None
    except (OSError, ValueError, RuntimeError) as error:
        raise CoopgraphError(f"{source}: the query failed: {error}") from None
    if isinstance(result, ox.QuerySolutions):
        columns = [variable.value for variable in result.variables]
        rows = [tuple(to_value(solution[c]) for c in columns) for solution in result]
        return ResultTable(columns, rows)
    if isinstance(result, ox.QueryBoolean):
        return ResultTable(["result"], [(Value(str(bool(result)).lower(), "literal",
                                               "http://www.w3.org/2001/XMLSchema#boolean"),)])
    rows = [(to_value(t.subject), to_value(t.predicate), to_value(t.object)) for t in result]
    return ResultTable(["subject", "predicate", "object"], rows)


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


def construct_into(store: ox.Store, query: str, source: str = "rule") -> int:
    """Run a CONSTRUCT and add its triples to the store; returns how many were new."""
    before = len(store)
    try:
        triples = list(store.query(query, prefixes=PREFIXES))
    except SyntaxError as error:
        raise CoopgraphError(f"{source}: SPARQL syntax error: {error}; fix the rule") from None
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return len(store) - before
