"""`python -m bench.parity [--out docs/parity.md]`: the catalogue on four engines, query by query, same or differs.

Every catalogue query, with its default parameters bound as coopgraph binds them, runs on the embedded store
(pyoxigraph), a real `oxigraph serve`, Virtuoso (Debian's virtuoso-opensource, a fresh database, the shipped
graph in a named graph, restarted once) and Jena ARQ (Debian's libapache-jena-java, over the same N-Triples).
Each engine's rows are compared with the embedded store's as multisets of normalised cells. One more column,
"Virtuoso before restart", shows the same fresh database queried before its restart: why the tests restart it.

The engines are started by the test infrastructure's own helpers (tests/fixtures/servers.py), so this table and
tests/test_parity.py measure the same thing. Needs both Debian packages; takes about a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from coopgraph import catalogue, paths
from coopgraph.backend import Backend, Embedded, Remote, bound_text
from coopgraph.errors import CoopgraphError
from coopgraph.graph import open_graph
from coopgraph.push import push
from coopgraph.results import ResultTable
from coopgraph.serve import server_binary

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from fixtures import servers  # noqa: E402 - the test infrastructure's engine helpers, shared on purpose

ENGINES = ("Oxigraph embedded", "Oxigraph server", "Virtuoso", "Jena ARQ", "Virtuoso before restart")
Outcome = ResultTable | str  # a table, or why the engine gave none


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parity", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "parity.md", help="the Markdown file to write")
    parser.add_argument("--queries", type=Path, default=None,
                        help="a catalogue folder other than queries/ (say, an older version's, to compare)")
    args = parser.parse_args(argv)
    queries = catalogue.catalogue(args.queries)
    texts = {name: bound_text(q.text, q.bindings()) for name, q in sorted(queries.items())}
    graph = open_graph(paths.ontology_dir(), paths.data_dir())
    with tempfile.TemporaryDirectory(prefix="coopgraph-parity-") as scratch:
        work = Path(scratch)
        ntriples = work / "graph.nt"
        graph.store.dump(str(ntriples), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        results: dict[str, dict[str, Outcome]] = {
            "Oxigraph embedded": run_backend(Embedded(graph), texts)}
        with servers.oxigraph_server(server_binary()) as base:
            push(ntriples.read_bytes(), base + "/store")
            results["Oxigraph server"] = run_backend(Remote(base + "/query"), texts)
        with servers.virtuoso_server(work / "virtuoso-fresh", ntriples, restart=False) as fresh:
            results["Virtuoso before restart"] = run_backend(Remote(fresh.sparql, graph=servers.GRAPH_IRI), texts)
        with servers.virtuoso_server(work / "virtuoso", ntriples) as server:
            results["Virtuoso"] = run_backend(Remote(server.sparql, graph=servers.GRAPH_IRI), texts)
        results["Jena ARQ"] = run_jena(work, ntriples, texts)
        triples = len(graph.store)
    folder = args.queries or paths.queries_dir()
    args.out.write_text(render(results, texts, triples, folder), encoding="utf-8")
    print(f"wrote {args.out}")
    for engine in ENGINES[1:]:
        same = sum(1 for name in texts if verdict(results, engine, name) == "same")
        print(f"  {engine}: {same}/{len(texts)} the same")
    return 0


def run_backend(backend: Backend, texts: dict[str, str]) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    for name, text in texts.items():
        try:
            outcomes[name] = backend.select(text, source=name, max_rows=None)
        except CoopgraphError as error:
            outcomes[name] = f"error: {error.message}"
    return outcomes


def run_jena(work: Path, ntriples: Path, texts: dict[str, str]) -> dict[str, Outcome]:
    classpath = servers.jena_classpath(work)

    def run(name: str) -> Outcome:
        try:
            return servers.jena_select(classpath, ntriples, texts[name], work, name)
        except (RuntimeError, OSError, ValueError) as error:
            return f"error: {error}"

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(texts, pool.map(run, texts), strict=True))


def verdict(results: dict[str, dict[str, Outcome]], engine: str, name: str) -> str:
    """"same", or what differs from the embedded store, in a few words."""
    expected, actual = results["Oxigraph embedded"][name], results[engine][name]
    if engine == "Oxigraph embedded":
        return actual if isinstance(actual, str) else f"reference, {len(actual)} rows"
    if isinstance(actual, str):
        return actual.splitlines()[0][:120]
    if isinstance(expected, str):
        return "embedded store failed"
    if not servers.differences(expected, actual):
        return "same"
    want, got = servers.row_multiset(expected), servers.row_multiset(actual)
    missing, extra = sum((want - got).values()), sum((got - want).values())
    return f"differs: {len(actual)} rows ({len(expected)} expected), {missing} missing, {extra} extra"


def render(results: dict[str, dict[str, Outcome]], texts: dict[str, str], triples: int, folder: Path) -> str:
    names = list(texts)
    totals = {e: f"**{sum(1 for n in names if verdict(results, e, n) == 'same')}/{len(names)}**" for e in ENGINES}
    totals["Oxigraph embedded"] = "reference"
    lines = [
        "# Catalogue parity across SPARQL engines",
        "",
        f"Written by `python -m bench.parity` on {datetime.date.today().isoformat()}; do not edit by hand.",
        "",
        f"Every catalogue query (`{_shown(folder)}/*.rq`, {len(names)}) with its default parameters bound as coopgraph "
        "binds them (a VALUES block), on the shipped graph as coopgraph builds it "
        f"({triples:,} triples, derived links included). Each engine's rows are compared with the embedded "
        "store's (the reference) as multisets; \"same\" means the same columns and the same rows, each cell the "
        "same RDF term or the same value (below).",
        "",
        "Engines: " + "; ".join(versions()) + ".",
        "",
        "| query | " + " | ".join(ENGINES) + " |",
        "|---|" + "---|" * len(ENGINES),
    ]
    lines += [f"| {name} | " + " | ".join(verdict(results, e, name) for e in ENGINES) + " |" for name in names]
    lines += ["| **the same** | " + " | ".join(totals[e] for e in ENGINES) + " |", ""]
    lines += [
        "How the engines ran (tests/fixtures/servers.py starts them, for this table and for tests/test_parity.py):",
        "",
        "- Oxigraph server: `oxigraph serve` in memory on a loopback port, the graph pushed to its default graph "
        "with coopgraph's push; queries through coopgraph's Remote backend.",
        "- Virtuoso: a fresh database folder, both ports bound to 127.0.0.1, the graph loaded into a named graph "
        "with `DB.DBA.TTLP_MT` and a checkpoint, then the server restarted once; queries through "
        "coopgraph's Remote backend with `graph=` the named graph (sent as `default-graph-uri`). "
        "\"Virtuoso before restart\" is a second fresh database queried right after the load, without the "
        "restart: property paths (`rdfs:subClassOf*` in OPTIONAL, `rdfs:subClassOf+` in FILTER NOT EXISTS) "
        "give wrong rows until the server has been restarted once. After a bulk load into a new database, "
        "restart Virtuoso.",
        "- Jena ARQ: `arq.sparql --data graph.nt --query q.rq --results json`, one JVM per query.",
        "",
        "How cells are compared (`normalise` in tests/fixtures/servers.py): only lexical forms of equal values "
        "are merged. A number is its exact decimal value, whatever its numeric datatype (an aggregate may be "
        "xsd:integer on one engine and xsd:decimal on another; 3 and 3.0 are equal, 3.3333 and 3.3334 are not); "
        "a boolean is true or false (1 and 0 are its other lexical forms); a plain literal and an xsd:string "
        "are one term (RDF 1.1); language tags are compared in lower case (BCP 47). Everything else, dates and "
        "gYears included, must match character for character with the same datatype or language. Row order is "
        "not compared (ties under ORDER BY may fall either way); row multiplicity is.",
        "",
    ]
    return "\n".join(lines)


def _shown(folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(ROOT))
    except ValueError:
        return str(folder)


def versions() -> list[str]:
    found = [f"pyoxigraph {ox.__version__}" if hasattr(ox, "__version__") else "pyoxigraph"]
    found.append(_first_line([server_binary(), "--version"]) or "oxigraph serve")
    virtuoso = _first_line([servers.VIRTUOSO, "-?"], line=1)
    found.append(f"Virtuoso {virtuoso.split()[1]}" if virtuoso.startswith("Version") else "Virtuoso")
    jars = sorted(servers.JAVA_DIR.glob("jena-arq-*.jar"))
    found.append(f"Jena ARQ {jars[-1].stem.removeprefix('jena-arq-')}" if jars else "Jena ARQ")
    return found


def _first_line(command: list[str], line: int = 0) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except OSError:
        return ""
    lines = (done.stdout + done.stderr).splitlines()
    return lines[line].strip() if len(lines) > line else ""


if __name__ == "__main__":
    raise SystemExit(main())
