"""The remote backend: the same queries at a SPARQL 1.1 Protocol endpoint, through SPARQLWrapper.

Rows come back as the same ResultTable and Value as the embedded store gives, so results compare equal.
Parameters are bound as in the embedded store (coopgraph.sparql_text.bind_values: a VALUES block, never text).

Connection errors (refused, reset, closed) are retried with backoff; an HTTP error answer is not (the server
answered). A timeout is a limit (exit 4); anything else that goes wrong remotely is exit 3.
"""

from __future__ import annotations

import ast
import http.client
import json
import socket
import time
import urllib.error
from collections.abc import Callable, Mapping
from typing import TypeVar
from urllib.parse import urlsplit

import pyoxigraph as ox

from coopgraph import __version__
from coopgraph.errors import INPUT_ERROR, LIMIT_ERROR, REMOTE_ERROR, CoopgraphError
from coopgraph.namespaces import XSD
from coopgraph.results import ResultTable, Value
from coopgraph.sparql_text import (
    Term,
    bind_values,
    missing_prefixes,
    query_form,
    strip_comments,
    syntax_error_message,
)
from coopgraph.store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, row_cap_error

T = TypeVar("T")

USER_AGENT = f"coopgraph/{__version__}"
RETRIES = 2  # after the first attempt; connection errors only
BACKOFF = 0.25  # seconds before the first retry, doubled each time
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
# Oxigraph's server streams results: at its --timeout-s it has already answered 200, and ends the body with this.
CANCELLED = b"The SPARQL operation has been cancelled"

