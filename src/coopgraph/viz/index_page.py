"""The build report, out/index.html: the page a person opens first. Static HTML, no script, every value escaped.

Findings first (a sentence, a plot, the query and the sources for each), for the whole graph and each country
pair; then the network pages and the detail tables; then the query catalogue (a table of contents, each query
collapsible with its question, parameters, row count, first rows and CSV); then sources and validation.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from coopgraph.catalogue import Query
from coopgraph.results import ResultTable
from coopgraph.viz.escape import safe_url, text

MAX_ROWS = 200  # per detail table on the page; the CSV beside it has every row
QUERY_ROWS = 10  # first rows of a catalogue query shown; the CSV has them all
MAX_COLUMNS = 6  # columns shown of a query's rows; the CSV has them all

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 76rem;
  padding: 1rem 1.5rem 3rem; color: #1f2933; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #e4e7eb; }
h3 { font-size: 1.08rem; margin: 1.2rem 0 0.3rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.85rem; width: 100%; table-layout: auto; }
th, td { border: 1px solid #e4e7eb; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
th { background: #f5f7fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre { background: #f5f7fa; padding: 0.6rem; overflow-x: auto; font-size: 0.8rem; max-height: 24rem;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.ok { color: #116149; } .bad { color: #a61b1b; } .note { color: #52606d; font-size: 0.9rem; }
img { max-width: 100%; height: auto; border: 1px solid #e4e7eb; display: block; }
nav.toc { background: #f5f7fa; border: 1px solid #e4e7eb; padding: 0.5rem 1rem; margin: 1rem 0; }
nav.toc ol { margin: 0.2rem 0; padding-left: 1.3rem; } nav.toc li { margin: 0.05rem 0; }
nav.toc > ol { columns: 3 15rem; } nav.toc > ol > li { break-inside: avoid; }
.card .meta details { border: 0; padding: 0; margin: 0.2rem 0 0; } .card .meta summary { font-weight: 400; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1rem; }
.card { border: 1px solid #e4e7eb; border-radius: 6px; padding: 0.6rem 0.9rem; min-width: 0; }
.card h4 { margin: 0 0 0.3rem; font-size: 1rem; }
.card p.finding { font-size: 1rem; margin: 0.2rem 0 0.5rem; }
.card .meta { font-size: 0.82rem; color: #52606d; margin-top: 0.4rem; }
.card .meta ul { margin: 0.1rem 0; padding-left: 1.1rem; }
details { border: 1px solid #e4e7eb; border-radius: 4px; padding: 0.3rem 0.7rem; margin: 0.4rem 0; }
details > summary { cursor: pointer; font-weight: 600; }
details[open] > summary { margin-bottom: 0.3rem; }
ul.pages li { margin: 0.2rem 0; }
.figures { display: flex; flex-wrap: wrap; gap: 0.6rem 1.6rem; margin: 0.3rem 0 0.8rem; }
.figures div { min-width: 7rem; } .figures strong { display: block; font-size: 1.5rem; }
.columns { columns: 2 22rem; } code { overflow-wrap: anywhere; }
"""


@dataclass
class PageLink:
    title: str
    href: str
    nodes: int
    edges: int
    aggregated: bool = False


@dataclass
class FindingView:
    """One finding as the page shows it: a sentence, its plot, the queries behind it, its sources."""

    key: str
    title: str
    sentence: str
    queries: list[str]
    sources: list[dict[str, str]] = field(default_factory=list)
    more_sources: int = 0
    plot: str | None = None


@dataclass
class ScopeView:
    slug: str
    title: str
    findings: list[FindingView] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


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
    notes: list[str] = field(default_factory=list)
    scopes: list[ScopeView] = field(default_factory=list)
    comparison_plot: str | None = None
    title: str = "coopgraph build report"


# The detail tables show these columns (the CSV beside each has all of them).
METRIC_COLUMNS = ["label", "country", "degree", "betweenness", "pagerank", "articulation_point",
                  "cross_border_share"]
WHATIF_COLUMNS = ["label", "components_before", "components_after", "largest_component_after",
                  "cross_border_ties_lost", "agencies_isolated"]
FIGURES = (("agencies", "agencies"), ("ties", "ties"), ("cross_border_ties", "cross-border ties"),
           ("components", "separate parts"), ("single_points_of_failure", "single points of failure"))


