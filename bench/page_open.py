"""`python -m bench.page_open`: how long a network page takes to open and draw in headless Chromium.

Writes synthetic scale-free graphs (n nodes, 2 links per new node; labels "Agency i", three countries) as pages
with coopgraph.viz.write_page, opens each in /usr/bin/chromium at 1400x1000 (network cut off, fresh profile),
and reads data-cg-drawn-ms, which the page sets at its first drawing: milliseconds from navigation start. A
5,000-node page opens as an overview of groups; the bench also times opening its largest drill-down view, and a
page of 2,000 nodes drawn whole (the most a view holds before aggregation). Median of --runs (3) per page.
Results go to bench/page-open.md (and --json).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
DRAWN = "document.documentElement.getAttribute('data-cg-drawn-ms')"


def _browser_module() -> Any:
    # The tests' CDP driver (no extra package): one place that knows how to drive Chromium offline.
    spec = importlib.util.spec_from_file_location("cg_browser", ROOT / "tests" / "fixtures" / "viz" / "browser.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic(n: int, seed: int = 7) -> nx.Graph:
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    countries = ("Country A", "Country B", "Country A; Country B")
    graph = nx.Graph()
    for i in base.nodes:
        iri = f"https://w3id.org/coopgraph/id/agency/synthetic-{i}"
        graph.add_node(iri, label=f"Agency {i}", kind="Agency", country=countries[i % 3], iri=iri, sources="[]")
    order = list(graph.nodes)
    for u, v in base.edges:
        graph.add_edge(order[u], order[v], weight=float(rng.randint(1, 5)), via=f"Mechanism {rng.randint(0, 99)}")
    return graph


def measure(sizes: list[int], runs: int, work: Path) -> list[dict[str, Any]]:
    from coopgraph.viz.page import write_page

    driver = _browser_module()
    browser = driver.Browser(driver.chromium_path() or "/usr/bin/chromium")
    results = []
    try:
        for n in sizes:
            path = work / f"page-{n}.html"
            started = time.perf_counter()
            info = write_page(synthetic(n), path, f"Synthetic {n}")
            write_s = time.perf_counter() - started
            opened, drill = [], []
            for _ in range(runs):
                page = browser.open(path)
                opened.append(int(page.wait_for(DRAWN, timeout=120)))
                if info.aggregated:
                    group = page.evaluate("coopgraph.nodes.get().sort((a, b) => b.size - a.size)[0].drill")
                    started = time.perf_counter()
                    page.evaluate(f"coopgraph.showView({group!r})")
                    page.wait_for(f"document.documentElement.getAttribute('data-cg-view') === {group!r}",
                                  timeout=120)
                    drill.append(round((time.perf_counter() - started) * 1000))
                    drill_nodes = page.evaluate("coopgraph.drawnNodes()")
            record = {"nodes": n, "edges": info.edges, "page_mb": round(path.stat().st_size / 1e6, 2),
                      "write_page_s": round(write_s, 2), "aggregated": info.aggregated,
                      "open_and_draw_ms": statistics.median(opened), "runs": opened}
            if drill:
                record.update(drill_down_nodes=drill_nodes, drill_down_ms=statistics.median(drill))
            results.append(record)
    finally:
        browser.close()
    return results


def markdown(results: list[dict[str, Any]], note: str) -> str:
    lines = ["# Network pages: open and draw in headless Chromium", "",
             "`python -m bench.page_open` (see its docstring). Milliseconds from navigation start to the first "
             "drawing of the page's first view (median of the runs); a 5,000-node page opens as groups, and "
             "'drill-down' is the time to open its largest group's view.", ""]
    if note:
        lines += [note, ""]
    lines += ["| nodes | edges | page MB | write_page s | aggregated | open and draw ms | drill-down (nodes, ms) |",
              "| ---: | ---: | ---: | ---: | --- | ---: | ---: |"]
    for r in results:
        drill = f"{r['drill_down_nodes']}, {r['drill_down_ms']}" if "drill_down_ms" in r else ""
        lines.append(f"| {r['nodes']} | {r['edges']} | {r['page_mb']} | {r['write_page_s']} | "
                     f"{'yes' if r['aggregated'] else 'no'} | {r['open_and_draw_ms']} | {drill} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.page_open", description=__doc__)
    parser.add_argument("--nodes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "page-open.md")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cg-page-open-") as work:
        results = measure(args.nodes, args.runs, Path(work))
    args.results.write_text(markdown(results, args.note), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results, args.note))


if __name__ == "__main__":
    main()
