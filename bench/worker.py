"""One size, one engine, one fresh process: `python -m bench.worker coopgraph|rdflib SPEC.json OUT.json`.

SPEC.json names the data folder, the ontology folder, the work folder and the options; OUT.json receives the
measurements. The coopgraph side also writes the queries with their bound parameters and the triples the rules
derived, so the rdflib side answers the same queries over the same triples.
"""

from __future__ import annotations

import json
import os
import select as select_module
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.stages import Stage, not_available, peak_rss_mb, run, skipped

BENCH_QUERIES = Path(__file__).resolve().parent / "queries"
RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".jsonld": "json-ld"}


# --- coopgraph (pyoxigraph) ---------------------------------------------------------------------------------


def coopgraph_side(spec: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    from coopgraph.load import load
    from coopgraph.reason import apply_rules

    data, ontology, work = Path(spec["data"]), Path(spec["ontology"]), Path(spec["work"])
    out: dict[str, Any] = {"stages": {}}

    started = time.perf_counter()
    graph = load(ontology, data)
    out["load_s"] = round(time.perf_counter() - started, 3)
    out["triples"] = len(graph.store)
    out["load_peak_rss_mb"] = peak_rss_mb()
    stages: dict[str, Stage] = {}

    def rules() -> str:
        return f"{apply_rules(graph.store)} triples derived"

    stages["reason_rules"] = run(rules)
    out["triples_after_rules"] = len(graph.store)
    out["rules_peak_rss_mb"] = peak_rss_mb()
    # The rdflib side loads the whole graph after the rules (untimed, on top of its timed load of the same
    # files; rdflib's Graph is a set), so both engines answer over the same triples.
    graph.store.dump(str(work / "derived.nt"), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    stages["validate_shapes_sparql"] = run(lambda: _shapes_sparql(graph, ontology))
    stages["quality_checks"] = run(lambda: _quality_checks(graph))
    stages["validate_full"] = run(lambda: _validate_full(graph, spec))

    queries = _queries(spec)
    out["queries"] = [_time_query(graph.store, q, spec["repeat_under_s"], spec.get("query_cap_s", 60.0))
                      for q in queries]
    (work / "queries.json").write_text(json.dumps([
        {"name": q["name"], "text": q["text"], "bindings": q["bindings_json"]} for q in queries
    ]), encoding="utf-8")
    for q in out["queries"]:
        q.pop("bindings_json", None)

    projected: dict[str, Any] = {}
    stages.update(_network(graph.store, spec, projected))
    stages["viz_page"] = run(lambda: _viz(projected, work))
    out["stages"] = {name: stage.to_json() for name, stage in stages.items()}
    out["peak_rss_mb"] = peak_rss_mb(children=True)
    return out


def _shapes_sparql(graph: Any, ontology: Path) -> str:
    from coopgraph.shapes_sparql import validate_store

    shapes = sorted(ontology.rglob("*shapes.ttl"))
    if not shapes:
        not_available(f"no shapes file in {ontology}")
    violations = validate_store(graph.store, shapes)
    return f"{len(violations)} violations"


def _quality_checks(graph: Any) -> str:
    from coopgraph.paths import queries_dir
    from coopgraph.store import select

    files = sorted((queries_dir() / "qc").glob("*.rq"))
    if not files:
        not_available("no quality-check queries in queries/qc/")
    rows = sum(len(select(graph.store, p.read_text(encoding="utf-8"), source=str(p))) for p in files)
    return f"{len(files)} checks, {rows} rows"


def _validate_full(graph: Any, spec: dict[str, Any]) -> str:
    """coopgraph.validate.validate (pySHACL, quality checks, HermiT): only up to a size, as pySHACL is in Python."""
    from coopgraph.validate import validate

    if len(graph.store) > spec["full_validation_max"]:
        skipped(f"above {spec['full_validation_max']} triples (pySHACL and HermiT); the SPARQL path is timed")
    report = validate(graph)
    return f"conforms={report.conforms}"


def _queries(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every catalogue query plus bench/queries, with iri:<kind> parameters bound to a synthetic instance."""
    from coopgraph import catalogue

    samples = spec.get("samples", {})
    found: list[dict[str, Any]] = []
    sources = list(catalogue.catalogue().values()) + [catalogue.read(p) for p in sorted(BENCH_QUERIES.glob("*.rq"))]
    for query in sources:
        given = {p.name: samples[p.type.partition(":")[2]] for p in query.parameters
                 if p.type.startswith("iri:") and p.type.partition(":")[2] in samples}
        bindings = query.bindings(given)
        found.append({"name": query.name, "text": query.text, "bindings": bindings,
                      "bindings_json": {k: _term_json(v) for k, v in bindings.items()}})
    return found


def _term_json(term: Any) -> dict[str, str | None]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"iri": term.value}
    return {"literal": term.value, "datatype": term.datatype.value if term.language is None else None,
            "language": term.language}


def _time_query(store: Any, query: dict[str, Any], repeat_under_s: float, cap: float) -> dict[str, Any]:
    """Median seconds on pyoxigraph directly and through coopgraph's select(), interleaved, in a forked child.

    The child streams one line per run; the parent kills it when a run takes longer than `cap` (a query whose
    plan explodes must not hold the whole benchmark), and reports the cap as a lower bound.
    """
    import pyoxigraph as ox

    from coopgraph.namespaces import PREFIXES
    from coopgraph.store import select

    substitutions = {ox.Variable(k): v for k, v in query["bindings"].items()} or None

    def direct() -> int:
        result = store.query(query["text"], prefixes=PREFIXES, substitutions=substitutions)
        if isinstance(result, ox.QueryBoolean):
            return 1
        return sum(1 for row in result if tuple(row) is not None)

    def wrapped() -> int:
        return len(select(store, query["text"], query["bindings"], source=query["name"]))

    def child(write: Any) -> None:
        total = 0.0
        for _ in range(3):
            for key, function in (("direct", direct), ("select", wrapped)):
                started = time.perf_counter()
                rows = function()
                seconds = time.perf_counter() - started
                total += seconds
                write({"key": key, "s": seconds, "rows": rows})
            if total > repeat_under_s:
                break

    entry: dict[str, Any] = {"name": query["name"], "bindings_json": query["bindings_json"]}
    lines, capped = _in_child(child, cap)
    times: dict[str, list[float]] = {"direct": [], "select": []}
    for line in lines:
        if "error" in line:
            entry["error"] = line["error"]
            return entry
        times[line["key"]].append(line["s"])
        entry["rows"] = line["rows"]
    entry["pyoxigraph_s"] = round(statistics.median(times["direct"]), 4) if times["direct"] else None
    entry["coopgraph_s"] = round(statistics.median(times["select"]), 4) if times["select"] else None
    if capped and not (times["direct"] and times["select"]):
        entry["capped_s"] = cap
    return entry


def _in_child(work: Any, cap: float) -> tuple[list[dict[str, Any]], bool]:
    """Run work(write) in a forked child; collect the JSON lines it writes; kill it if `cap` s pass without one."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report lines, leave without cleanup (the parent owns the store)
        os.close(read_end)

        def write(message: dict[str, Any]) -> None:
            os.write(write_end, json.dumps(message).encode() + b"\n")

        try:
            work(write)
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            write({"error": str(error)[:300]})
        os._exit(0)
    os.close(write_end)
    buffer, capped = b"", False
    while True:
        ready, _, _ = select_module.select([read_end], [], [], cap)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            capped = True
            break
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        buffer += chunk
    os.close(read_end)
    os.waitpid(pid, 0)
    return [json.loads(line) for line in buffer.splitlines() if line.strip()], capped


def _network(store: Any, spec: dict[str, Any], graphs: dict[str, Any]) -> dict[str, Stage]:
    from coopgraph import network

    stages: dict[str, Stage] = {}
    # As `coopgraph build` does: the projection queries run once, then every projection is built from their rows.
    rows = network.NetworkRows(store)

    def query_rows() -> str:
        tables = {key: rows.table(key) for key in network.projections.QUERIES}
        return f"{sum(len(t) for t in tables.values())} rows from {len(tables)} queries"

    stages["projection_queries"] = run(query_rows)

    def project(name: str) -> str:
        graphs[name] = network.projection(rows, name)
        g = graphs[name]
        return f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges"

    for name in network.PROJECTIONS:
        stages[f"projection_{name}"] = run(lambda name=name: project(name))

    def metrics() -> str:
        first = next((g for g in graphs.values() if g is not None), None)
        if first is None:
            not_available("no projection was built")
        table = network.agency_metrics(first)
        return f"{len(table)} agencies"

    stages["agency_metrics"] = run(metrics)
    return stages


def _viz(graphs: dict[str, Any], work: Path) -> str:
    """The collaboration page (aggregated with drill-down views when the graph is large)."""
    from coopgraph.viz import write_page

    graph = graphs.get("collaboration") or next(iter(graphs.values()), None)
    if graph is None:
        not_available("no projection to draw")
    target = work / "page.html"
    write_page(graph, target, "Synthetic collaboration network")
    return f"{target.stat().st_size // 1024} KiB"


# --- rdflib -------------------------------------------------------------------------------------------------


def rdflib_side(spec: dict[str, Any]) -> dict[str, Any]:
    import rdflib

    data, ontology, work = Path(spec["data"]), Path(spec["ontology"]), Path(spec["work"])
    graph = rdflib.Graph()
    files = _rdf_files(ontology) + _rdf_files(data)
    started = time.perf_counter()
    for path in files:
        graph.parse(str(path), format=RDF_SUFFIXES[path.suffix])
    out: dict[str, Any] = {"load_s": round(time.perf_counter() - started, 3), "triples": len(graph)}
    out["peak_rss_mb"] = peak_rss_mb()
    derived = work / "derived.nt"
    if derived.is_file():
        graph.parse(str(derived), format="nt")
    out["triples_after_rules"] = len(graph)
    queries = json.loads((work / "queries.json").read_text(encoding="utf-8"))
    cap = float(spec["rdflib_cap_s"])
    budget = float(spec["rdflib_budget_s"])
    spent = 0.0
    results = []
    for query in queries:
        if spent > budget:
            results.append({"name": query["name"], "skipped": f"rdflib budget of {budget:.0f} s spent"})
            continue
        entry = _rdflib_query(graph, query, cap)
        spent += entry.get("rdflib_s") or cap
        results.append(entry)
    out["queries"] = results
    return out


def _rdf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in RDF_SUFFIXES and p.is_file()
                  and not p.name.endswith("shapes.ttl") and "rules" not in p.relative_to(folder).parts)


def _rdflib_query(graph: Any, query: dict[str, Any], cap: float) -> dict[str, Any]:
    """Run one query in a forked child (copy-on-write: no reload) and kill it at the cap."""
    from coopgraph.namespaces import PREFIXES

    def child(write: Any) -> None:
        import rdflib

        bindings = {rdflib.Variable(k): _rdflib_term(v) for k, v in query["bindings"].items()}
        started = time.perf_counter()
        result = graph.query(query["text"], initNs=PREFIXES, initBindings=bindings or None)
        rows = 1 if result.type == "ASK" else sum(1 for _ in result)
        write({"rdflib_s": round(time.perf_counter() - started, 4), "rdflib_rows": rows})

    lines, capped = _in_child(child, cap)
    entry: dict[str, Any] = {"name": query["name"]}
    if capped:
        entry.update({"rdflib_s": None, "rdflib_capped_s": cap})
    for line in lines:
        if "error" in line:
            entry["rdflib_error"] = line["error"]
        else:
            entry.update(line)
    return entry


def _rdflib_term(value: dict[str, Any]) -> Any:
    import rdflib

    if "iri" in value:
        return rdflib.URIRef(value["iri"])
    if value.get("language"):
        return rdflib.Literal(value["literal"], lang=value["language"])
    return rdflib.Literal(value["literal"], datatype=value.get("datatype"))


def main(argv: list[str]) -> None:
    engine, spec_path, out_path = argv
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result = coopgraph_side(spec) if engine == "coopgraph" else rdflib_side(spec)
    Path(out_path).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
