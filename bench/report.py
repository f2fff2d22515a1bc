"""bench/results.md from the measurements: the machine, a row per size, a table of queries per size, targets."""

from __future__ import annotations

import statistics
from typing import Any

TARGETS = {
    "load_s": 10.0, "peak_rss_mb": 1536.0, "query_median_s": 0.5, "query_max_s": 3.0, "select_ratio": 1.3,
    "rdflib_speedup": 20.0, "build_warm_s": 10.0, "build_cold_s": 60.0, "metrics_s": 30.0, "validation_s": 60.0,
}


RATIO_FLOOR_S = 0.01


def _s(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def query_summary(run: dict[str, Any]) -> dict[str, Any]:
    """Median and max seconds, the median select()/direct ratio and the median speed-up over rdflib."""
    timed = [q for q in run.get("queries", []) if _ours(q) is not None]
    if not timed:
        return {}
    ours = [_ours(q) for q in timed]
    # Below the noise floor (a few ms on a shared machine) the ratio says nothing about the wrapper.
    ratios = [q["coopgraph_s"] / q["pyoxigraph_s"] for q in timed
              if q.get("coopgraph_s") is not None and (q.get("pyoxigraph_s") or 0) >= RATIO_FLOOR_S]
    speedups = []
    for q in timed:
        other = q.get("rdflib_s") if q.get("rdflib_s") is not None else q.get("rdflib_capped_s")
        if other is not None and q.get("coopgraph_s") is not None:
            speedups.append(other / max(q["coopgraph_s"], 1e-4))
    return {
        "median_s": statistics.median(ours), "max_s": max(ours),
        "max_name": max(timed, key=_ours)["name"],
        "ours_capped": sum(1 for q in timed if q.get("coopgraph_s") is None),
        "median_ratio": statistics.median(ratios) if ratios else None,
        "max_ratio": max(ratios) if ratios else None,
        "median_speedup": statistics.median(speedups) if speedups else None,
        "capped": sum(1 for q in timed if q.get("rdflib_capped_s") is not None),
    }


def _ours(query: dict[str, Any]) -> float | None:
    """coopgraph's seconds for a query, or its cap when it was killed there (a lower bound)."""
    return query.get("coopgraph_s") if query.get("coopgraph_s") is not None else query.get("capped_s")


def _stage(run: dict[str, Any], name: str) -> str:
    stage = run.get("stages", {}).get(name)
    if not stage:
        return "-"
    if stage["status"] == "ok":
        return f"{stage['seconds']:.2f}"
    return stage["status"]


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m bench` (see bench/README.md for what each column measures and the analysis).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}, Python {m['python']}; "
        f"{versions}. Load average {m.get('load_before', 0):.2f} at the start, {m.get('load_after', 0):.2f} "
        f"at the end; whole run {result.get('wall_s', 0):.0f} s.",
    ]
    if result.get("note"):
        lines += ["", f"Conditions: {result['note']}"]
    build = result.get("build_shipped")
    if build:
        lines += ["", f"`coopgraph build` on the shipped data: {_s(build.get('cold_s'), 1)} s with a cold reasoner "
                      f"cache, {_s(build.get('warm_s'), 1)} s warm (exit {build.get('exit')})"
                  + (f"; error: {build['error']}" if build.get("error") else "") + "."]
    lines += [
        "",
        "## Per size (seconds; memory in MB)",
        "",
        "| triples | load | rdflib load | peak RSS after load | peak RSS | rdflib peak RSS | rules | "
        "validation (SPARQL shapes) | quality checks | full validate | metrics | page | query median | query max "
        "| select/direct (median, max over 10 ms) | speed-up over rdflib (median) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for run in result["runs"]:
        q = query_summary(run)
        rdf = run.get("rdflib", {})
        speed = q.get("median_speedup")
        bound = ">= " if q.get("capped") else ""
        lines.append(
            f"| {run.get('triples', run['requested_triples']):,} | {_s(run.get('load_s'), 2)} | "
            f"{_s(rdf.get('load_s'), 2) if 'load_s' in rdf else rdf.get('status', '-')} | "
            f"{_s(run.get('load_peak_rss_mb'), 0)} | {_s(run.get('peak_rss_mb'), 0)} | "
            f"{_s(rdf.get('peak_rss_mb'), 0)} | {_stage(run, 'reason_rules')} | "
            f"{_stage(run, 'validate_shapes_sparql')} | {_stage(run, 'quality_checks')} | "
            f"{_stage(run, 'validate_full')} | {_stage(run, 'agency_metrics')} | {_stage(run, 'viz_page')} | "
            f"{_s(q.get('median_s'))} | {'>= ' if q.get('ours_capped') else ''}{_s(q.get('max_s'))} | "
            f"{_s(q.get('median_ratio'), 2)}x, {_s(q.get('max_ratio'), 2)}x | "
            f"{bound}{_s(speed, 0)}x |"
        )
    for run in result["runs"]:
        lines += ["", f"## Queries at {run.get('triples', run['requested_triples']):,} triples", "",
                  "| query | rows | pyoxigraph direct | coopgraph select() | ratio | rdflib | speed-up |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for q in run.get("queries", []):
            if "error" in q:
                lines.append(f"| {q['name']} | error: {q['error'][:80]} | | | | | |")
                continue
            if q.get("rdflib_s") is not None:
                rdf, other = f"{q['rdflib_s']:.3f}", q["rdflib_s"]
            elif q.get("rdflib_capped_s") is not None:
                rdf, other = f">= {q['rdflib_capped_s']:.0f}", q["rdflib_capped_s"]
            else:
                rdf = q.get("skipped") or ("error" if q.get("rdflib_error") else "-")
                other = None
            if q.get("coopgraph_s") is None:
                cap = f">= {q.get('capped_s', 0):.0f} (killed)"
                direct = cap if q.get("pyoxigraph_s") is None else f"{q['pyoxigraph_s']:.4f}"
                lines.append(f"| {q['name']} | - | {direct} | {cap} | - | {rdf} | - |")
                continue
            ratio = q["coopgraph_s"] / q["pyoxigraph_s"] if q.get("pyoxigraph_s") else None
            speed = "-" if other is None else (">= " if q.get("rdflib_capped_s") else "") + \
                f"{other / max(q['coopgraph_s'], 1e-4):.0f}x"
            lines.append(f"| {q['name']} | {q.get('rows', 0):,} | {_s(q.get('pyoxigraph_s'), 4)} | "
                         f"{q['coopgraph_s']:.4f} | {_s(ratio, 2)} | {rdf} | {speed} |")
        stages = run.get("stages", {})
        if stages:
            lines += ["", "Stages: " + "; ".join(
                f"{name} {s['status']}" + (f" {s['seconds']:.2f} s" if s.get("seconds") is not None else "")
                + (f" ({s['detail']})" if s.get("detail") else "") for name, s in stages.items()) + "."]
    lines += ["", "## Targets", ""] + targets(result) + [""]
    return "\n".join(lines)


def targets(result: dict[str, Any]) -> list[str]:
    """One line per target, for the largest size measured: met, missed, or not measured."""
    if not result["runs"]:
        return ["- nothing measured"]
    run = max(result["runs"], key=lambda r: r.get("triples", r["requested_triples"]))
    q = query_summary(run)
    size = f"{run.get('triples', run['requested_triples']):,} triples"

    def check(label: str, value: float | None, limit: float, unit: str = " s", above: bool = False) -> str:
        if value is None:
            return f"- {label}: not measured"
        met = value >= limit if above else value < limit
        return f"- {label}: {value:.2f}{unit} ({'met' if met else 'MISSED'}; target {'>=' if above else '<'} " \
               f"{limit:g}{unit})"

    stage = run.get("stages", {})
    validation = stage.get("validate_shapes_sparql", {}).get("seconds")
    if validation is not None and stage.get("quality_checks", {}).get("seconds") is not None:
        validation += stage["quality_checks"]["seconds"]
    build = result.get("build_shipped") or {}
    return [
        f"At {size}:",
        check("load", run.get("load_s"), TARGETS["load_s"]),
        check("peak memory after load", run.get("load_peak_rss_mb"), TARGETS["peak_rss_mb"], " MB"),
        check("peak memory, whole run", run.get("peak_rss_mb"), TARGETS["peak_rss_mb"], " MB"),
        check("query median", q.get("median_s"), TARGETS["query_median_s"]),
        check(f"query max ({q.get('max_name', '-')}"
              + (", killed at the cap: a lower bound)" if q.get("ours_capped") else ")"),
              q.get("max_s"), TARGETS["query_max_s"]),
        check("select()/direct, median", q.get("median_ratio"), TARGETS["select_ratio"], "x"),
        check(f"select()/direct, worst query of those over {RATIO_FLOOR_S * 1000:.0f} ms", q.get("max_ratio"),
              TARGETS["select_ratio"], "x"),
        check("speed-up over rdflib, median (a lower bound when capped)", q.get("median_speedup"),
              TARGETS["rdflib_speedup"], "x", above=True),
        check("validation (SPARQL shapes + quality checks)", validation, TARGETS["validation_s"]),
        check("network metrics", stage.get("agency_metrics", {}).get("seconds"), TARGETS["metrics_s"]),
        check("`coopgraph build` on the shipped data, warm cache", build.get("warm_s"), TARGETS["build_warm_s"]),
        check("`coopgraph build` on the shipped data, cold cache", build.get("cold_s"), TARGETS["build_cold_s"]),
    ]
