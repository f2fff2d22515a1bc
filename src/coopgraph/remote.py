"""The remote engine: queries at a SPARQL 1.1 Protocol endpoint, answers streamed and parsed as they arrive.

Rows come back as the same ResultTable and Value as the embedded store gives (both convert pyoxigraph terms with
store.to_value), so results compare equal. The request is plain urllib rather than SPARQLWrapper: SPARQLWrapper's
timeout bounds only the connection (RDFLib/sparqlwrapper#243) and it reads whole answers, where a deadline must
bound the whole answer and a row cap must stop reading at the first row past it. pyoxigraph parses the answer
(SPARQL JSON results, N-Triples or Turtle) incrementally from the socket.

- Named graph: `graph` is sent as default-graph-uri, so the query sees that graph as its default graph.
- Credentials: COOPGRAPH_USER and COOPGRAPH_PASSWORD, else ~/.netrc for the endpoint's host; the server's
  challenge picks HTTP basic or digest (Virtuoso's /sparql-auth uses digest). Never from the URL, never shown.
- Truncation: a server that caps its answers (Virtuoso: the X-SPARQL-MaxRows header; ResultSetMaxRows) gives a
  limit error rather than a short answer that looks complete.
- Faults: connection errors are retried with backoff; an HTTP error answer is not (the server answered). The
  server's own reason is read from the body (HTML stripped) in one line. Exit codes are the embedded ones: a
  deadline or a server timeout is 4, anything else remote is 3 (a syntax error is caught before sending: 2).
"""

from __future__ import annotations

import html
import http.client
import netrc
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from coopgraph import __version__
from coopgraph.errors import INPUT_ERROR, LIMIT_ERROR, REMOTE_ERROR, CoopgraphError
from coopgraph.results import ResultTable

T = TypeVar("T")

USER_AGENT = f"coopgraph/{__version__}"
RETRIES = 2  # after the first attempt; connection errors only
BACKOFF = 0.25  # seconds before the first retry, doubled each time
CHUNK = 64 * 1024
# Oxigraph's server streams results: at its --timeout-s it has already answered 200, and ends the body with this.
CANCELLED = b"The SPARQL operation has been cancelled"
# What servers say when their own time limit stopped a query (Virtuoso, Jena/Fuseki, Oxigraph).
_SERVER_TIMEOUT = re.compile(r"timed? ?out|timeout|estimated execution time|query cancelled|has been cancelled",
                             re.IGNORECASE)
_ACCEPT = {
    "SELECT": "application/sparql-results+json",
    "ASK": "application/sparql-results+json",
    "CONSTRUCT": "application/n-triples, text/turtle;q=0.9",
    "DESCRIBE": "application/n-triples, text/turtle;q=0.9",
}