def render(report: Report) -> str:
    status = ('<strong class="ok">valid</strong>' if report.conforms
              else '<strong class="bad">violations found</strong>')
    sections = [
        f"<p>{report.triples} triples. Validation: {status} (<a href=\"#validation\">details</a>, "
        "<a href=\"validation.txt\">text</a>). The merged graph: <a href=\"graph.ttl\">Turtle</a>, "
        "<a href=\"graph.nt\">N-Triples</a>.</p>",
        "".join(f'<p class="note">{text(note)}</p>' for note in report.notes),
        _toc(report),
        _findings(report),
        _network(report),
        '<h2 id="queries">Query catalogue</h2>',
        _queries(report),
        '<h2 id="sources">Sources</h2>',
        _sources(report.sources),
        '<h2 id="validation">Validation</h2>',
        f"<details><summary>The validation report</summary><pre>{text(report.validation_text)}</pre></details>",
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


def _toc(report: Report) -> str:
    scopes = "".join(f'<li><a href="#{text(s.slug)}">{text(s.title)}</a></li>' for s in report.scopes)
    findings = (f'<li><a href="#findings">Findings</a><ol>{scopes}'
                + ('<li><a href="#pairs">The pairs side by side</a></li>' if len(report.scopes) > 1 else "")
                + "</ol></li>") if report.scopes else ""
    detail = "".join(f'<li><a href="#{a}">{text(t)}</a></li>' for a, t in (
        ("pages", "Interactive network pages"), ("metrics", "Agency metrics"),
        ("whatif", "What if an agency dropped out"), ("timeline", "Timeline"), ("summary", "Network summary"),
        ("counts", "Instances per class"), ("files", "Files")))
    return (f'<nav class="toc" aria-label="contents"><strong>Contents</strong><ol>{findings}'
            f'<li><a href="#network">The network in detail</a><ol>{detail}</ol></li>'
            f'<li><a href="#queries">Query catalogue</a> ({len(report.queries)} queries)</li>'
            '<li><a href="#sources">Sources</a></li><li><a href="#validation">Validation</a></li></ol></nav>')


# --- findings -------------------------------------------------------------------------------------------


def _findings(report: Report) -> str:
    if not report.scopes:
        return ""
    parts = ['<h2 id="findings">Findings</h2>',
             '<p class="note">Each finding is computed from the network projections of the data; the link under '
             "it opens the catalogue query whose rows it was computed from, and the sources are those of the "
             "agencies, vehicles and threats it names.</p>"]
    for scope in report.scopes:
        heading = "The whole graph" if scope.slug == "all" else f"Pair: {scope.title}"
        parts.append(f'<h3 id="{text(scope.slug)}">{text(heading)}</h3>')
        parts.append(_figures(scope.figures))
        parts.append('<div class="cards">' + "".join(_card(scope.slug, f) for f in scope.findings) + "</div>")
    if len(report.scopes) > 1:
        parts.append('<h3 id="pairs">The pairs side by side</h3>')
        parts.append(_comparison(report))
    return "".join(parts)


def _figures(figures: dict[str, Any]) -> str:
    cells = "".join(f"<div><strong>{text(figures[key])}</strong>{text(label)}</div>"
                    for key, label in FIGURES if key in figures)
    return f'<div class="figures">{cells}</div>' if cells else ""


def _card(scope: str, finding: FindingView) -> str:
    plot = (f'<img src="{text(finding.plot)}" alt="{text(finding.title)}: {text(finding.sentence)}">'
            if finding.plot else "")
    queries = ", ".join(f'<a href="#q-{text(q)}">{text(q)}</a> (<a href="queries/{text(q)}.csv">CSV</a>)'
                        for q in finding.queries)
    sources = "".join(f"<li>{_source_link(s.get('title'), s.get('url'))}</li>" for s in finding.sources)
    more = (f'<li><a href="#sources">{finding.more_sources} more</a></li>' if finding.more_sources else "")
    count = len(finding.sources) + finding.more_sources
    listed = (f"<details><summary>Sources ({count})</summary><ul>{sources}{more}</ul></details>" if count
              else "Sources: none recorded for what it names.")
    return (f'<section class="card" id="{text(scope)}-{text(finding.key)}">'
            f"<h4>{text(finding.title)}</h4><p class=\"finding\">{text(finding.sentence)}</p>{plot}"
            f'<div class="meta">Query: {queries}{listed}</div></section>')


def _comparison(report: Report) -> str:
    keys = [key for key, _ in FIGURES]
    head = "<tr><th>scope</th>" + "".join(f"<th>{text(label)}</th>" for _, label in FIGURES) + "</tr>"
    body = "".join(f'<tr><td><a href="#{text(s.slug)}">{text(s.title)}</a></td>'
                   + "".join(_cell(s.figures.get(k, "")) for k in keys) + "</tr>" for s in report.scopes)
    plot = (f'<img src="{text(report.comparison_plot)}" alt="the pairs side by side">'
            if report.comparison_plot else "")
    left_out = report.scopes[0].figures.get("pairs_not_shown", 0) if report.scopes else 0
    note = (f'<p class="note">{text(left_out)} more country pairs in the data, with fewer cross-border ties, '
            "are not shown.</p>" if left_out else "")
    return f"<table>{head}{body}</table>{note}{plot}"


def _source_link(title: object, url: object) -> str:
    href = safe_url(url)
    shown = text(title or url or "source")
    return f'<a href="{text(href)}" rel="noopener noreferrer">{shown}</a>' if href else shown


# --- the network in detail ------------------------------------------------------------------------------


def _network(report: Report) -> str:
    parts = ['<h2 id="network">The network in detail</h2>', '<h3 id="pages">Interactive network pages</h3>']
    if report.pages:
        items = "".join(
            f'<li><a href="{text(p.href)}">{text(p.title)}</a>: {p.nodes} nodes, {p.edges} links'
            f'{", aggregated view with drill-down" if p.aggregated else ""}</li>'
            for p in report.pages
        )
        parts.append('<p class="note">Open offline. A year slider shows the network as it stood in a year; '
                     '"What if" takes an agency or mechanism out (click it) and counts what falls apart.</p>'
                     f'<ul class="pages">{items}</ul>')
    else:
        parts.append('<p class="note">No network pages.</p>')
    for caption, href in report.plots:
        parts.append(f'<h3>{text(caption)}</h3><img src="{text(href)}" alt="{text(caption)}">')
    for anchor, caption, frame, csv, columns in (
            ("metrics", "Agency metrics", report.metrics, "metrics.csv", METRIC_COLUMNS),
            ("whatif", "What if an agency dropped out", report.whatif, "whatif.csv", WHATIF_COLUMNS),
            ("timeline", "Timeline", report.timeline, "timeline.csv", None)):
        href = report.network_files.get(csv)
        link = f' (<a href="{text(href)}">CSV, every column</a>)' if href else ""
        parts.append(f'<h3 id="{anchor}">{text(caption)}{link}</h3>')
        if frame is None or frame.empty:
            parts.append('<p class="note">Nothing to show.</p>')
            continue
        shown = frame[[c for c in columns if c in frame]] if columns else frame
        table = _frame_table(shown)
        parts.append(table if len(frame) <= 30 else
                     f"<details><summary>{len(frame)} rows</summary>{table}</details>")
    parts.append('<h3 id="summary">Network summary</h3>')
    parts.append(_summary(report.summary))
    parts.append(f'<h3 id="counts">Instances per class</h3><details><summary>{len(report.counts)} classes'
                 f"</summary>{_result_table(report.counts)}</details>")
    others = [(name, href) for name, href in report.network_files.items()]
    parts.append('<h3 id="files">Files</h3><ul class="columns">'
                 + "".join(f'<li><a href="{text(h)}">{text(n)}</a></li>' for n, h in others) + "</ul>")
    return "".join(parts)


def _summary(summary: dict[str, Any] | None) -> str:
    if not summary:
        return '<p class="note">No summary.</p>'
    # Scalars in one narrow table; nested records (the bridges) as tables of their own.
    nested = {k: v for k, v in summary.items() if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)}
    rows = "".join(f"<tr><th>{text(k.replace('_', ' '))}</th>{_cell(v)}</tr>" for k, v in summary.items()
                   if k not in nested)
    parts = [f"<table>{rows}</table>"]
    for key, records in nested.items():
        frame = pd.DataFrame(records)
        frame = frame[[c for c in frame.columns if c not in ("source", "target", "iri")]]
        parts.append(f"<details><summary>{text(key.replace('_', ' ').capitalize())} ({len(records)})</summary>"
                     f"{_frame_table(frame)}</details>")
    return "".join(parts)


