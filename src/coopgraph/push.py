"""Upload a graph to a store over the SPARQL 1.1 Graph Store Protocol (PUT replaces a graph, POST adds to it).

Nothing is reported as done unless the store said so: 200, 201 and 204 are success; 202 (accepted for later)
is reported as not confirmed. PUT is idempotent, so it is retried on any connection error, even one that cut
the upload short; POST is retried only when the connection was refused (nothing was sent).
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from coopgraph.errors import INPUT_ERROR, REMOTE_ERROR, CoopgraphError
from coopgraph.remote import (
    BACKOFF,
    RETRIES,
    USER_AGENT,
    check_endpoint,
    is_connection_error,
    is_refused,
    opener,
    redact,
    with_retries,
)
from coopgraph.store import DEFAULT_TIMEOUT

DONE = {200, 201, 204}
CONTENT_TYPES = {"nt": "application/n-triples", "ttl": "text/turtle"}


@dataclass
class PushResult:
    url: str
    status: int
    size: int
    confirmed: bool

    def describe(self, triples: int | None = None) -> str:
        what = f"{triples} triples ({self.size} bytes)" if triples is not None else f"{self.size} bytes"
        if self.confirmed:
            return f"pushed {what} to {self.url}: HTTP {self.status}"
        return f"sent {what} to {self.url}: HTTP {self.status} (accepted, not confirmed as stored)"


def target_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of the named graph `graph`, or of the default graph when None."""
    check_endpoint(endpoint)
    separator = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{separator}default"
    try:
        ox.NamedNode(graph)
    except ValueError as error:
        raise CoopgraphError(f"--graph {graph!r} is not an IRI ({error}); give a full IRI such as "
                             "https://w3id.org/coopgraph/graph", INPUT_ERROR) from None
    return f"{endpoint}{separator}graph={quote(graph, safe='')}"


def push(body: bytes, endpoint: str, graph: str | None = None, append: bool = False, syntax: str = "nt",
         timeout: float = DEFAULT_TIMEOUT, retries: int = RETRIES, backoff: float = BACKOFF) -> PushResult:
    """Send `body` (N-Triples, or Turtle with syntax="ttl") to the store; raise CoopgraphError unless it stored it."""
    url = target_url(endpoint, graph)
    method = "POST" if append else "PUT"

    def attempt() -> int:
        request = urllib.request.Request(url, data=body, method=method, headers={
            "Content-Type": CONTENT_TYPES[syntax], "User-Agent": USER_AGENT, "Content-Length": str(len(body))})
        with opener(url).open(request, timeout=timeout) as response:  # credentials from the environment or ~/.netrc
            response.read()
            return response.status

    # POST is not idempotent: a retry after a cut-off upload could add the triples twice.
    # An upload that timed out may or may not have been stored: say so, never "done".
    unknown = ("the graph may or may not be stored; "
               + ("check the store before pushing again (POST appends)" if append
                  else "push again (PUT replaces, so a repeat is safe)"))
    status = with_retries(attempt, url, "push", timeout, retries, backoff,
                          retryable=is_refused if append else is_connection_error, timeout_hint=unknown)
    if status in DONE:
        return PushResult(url, status, len(body), True)
    if status == 202:
        return PushResult(url, status, len(body), False)
    raise CoopgraphError(f"push: {redact(url)} answered HTTP {status}, which does not say the graph was stored; "
                         "check the URL is the store's Graph Store Protocol endpoint (Oxigraph: /store)",
                         REMOTE_ERROR)
