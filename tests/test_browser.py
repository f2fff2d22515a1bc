"""The pages in a real browser: headless Chromium, opened from disk with the network cut off.

Asserts the nodes drawn, that a label carrying HTML shows as text on hover, that no script from the data ran,
and that the page asked for nothing beyond its own file.
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

import pytest

from coopgraph.viz.page import write_page

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "viz"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"viz_{name}", FIXTURES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


browser_driver = _load("browser")
graphs = _load("graphs")
CHROMIUM = browser_driver.chromium_path()
# In CI (.ci/run installs Chromium) the test must run, never skip.
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="needs Chromium (Debian: apt-get install chromium)")

HOSTILE_ID = "https://w3id.org/coopgraph/id/agency/hostile"
HOSTILE_LABEL = "<img src=x onerror=\"document.title='pwned';window.__cgPwned=1\">"
TITLE = "Hostile graph"
DRAWN = "document.documentElement.getAttribute('data-cg-drawn')"


@pytest.fixture(scope="module")
def browser():
    driver = browser_driver.Browser(CHROMIUM)
    yield driver
    driver.close()


def only_local(page, path: Path) -> None:
    urls = page.requested_urls()
    assert urls and all(u == path.resolve().as_uri() for u in urls), urls
    assert page.exceptions() == []
    assert page.console_errors() == []


def test_hostile_labels_render_as_text(browser, tmp_path):
    path = tmp_path / "hostile.html"
    write_page(graphs.hostile(), path, TITLE)
    page = browser.open(path)
    assert page.wait_for(DRAWN) == "4"
    assert page.evaluate("coopgraph.drawnNodes()") == 4
    assert page.evaluate("coopgraph.drawnEdges()") == 3

    at = page.evaluate(f"coopgraph.screenPosition({HOSTILE_ID!r})")
    page.move_mouse(at["x"], at["y"])
    page.wait_for("!document.getElementById('cg-tooltip').hidden", timeout=10)
    tooltip = page.evaluate("(() => { const t = document.getElementById('cg-tooltip');"
                            " return {text: t.textContent, label: t.querySelector('.cg-label').textContent,"
                            " elements: [...t.querySelectorAll('*')].map(e => e.tagName.toLowerCase()),"
                            " links: [...t.querySelectorAll('a')].map(a => a.getAttribute('href'))}; })()")
    assert tooltip["label"] == HOSTILE_LABEL
    assert "<script>window.__cgPwned=3</script>" in tooltip["text"]
    assert not {"img", "script", "svg", "b", "i"} & set(tooltip["elements"])
    assert tooltip["links"] == ["https://example.org/page?a=1&b=<2>"]  # javascript: and data: stay text

    time.sleep(0.3)  # give an injected onerror/onload a chance to fire
    assert page.evaluate("typeof window.__cgPwned") == "undefined"
    assert page.evaluate("document.title") == TITLE
    assert page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
    only_local(page, path)


def test_filters_and_search(browser, tmp_path):
    path = tmp_path / "filters.html"
    write_page(graphs.hostile(), path, TITLE)
    page = browser.open(path)
    page.wait_for(DRAWN)
    options = page.evaluate("[...document.querySelectorAll('#cg-country option')].map(o => o.value)")
    assert "<i>Country B</i>" in options and "Country A" in options
    page.evaluate("(() => { const s = document.getElementById('cg-country'); s.value = 'Country A';"
                  " s.dispatchEvent(new Event('change')); })()")
    assert page.evaluate("coopgraph.drawnNodes()") == 2  # the Country A agency and the bi-national task force
    page.evaluate("(() => { const s = document.getElementById('cg-search'); s.value = '{{7*7}}';"
                  " s.dispatchEvent(new Event('change')); })()")
    assert page.evaluate("coopgraph.network.getSelectedNodes()") == ["https://w3id.org/coopgraph/id/agency/quiet"]
    assert page.evaluate("document.querySelector('#cg-details .cg-label').textContent") == "Agency {{7*7}} ${7*7}"
    only_local(page, path)


def test_five_thousand_nodes_open_as_groups_with_drill_down(browser, tmp_path):
    path = tmp_path / "large.html"
    info = write_page(graphs.synthetic(5000), path, "Synthetic 5000")
    assert info.aggregated and info.nodes == 5000
    page = browser.open(path)
    assert page.wait_for(DRAWN, timeout=120) == "3"  # three countries in the overview
    group = page.evaluate("coopgraph.nodes.get()[0].drill")
    size = page.evaluate("coopgraph.views[coopgraph.nodes.get()[0].drill].nodes.length")
    page.evaluate(f"coopgraph.showView({group!r})")
    page.wait_for(f"document.documentElement.getAttribute('data-cg-view') === {group!r}", timeout=120)
    assert page.evaluate("coopgraph.drawnNodes()") == size > 1000
    only_local(page, path)


# --- the pages of a build, at 1400x1000, against the command line ------------------------------------------

FRAME = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
SHOTS = Path(os.environ.get("CG_SHOTS", "")) if os.environ.get("CG_SHOTS") else None  # keep screenshots here


@pytest.fixture(scope="module")
def built(shipped_graph, tmp_path_factory):
    from coopgraph.report import build

    return build(shipped_graph, tmp_path_factory.mktemp("build") / "out").out


def open_drawn(browser, path: Path):
    page = browser.open(path)  # 1400x1000
    page.wait_for(DRAWN)
    page.wait_for("document.documentElement.getAttribute('data-cg-labels') !== null")
    page.evaluate(FRAME)
    return page


def screenshot(page, tmp_path: Path, name: str) -> None:
    shot = page.screenshot((SHOTS or tmp_path) / f"{name}.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def overlap(a: dict, b: dict) -> bool:
    return not (a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"])


@pytest.mark.parametrize("name", ["collaboration", "threat", "bipartite", "country"])
def test_labels_stay_inside_the_canvas_and_apart_and_the_legend_shows_what_is_drawn(browser, built, tmp_path,
                                                                                     name):
    page = open_drawn(browser, built / "pages" / f"{name}.html")
    screenshot(page, tmp_path, f"page-{name}")
    canvas = page.evaluate("coopgraph.canvasBox()")
    boxes = page.evaluate("coopgraph.labelBoxes()")
    assert boxes, "no label drawn at the first view"
    for box in boxes:
        assert (canvas["left"] <= box["left"] and box["right"] <= canvas["right"] and canvas["top"] <= box["top"]
                and box["bottom"] <= canvas["bottom"]), (box, canvas)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not overlap(a, b), (a["label"], b["label"])
    colours = page.evaluate("[...document.querySelectorAll('#cg-legend li[data-colour]')]"
                            ".map(li => li.getAttribute('data-colour').toLowerCase())")
    assert colours and len(colours) == len(set(colours))
    drawn_shapes = page.evaluate("new Set(coopgraph.nodes.get().map(n => n.shape)).size")
    headings = page.evaluate("[...document.querySelectorAll('#cg-legend h3')].map(h => h.textContent)")
    shape_entries = page.evaluate("document.querySelectorAll('#cg-legend h3 + ul')[1]?.children.length || 0")
    assert ("Shape" in headings) == (drawn_shapes > 1)
    assert shape_entries == (drawn_shapes if drawn_shapes > 1 else 0)
    only_local(page, built / "pages" / f"{name}.html")


def _analyze(cli, *args: str):
    import json

    result = cli("analyze", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_year_slider_shows_what_analyze_year_counts(browser, built, cli, tmp_path):
    path = built / "pages" / "collaboration.html"
    page = open_drawn(browser, path)
    first, last = page.evaluate("JSON.parse(document.getElementById('cg-data').textContent).years")
    total = page.evaluate("coopgraph.shownNodes()")
    assert total == len(_analyze(cli))
    seen = set()
    for year in sorted({first, (first + last) // 2, last - 3, last}):
        # Drive the slider as a person does: move it, the page hears an input event.
        page.evaluate(f"(() => {{ const s = document.getElementById('cg-year'); s.value = '{year}';"
                      " s.dispatchEvent(new Event('input')); })()")
        assert page.evaluate("document.getElementById('cg-year-value').textContent") == str(year)
        shown = page.evaluate("coopgraph.shownNodes()")
        assert shown == len(_analyze(cli, "--year", str(year))), year
        assert page.evaluate("coopgraph.drawnNodes()") == shown
        seen.add(shown)
    assert len(seen) > 1, "the slider changed nothing"
    screenshot(page, tmp_path, "page-collaboration-year")
    page.evaluate(f"(() => {{ const s = document.getElementById('cg-year'); s.value = '{last + 1}';"
                  " s.dispatchEvent(new Event('input')); })()")
    assert page.evaluate("coopgraph.shownNodes()") == total  # the last step is "all years"


def test_what_if_removing_the_rcmp_in_the_page_matches_analyze_remove(browser, built, cli, tmp_path):
    expected = _analyze(cli, "--remove", "agency:rcmp")
    rcmp = expected["removed"]
    path = built / "pages" / "collaboration.html"
    page = open_drawn(browser, path)
    page.evaluate("document.getElementById('cg-whatif').click()")
    # Zoom onto the node first, so the click lands on it and on nothing else, then click it.
    page.evaluate(f"coopgraph.network.focus({rcmp!r}, {{scale: 3, animation: false}})")
    page.evaluate(FRAME)
    at = page.evaluate(f"coopgraph.screenPosition({rcmp!r})")
    page.click(at["x"], at["y"])
    page.wait_for(f"!coopgraph.nodeView || coopgraph.shownNodes() === {expected['nodes_after']}")
    result = page.evaluate("coopgraph.whatIf()")
    assert result["removed"] == [expected["label"]]
    assert result["componentsBefore"] == expected["components_before"]
    assert result["componentsAfter"] == expected["components_after"]
    assert result["largestAfter"] == expected["largest_component_after"]
    assert result["fragmentSizes"] == expected["fragment_sizes"]
    assert result["crossBorderBefore"] - result["crossBorderAfter"] == expected["cross_border_ties_lost"]
    assert result["isolated"] == expected["agencies_isolated"]
    shown = page.evaluate("document.getElementById('cg-whatif-result').textContent")
    assert f"{expected['components_before']} \u2192 {expected['components_after']}" in shown
    page.evaluate("coopgraph.network.fit({animation: false})")
    page.evaluate(FRAME)
    screenshot(page, tmp_path, "page-collaboration-whatif")
    page.evaluate("document.getElementById('cg-restore').click()")
    assert page.evaluate("coopgraph.shownNodes()") == expected["nodes_before"]
    only_local(page, path)


def test_report_tables_fit_and_its_contents_links_resolve(browser, built, tmp_path):
    path = built / "index.html"
    page = browser.open(path)
    page.wait_for("document.readyState === 'complete'")
    screenshot(page, tmp_path, "report-first-screen")
    # Findings come first: before the network detail and the catalogue.
    order = page.evaluate("['findings', 'network', 'queries'].map(id => document.getElementById(id)"
                          ".getBoundingClientRect().top)")
    assert order == sorted(order)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.evaluate(FRAME)
    wide = page.evaluate("[...document.querySelectorAll('table')].filter(t => t.scrollWidth >"
                         " t.parentElement.clientWidth).map(t => t.rows[0].textContent.slice(0, 60))")
    assert page.evaluate("document.querySelectorAll('table').length") > 5
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    missing = page.evaluate("[...document.querySelectorAll('a[href^=\"#\"]')].map(a => a.getAttribute('href'))"
                            ".filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))")
    assert missing == []
    toc = page.evaluate("[...document.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href'))")
    assert "#findings" in toc and "#queries" in toc and len(toc) >= 10
    findings = page.evaluate("[...document.querySelectorAll('#findings ~ h3 + .figures + .cards .card')]"
                             ".filter(c => c.querySelector('img') || c.querySelector('p.finding')).length")
    assert findings >= 5
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                           ".map(i => i.getAttribute('src'))")
    assert broken == []
    assert page.exceptions() == [] and page.console_errors() == []