# --- the catalogue --------------------------------------------------------------------------------------


def _queries(report: Report) -> str:
    if not report.queries:
        return '<p class="note">No queries in the catalogue.</p>'
    toc = "".join(
        f'<li><a href="#q-{text(name)}">{text(query.title or name)}</a> '
        f'<span class="note">({len(report.results[name]) if name in report.results else 0} rows)</span></li>'
        for name, query in report.queries.items())
    parts = [f'<p class="note">{len(report.queries)} queries, each run with the parameter values shown. Open one '
             'to see its question, its first rows and a link to every row as CSV.</p>',
             f'<ol class="columns">{toc}</ol>']
    for name, query in report.queries.items():
        table = report.results.get(name)
        rows = len(table) if table is not None else 0
        params = "".join(f"<li><code>{text(p.name)}</code> = <code>{text(p.default)}</code> (the default"
                         f"{'; ' + text(p.description) if p.description else ''})</li>" for p in query.parameters)
        body = [f'<p>{text(query.question)}</p>',
                f'<p class="note"><code>{text(name)}</code>: {rows} row(s), '
                f'<a href="queries/{text(name)}.csv">every row as CSV</a>. Parameters: '
                + (f"</p><ul>{params}</ul>" if params else "none.</p>")]
        if table is not None and rows:
            body.append(_result_table(table, limit=QUERY_ROWS, max_columns=MAX_COLUMNS))
        body.append(f"<details><summary>SPARQL</summary><pre>{text(query.text)}</pre></details>")
        parts.append(f'<details id="q-{text(name)}"><summary>{text(query.title or name)} '
                     f'<span class="note">({rows} rows)</span></summary>{"".join(body)}</details>')
    return "".join(parts)


