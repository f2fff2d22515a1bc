"""A networkx projection -> pyvis Network(s) -> one self-contained HTML page.

pyvis holds the nodes, edges and vis-network options (its lists are filled directly: add_node/from_nx scan a
list on every call). The page itself is ours: vis-network and its CSS are inlined from the pyvis wheel, the data
sits in a JSON block that cannot close its <script>, and our script builds tooltips, legend, filters and search
from DOM nodes (textContent), so nothing from the data is ever parsed as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from pyvis.network import Network

from coopgraph.output import write_file_atomically
from coopgraph.viz import assets, layout
from coopgraph.viz.aggregate import AGGREGATE_ABOVE, ViewSpec, plan
from coopgraph.viz.escape import safe_url, script_json, text
from coopgraph.viz.style import GROUP_COLOUR, SYMBOLS, country_colours, shape_family, shape_for, split_countries

if TYPE_CHECKING:
    from coopgraph.network.timeline import Presence

SEPARATOR = "; "  # how the network module joins the vehicles of a tie (coopgraph.network.projections)

OPTIONS: dict[str, Any] = {
    # Positions are computed before the page is written, so physics stays off: the first paint is the layout.
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True, "navigationButtons": False,
                    "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": True},
    "nodes": {"borderWidth": 1, "font": {"size": 14, "face": "sans-serif", "multi": False,
                                                "strokeWidth": 3, "strokeColor": "#ffffff"}},
    "edges": {"smooth": False, "color": {"color": "#9aa5b1", "highlight": "#37474F", "hover": "#37474F"}},
}


@dataclass
class PageInfo:
    """What was written: the file, the size of the graph, and its views (one unless aggregated)."""

    path: Path
    nodes: int
    edges: int
    views: list[str] = field(default_factory=list)
    aggregated: bool = False


def to_network(graph: nx.Graph, size_by: str = "pagerank", heading: str = "",
               presence: Presence | None = None) -> Network:
    """A pyvis Network of the graph, with positions, colours, shapes, sizes and widths set per node and edge.

    With `presence`, every node and edge carries the years it stood ("years": [[first, last], ...]), which the
    page's year slider reads; nodes the presence does not know (aggregated groups) carry none and always show.
    """
    net = Network(directed=False, heading=heading, cdn_resources="in_line")
    colours = country_colours([str(d.get("country") or "") for _, d in graph.nodes(data=True)])
    groups = all(d.get("kind") == "group" for _, d in graph.nodes(data=True)) and graph.number_of_nodes() > 0
    metric = ({n: float(d.get("count", 1)) for n, d in graph.nodes(data=True)} if groups
              else layout.centrality(graph, size_by))
    sizes = layout.scale(metric, 10.0, 60.0 if groups else 32.0)
    where = layout.positions(graph, spacing=300.0 if groups else 200.0)
    ids = {node: str(node) for node in graph.nodes}
    net.nodes = [_node(ids[n], d, colours, sizes[n], metric[n], size_by, where[n], graph.degree(n))
                 for n, d in graph.nodes(data=True)]
    weights = [_weight(d) for _, _, d in graph.edges(data=True)]
    top = max(weights, default=1.0) or 1.0
    net.edges = [_edge(i, ids[u], ids[v], d, w, top)
                 for i, ((u, v, d), w) in enumerate(zip(graph.edges(data=True), weights, strict=True))]
    if presence is not None and not groups:
        for record, node in zip(net.nodes, graph.nodes, strict=True):
            record["years"] = presence.node_years(node)
        for record, (u, v) in zip(net.edges, graph.edges, strict=True):
            record["years"] = presence.edge_years(u, v)
    net.options = dict(OPTIONS)  # get_network_data() serialises a dict as it is
    return net


def _node(node_id: str, data: dict, colours: dict[str, str], size: float, metric: float, size_by: str,
          at: tuple[float, float], degree: int) -> dict[str, Any]:
    kind = str(data.get("kind") or "")
    country = str(data.get("country") or "")
    record: dict[str, Any] = {
        "id": node_id,
        "label": str(data.get("label") or node_id),  # drawn on the canvas as text by vis-network
        "kind": kind,
        "country": country,
        "countries": split_countries(country),
        "shape": shape_for(kind),
        "family": shape_family(kind),
        "color": GROUP_COLOUR if kind == "group" else colours.get(country, "#9E9E9E"),
        "size": size,
        "x": at[0],
        "y": at[1],
        "metric": round(metric, 6),
        "metricName": "members" if kind == "group" else size_by,
        "links": degree,
        "iri": str(data.get("iri") or ""),
        "role": str(data.get("role") or ""),
        "acronym": str(data.get("acronym") or ""),
        "sources": parse_sources(data.get("sources")),
    }
    if data.get("drill"):
        record["drill"] = str(data["drill"])
    return record


def _weight(data: dict) -> float:
    try:
        return max(float(data.get("weight", 1.0)), 0.0)
    except (TypeError, ValueError):
        return 1.0


def _edge(index: int, source: str, target: str, data: dict, weight: float, top: float) -> dict[str, Any]:
    record = {"id": f"e{index}", "from": source, "to": target, "weight": round(weight, 4),
              "width": round(1.0 + 7.0 * (weight / top) ** 0.5, 2), "via": str(data.get("via") or ""),
              "role": str(data.get("role") or ""), "crossBorder": bool(data.get("cross_border", False))}
    # The vehicles carrying the tie, by IRI: the page's what-if mode can take one away from every tie.
    vehicles = [v for v in str(data.get("via_iri") or "").split(SEPARATOR) if v]
    if vehicles:
        labels = str(data.get("via") or "").split(SEPARATOR)
        record["vehicles"] = [[iri, labels[i] if i < len(labels) and labels[i] else iri]
                              for i, iri in enumerate(vehicles)]
    return record


def parse_sources(value: object) -> list[dict[str, str | None]]:
    """The node's sources ({"title", "url"}, a JSON string or a list); a URL is kept only when http(s)."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except json.JSONDecodeError:
            return [{"title": value, "url": None}]
    if not isinstance(value, list):
        return []
    sources: list[dict[str, str | None]] = []
    for item in value:
        if not isinstance(item, dict):
            continue
        raw = item.get("url")
        url = safe_url(raw)
        title = str(item.get("title") or raw or "source")
        if raw and not url:
            title = f"{title} ({raw})"  # shown as text, never as a link
        sources.append({"title": title, "url": url})
    return sources


