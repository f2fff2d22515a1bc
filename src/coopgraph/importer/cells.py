"""One CSV row read cell by cell into RDF terms; every problem is recorded against its column, never raised."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox

from coopgraph.literals import date_literal, number_literal
from coopgraph.namespaces import ID, INSTANCE_KINDS, PREFIXES

XSD = PREFIXES["xsd"]
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or with the row as a whole when column is empty)."""

    line: int
    column: str
    reason: str


@dataclass
class Reference:
    """A cell that names another instance: resolved once every row's id is known."""

    column: str
    text: str
    kinds: tuple[str, ...]


@dataclass
class Row:
    """The cells of one CSV row by column name, with the problems found while reading them."""

    line: int
    cells: dict[str, str]
    problems: list[Problem] = field(default_factory=list)

    def problem(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.line, column, reason))

    def text(self, column: str, required: bool = False) -> str | None:
        value = self.cells.get(column, "").strip()
        if not value:
            if required:
                self.problem(column, "is empty; this column is required")
            return None
        return value

    def texts(self, column: str, required: bool = False) -> list[str]:
        value = self.text(column, required)
        return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()] if value else []

    def slug(self, column: str) -> str | None:
        value = self.text(column, required=True)
        if value is None:
            return None
        if not SLUG.fullmatch(value):
            self.problem(column, f"{value!r} is not a slug; use lower-case ASCII words joined by '-', "
                                 f"such as {suggest_slug(value)!r}")
            return None
        return value

    def date(self, column: str, required: bool = False) -> ox.Literal | None:
        value = self.text(column, required)
        if value is None:
            return None
        literal = date_literal(value)
        if literal is None:
            self.problem(column, f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
        return literal

    def number(self, column: str, required: bool = False) -> ox.Literal | None:
        value = self.text(column, required)
        if value is None:
            return None
        literal = number_literal(value)
        if literal is None:
            self.problem(column, f"{value!r} is not a number; write digits with an optional '.' and no "
                                 "thousands separators or units (put the unit in the unit column)")
        return literal

    def choice(self, column: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
        value = self.text(column, required)
        if value is not None and value not in allowed:
            self.problem(column, f"{value!r} is not one of: {', '.join(allowed)}")
            return None
        return value

    def url(self, column: str) -> ox.Literal | None:
        value = self.text(column)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c in value for c in ' <>"{}|\\^`'):
            self.problem(column, f"{value!r} is not an http(s) URL")
            return None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "anyURI"))

    def refs(self, column: str, kinds: tuple[str, ...], required: bool = False) -> list[Reference]:
        return [Reference(column, item, kinds) for item in self.texts(column, required)]

    def ref(self, column: str, kinds: tuple[str, ...], required: bool = False) -> Reference | None:
        found = self.refs(column, kinds, required)
        if len(found) > 1:
            self.problem(column, f"takes one value, got {len(found)}")
        return found[0] if found else None


def suggest_slug(value: str) -> str:
    words = re.findall(r"[a-z0-9]+", value.lower().encode("ascii", "ignore").decode())
    return "-".join(words) or "my-id"


def candidate_iris(reference: Reference) -> list[str] | str:
    """The IRIs a reference may mean (one per allowed kind), or a reason it cannot be read at all.

    A cell holds a slug (agency-slug), a CURIE (country:ca) or a full IRI; a slug is looked up in each kind
    the column allows.
    """
    text = reference.text
    if text.startswith(("http://", "https://")):
        return [text]
    prefix, colon, local = text.partition(":")
    if colon:
        if prefix not in PREFIXES:
            return f"{text!r} uses the unknown prefix {prefix!r}; known: {', '.join(INSTANCE_KINDS)}"
        if prefix in INSTANCE_KINDS and prefix not in reference.kinds:
            return f"{text!r} is a {prefix}, but this column takes {' or '.join(reference.kinds)}"
        return [PREFIXES[prefix] + local]
    if not SLUG.fullmatch(text):
        return f"{text!r} is neither a slug, a CURIE (agency:rcmp) nor an IRI"
    return [f"{ID}{kind}/{text}" for kind in reference.kinds]