def _sources(table: ResultTable | None) -> str:
    if table is None or not len(table):
        return '<p class="note">No sources.</p>'
    columns = [c for c in table.columns if c != "source"]
    head = "".join(f"<th>{text(c)}</th>" for c in columns)
    body = []
    for row in table.rows[:MAX_ROWS * 5]:
        cells = []
        values = dict(zip(table.columns, row, strict=True))
        for column in columns:
            value = values[column]
            shown = "" if value is None else value.value
            url = safe_url(shown) if column == "url" else None
            cells.append(f'<td><a href="{text(url)}" rel="noopener noreferrer">{cell_text(shown)}</a></td>' if url
                         else f"<td>{cell_text(shown)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<details open><summary>{len(table)} sources</summary>"
            f"<table><tr>{head}</tr>{''.join(body)}</table></details>")


_BREAK_AFTER = re.compile(r"(?<=[:/_\-.?&=#,;+%])")


def cell_text(value: object) -> str:
    """A value as HTML text for a table cell, with break opportunities after : / _ - . ? & = # , ; so that
    CURIEs, IRIs and snake_case names wrap at a sensible place instead of widening the table."""
    raw = "" if value is None else str(value)
    if len(raw) <= 12:
        return text(raw)
    return "<wbr>".join(text(part) for part in _BREAK_AFTER.split(raw))


def _result_table(table: ResultTable, limit: int = MAX_ROWS, max_columns: int | None = None) -> str:
    columns = table.columns[:max_columns] if max_columns else table.columns
    head = "".join(f"<th>{cell_text(c)}</th>" for c in columns)
    rows = table.display_rows()
    body = "".join("<tr>" + "".join(f"<td>{cell_text(cell)}</td>" for cell in row[:len(columns)]) + "</tr>"
                   for row in rows[:limit])
    notes = []
    if len(rows) > limit:
        notes.append(f"{len(rows) - limit} more row(s)")
    if len(columns) < len(table.columns):
        notes.append(f"{len(table.columns) - len(columns)} more column(s) ({', '.join(table.columns[len(columns):])})")
    more = f'<p class="note">{text("; ".join(notes))} in the CSV.</p>' if notes else ""
    return f"<table><tr>{head}</tr>{body}</table>{more}"


def _frame_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{text(str(c).replace('_', ' '))}</th>" for c in frame.columns)
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
        return "<td></td>" if math.isnan(number) else f'<td class="num">{number:.3g}</td>'
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return f"<td>{_frame_table(pd.DataFrame(value))}</td>"
    if isinstance(value, (list, tuple)):
        return f"<td>{cell_text('; '.join(str(item) for item in value))}</td>"
    if isinstance(value, dict):
        return f"<td>{cell_text('; '.join(f'{k}: {v}' for k, v in value.items()))}</td>"
    return f"<td>{cell_text(value)}</td>"