def render(views: list[tuple[ViewSpec, Network]], title: str, focus: str | None = None,
           note: str = "", years: tuple[int, int] | None = None) -> str:
    """The whole page: inline CSS and scripts, the data as JSON, and empty containers the script fills."""
    payload = {"title": title, "note": note, "focus": focus, "symbols": SYMBOLS, "views": [],
               "years": list(years) if years else None}
    for spec, net in views:
        nodes, edges, heading, _height, _width, options = net.get_network_data()
        payload["views"].append({"id": spec.id, "title": heading or spec.title, "parent": spec.parent,
                                 "aggregated": spec.aggregated, "grouping": spec.grouping,
                                 "nodes": nodes, "edges": edges, "options": json.loads(options)})
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; \
style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>{text(title)}</title>
<style>{assets.vis_css()}</style>
<style>{assets.page_css()}</style>
</head>
<body>
<header><h1 id="cg-title">{text(title)}</h1><p id="cg-note">{text(note)}</p>
<nav id="cg-crumbs" aria-label="views"></nav></header>
<div id="cg-toolbar" role="search">
<label>Search <input id="cg-search" type="search" list="cg-labels" autocomplete="off"
placeholder="label"></label><datalist id="cg-labels"></datalist>
<label>Country <select id="cg-country"></select></label>
<label>Type <select id="cg-kind"></select></label>
<label id="cg-year-box" hidden>Year <input id="cg-year" type="range" step="1">
<output id="cg-year-value" for="cg-year"></output></label>
<label title="Click an agency or mechanism to take it out of the network"><input id="cg-whatif"
type="checkbox"> What if</label>
<button id="cg-reset" type="button">Reset</button>
<span id="cg-status" aria-live="polite"></span>
</div>
<main>
<div id="cg-stage"><div id="cg-network"></div><div id="cg-tooltip" role="tooltip" hidden></div></div>
<aside><section id="cg-details" aria-live="polite"><p class="cg-hint">Hover over a node for details;
click to keep them here. Double-click a group to open it.</p></section>
<section id="cg-whatif-box" hidden><h2>What if</h2>
<p class="cg-hint">Click an agency or mechanism to remove it, or pick a shared vehicle:</p>
<select id="cg-vehicle"></select><div id="cg-whatif-result" aria-live="polite"></div>
<button id="cg-restore" type="button">Put everything back</button></section>
<section><h2>Legend</h2><div id="cg-legend"></div></section>
<section id="cg-views-box" hidden><h2>Groups</h2><ul id="cg-views"></ul></section></aside>
</main>
<noscript><p>This page needs JavaScript to draw the network.</p></noscript>
<script type="application/json" id="cg-data">{script_json(payload)}</script>
<script>{assets.vis_js()}</script>
<script>{assets.page_js()}</script>
</body>
</html>
"""


def build_page(graph: nx.Graph, title: str, *, size_by: str = "pagerank", limit: int = AGGREGATE_ABOVE,
               group_by: str = "auto", focus: Hashable | None = None, note: str = "",
               presence: Presence | None = None) -> tuple[str, list[ViewSpec]]:
    """The HTML of a page for `graph`, aggregated with drill-down views when it has more than `limit` nodes.

    `presence` (coopgraph.network.timeline.presence of the same projection) turns on the year slider.
    """
    specs = plan(graph, title, limit=limit, group_by=group_by)
    views = [(spec, to_network(spec.graph, size_by=size_by, heading=spec.title, presence=presence))
             for spec in specs]
    years = (presence.first, presence.last) if presence is not None and presence.first is not None else None
    return render(views, title, focus=None if focus is None else str(focus), note=note, years=years), specs


def write_page(graph: nx.Graph, path: Path, title: str, **options: Any) -> PageInfo:
    """Write the page to `path` (and nothing else), replacing it whole."""
    html, specs = build_page(graph, title, **options)
    write_file_atomically(Path(path), html)
    return PageInfo(Path(path), graph.number_of_nodes(), graph.number_of_edges(), [s.id for s in specs],
                    aggregated=len(specs) > 1)