def check_endpoint(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CoopgraphError(f"--endpoint {redact(url)!r} is not an http(s) URL; give one such as "
                             "http://127.0.0.1:7878/query", INPUT_ERROR)
    if parts.username is not None or parts.password is not None:
        raise CoopgraphError(f"--endpoint {redact(url)}: credentials in the URL are refused (they end up in shell "
                             "history and logs); set COOPGRAPH_USER and COOPGRAPH_PASSWORD, or add the host to "
                             "~/.netrc", INPUT_ERROR)
    return url


def redact(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


def opener(url: str) -> urllib.request.OpenerDirector:
    """A urllib opener that answers the server's basic or digest challenge with the user's credentials."""
    handlers: list[urllib.request.BaseHandler] = []
    credentials = _credentials(url)
    if credentials:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, *credentials)
        handlers += [urllib.request.HTTPBasicAuthHandler(manager), urllib.request.HTTPDigestAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _credentials(url: str) -> tuple[str, str] | None:
    user, password = os.environ.get("COOPGRAPH_USER"), os.environ.get("COOPGRAPH_PASSWORD")
    if user and password is not None:
        return user, password
    host = urlsplit(url).hostname or ""
    try:
        found = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None
    if found and found[0] and found[2] is not None:
        return found[0], found[2]
    return None


def run(endpoint: str, text: str, form: str, source: str, timeout: float, max_rows: int | None,
        graph: str | None = None, retries: int = RETRIES, backoff: float = BACKOFF) -> ResultTable:
    """Send one query (already bound and checked) and read its answer within `timeout` seconds in all."""
    from coopgraph.store import collect

    check_endpoint(endpoint)
    deadline = time.monotonic() + timeout
    fields = {"query": text}
    if graph:
        fields["default-graph-uri"] = graph
    body = urlencode(fields).encode()
    headers = {"Accept": _ACCEPT[form], "User-Agent": USER_AGENT,
               "Content-Type": "application/x-www-form-urlencoded"}
    client = opener(endpoint)

    def attempt() -> http.client.HTTPResponse:
        request = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
        return client.open(request, timeout=max(0.1, deadline - time.monotonic()))

    response = with_retries(attempt, endpoint, source, timeout, retries, backoff)
    stream = _Deadline(response, deadline)
    try:
        cap = _server_cap(response)
        content_type = response.headers.get_content_type()
        try:
            if form in ("SELECT", "ASK"):
                answer = ox.parse_query_results(stream, format=ox.QueryResultsFormat.JSON)
            else:
                answer = ox.parse(stream, format=ox.RdfFormat.TURTLE if "turtle" in content_type
                                  else ox.RdfFormat.N_TRIPLES)
            table = collect(answer, source, max_rows)
        except SyntaxError as error:
            if CANCELLED in stream.tail:
                raise _server_timeout(endpoint, source) from None
            raise CoopgraphError(f"{source}: endpoint {redact(endpoint)} answered something that is not SPARQL "
                                 f"results ({_one_line(str(error))}); check the URL is a SPARQL query endpoint",
                                 REMOTE_ERROR) from None
        except (OSError, http.client.HTTPException) as error:
            if isinstance(error, TimeoutError | socket.timeout) or stream.expired:
                raise _deadline_error(endpoint, source, timeout) from None
            raise remote_error(error, endpoint, source) from None
    finally:
        response.close()
    if cap is not None and len(table) >= cap:
        raise CoopgraphError(f"{source}: endpoint {redact(endpoint)} capped its answer at {cap} rows (its own "
                             "limit), so the result is incomplete; add a LIMIT/OFFSET or a narrower pattern, or "
                             "raise the server's limit (Virtuoso: ResultSetMaxRows)", LIMIT_ERROR)
    return table


class _Deadline:
    """A file-like view of the response that fails once the whole-answer deadline has passed."""

    def __init__(self, response: http.client.HTTPResponse, deadline: float) -> None:
        self.response, self.deadline, self.tail, self.expired = response, deadline, b"", False

    def read(self, size: int = -1) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise TimeoutError("deadline")
        sock = getattr(getattr(self.response, "fp", None), "raw", None)
        sock = getattr(sock, "_sock", None)
        if sock is not None:
            sock.settimeout(remaining)  # a trickle of bytes cannot outlive the deadline either
        chunk = self.response.read1(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self.tail = (self.tail + chunk)[-200:]
        return chunk

    def readable(self) -> bool:
        return True


def _server_cap(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("X-SPARQL-MaxRows")
    try:
        return int(value) if value else None
    except ValueError:
        return None


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
                raise CoopgraphError(f"{source}: {redact(url)} did not answer within {timeout:g} s; {timeout_hint}",
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
    """One line: what the endpoint did, and what to do about it (a server's time limit is a limit, exit 4)."""
    shown = redact(url)
    if isinstance(error, urllib.error.HTTPError):
        reason = server_reason(_read(error))
        if error.code == 401:
            return CoopgraphError(f"{source}: endpoint {shown} asks for credentials (HTTP 401): set COOPGRAPH_USER "
                                  "and COOPGRAPH_PASSWORD, or add the host to ~/.netrc", REMOTE_ERROR)
        if _SERVER_TIMEOUT.search(reason):
            return _server_timeout(url, source, reason)
        return CoopgraphError(f"{source}: endpoint {shown} answered HTTP {error.code} {error.reason}: {reason}",
                              REMOTE_ERROR)
    if is_connection_error(error) or isinstance(error, urllib.error.URLError | OSError):
        reason = getattr(error, "reason", error)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return CoopgraphError(f"{source}: endpoint {shown} cannot be reached{tries} ({reason}); check the URL and "
                              "that the server is running", REMOTE_ERROR)
    return CoopgraphError(f"{source}: endpoint {shown} failed: {type(error).__name__}: {_one_line(str(error))}",
                          REMOTE_ERROR)


def server_reason(body: str) -> str:
    """The server's own words from an error body: HTML tags and entities dropped, one line, bounded."""
    if not re.search(r"(?i)<(!doctype|html|body|head|p|pre|h\d)\b", body):
        return _one_line(body)  # plain text: '<urn:x>' in it is an IRI, not a tag
    text = re.sub(r"(?is)<(script|style|head|title)\b.*?</\1>", " ", body)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return _one_line(text)


def _server_timeout(url: str, source: str, reason: str = "") -> CoopgraphError:
    said = f" ({reason})" if reason else ""
    return CoopgraphError(f"{source}: endpoint {redact(url)} stopped the query at its own time limit{said}; "
                          "narrow the query or ask for a longer server timeout", LIMIT_ERROR)


def _deadline_error(url: str, source: str, timeout: float) -> CoopgraphError:
    return CoopgraphError(f"{source}: endpoint {redact(url)} did not finish its answer within {timeout:g} s; "
                          "narrow the query or raise --timeout", LIMIT_ERROR)


def _read(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(64 * 1024).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""


def _one_line(text: str) -> str:
    line = " ".join(text.split()) or "(no message)"
    return line if len(line) <= 300 else line[:297] + "..."
