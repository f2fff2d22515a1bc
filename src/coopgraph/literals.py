"""Ill-typed literals: values whose text is not in their datatype's lexical space ("2024-02-30"^^xsd:date).

They are valid RDF, so the parsers accept them silently; the validator reports them (exit 1) with file and line.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from coopgraph.load import LoadedGraph, parser_args
from coopgraph.namespaces import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
_TZ = r"(Z|[+-]\d{2}:\d{2})?"
_YEAR = r"-?(\d{4}|[1-9]\d{4,})"
_INTEGER = r"[+-]?\d+"
_FLOAT = r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN"
_PATTERNS: dict[str, str] = {
    "date": rf"{_YEAR}-(\d{{2}})-(\d{{2}}){_TZ}",
    "dateTime": rf"{_YEAR}-(\d{{2}})-(\d{{2}})T(\d{{2}}):(\d{{2}}):(\d{{2}})(\.\d+)?{_TZ}",
    "gYear": rf"{_YEAR}{_TZ}",
    "gYearMonth": rf"{_YEAR}-(\d{{2}}){_TZ}",
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    "double": _FLOAT,
    "float": _FLOAT,
    "boolean": r"true|false|1|0",
}
# Integer types and the range each allows (None: unbounded on that side).
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
_FORMS = {
    "date": "YYYY-MM-DD (2024-12-17)",
    "dateTime": "YYYY-MM-DDThh:mm:ss (2024-12-17T09:30:00Z)",
    "gYear": "YYYY (2024)",
    "gYearMonth": "YYYY-MM (2024-12)",
    "decimal": "digits with an optional point (1300.5)",
    "double": "a number such as 1.5e3, INF or NaN",
    "float": "a number such as 1.5e3, INF or NaN",
    "boolean": "true or false",
    "anyURI": "a URL with spaces written as %20",
    **{name: "digits within the type's range" for name in _INTEGER_RANGES},
}
CHECKED = sorted(set(_PATTERNS) | set(_INTEGER_RANGES) | {"anyURI"})


@dataclass(frozen=True)
class LiteralProblem:
    path: Path | None
    line: int | None
    subject: str
    predicate: str
    lexical: str
    datatype: str
    problem: str

    def message(self) -> str:
        where = f"{self.path}:{self.line}" if self.path and self.line else str(self.path or "(unknown file)")
        form = _FORMS.get(self.datatype, f"the xsd:{self.datatype} form")
        return (f"{where}: {self.subject} {self.predicate} \"{_short(self.lexical)}\" is not a valid "
                f"xsd:{self.datatype} ({self.problem}); write it as {form}")


def problem(lexical: str, datatype_local: str) -> str | None:
    """Why `lexical` is not in the lexical space of xsd:`datatype_local`, or None when it is (or is not checked)."""
    value = lexical.strip(" \t\n\r")  # the whiteSpace=collapse facet of these types
    if datatype_local == "anyURI":
        return "it holds a space or a control character" if re.search(r"[\s\x00-\x1f]", lexical) else None
    if datatype_local in _INTEGER_RANGES:
        if not re.fullmatch(_INTEGER, value):
            return "not an integer"
        low, high = _INTEGER_RANGES[datatype_local]
        number = int(value)
        if (low is not None and number < low) or (high is not None and number > high):
            return f"out of range for xsd:{datatype_local}"
        return None
    pattern = _PATTERNS.get(datatype_local)
    if pattern is None:
        return None
    match = re.fullmatch(pattern, value)
    if not match:
        return "not in the expected form"
    if datatype_local in ("date", "dateTime", "gYearMonth"):
        return _calendar_problem(datatype_local, match)
    return None


def _calendar_problem(kind: str, match: re.Match[str]) -> str | None:
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return f"month {month:02d} does not exist"
    if kind == "gYearMonth":
        return None
    day = int(match.group(3))
    last = calendar.monthrange(year if 1 <= year <= 9999 else 2000, month)[1]
    if not 1 <= day <= last:
        return f"day {day:02d} does not exist in month {month:02d}"
    if kind == "dateTime":
        hour, minute, second = (int(match.group(i)) for i in (4, 5, 6))
        if hour > 24 or minute > 59 or second > 59 or (hour == 24 and (minute or second)):
            return "the time of day does not exist"
    return None


def ill_typed_literals(graph: LoadedGraph) -> list[LiteralProblem]:
    """Every literal of a checked XSD datatype whose text is not valid for it, with the file and line.

    The files are parsed again rather than the store queried: the store rewrites xsd:int, xsd:positiveInteger
    and the like to xsd:integer, and the file is what the person has to fix.
    """
    problems: list[LiteralProblem] = []
    for path in graph.files:
        lines: list[str] | None = None
        for quad in ox.parse(**parser_args(path)):
            literal = quad.object
            if not isinstance(literal, ox.Literal) or not literal.datatype.value.startswith(XSD):
                continue
            local = literal.datatype.value.removeprefix(XSD)
            why = problem(literal.value, local)
            if why is None:
                continue
            if lines is None:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            line = _line_of(graph, path, lines, quad.subject, literal.value)
            problems.append(LiteralProblem(path, line, _name(quad.subject), _name(quad.predicate), literal.value,
                                           local, why))
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.subject))


def _line_of(graph: LoadedGraph, path: Path, lines: list[str], subject: ox.NamedNode | ox.BlankNode,
             lexical: str) -> int | None:
    """The first line holding the quoted value, searched from the subject's line; else the subject's line."""
    located = graph.locate(subject.value) if isinstance(subject, ox.NamedNode) else None
    start = located[1] - 1 if located and located[0] == path else 0
    for number in (*range(start, len(lines)), *range(0, start)):
        if f'"{lexical}"' in lines[number] or f"'{lexical}'" in lines[number]:
            return number + 1
    return located[1] if located and located[0] == path else None


def _name(term: ox.NamedNode | ox.BlankNode) -> str:
    """A CURIE when a known prefix fits (agency:rcmp), else the bracketed IRI."""
    if not isinstance(term, ox.NamedNode):
        return f"_:{term.value}"
    for prefix, namespace in PREFIXES.items():
        local = term.value.removeprefix(namespace)
        if local != term.value and re.fullmatch(r"[\w.-]*", local):
            return f"{prefix}:{local}"
    return f"<{term.value}>"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
