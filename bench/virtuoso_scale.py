"""`python -m bench.virtuoso_scale [--triples 1000000]`: the catalogue on Virtuoso beside the embedded store, at scale.

One run: a synthetic data set (coopgraph.synth, seed 0), built as coopgraph builds it (rules applied), written
as N-Triples and bulk-loaded into a named graph of a fresh Virtuoso (ld_dir + rdf_loader_run, then a restart:
see tests/fixtures/servers.py). Every catalogue query, with iri:<kind> parameters bound to a well-connected
synthetic instance (as `python -m bench` binds them), runs on the embedded store and on Virtuoso (coopgraph's
Remote backend, graph= the named graph), interleaved; each time is the median of up to 3 runs (1 when a run
takes over 1 s).
The rows are compared too (tests/fixtures/servers.py, `differences`). Writes bench/virtuoso-scale.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from bench import machine
from coopgraph import catalogue, paths, synth
from coopgraph.backend import Embedded, Remote, bound_text
from coopgraph.errors import CoopgraphError
from coopgraph.graph import open_graph
from coopgraph.results import ResultTable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from fixtures import servers  # noqa: E402 - the test infrastructure's engine helpers, shared on purpose


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.virtuoso_scale", description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "virtuoso-scale.md")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per query and engine (default 120)")
    parser.add_argument("--buffers", type=int, default=170_000,
                        help="Virtuoso's NumberOfBuffers (8 KB pages; 170,000 is its setting for 2 GB)")
    parser.add_argument("--estimate", type=int, default=0,
                        help="Virtuoso's MaxQueryCostEstimationTime in seconds; 0 (the default here) turns its "
                             "estimate check off. Its estimates grow with the graph far faster than the real "
                             "times: at 1.7M triples it estimated 127,010 s for country-summary and 615,146 s for "
                             "threat-coverage and refused them even at 100,000 s; with 0 they ran in 0.45 s and "
                             "0.21 s. --timeout (MaxQueryExecutionTime) still stops a query that really runs long")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temp dir, removed after)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coopgraph-vscale-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        report = run(args, work)
    args.out.write_text(render(report), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def timed(action: Callable[[], ResultTable]) -> tuple[ResultTable | str, float | None]:
    """Median of up to 3 runs (1 when a run takes over 1 s); an error as its message."""
    times: list[float] = []
    table: ResultTable | str = ""
    for _ in range(3):
        start = time.perf_counter()
        try:
            table = action()
        except CoopgraphError as error:
            return f"error: {error.message}", None
        times.append(time.perf_counter() - start)
        if times[-1] > 1:
            break
    return table, statistics.median(times)


def run(args: argparse.Namespace, work: Path) -> dict:
    data = work / "data"
    spec = synth.generate(data, args.triples, seed=0)
    samples = spec.samples
    start = time.perf_counter()
    graph = open_graph(paths.ontology_dir(), data)
    build_s = time.perf_counter() - start
    ntriples = work / "graph.nt"
    graph.store.dump(str(ntriples), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    report: dict = {"machine": machine.describe(), "synth_triples": spec.triples,
                    "triples": len(graph.store), "build_s": build_s, "queries": [],
                    "buffers": args.buffers, "estimate": args.estimate, "timeout": args.timeout}
    start = time.perf_counter()
    with servers.virtuoso_server(work / "virtuoso", ntriples, bulk=True, buffers=args.buffers,
                                 max_rows=10_000_000, seconds=int(args.timeout), estimate=args.estimate) as server:
        report["virtuoso_load_s"] = time.perf_counter() - start  # fresh database, bulk load, checkpoint, restart
        local, far = Embedded(graph), Remote(server.sparql, graph=servers.GRAPH_IRI)
        for name, query in sorted(catalogue.catalogue().items()):
            given = {p.name: samples[p.type.partition(":")[2]] for p in query.parameters
                     if p.type.startswith("iri:") and p.type.partition(":")[2] in samples}
            text = bound_text(query.text, query.bindings(given))
            embedded, embedded_s = timed(lambda t=text, n=name: local.select(t, source=n, timeout=args.timeout,
                                                                             max_rows=None))
            virtuoso, virtuoso_s = timed(lambda t=text, n=name: far.select(t, source=n, timeout=args.timeout,
                                                                           max_rows=None))
            if isinstance(embedded, str) or isinstance(virtuoso, str):
                same = embedded if isinstance(embedded, str) else virtuoso
            else:
                same = servers.differences(embedded, virtuoso) or "same"
            rows = len(embedded) if isinstance(embedded, ResultTable) else None
            report["queries"].append({"name": name, "rows": rows, "embedded_s": embedded_s,
                                      "virtuoso_s": virtuoso_s, "same": same})
            print(f"  {name}: {rows} rows, embedded {embedded_s}, virtuoso {virtuoso_s}: {same[:100]}", flush=True)
    return report


def _estimate(seconds: int) -> str:
    return "0 (no estimate check)" if seconds <= 0 else f"{seconds:,} s"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render(report: dict) -> str:
    queries = report["queries"]
    both = [q for q in queries if q["embedded_s"] is not None and q["virtuoso_s"] is not None]
    same = sum(1 for q in queries if q["same"] == "same")

    def summary(key: str) -> str:
        values = [q[key] for q in both]
        return f"median {_s(statistics.median(values))} s, max {_s(max(values))} s" if values else "-"

    described = report["machine"]
    lines = [
        "# The catalogue on Virtuoso beside the embedded store",
        "",
        "Written by `python -m bench.virtuoso_scale` (see its docstring); do not edit by hand.",
        "",
        f"Machine: {described.get('cpu', '?')}, {described.get('cores', '?')} cores, "
        f"{described.get('ram_gb', '?')} GB RAM, shared with other work during the run.",
        "",
        f"Graph: {report['triples']:,} triples (synthetic data, seed 0, with the derived links); built in "
        f"{report['build_s']:.1f} s embedded; Virtuoso: fresh database, bulk load, checkpoint and restart in "
        f"{report['virtuoso_load_s']:.1f} s; NumberOfBuffers {report['buffers']:,}, "
        f"MaxQueryCostEstimationTime {_estimate(report['estimate'])}, MaxQueryExecutionTime "
        f"{report.get('timeout', 0):,.0f} s, ResultSetMaxRows 10,000,000.",
        "",
        f"Catalogue ({len(both)} queries answered by both): embedded {summary('embedded_s')}; "
        f"Virtuoso {summary('virtuoso_s')}. Rows the same on both: {same}/{len(queries)}.",
        "",
        "| query | rows | embedded (s) | Virtuoso (s) | rows compared |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for q in queries:
        rows = "-" if q["rows"] is None else f"{q['rows']:,}"
        verdict = q["same"] if len(q["same"]) < 160 else q["same"][:157] + "..."
        lines.append(f"| {q['name']} | {rows} | {_s(q['embedded_s'])} | {_s(q['virtuoso_s'])} | "
                     f"{verdict.replace('|', '/')} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
