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