def check_endpoint(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CoopgraphError(f"--endpoint {url!r} is not an http(s) URL; give one such as "
                             "http://127.0.0.1:7878/query", INPUT_ERROR)
    return url


def select(endpoint: str, query: str, bindings: Mapping[str, Term] | None = None, source: str = "query",
           timeout: float = DEFAULT_TIMEOUT, max_rows: int | None = DEFAULT_MAX_ROWS,
           retries: int = RETRIES, backoff: float = BACKOFF) -> ResultTable:
    """Run a query at a SPARQL endpoint; the same ResultTable as store.select gives for the same data."""
    from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    check_endpoint(endpoint)
    text = strip_comments(query)
    form = query_form(text)
    text = missing_prefixes(text) + bind_values(text, bindings or {})
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(text)
    client.queryType = form  # our own reading of the form, never SPARQLWrapper's guess
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
    client.setTimeout(max(1, round(timeout)))

    def attempt() -> bytes:
        try:
            response = client.query().response
        except QueryBadFormed as error:  # HTTP 400: the server's parser refused the text; show where
            message = syntax_error_message(query, _first_line(_response_of(error)), source, sent=text)
            raise CoopgraphError(f"endpoint {endpoint} refused the query: {message}", REMOTE_ERROR) from None
        return response.read()

    body = with_retries(attempt, endpoint, source, timeout, retries, backoff)
    parse = _from_json if form in ("SELECT", "ASK") else _from_turtle
    table = parse(body, endpoint, source)
    if max_rows is not None and len(table) > max_rows:
        raise row_cap_error(source, max_rows)
    return table


def with_retries(action: Callable[[], T], url: str, source: str, timeout: float, retries: int = RETRIES,
                 backoff: float = BACKOFF, retryable: Callable[[BaseException], bool] | None = None,
                 timeout_hint: str = "raise --timeout or narrow the query") -> T:
    """Run action; retry connection errors with backoff; turn every failure into a one-line CoopgraphError."""
    retryable = retryable or is_connection_error
    for attempt in range(retries + 1):
        try:
            return action()
        except CoopgraphError:
            raise
        except Exception as error:  # noqa: BLE001 - classified below, never shown as a traceback
            if is_timeout(error):
                raise CoopgraphError(f"{source}: {url} did not answer within {timeout:g} s; {timeout_hint}",
                                     LIMIT_ERROR) from None
            if retryable(error) and attempt < retries:
                time.sleep(backoff * 2**attempt)
                continue
            raise remote_error(error, url, source, attempts=attempt + 1) from None
    raise AssertionError("unreachable")


def is_timeout(error: BaseException) -> bool:
    reason = getattr(error, "reason", None)
    return isinstance(error, socket.timeout | TimeoutError) or isinstance(reason, socket.timeout | TimeoutError)


def is_refused(error: BaseException) -> bool:
    """The connection was refused: nothing reached the server."""
    return isinstance(getattr(error, "reason", error), ConnectionRefusedError)


def is_connection_error(error: BaseException) -> bool:
    """Refused, reset or closed before an answer: safe to retry (nothing was done, or the request is idempotent)."""
    if isinstance(error, urllib.error.HTTPError):
        return False
    reason = getattr(error, "reason", error)
    return isinstance(reason, ConnectionError | http.client.RemoteDisconnected | http.client.IncompleteRead) or (
        isinstance(error, ConnectionError | http.client.RemoteDisconnected | http.client.IncompleteRead))


def remote_error(error: BaseException, url: str, source: str, attempts: int = 1) -> CoopgraphError:
    """One line: what the endpoint did, and what to do about it."""
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if isinstance(error, urllib.error.HTTPError):
        detail = f"answered HTTP {error.code} {error.reason}: {_first_line(_read(error))}"
    elif isinstance(error, SPARQLWrapperException):
        detail = f"answered an error ({type(error).__name__}): {_first_line(_response_of(error))}"
    elif is_connection_error(error) or isinstance(error, urllib.error.URLError | OSError):
        reason = getattr(error, "reason", error)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        detail = f"cannot be reached{tries} ({reason}); check the URL and that the server is running"
    else:
        detail = f"failed: {type(error).__name__}: {_first_line(str(error))}"
    return CoopgraphError(f"{source}: endpoint {url} {detail}", REMOTE_ERROR)


def _read(error: urllib.error.HTTPError) -> str:
    try:
        return error.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _response_of(error: Exception) -> str:
    """SPARQLWrapper puts the server's answer, as a bytes repr, after 'Response:' in its message."""
    message = str(error)
    _, found, response = message.partition("Response:\n")
    if not found:
        return message
    try:
        value = ast.literal_eval(response.strip())
    except (ValueError, SyntaxError):
        return response
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else "(no message)"
    return line if len(line) <= 300 else line[:297] + "..."


def _from_json(body: bytes, url: str, source: str) -> ResultTable:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        if body.rstrip().endswith(CANCELLED):
            raise CoopgraphError(f"{source}: endpoint {url} cancelled the query at its own time limit; "
                                 "narrow the query or ask for a longer server timeout", LIMIT_ERROR) from None
        raise CoopgraphError(f"{source}: endpoint {url} answered something that is not SPARQL JSON results "
                             f"({error}); check the URL is a SPARQL query endpoint", REMOTE_ERROR) from None
    if "boolean" in document:
        return ResultTable(["result"], [(Value(str(bool(document["boolean"])).lower(), "literal", XSD_BOOLEAN),)])
    columns = list(document.get("head", {}).get("vars", []))
    rows = [tuple(_value(binding.get(column)) for column in columns)
            for binding in document.get("results", {}).get("bindings", [])]
    return ResultTable(columns, rows)


def _value(cell: dict | None) -> Value | None:
    """A SPARQL JSON cell as the Value store.to_value gives for the same term."""
    if cell is None:
        return None
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return Value(value, "iri")
    if kind == "bnode":
        return Value(value, "bnode")
    if cell.get("xml:lang"):
        return Value(value, "literal", None, cell["xml:lang"])
    return Value(value, "literal", cell.get("datatype") or XSD_STRING)


def _from_turtle(body: bytes, url: str, source: str) -> ResultTable:
    from coopgraph.store import to_value

    try:
        triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        raise CoopgraphError(f"{source}: endpoint {url} answered Turtle that does not parse ({error})",
                             REMOTE_ERROR) from None
    rows = [(to_value(t.subject), to_value(t.predicate), to_value(t.object)) for t in triples]
    return ResultTable(["subject", "predicate", "object"], rows)
