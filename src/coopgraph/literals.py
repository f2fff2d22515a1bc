"""Typed literals from plain text: dates and numbers as the data and the query parameters write them."""

from __future__ import annotations

import datetime as dt
import re

import pyoxigraph as ox

from coopgraph.namespaces import PREFIXES

XSD = PREFIXES["xsd"]


def date_literal(value: str) -> ox.Literal | None:
    """xsd:date, xsd:gYearMonth or xsd:gYear for a real calendar date, else None."""
    for pattern, datatype, fmt in ((r"\d{4}-\d{2}-\d{2}", "date", "%Y-%m-%d"),
                                   (r"\d{4}-\d{2}", "gYearMonth", "%Y-%m"),
                                   (r"\d{4}", "gYear", "%Y")):
        if re.fullmatch(pattern, value):
            try:
                dt.datetime.strptime(value, fmt)
            except ValueError:
                return None
            return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
    return None


def number_literal(value: str) -> ox.Literal | None:
    """xsd:integer for whole numbers, xsd:decimal for the rest, else None."""
    if re.fullmatch(r"[+-]?\d+", value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "decimal"))
    return None
