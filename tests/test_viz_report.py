"""`coopgraph build` writes out/index.html, network pages and plots; `coopgraph viz` writes one page, no more."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from coopgraph.errors import CoopgraphError
from coopgraph.results import ResultTable, Value
from coopgraph.viz import index_page, plots, subset

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "viz"
spec = importlib.util.spec_from_file_location("viz_page_tests", Path(__file__).with_name("test_viz_page.py"))
page_tests = importlib.util.module_from_spec(spec)
spec.loader.exec_module(page_tests)
remote_loads = page_tests.remote_loads

HOSTILE = "<script>window.__cgPwned=1</script>"


def test_index_page_escapes_every_value():
    counts = ResultTable(["class", "n"], [(Value("https://w3id.org/coopgraph/ontology#Agency", "iri"),
                                           Value(HOSTILE, "literal"))])
    sources = ResultTable(["source", "title", "url"], [
        (Value("https://w3id.org/coopgraph/id/source/a", "iri"), Value(HOSTILE, "literal"),
         Value("javascript:alert(1)", "literal")),
        (Value("https://w3id.org/coopgraph/id/source/b", "iri"), Value("Fine", "literal"),
         Value("https://example.org/?a=1&b=2", "literal")),
    ])
    report = index_page.Report(
        triples=10, conforms=False, validation_text=HOSTILE, counts=counts, sources=sources,
        summary={"articulation_points": [HOSTILE], "top": [{"label": HOSTILE, "x": 0.5}]},
        metrics=pd.DataFrame({"label": [HOSTILE], "degree": [3]}),
        pages=[index_page.PageLink(HOSTILE, "pages/x.html", 1, 0)], notes=[HOSTILE],
        scopes=[index_page.ScopeView(HOSTILE, HOSTILE, [index_page.FindingView(
            HOSTILE, HOSTILE, HOSTILE, [HOSTILE], [{"title": HOSTILE, "url": "javascript:alert(1)"}], 2,
            HOSTILE)], {"agencies": HOSTILE})],
    )
    html = index_page.render(report)
    assert "<script" not in html
    assert "&lt;script&gt;window.__cgPwned=1&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.org/?a=1&amp;b=2"' in html
    assert "violations found" in html
    assert remote_loads(html) == []


def test_plots_are_png_and_skip_empty_tables(tmp_path):
    timeline = pd.DataFrame({"year": [2023, 2024, 2025], "nodes": [3, 5, 8], "edges": [2, 6, 9],
                             "cross_border_edges": [1, 2, 4], "components": [1, 1, 2]})
    metrics = pd.DataFrame({"degree": [1, 2, 3], "pagerank": [0.2, 0.3, 0.5]})
    assert plots.timeline(timeline, tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plots.distributions(metrics, tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plots.timeline(pd.DataFrame(), tmp_path / "none.png") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.png", "t.png"]


def test_viz_writes_only_the_named_file(cli, tmp_path):
    result = cli("viz", "--input", str(FIXTURES / "hostile.json"), "--out", "page.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no lib/ folder, no temporary files
    assert remote_loads((tmp_path / "page.html").read_text(encoding="utf-8")) == []


def test_viz_reports_bad_options_without_a_traceback(cli, tmp_path):
    result = cli("viz", "--input", str(FIXTURES / "hostile.json"), "--country", "Nowhere", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no node of country 'Nowhere'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_focus_names_a_node_by_label_slug_curie_or_iri():
    graph = page_tests.graphs.hostile()
    quiet = "https://w3id.org/coopgraph/id/agency/quiet"
    for spec in ("agency {{7*7}} ${7*7}", "quiet", "agency:quiet", quiet):
        assert subset.find_node(graph, spec) == quiet
    with pytest.raises(CoopgraphError, match="no node 'nothing-like-it'"):
        subset.find_node(graph, "nothing-like-it")


def test_viz_draws_a_projection_of_the_shipped_data(cli, tmp_path):
    result = cli("viz", "--projection", "bipartite", "--country", "Canada", "--out", "canada.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "canada.html").read_text(encoding="utf-8")
    nodes = page_tests.payload(html)["views"][0]["nodes"]
    assert nodes and all("Canada" in n["countries"] for n in nodes)


@pytest.fixture(scope="module")
def built(shipped_graph, tmp_path_factory):
    from coopgraph.report import build

    out = tmp_path_factory.mktemp("build") / "out"
    return build(shipped_graph, out)


def test_build_writes_the_report_pages_and_plots(built, shipped_graph):
    out = built.out
    index = (out / "index.html").read_text(encoding="utf-8")
    for href in re.findall(r'(?:href|src)="([^"#:]+)"', index):
        assert (out / href).is_file(), f"index.html links to a missing file {href}"
    assert "Sources" in index and "Query catalogue" in index and "Instances per class" in index
    if (out / "network").is_dir():
        from coopgraph.network import rows_for

        # the four projections, and the collaboration network of each country pair in the data
        pairs = {iri.rsplit("/", 1)[-1] for iri in rows_for(shipped_graph).pairs()}
        assert {p.name for p in (out / "pages").iterdir()} == {"collaboration.html", "bipartite.html",
                                                               "country.html", "threat.html",
                                                               *(f"collaboration-{slug}.html" for slug in pairs)}
        assert (out / "network" / "metrics.csv").is_file() and "plots/timeline.png" in index
        assert "plots/pair-structure.png" in index and "network/pair-structure.csv" in index
        assert len(built.pages) == 4 + len(pairs)
        # Findings first: each with its plot, before the detail and the catalogue.
        assert index.index('id="findings"') < index.index('id="network"') < index.index('id="queries"')
        for key in ("size", "brokers", "threats", "growth"):
            assert f'src="plots/all-{key}.png"' in index


def test_no_page_under_out_loads_from_the_network(built):
    pages = list(built.out.rglob("*.html"))
    assert pages
    for page in pages:
        assert remote_loads(page.read_text(encoding="utf-8")) == [], page


def test_build_without_java_still_writes_the_report_and_says_what_was_not_checked(shipped_graph, tmp_path,
                                                                                    monkeypatch):
    from coopgraph import reason
    from coopgraph.report import build

    monkeypatch.setattr(reason, "java_available", lambda: False)
    result = build(shipped_graph, tmp_path / "out")
    assert result.conforms
    assert "HermiT consistency NOT checked: no Java" in result.validation_text
    assert "NOT checked" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
