"""The build report, out/index.html: the page a person opens first. Static HTML, no script, every value escaped."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from coopgraph.catalogue import Query
from coopgraph.results import ResultTable
from coopgraph.viz.escape import safe_url, text

MAX_ROWS = 200  # per table on the page; the CSV beside it has every row

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 72rem;
  padding: 1rem 1.5rem 3rem; color: #1f2933; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #e4e7eb; }
h3 { font-size: 1.05rem; margin-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.88rem; display: block; overflow-x: auto; }
th, td { border: 1px solid #e4e7eb; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f5f7fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f5f7fa; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; max-height: 24rem; }
.ok { color: #116149; } .bad { color: #a61b1b; } .note { color: #52606d; }
img { max-width: 100%; height: auto; border: 1px solid #e4e7eb; }
nav a { margin-right: 1rem; }
"""


@dataclass
class PageLink:
    title: str
    href: str
    nodes: int
    edges: int
    aggregated: bool = False


@dataclass
class Report:
    """Everything the build report shows; render() turns it into HTML."""

    triples: int
    conforms: bool
    validation_text: str
    counts: ResultTable
    queries: dict[str, Query] = field(default_factory=dict)
    results: dict[str, ResultTable] = field(default_factory=dict)
    sources: ResultTable | None = None
    pages: list[PageLink] = field(default_factory=list)
    network_files: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    metrics: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None
    whatif: pd.DataFrame | None = None
    plots: list[tuple[str, str]] = field(default_factory=list)
    pairs: pd.DataFrame | None = None  # coopgraph.network.pairs.compare_pairs, one row per country pair
    notes: list[str] = field(default_factory=list)
    title: str = "coopgraph build report"


def render(report: Report) -> str:
    status = ('<strong class="ok">valid</strong>' if report.conforms
              else '<strong class="bad">violations found</strong>')
    sections = [
        f"<p>{report.triples} triples. Validation: {status} (<a href=\"validation.txt\">report</a>). "
        "The merged graph: <a href=\"graph.ttl\">Turtle</a>, <a href=\"graph.nt\">N-Triples</a>.</p>",
        "".join(f'<p class="note">{text(note)}</p>' for note in report.notes),
        _nav(report),
        '<h2 id="counts">Instances per class</h2>',
        _result_table(report.counts, columns=None),
        _network(report),
        '<h2 id="queries">Query catalogue</h2>',
        _queries(report),
        '<h2 id="sources">Sources</h2>',
        _sources(report.sources),
        f'<h2 id="validation">Validation</h2><pre>{text(report.validation_text)}</pre>',
    ]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self'">
