"""Network pages: self-contained, data escaped, styled by country and class, large graphs aggregated."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from coopgraph.network.timeline import Presence
from coopgraph.viz import escape
from coopgraph.viz.aggregate import plan
from coopgraph.viz.page import build_page, parse_sources, to_network, write_page
from coopgraph.viz.style import NO_COUNTRY, PALETTE, country_colours

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "viz"


def _graphs():
    spec = importlib.util.spec_from_file_location("viz_graphs", FIXTURES / "graphs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


graphs = _graphs()

# A page may name http(s) URLs only as link targets in the data, never as something the browser loads.
REMOTE_LOAD = re.compile(r"""<(script|link|img|iframe|embed|object|source|audio|video)\b[^>]*"""
                         r"""\b(src|href)\s*=\s*["']?\s*(https?:)?//"""
                         r"""|@import|url\(\s*["']?\s*(https?:)?//|@font-face""", re.IGNORECASE)


def remote_loads(html: str) -> list[str]:
    """Tags and CSS rules in the page that would fetch something from the network."""
    return [m.group(0) for m in REMOTE_LOAD.finditer(html)]


def payload(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="cg-data">(.*?)</script>', html, re.DOTALL)
    assert block, "the data block is missing"
    return json.loads(block.group(1))


def test_script_json_cannot_close_its_script_element():
    encoded = escape.script_json({"label": "</script><script>alert(1)</script>\u2028&"})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded and "\u2028" not in encoded
    assert json.loads(encoded)["label"] == "</script><script>alert(1)</script>\u2028&"


@pytest.mark.parametrize("url, kept", [
    ("https://www.publicsafety.gc.ca/x", True), ("http://example.org", True), ("HTTPS://EXAMPLE.ORG/", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,x", False),
    ("//example.org/x", False), ("https://exa mple.org", False), ("https://example.org/\nx", False),
    ("vbscript:x", False), ("", False), (None, False), ("https:alert(1)", False),
])
def test_safe_url_keeps_only_http_links(url, kept):
    assert escape.safe_url(url) == (url if kept else None)


def test_sources_parse_and_drop_unsafe_links():
    sources = parse_sources(json.dumps([{"title": "A", "url": "https://a.example/"},
                                        {"title": "B", "url": "javascript:alert(1)"}, "junk"]))
    assert sources == [{"title": "A", "url": "https://a.example/"},
                       {"title": "B (javascript:alert(1))", "url": None}]
    assert parse_sources("not json") == [{"title": "not json", "url": None}]
    assert parse_sources(None) == []


def test_page_is_self_contained_and_escapes_the_data(tmp_path):
    page = tmp_path / "hostile.html"
    info = write_page(graphs.hostile(), page, "Title <script>window.__cgPwned=1</script>")
    html = page.read_text(encoding="utf-8")
    assert (info.nodes, info.edges, info.aggregated) == (4, 3, False)
    assert remote_loads(html) == []
    assert "cdnjs.cloudflare" not in html and "cdn.jsdelivr" not in html
    assert "<title>Title &lt;script&gt;window.__cgPwned=1&lt;/script&gt;</title>" in html
    # Nothing from the data appears as markup: three script elements (data, vis-network, ours), and outside
    # them no hostile string at all.
    assert html.count("</script>") == 3
    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", html, flags=re.DOTALL)
    markup = markup.replace("Title &lt;script&gt;window.__cgPwned=1&lt;/script&gt;", "")
    for needle in ("__cgPwned", "onerror", "<img", "<svg"):
        assert needle not in markup
    data = payload(html)
    labels = {n["label"] for n in data["views"][0]["nodes"]}
    assert "<img src=x onerror=\"document.title='pwned';window.__cgPwned=1\">" in labels
    assert "</script><script>window.__cgPwned=7</script>" in labels
    links = [s["url"] for n in data["views"][0]["nodes"] for s in n["sources"] if s["url"]]
    assert links == ["https://example.org/page?a=1&b=<2>", "https://example.org/plain"]
    assert list(tmp_path.iterdir()) == [page]


def test_page_script_never_uses_html_sinks():
    script = (Path(escape.__file__).parent / "network.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script.replace("never through innerHTML", "")


def test_nodes_are_styled_by_country_class_and_centrality():
    graph = graphs.hostile()
    net = to_network(graph)
    nodes = {n["id"]: n for n in net.nodes}
    hostile = nodes["https://w3id.org/coopgraph/id/agency/hostile"]
    plain = nodes["https://w3id.org/coopgraph/id/mechanism/plain"]
    assert hostile["shape"] == "dot" and plain["shape"] == "diamond"
    assert hostile["color"] != nodes["https://w3id.org/coopgraph/id/agency/quiet"]["color"]
    assert hostile["size"] > nodes["https://w3id.org/coopgraph/id/agency/quiet"]["size"]  # more central
    widths = {(e["from"], e["to"]): e["width"] for e in net.edges}
    assert max(widths.values()) > min(widths.values())  # weight 3 is drawn wider than weight 1
    assert all("title" not in n for n in net.nodes)  # no vis tooltip: ours is built from DOM nodes
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in net.nodes)


def test_small_graph_is_one_view_and_large_graph_is_aggregated():
    assert len(plan(graphs.synthetic(300), "small", limit=2000)) == 1
    views = plan(graphs.synthetic(5000), "large", limit=2000)
    overview, *parts = views
    assert overview.aggregated and overview.grouping == "country"
    assert overview.graph.number_of_nodes() == len(parts) == 3
    assert sum(p.graph.number_of_nodes() for p in parts) == 5000
    assert all(p.parent == overview.id and p.graph.number_of_nodes() <= 2000 for p in parts)
    assert {d["drill"] for _, d in overview.graph.nodes(data=True)} == {p.id for p in parts}


def test_a_group_larger_than_the_limit_is_split_again_by_community():
    graph = graphs.synthetic(600)
    nx.set_node_attributes(graph, "Country A", "country")
    views = plan(graph, "one country", limit=100, group_by="country")
    assert views[0].aggregated and views[1].aggregated and views[1].grouping == "community"
    assert all(v.graph.number_of_nodes() <= 100 for v in views if not v.aggregated)


def test_focus_and_title_reach_the_page():
    graph = graphs.hostile()
    html, _ = build_page(graph, "t", focus="https://w3id.org/coopgraph/id/agency/quiet")
    assert payload(html)["focus"] == "https://w3id.org/coopgraph/id/agency/quiet"


def test_every_country_value_gets_its_own_colour_from_the_palette():
    values = ["Canada", "United States", "Mexico", "Canada; United States", "Canada; Mexico; United States", "",
              "China", "Canada"]
    colours = country_colours(values)
    assert colours[""] == NO_COUNTRY
    named = [colours[v] for v in sorted(set(values) - {""})]
    assert len(named) == len(set(named)) == 6 and set(named) <= set(PALETTE)
    assert NO_COUNTRY not in PALETTE and len(set(PALETTE)) == len(PALETTE)


def test_years_reach_the_page_for_the_slider():
    graph = graphs.hostile()
    nodes = list(graph.nodes)
    a, b = next(iter(graph.edges))
    presence = Presence(2001, 2010, nodes={nodes[0]: [[2001, 2003], [2008, 2010]]},
                        edges={frozenset((a, b)): [[2002, 2002]]})
    data = payload(build_page(graph, "t", presence=presence)[0])
    assert data["years"] == [2001, 2010]
    by_id = {n["id"]: n for n in data["views"][0]["nodes"]}
    assert by_id[nodes[0]]["years"] == [[2001, 2003], [2008, 2010]]
    assert all(by_id[n]["years"] == [] for n in nodes[1:])  # undated: shown under "all years" only
    edge = next(e for e in data["views"][0]["edges"] if {e["from"], e["to"]} == {a, b})
    assert edge["years"] == [[2002, 2002]]
    assert payload(build_page(graph, "t")[0])["years"] is None  # no presence: no slider
