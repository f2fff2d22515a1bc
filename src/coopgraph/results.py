"""Query results as one table type, whatever the backend, with its output formats."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from coopgraph.namespaces import XSD, shorten

if TYPE_CHECKING:
    import pandas as pd

_INTEGER_TYPES = {f"{XSD}{name}" for name in ("integer", "int", "long", "short", "nonNegativeInteger",
                                               "positiveInteger", "negativeInteger", "nonPositiveInteger")}
_DECIMAL_TYPES = {f"{XSD}{name}" for name in ("decimal", "double", "float")}

FORMATS = ("table", "csv", "json")

# OWASP's rule for CSV injection: a cell starting with one of these is run as a formula by spreadsheets
# (=HYPERLINK(...) leaks data, =cmd|... runs programs), so it is written with a leading apostrophe, which makes
# the spreadsheet show it as text. Plain numbers ("-3", "+1.5e3") are left alone: they are numbers there too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """The cell as CSV should carry it: a leading apostrophe when a spreadsheet would run it as a formula."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def spreadsheet_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells are spreadsheet_safe, for DataFrame.to_csv (numbers untouched)."""
    from pandas.api.types import is_numeric_dtype

    safe = frame.copy()
    for column in safe.columns:
        if not is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: spreadsheet_safe(v) if isinstance(v, str) else v)
    safe.columns = [spreadsheet_safe(str(c)) for c in safe.columns]
    return safe


class Value(NamedTuple):
    """One cell: an IRI, a literal (with datatype or language) or a blank node."""

    value: str
    kind: str  # "iri" | "literal" | "bnode"
    datatype: str | None = None
    lang: str | None = None

    def python(self) -> Any:
        """The cell as a Python value: numbers as int or float, everything else as its string."""
        if self.kind == "literal" and self.datatype in _INTEGER_TYPES:
            try:
                return int(self.value)
            except ValueError:
                return self.value
        if self.kind == "literal" and self.datatype in _DECIMAL_TYPES:
            try:
                return float(self.value)
            except ValueError:
                return self.value
        return self.value


# The table format is for reading in a terminal: past this many rows it shows the first ones and says so (rich lays
# out 10k rows in 5 s, 1,000 in about 0.5 s); csv and json always give every row.
TABLE_ROWS = 1000


@dataclass
class ResultTable:
    """Columns and rows of a SELECT result (a CONSTRUCT gives subject, predicate, object)."""

    columns: list[str]
    rows: list[tuple[Value | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        return [{c: (v.python() if v else None) for c, v in zip(self.columns, row, strict=True)} for row in self.rows]

    def plain_rows(self) -> list[tuple[str, ...]]:
        """Rows as strings (empty for unbound), the form CSV writes and comparisons use."""
        return [tuple(v.value if v else "" for v in row) for row in self.rows]

    def to_csv(self) -> str:
        buffer = io.StringIO()
        self.write("csv", buffer)
        return buffer.getvalue()

    def write(self, fmt: str, stream: TextIO) -> None:
        """The table in `fmt` on `stream`. CSV goes row by row: a big answer is not also held whole as text (at
        1.6M triples, 60k rows of network-participations: 11 MB of CSV, 22 MB more peak memory as one string)."""
        if fmt != "csv":
            stream.write(self.render(fmt))
            return
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([spreadsheet_safe(value.value if value else "") for value in row])

    def to_json(self) -> str:
        return json.dumps(self.records(), ensure_ascii=False, indent=2)

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame.from_records(self.records(), columns=self.columns)

    def display_rows(self, limit: int | None = None) -> list[tuple[str, ...]]:
        """Rows for people (the first `limit`, if given): IRIs shortened to CURIEs."""
        return [
            tuple("" if v is None else shorten(v.value) if v.kind == "iri" else v.value for v in row)
            for row in self.rows[:limit]
        ]

    def render(self, fmt: str) -> str:
        if fmt == "csv":
            return self.to_csv()
        if fmt == "json":
            return self.to_json()
        if fmt == "table":
            return self.to_text_table()
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")

    def to_text_table(self) -> str:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(*self.columns, show_lines=False)
        for row in self.display_rows(TABLE_ROWS):
            table.add_row(*(Text(cell) for cell in row))  # Text: data never parsed as rich markup
        console = Console(record=True, width=200, file=io.StringIO())
        console.print(table)
        shown = "" if len(self.rows) <= TABLE_ROWS else f"; the first {TABLE_ROWS} shown (--format csv or json: all)"
        console.print(f"{len(self.rows)} row(s){shown}")
        return console.export_text()