<meta name="referrer" content="no-referrer">
<title>{text(report.title)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{text(report.title)}</h1>
{"".join(sections)}
</body>
</html>
"""


def _nav(report: Report) -> str:
    links = [("counts", "counts"), ("network", "network"), ("queries", "queries"), ("sources", "sources"),
             ("validation", "validation")]
    return "<nav>" + "".join(f'<a href="#{a}">{text(label)}</a>' for a, label in links) + "</nav>"


def _network(report: Report) -> str:
    parts = ['<h2 id="network">The cooperation network</h2>']
    if report.pages:
        items = "".join(
            f'<li><a href="{text(p.href)}">{text(p.title)}</a> ({p.nodes} nodes, {p.edges} edges'
            f'{", aggregated view with drill-down" if p.aggregated else ""})</li>'
            for p in report.pages
        )
        parts.append(f"<h3>Interactive pages (open offline)</h3><ul>{items}</ul>")
    if report.summary:
        # Scalars in one narrow table; nested records (the bridges) as tables of their own, so wide
        # nested tables do not push the figures out of view.
        nested = {k: v for k, v in report.summary.items()
                  if isinstance(v, list) and v and all(isinstance(item, dict) for item in v)}
        rows = "".join(f"<tr><th>{text(k)}</th>{_cell(v)}</tr>" for k, v in report.summary.items()
                       if k not in nested)
        parts.append(f"<h3>Summary</h3><table>{rows}</table>")
        for key, records in nested.items():
            parts.append(f"<h3>{text(key.replace('_', ' ').capitalize())}</h3>{_frame_table(pd.DataFrame(records))}")
    for caption, href in report.plots:
        parts.append(f'<h3>{text(caption)}</h3><img src="{text(href)}" alt="{text(caption)}">')
    for caption, frame, csv in (("Pair comparison", report.pairs, "pairs.csv"),
                                ("Agency metrics", report.metrics, "metrics.csv"),
                                ("Timeline", report.timeline, "timeline.csv"),
                                ("What if an agency dropped out", report.whatif, "whatif.csv")):
        if frame is not None:
            href = report.network_files.get(csv)
            link = f' (<a href="{text(href)}">CSV</a>)' if href else ""
            parts.append(f"<h3>{text(caption)}{link}</h3>{_frame_table(frame)}")
    others = [(name, href) for name, href in report.network_files.items()
              if name not in ("metrics.csv", "timeline.csv", "whatif.csv")]
    if others:
        parts.append("<h3>Files</h3><ul>" + "".join(f'<li><a href="{text(h)}">{text(n)}</a></li>'
                                                     for n, h in others) + "</ul>")
    return "".join(parts)


def _queries(report: Report) -> str:
    parts = []
    for name, query in report.queries.items():
        table = report.results.get(name)
        rows = len(table) if table is not None else 0
        parts.append(
            f'<h3 id="q-{text(name)}">{text(query.title or name)}</h3>'
            f'<p class="note">{text(query.question)} <code>{text(name)}</code>, {rows} row(s), '
            f'<a href="queries/{text(name)}.csv">CSV</a>.</p>'
        )
        if table is not None:
            parts.append(_result_table(table, columns=None))
    return "".join(parts) or '<p class="note">No queries in the catalogue.</p>'


def _sources(table: ResultTable | None) -> str:
    if table is None or not len(table):
        return '<p class="note">No sources.</p>'
    columns = table.columns
    head = "".join(f"<th>{text(c)}</th>" for c in columns)
    body = []
    for row in table.rows[:MAX_ROWS * 5]:
        cells = []
        for column, value in zip(columns, row, strict=True):
            shown = "" if value is None else value.value
            url = safe_url(shown) if column == "url" else None
            cells.append(f'<td><a href="{text(url)}" rel="noopener noreferrer">{text(shown)}</a></td>' if url
                         else f"<td>{text(shown)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _result_table(table: ResultTable, columns: list[str] | None) -> str:
    head = "".join(f"<th>{text(c)}</th>" for c in (columns or table.columns))
    rows = table.display_rows()
    body = "".join("<tr>" + "".join(f"<td>{text(cell)}</td>" for cell in row) + "</tr>" for row in rows[:MAX_ROWS])
    more = (f'<p class="note">{len(rows) - MAX_ROWS} more row(s) in the CSV.</p>' if len(rows) > MAX_ROWS else "")
    return f"<table><tr>{head}</tr>{body}</table>{more}"


def _frame_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{text(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                   for row in frame.head(MAX_ROWS).itertuples(index=False, name=None))
    more = (f'<p class="note">{len(frame) - MAX_ROWS} more row(s) in the CSV.</p>' if len(frame) > MAX_ROWS else "")
    return f"<table><tr>{head}</tr>{body}</table>{more}"


def _cell(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, numbers.Integral):
        return f'<td class="num">{int(value)}</td>'
    if isinstance(value, numbers.Real):
        number = float(value)
        return "<td></td>" if math.isnan(number) else f'<td class="num">{number:.4g}</td>'
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return f"<td>{_frame_table(pd.DataFrame(value))}</td>"
    if isinstance(value, (list, tuple)):
        return f"<td>{text('; '.join(str(item) for item in value))}</td>"
    if isinstance(value, dict):
        return f"<td>{text('; '.join(f'{k}: {v}' for k, v in value.items()))}</td>"
    return f"<td>{text('' if value is None else value)}</td>"
