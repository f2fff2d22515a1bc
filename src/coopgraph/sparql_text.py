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


# Where a parser stopped (1-based): pyoxigraph and Oxigraph's server say "error at LINE:COLUMN: what was
# expected"; Jena (Fuseki) says "at line LINE, column COLUMN".
_POSITION = re.compile(r"(?:error )?at (\d+):(\d+):?\s*|\s*at line (\d+), column (\d+)\.?\s*")
_SHOWN = 100  # characters of the offending line shown around the caret
_DETAIL = 240  # characters of the parser's own words kept (its "expected one of" lists run long)
_UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def syntax_error_message(text: str, error: BaseException | str, source: str, sent: str | None = None) -> str:
    """One message for a SPARQL syntax error: where, what the parser expected, the line, a caret under the place.

    `text` is the query as the person wrote it; `sent` the text the parser saw (with added PREFIX lines or the
    VALUES block of bound parameters), when it differs: positions are mapped back to `text`.
    """
    detail = " ".join(str(error).split())
    found = _POSITION.search(detail)
    if found is None:
        return f"{source}: SPARQL syntax error: {_clip(detail)}; fix the query text"
    reason = _clip(detail[:found.start()] + detail[found.end():])
    seen = sent if sent is not None else text
    line, column = (int(n) for n in found.groups() if n is not None)
    offset = _offset(seen, line, column)
    if sent is not None and sent != text:
        offset = _map_offset(sent, text, offset)
    if not text[offset:].strip():
        offset = len(text.rstrip())  # stopped at the end: show the last line that holds something
    offset, reason = _better_place(text, offset, reason)
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end < 0 else line_end
    line_number = text.count("\n", 0, offset) + 1
    column = offset - line_start + 1
    shown, caret = _window(text[line_start:line_end], column - 1)
    advice = "" if reason.endswith("?") else "; fix the query text at the caret"
    return f"{source}:{line_number}:{column}: SPARQL syntax error: {reason}{advice}\n    {shown}\n    {caret}^"


def _clip(text: str) -> str:
    return text if len(text) <= _DETAIL else text[:_DETAIL - 3] + "..."


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (clamped to the text)."""
    start = 0
    for _ in range(line - 1):
        newline = text.find("\n", start)
        if newline < 0:
            return len(text)
        start = newline + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return min(start + max(column - 1, 0), end)


def _map_offset(sent: str, text: str, offset: int) -> int:
    """An offset in `sent` as an offset in `text`, where `sent` is `text` with pieces inserted or comments removed."""
    import difflib

    matcher = difflib.SequenceMatcher(None, sent, text, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        if offset < a:
            return b  # inside something we inserted: the place it was inserted at
        if offset < a + size:
            return b + offset - a
    return len(text)


def _better_place(text: str, offset: int, reason: str) -> tuple[int, str]:
    """Say what is wrong, and point at it, where the parser's words do not: an undeclared prefix, a misspelt form."""
    import difflib

    if "Prefix not found" in reason:
        undeclared = re.search(r"([A-Za-z][\w.-]*)?:[\w.-]*$", text[:offset])
        name = undeclared.group(1) or "" if undeclared else ""
        return (undeclared.start() if undeclared else offset), (
            f"the prefix {name + ':'!r} is not declared; add PREFIX {name}: <IRI> at the top")
    for kind, match in _tokens(text):
        word = match.group()
        if kind in ("comment", "iri") or (kind == "other" and word == ":") or (kind == "word" and (
                word.endswith(":") or word.upper() in ("BASE", "PREFIX"))):
            continue  # the prologue: PREFIX name: <iri>, BASE <iri>
        if kind != "word" or word.upper() in QUERY_FORMS:
            return offset, reason
        if word.upper() in _UPDATE_FORMS:
            return match.start(), (f"{word!r} starts an update, which coopgraph does not run: give a query "
                                   "(SELECT, CONSTRUCT, ASK or DESCRIBE)")
        close = difflib.get_close_matches(word.upper(), (*QUERY_FORMS, "PREFIX", "BASE"), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        return match.start(), f"{word!r} is not SELECT, CONSTRUCT, ASK or DESCRIBE (nor PREFIX or BASE){hint}"
    return offset, reason


def _window(line: str, index: int) -> tuple[str, str]:
    """The line (or the part of a long one around index) and the padding that puts a caret under index."""
    start = max(0, min(index - _SHOWN // 2, len(line) - _SHOWN))
    end = start + _SHOWN
    shown = ("..." if start else "") + line[start:end] + ("..." if end < len(line) else "")
    pad = ("   " if start else "") + "".join("\t" if ch == "\t" else " " for ch in line[start:index])
    return shown, pad


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


def refuse_service(text: str, allowed: tuple[str, ...] = (), source: str = "query") -> list[str]:
    """Refuse a query with a SERVICE clause unless its endpoint is one of `allowed` (a variable never is); return
    the (allowed) endpoints, so a caller need not parse the query again.

    SERVICE makes the query engine send requests to other servers: a query read from a file or the network
    must not reach the network (or a port on this machine) unless the person running it said so.
    """
    endpoints = service_endpoints(text)
    for endpoint in endpoints:
        if endpoint not in allowed:
            hint = ("an endpoint given by a variable is never allowed; write the IRI" if endpoint.startswith("?")
                    else f"to allow it, pass --allow-service {endpoint}")
            raise CoopgraphError(f"{source}: SERVICE {endpoint} is refused: coopgraph does not send queries "
                                 f"to other servers unless told to; {hint}", INPUT_ERROR)
    return endpoints
