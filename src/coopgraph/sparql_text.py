"""SPARQL query text: its tokens, its form, and parameters bound as a VALUES block.

Both backends bind parameters the same way: a VALUES block at the top of the query's outermost WHERE group,
each term written by pyoxigraph (N-Triples escaping), so a value is only ever a value. This binds the variable
for the whole query, except inside sub-SELECTs that do not project it: catalogue queries use their parameters in
the outer group. (pyoxigraph's own `substitutions` give the same rows, but its planner then scans and filters;
measured at 100k triples, a VALUES block was 100 to 800 times faster on the parameterised catalogue queries.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from coopgraph.errors import INPUT_ERROR, CoopgraphError
from coopgraph.namespaces import PREFIXES

Term = ox.NamedNode | ox.Literal | ox.BlankNode
QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")

# Tokens of SPARQL text that can hold braces, '#' or keywords without meaning them.
_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$]\w+)
      | (?P<word>[A-Za-z_][\w.-]*:?)
      | (?P<open>\{) | (?P<close>\}) | (?P<other>\S)""",
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    for match in _TOKEN.finditer(text):
        yield match.lastgroup or "other", match


def strip_comments(text: str) -> str:
    """The query without its comments (a '#' inside a string or an IRI is not a comment)."""
    parts, last = [], 0
    for kind, match in _tokens(text):
        if kind == "comment":
            parts.append(text[last:match.start()])
            last = match.end()
    parts.append(text[last:])
    return "".join(parts)


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE; anything else (an update) is refused."""
    for kind, match in _tokens(text):
        if kind == "word" and not match.group().endswith(":"):
            word = match.group().upper()
            if word in ("BASE", "PREFIX"):
                continue
            if word in QUERY_FORMS:
                return word
            break
    raise CoopgraphError("the text is not a SPARQL query (SELECT, CONSTRUCT, ASK or DESCRIBE); "
                         "updates are not sent to endpoints", INPUT_ERROR)


def bind_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with a VALUES block of the bindings at the top of its outermost WHERE group."""
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(str(term) for term in bindings.values())  # pyoxigraph writes N-Triples terms, escaped
    position = _outer_group_start(text)
    return f"{text[:position]}\n  VALUES ({names}) {{ ({row}) }}\n{text[position:]}"


def _outer_group_start(text: str) -> int:
    """The index just after the '{' that opens the outermost WHERE group."""
    depth = 0
    after_where = False
    first_group: int | None = None
    for kind, match in _tokens(text):
        if kind == "open":
            if depth == 0:
                if after_where:
                    return match.end()
                if first_group is None:
                    first_group = match.end()
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "word" and depth == 0 and match.group().upper() == "WHERE":
            after_where = True
    # no WHERE keyword: SELECT * { ... } and ASK { ... } open their group directly
    if first_group is None:
        raise CoopgraphError("the query has no WHERE group to bind parameters in", INPUT_ERROR)
    return first_group


def missing_prefixes(text: str) -> str:
    """PREFIX lines for the prefixes of namespaces.PREFIXES the query uses without declaring them."""
    declared = {m.group(1) for m in re.finditer(r"PREFIX\s+([\w.-]*):", text, re.IGNORECASE)}
    used = {m.group()[:-1] for kind, m in _tokens(text) if kind == "word" and m.group().endswith(":")}
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n"
                   for name in PREFIXES if name in used and name not in declared)


def construct_to_insert(text: str) -> str:
    """A `CONSTRUCT { template } WHERE { pattern }` rule as the update `INSERT { template } WHERE { pattern }`."""
    for kind, match in _tokens(text):
        if kind == "word" and match.group().upper() == "CONSTRUCT":
            rest = text[match.end():].lstrip()
            if not rest.startswith("{"):
                break  # the short form CONSTRUCT WHERE { } has no template to insert
            return f"{text[:match.start()]}INSERT{text[match.end():]}"
    raise CoopgraphError("a rule must be written CONSTRUCT { template } WHERE { pattern }", INPUT_ERROR)


def service_endpoints(text: str) -> list[str]:
    """The endpoint of every SERVICE clause of the query, found by parsing it (rdflib's SPARQL parser).

    A clause whose endpoint is a variable gives "?name". Text without the letters "service" (or a \\u escape)
    cannot hold a SERVICE clause and is not parsed. rdflib's parser refuses some valid queries (a '#' in a PREFIX
    IRI before a SERVICE clause, for one); for those, the query's tokens are read instead (strings, IRIs and
    comments apart) and any SERVICE keyword among them counts, so what cannot be parsed is never let through.
    """
    if "service" not in text.lower() and "\\u" not in text.lower():
        return []
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        parsed = parseQuery(text)
    except Exception:  # noqa: BLE001 - pyparsing raises several types, deep nesting RecursionError
        return _service_keywords(_unescape(text))
    prefixes = dict(PREFIXES)
    found: list[str] = []
    stack: list[object] = [parsed]
    while stack:  # a loop, not recursion: a deeply nested query must not overflow the stack
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "PrefixDecl":
                prefixes[str(node.get("prefix") or "")] = str(node["iri"])
            elif node.name == "ServiceGraphPattern":
                found.append(_endpoint(node["term"], prefixes))
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(reversed(list(node)))  # type: ignore[call-overload]
    return found


def _unescape(text: str) -> str:
    """SPARQL's \\uXXXX and \\UXXXXXXXX escapes, which apply to the whole text before it is parsed."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _service_keywords(text: str) -> list[str]:
    """The SERVICE keywords among the query's tokens, each with the token after it (SILENT skipped)."""
    tokens = [(kind, match.group()) for kind, match in _tokens(text) if kind != "comment"]
    found = []
    for index, (kind, token) in enumerate(tokens):
        if kind == "word" and token.upper() == "SERVICE":
            following = [t for _, t in tokens[index + 1:index + 3] if t.upper() != "SILENT"]
            target = following[0] if following else "?"
            found.append(target[1:-1] if target.startswith("<") else target)
    return found


def _endpoint(term: object, prefixes: Mapping[str, str]) -> str:
    from rdflib.term import Variable

    if isinstance(term, Variable):
        return f"?{term}"
    if getattr(term, "name", None) == "pname":  # a prefixed name: prefix and local name, unexpanded
        prefix = str(term.get("prefix") or "")  # type: ignore[attr-defined]
        local = str(term.get("localname") or "")  # type: ignore[attr-defined]
        return prefixes.get(prefix, f"{prefix}:") + local
    return str(term)


def refuse_service(text: str, allowed: tuple[str, ...] = (), source: str = "query") -> None:
    """Refuse a query with a SERVICE clause unless its endpoint is one of `allowed` (a variable never is).

    SERVICE makes the query engine send requests to other servers: a query read from a file or the network
    must not reach the network (or a port on this machine) unless the person running it said so.
    """
    for endpoint in service_endpoints(text):
        if endpoint not in allowed:
            hint = ("an endpoint given by a variable is never allowed; write the IRI" if endpoint.startswith("?")
                    else f"to allow it, pass --allow-service {endpoint}")
            raise CoopgraphError(f"{source}: SERVICE {endpoint} is refused: coopgraph does not send queries "
                                 f"to other servers unless told to; {hint}", INPUT_ERROR)
