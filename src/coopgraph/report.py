"""The main job: load, derive, validate, run the catalogue, and write everything to one output folder."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from coopgraph import catalogue
from coopgraph.load import LoadedGraph
from coopgraph.output import staged_folder
from coopgraph.results import ResultTable
from coopgraph.stats import class_counts
from coopgraph.store import select


@dataclass
class BuildResult:
    out: Path
    triples: int
    conforms: bool
    validation_text: str
    query_results: dict[str, ResultTable] = field(default_factory=dict)


def build(graph: LoadedGraph, out: Path, progress: object | None = None) -> BuildResult:
    """Write the merged graph, the validation report, every catalogue query's CSV and index.html to `out`."""
    from coopgraph.validate import validate

    step = _stepper(progress)
    with staged_folder(out) as staging:
        step("writing the merged graph")
        graph.store.dump(path=str(staging / "graph.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                         prefixes=_prefixes())
        graph.store.dump(path=str(staging / "graph.nt"), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

        step("validating")
        report = validate(graph)
        validation_text = report.to_text()
        (staging / "validation.txt").write_text(validation_text, encoding="utf-8")

        step("running the query catalogue")
        results: dict[str, ResultTable] = {}
        (staging / "queries").mkdir()
        queries = catalogue.catalogue()
        for name, query in queries.items():
            table = select(graph.store, query.text, query.bindings(), source=str(query.path))
            (staging / "queries" / f"{name}.csv").write_text(table.to_csv(), encoding="utf-8")
            results[name] = table

        step("writing index.html")
        counts = class_counts(graph.store)
        (staging / "index.html").write_text(
            _index_page(len(graph), report.conforms, validation_text, counts, queries, results), encoding="utf-8"
        )
    return BuildResult(out, len(graph), report.conforms, validation_text, results)


def _prefixes() -> dict[str, str]:
    from coopgraph.namespaces import PREFIXES

    return dict(PREFIXES)


def _stepper(progress: object | None):  # noqa: ANN202 - a tiny adapter
    def step(label: str) -> None:
        if callable(progress):
            progress(label)

    return step


def _index_page(triples: int, conforms: bool, validation_text: str, counts: ResultTable,
                queries: dict[str, catalogue.Query], results: dict[str, ResultTable]) -> str:
    e = html.escape
    count_rows = "".join(f"<tr><td>{e(r[1] or r[0])}</td><td>{e(r[2])}</td></tr>" for r in counts.display_rows())
    query_rows = "".join(
        f'<tr><td><a href="queries/{e(name)}.csv">{e(name)}</a></td><td>{e(q.title)}</td>'
        f"<td>{len(results[name])}</td></tr>"
        for name, q in queries.items()
    )
    status = "valid" if conforms else "violations found"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>coopgraph build report</title></head>
<body>
<h1>coopgraph build report</h1>
<p>{triples} triples. Validation: <strong>{e(status)}</strong> (<a href="validation.txt">report</a>).</p>
<p>The merged graph: <a href="graph.ttl">Turtle</a>, <a href="graph.nt">N-Triples</a>.</p>
<h2>Instances per class</h2><table><tr><th>class</th><th>instances</th></tr>{count_rows}</table>
<h2>Query catalogue</h2><table><tr><th>query</th><th>title</th><th>rows</th></tr>{query_rows}</table>
<h2>Validation</h2><pre>{e(validation_text)}</pre>
</body></html>
"""
