"""`python -m bench [--triples N ...] [--json FILE]`: the side-by-side benchmark (see bench/README.md)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import machine, report

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="sizes to measure (default: 10000 100000 1000000)")
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON to this file")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.md",
                        help="the Markdown table to write (default: bench/results.md)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="folder for synthetic data and scratch files (default: a temp dir)")
    parser.add_argument("--ontology", type=Path, default=ROOT / "ontology")
    parser.add_argument("--query-cap", type=float, default=60.0,
                        help="seconds per coopgraph query run before the kill (reported as a lower bound)")
    parser.add_argument("--rdflib-cap", type=float, default=20.0, help="seconds per rdflib query before the kill")
    parser.add_argument("--rdflib-budget", type=float, default=240.0,
                        help="seconds of rdflib queries per size; later queries are reported as skipped")
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib side")
    parser.add_argument("--no-build", action="store_true", help="skip timing `coopgraph build` on the shipped data")
    parser.add_argument("--full-validation-max", type=int, default=20_000,
                        help="run coopgraph.validate (pySHACL, HermiT) only up to this many triples")
    parser.add_argument("--note", default="", help="a line about the conditions (e.g. other load on the machine)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="coopgraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    info = machine.describe()
    info["load_before"] = os.getloadavg()[0]
    started = time.time()
    runs = []
    build = None if args.no_build else time_build(work)
    for triples in args.triples:
        runs.append(measure(triples, args, work))
        _say(f"{triples}: done in {time.time() - started:.0f} s so far")
    info["load_after"] = os.getloadavg()[0]
    result = {"machine": info, "note": args.note, "build_shipped": build, "runs": runs,
              "wall_s": round(time.time() - started, 1)}
    args.results.write_text(report.markdown(result), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    _say(f"wrote {args.results}" + (f" and {args.json}" if args.json else ""))
    return 0


def measure(triples: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from coopgraph.synth import generate

    folder = work / f"synth-{triples}-{args.seed}"
    _say(f"{triples}: writing synthetic data to {folder}")
    started = time.perf_counter()
    synth = generate(folder / "data", triples, seed=args.seed, ontology_dir=args.ontology)
    spec = {"data": str(folder / "data"), "ontology": str(args.ontology), "work": str(folder),
            "samples": synth.samples, "repeat_under_s": 1.0, "rdflib_cap_s": args.rdflib_cap,
            "query_cap_s": args.query_cap,
            "rdflib_budget_s": args.rdflib_budget, "full_validation_max": args.full_validation_max}
    (folder / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    run: dict[str, Any] = {"requested_triples": triples, "synth_s": round(time.perf_counter() - started, 2)}
    _say(f"{triples}: coopgraph side")
    run.update(_worker("coopgraph", folder))
    if args.no_rdflib:
        run["rdflib"] = {"status": "skipped (--no-rdflib)"}
    else:
        _say(f"{triples}: rdflib side (cap {args.rdflib_cap:.0f} s per query)")
        side = _worker("rdflib", folder)
        by_name = {q["name"]: q for q in side.pop("queries", [])}
        for query in run.get("queries", []):
            query.update({k: v for k, v in by_name.get(query["name"], {}).items() if k != "name"})
        run["rdflib"] = side
    return run


def _worker(engine: str, folder: Path) -> dict[str, Any]:
    """A fresh interpreter per engine and size, so ru_maxrss is that run's own peak."""
    out = folder / f"{engine}.json"
    out.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "bench.worker", engine, str(folder / "spec.json"), str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0 or not out.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"status": f"failed (exit {done.returncode}): {' | '.join(tail)}"}
    return json.loads(out.read_text(encoding="utf-8"))


def time_build(work: Path) -> dict[str, Any]:
    """`coopgraph build` on the shipped data twice: a cold reasoner cache, then a warm one."""
    cache = work / "cache"
    timings: dict[str, Any] = {}
    for label in ("cold_s", "warm_s"):
        _say(f"coopgraph build on the shipped data ({label[:-2]} cache)")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", "from coopgraph.cli import main; main()", "build", "--out",
                               str(work / "build-out")], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "COOPGRAPH_CACHE": str(cache)})
        timings[label] = round(time.perf_counter() - started, 2)
        timings["exit"] = done.returncode
        if done.returncode not in (0, 1):
            timings["error"] = (done.stderr.strip().splitlines() or ["?"])[-1][:300]
            break
    return timings


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
