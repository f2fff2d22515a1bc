"""A small HTTP proxy of ours in front of `oxigraph serve-read-only`: refuses SERVICE, ends answers on time.

Oxigraph's server runs on a loopback port only this proxy knows; people and browsers talk to the proxy. For
every request the proxy reads the SPARQL text (the `query` parameter of the URL or of a form body, or an
application/sparql-query body), parses it (sparql_text.service_endpoints: rdflib's SPARQL parser, not a text
search) and answers 403 to any query with a SERVICE clause, so the endpoint never makes requests of its own
(server-side request forgery: a web page could otherwise make a visitor's browser send such a query to
127.0.0.1). Everything else is passed through as it is.

Oxigraph's --timeout-s stops query evaluation, but an answer that is already streaming keeps streaming. The proxy
holds one deadline per request over the whole answer, `timeout` + GRACE seconds from its arrival (the grace lets
Oxigraph's own cancellation of a slow evaluation arrive first): when it passes mid-answer, the proxy ends the
answer the way Oxigraph ends a cancelled one, with the line "The SPARQL operation has been cancelled" (so clients
that recognise Oxigraph's cancellation recognise this one), and closes the connection; when Oxigraph has not even
begun its answer by then, the proxy answers as Oxigraph does at its own limit: 200 and that line.
"""

from __future__ import annotations

import http.client
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from coopgraph.sparql_text import service_endpoints

MAX_REQUEST_BYTES = 16 * 1024 * 1024  # a query or form body larger than this is refused (413)
CHUNK = 64 * 1024
GRACE = 1.0  # seconds past the timeout before the proxy cuts an answer itself
CANCELLED = "The SPARQL operation has been cancelled"  # Oxigraph's words for a cancelled operation
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "content-length", "host", "expect"}


class ProxyServer(ThreadingHTTPServer):
    """Listens where people connect; forwards to the Oxigraph server at `backend` (host, port)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], backend: tuple[str, int], timeout: float) -> None:
        self.backend = backend
        self.deadline_s = timeout
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)


def query_texts(method: str, target: str, content_type: str, body: bytes) -> list[str]:
    """Every SPARQL query text a request carries, in the ways the SPARQL 1.1 Protocol allows."""
    texts = parse_qs(urlsplit(target).query, keep_blank_values=True).get("query", [])
    kind = content_type.split(";", 1)[0].strip().lower()
    if method == "POST" and kind == "application/x-www-form-urlencoded":
        texts += parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False).get("query", [])
    elif method == "POST" and kind == "application/sparql-query":
        texts.append(body.decode("utf-8"))
    return texts


class _Handler(BaseHTTPRequestHandler):
    server: ProxyServer
    protocol_version = "HTTP/1.1"
    server_version = "coopgraph-serve"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - the http.server names
        self._forward()

    do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the http.server signature
        pass  # Oxigraph's server does not log requests either

    def _forward(self) -> None:
        deadline = time.monotonic() + self.server.deadline_s + GRACE
        self.close_connection = True  # one request per connection: the deadline is per request
        body = self._read_body()
        if body is None:
            return
        try:
            texts = query_texts(self.command, self.path, self.headers.get("Content-Type", ""), body)
        except UnicodeDecodeError:
            self._refuse(400, "the query is not UTF-8 text")
            return
        endpoints = [endpoint for text in texts for endpoint in service_endpoints(text)]
        if endpoints:
            self._refuse(403, f"SERVICE {endpoints[0]} is refused: this endpoint never federates (it sends no "
                              "requests to other servers); run the parts of the query at each endpoint yourself")
            return
        upstream = http.client.HTTPConnection(*self.server.backend, timeout=self.server.deadline_s + GRACE)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            try:
                upstream.connect()
            except OSError:
                self._refuse(502, "the oxigraph server behind this endpoint is not answering; restart coopgraph serve")
                return
            sock = upstream.sock  # kept: the connection forgets it once the answer says it will close
            upstream.request(self.command, self.path, body=body if body or self.command == "POST" else None,
                             headers=headers)
            try:
                response = upstream.getresponse()
            except TimeoutError:
                # Oxigraph had not even begun its answer: give the one it gives at its own time limit.
                self._cancelled_before_answer()
                return
            self._relay(response, sock, deadline)
        except (ConnectionError, OSError):
            pass  # the client went away, or the server closed: nothing to tell anyone
        finally:
            upstream.close()

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(411, "send the request with a Content-Length")
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._refuse(400, "the Content-Length is not a number")
            return None
        if length > MAX_REQUEST_BYTES or length < 0:
            self._refuse(413, f"the request is over {MAX_REQUEST_BYTES:,} bytes")
            return None
        self.connection.settimeout(self.server.deadline_s)
        try:
            return self.rfile.read(length) if length else b""
        except (TimeoutError, OSError):
            return None

    def _relay(self, response: http.client.HTTPResponse, sock: socket.socket, deadline: float) -> None:
        """Pass the answer on, re-chunked, until it ends or the deadline passes."""
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        bodiless = self.command == "HEAD" or response.status in (204, 304)
        if not bodiless:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        if bodiless:
            return
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._cut()
                return
            sock.settimeout(remaining)
            try:
                data = response.read1(CHUNK)
            except TimeoutError:
                self._cut()
                return
            if not data:
                break
            self._chunk(data)
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _cut(self) -> None:
        """The deadline passed mid-answer: end it as Oxigraph ends a cancelled answer (its message, then the end)."""
        self._chunk(f"\n{CANCELLED}".encode())
        self.wfile.write(b"0\r\n\r\n")

    def _cancelled_before_answer(self) -> None:
        """200 and Oxigraph's cancellation line, as Oxigraph answers when its --timeout-s ends a query."""
        self._refuse(200, CANCELLED)

    def _refuse(self, status: int, message: str) -> None:
        """A plain-text answer, then the connection closes."""
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
