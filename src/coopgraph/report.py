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
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyoxigraph as ox

from coopgraph import catalogue
from coopgraph.backend import Backend, as_backend
from coopgraph.load import LoadedGraph
from coopgraph.output import staged_folder
from coopgraph.release import write_owl_graph
from coopgraph.results import ResultTable
from coopgraph.stats import class_counts

if TYPE_CHECKING:
    from coopgraph.network import NetworkRows
    from coopgraph.network.timeline import Presence

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
    from coopgraph.network.timeline import presence
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
    years = {name: presence(rows, name) for name in PROJECTION_TITLES}  # 30 snapshots each: computed once
    for name, title in PROJECTION_TITLES.items():
        projected = network.projection(rows, name)
        info = write_page(projected, staging / "pages" / f"{name}.html", title, presence=years[name],
                          note=f"{projected.number_of_nodes()} nodes, {projected.number_of_edges()} links, all "
                               "years. Size: PageRank; line width: shared vehicles.")
        page.pages.append(index_page.PageLink(title, f"pages/{name}.html", info.nodes, info.edges, info.aggregated))

    step("finding what the network tells")
    (staging / "plots").mkdir()
    _findings(rows, staging, page, years["collaboration"])

    step("plotting")
    for caption, draw, frame, filename in (("Timeline", plots.timeline, page.timeline, "timeline.png"),
                                           ("Degree and betweenness distributions", plots.distributions,
                                            page.metrics, "metrics.png")):
        if frame is not None and draw(frame, staging / "plots" / filename):
            page.plots.append((caption, f"plots/{filename}"))
    _pairs(rows, staging, page, step)


def _pairs(rows: Any, staging: Path, page: Any, step: Callable[[str], None]) -> None:
    """The pair comparison: network/pair-structure.csv, its plot and one collaboration page per country pair.

    Every pair in the data is drawn, so a pair added as data (data/shared/pairs.ttl) appears with no code change.
    """
    from coopgraph.network.pairs import compare_pairs, pair_projections
    from coopgraph.viz import index_page
    from coopgraph.viz.page import write_page
    from coopgraph.viz.pair_plots import plot_pair_comparison

    step("comparing the country pairs")
    comparison = compare_pairs(rows)
    if comparison.empty:
        return
    comparison.to_csv(staging / "network" / "pair-structure.csv", index=False)
    page.network_files["pair-structure.csv"] = "network/pair-structure.csv"
    plot_pair_comparison(comparison, staging / "plots" / "pair-structure.png")
    page.plots.append(("Pair comparison: the structure of each pair's network (coop:CountryPair)",
                       "plots/pair-structure.png"))
    for iri, projected in pair_projections(rows).items():
        slug = iri.rstrip("/").rsplit("/", 1)[-1]
        label = comparison.loc[comparison["pair"] == iri, "label"].iloc[0]
        title = f"{label}: {PROJECTION_TITLES['collaboration'].lower()}"
        info = write_page(projected, staging / "pages" / f"collaboration-{slug}.html", title,
                          note=f"{projected.number_of_nodes()} nodes, {projected.number_of_edges()} links; only the "
                               f"ties through this pair's mechanisms, agreements and operations.")
        page.pages.append(index_page.PageLink(title, f"pages/collaboration-{slug}.html", info.nodes, info.edges,
                                              info.aggregated))


def _findings(rows: NetworkRows, staging: Path, page: Any, years: Presence) -> None:
    """The findings for the whole graph and each pair, each with its plot under plots/."""
    from coopgraph import findings
    from coopgraph.viz import index_page, plots

    scopes = findings.scopes(rows, years=years)
    for scope in scopes:
        views = []
        for finding in scope.findings:
            name = f"{scope.slug}-{finding.key}.png"
            drawn = _plot(finding, scope.title, staging / "plots" / name)
            views.append(index_page.FindingView(finding.key, finding.title, finding.sentence, finding.queries,
                                                finding.sources, finding.more_sources,
                                                f"plots/{name}" if drawn else None))
        page.scopes.append(index_page.ScopeView(scope.slug, scope.title, views, dict(scope.figures)))
    if len(scopes) > 1:
        frame = pd.DataFrame([{"scope": s.title, **s.figures} for s in scopes])
        if plots.pair_comparison(frame, staging / "plots" / "pairs.png", "network-collaboration, network-entities"):
            page.comparison_plot = "plots/pairs.png"


def _plot(finding: Any, scope: str, path: Path) -> Path | None:
    """The plot of one finding (None when its numbers are empty)."""
    from coopgraph.viz import plots

    frame = finding.frame
    if frame is None or frame.empty:
        return None
    source = ", ".join(finding.queries)
    if finding.key == "size":
        return plots.bars(frame["country"].tolist(), frame["agencies"].tolist(), path,
                          f"Agencies by country ({scope})", "agencies", source)
    if finding.key == "brokers":
        return plots.bars(frame["agency"].tolist(), frame["betweenness"].tolist(), path,
                          f"Brokers: betweenness ({scope})", "betweenness (share of shortest paths)", source,
                          fmt="{:.2f}")
    if finding.key == "cut":
        shown = frame.head(10)
        series = {"separate parts added": (shown["components_after"] - shown["components_before"]).tolist(),
                  "agencies left without a tie": shown["isolated"].map(len).tolist(),
                  "cross-border ties lost": shown["cross_border_ties_lost"].tolist()}
        return plots.grouped(shown["agency"].tolist(), series, path, f"Without one agency ({scope})", "number",
                             source)
    if finding.key == "threats":
        shown = frame.head(15)
        return plots.bars(shown["threat"].tolist(), shown["joint"].tolist(), path,
                          f"Joint vehicles per threat, thinnest first ({scope})",
                          "joint mechanisms, agreements, operations, measures", source, colour=plots.PALETTE[2])
    if finding.key == "growth":
        return plots.growth(frame, path, f"Growth over time ({scope})", source)
    return None


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
