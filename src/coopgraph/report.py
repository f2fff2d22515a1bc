"""The main job: load, derive, validate, run the catalogue, analyse the network, and write one output folder.

out/ holds graph.ttl, graph.nt, graph-owl.ttl (for OWL 2 reasoners), validation.txt, queries/<name>.csv, network/
(metrics, timeline, what-if, summary, GEXF, GraphML), pages/ (interactive network pages), plots/ (PNG) and
index.html, the page to open first.
Everything is written to a staging folder that replaces out/ only when the whole build succeeded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyoxigraph as ox

from coopgraph import catalogue
from coopgraph.backend import Backend, as_backend
from coopgraph.load import LoadedGraph
from coopgraph.output import staged_folder
from coopgraph.release import write_owl_graph
from coopgraph.results import ResultTable
from coopgraph.stats import class_counts

PROJECTION_TITLES = {
    "collaboration": "Agency collaboration network",
    "bipartite": "Agencies and what they cooperate through",
    "country": "Countries",
    "threat": "Threats and who targets them",
}

@dataclass
class BuildResult:
    out: Path
    triples: int
    conforms: bool
    validation_text: str
    query_results: dict[str, ResultTable] = field(default_factory=dict)
    pages: list[Path] = field(default_factory=list)


def build(source: Backend | LoadedGraph, out: Path, progress: object | None = None) -> BuildResult:
    """Write the merged graph, validation, catalogue CSVs, network outputs, pages, plots and index.html to `out`.

    From a remote backend, validation is the SPARQL quality checks only (the report says which checks ran).
    """
    from coopgraph.reason import java_available
    from coopgraph.validate import validate
    from coopgraph.viz import index_page

    graph = as_backend(source)
    step = _stepper(progress)
    out = Path(out)
    with staged_folder(out) as staging:
        step("writing the merged graph")
        graph.dump(ox.RdfFormat.TURTLE, staging / "graph.ttl")
        graph.dump(ox.RdfFormat.N_TRIPLES, staging / "graph.nt")
        # for OWL 2 reasoners (HermiT, Protege): graph.nt re-read, with OWL 2 datatypes only
        write_owl_graph(ox.parse(path=str(staging / "graph.nt"), format=ox.RdfFormat.N_TRIPLES), staging)

        step("validating")
        # The main job still runs on a machine without Java; the report says what was not checked.
        has_java = java_available()
        report = validate(graph, consistency=has_java)
        if not has_java:
            report.checks.append("HermiT consistency NOT checked: no Java runtime found (install one, e.g. "
                                 "apt-get install default-jre-headless, and build again)")
        validation_text = report.to_text()
        (staging / "validation.txt").write_text(validation_text, encoding="utf-8")

        step("running the query catalogue")
        results: dict[str, ResultTable] = {}
        (staging / "queries").mkdir()
        queries = catalogue.catalogue()
        for name, query in queries.items():
            table = graph.run(query, max_rows=None)
            (staging / "queries" / f"{name}.csv").write_text(table.to_csv(), encoding="utf-8")
            results[name] = table

        triples = graph.triple_count()
        page = index_page.Report(triples, report.conforms, validation_text, class_counts(graph),
                                 queries, results, sources=graph.internal("sources", max_rows=None))
        _network(graph, staging, page, step)

        step("writing index.html")
        (staging / "index.html").write_text(index_page.render(page), encoding="utf-8")
    pages = [out / p.href for p in page.pages]
    return BuildResult(out, triples, report.conforms, validation_text, results, pages)


def _network(graph: Backend, staging: Path, page: Any, step: Callable[[str], None]) -> None:
    """network/ from the network module, pages/ and plots/ from viz; fills the report's network section."""
    from coopgraph import network
    from coopgraph.viz import index_page, plots
    from coopgraph.viz.page import write_page

    step("analysing the network")
    rows = network.NetworkRows(graph)  # the projection queries run once for every projection below
    files = {Path(p).name: Path(p) for p in network.write_outputs(rows, staging / "network").values()}
    page.network_files = {name: _relative(path, staging) for name, path in sorted(files.items())}
    page.metrics = _read_csv(files.get("metrics.csv"))
    page.timeline = _read_csv(files.get("timeline.csv"))
    page.whatif = _read_csv(files.get("whatif.csv"))
    if files.get("summary.json"):
        page.summary = json.loads(files["summary.json"].read_text(encoding="utf-8"))

    step("drawing the network pages")
    (staging / "pages").mkdir()
    for name, title in PROJECTION_TITLES.items():
        projected = network.projection(rows, name)
        info = write_page(projected, staging / "pages" / f"{name}.html", title,
                          note=f"{projected.number_of_nodes()} nodes, {projected.number_of_edges()} links. "
                               "Colour: country; shape: type; size: PageRank; width: weight.")
        page.pages.append(index_page.PageLink(title, f"pages/{name}.html", info.nodes, info.edges, info.aggregated))

    step("plotting")
    (staging / "plots").mkdir()
    for caption, draw, frame, filename in (("Timeline", plots.timeline, page.timeline, "timeline.png"),
                                           ("Agency metric distributions", plots.distributions, page.metrics,
                                            "metrics.png")):
        if frame is not None and draw(frame, staging / "plots" / filename):
            page.plots.append((caption, f"plots/{filename}"))


def _read_csv(path: Path | None) -> pd.DataFrame | None:
    if path is None or not path.is_file():
        return None
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _relative(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _stepper(progress: object | None):  # noqa: ANN202 - a tiny adapter
    def step(label: str) -> None:
        if callable(progress):
            progress(label)

    return step
