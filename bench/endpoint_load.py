"""The SPARQL endpoint under load: `coopgraph serve` on loopback, a bounded run of concurrent catalogue queries.

    python bench/endpoint_load.py                      # three runs (2000x8, 6000x8, 2000x32) -> bench/endpoint-load.md
    python bench/endpoint_load.py --plan 200x4 --out /tmp/load.md

The server runs as its own process (`coopgraph serve`: our proxy, with `oxigraph serve-read-only` as its child;
the memory columns are the oxigraph child's); this script is the client: a thread pool of urllib POSTs,
round-robin over every catalogue query with its default parameters. It reports throughput, latency percentiles,
errors and the server's resident memory before, at its peak during, and after the run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.processes import free_port, stop_group
from coopgraph import __version__, catalogue
from coopgraph.backend import bound_text

HERE = Path(__file__).resolve().parent


@dataclass
class Outcome:
    query: str
    seconds: float
    status: int  # HTTP status, or 0 when no answer came
    rows: int
    error: str = ""


def _queries() -> dict[str, str]:
    """Every catalogue query as the endpoint gets it: comments out, prefixes declared, defaults bound."""
    texts = {}
    for name, query in catalogue.catalogue().items():
        texts[name] = bound_text(query.text, query.bindings())  # exactly what the remote backend sends
    return texts


def _ask(url: str, text: str, timeout: float) -> tuple[int, bytes]:
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def _wait_ready(url: str, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode} before it answered")
        try:
            _ask(url, "ASK { ?s ?p ?o }", 2)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    raise SystemExit("the server did not answer within the start-up time")


def _one(url: str, name: str, text: str, timeout: float) -> Outcome:
    started = time.perf_counter()
    try:
        status, body = _ask(url, text, timeout)
        rows = len(json.loads(body).get("results", {}).get("bindings", []))
        return Outcome(name, time.perf_counter() - started, status, rows)
    except urllib.error.HTTPError as error:
        return Outcome(name, time.perf_counter() - started, error.code, 0, f"HTTP {error.code}")
    except (OSError, ValueError) as error:
        return Outcome(name, time.perf_counter() - started, 0, 0, f"{type(error).__name__}: {error}")


class _PeakMemory(threading.Thread):
    """Samples the server's resident memory every 50 ms while the load runs."""

    def __init__(self, process: psutil.Process) -> None:
        super().__init__(daemon=True)
        self.process, self.peak, self.running = process, 0, True

    def run(self) -> None:
        while self.running:
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run(requests: int, concurrency: int, timeout: float, server_timeout: float) -> dict:
    queries = _queries()
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    with tempfile.TemporaryDirectory(prefix="coopgraph-load-") as folder:
        env = {**os.environ, "COOPGRAPH_CACHE": folder}
        server = subprocess.Popen([sys.executable, "-m", "coopgraph", "serve", "--port", str(port),
                                   "--out", str(Path(folder) / "serve"), "--timeout", str(server_timeout)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            _wait_ready(url, server, time.monotonic() + 120)
            process = next(c for c in psutil.Process(server.pid).children() if "oxigraph" in c.name())
            names = list(queries)
            for name in names:  # one warm-up pass, so "before" is a server that has seen every query once
                _one(url, name, queries[name], timeout)
            rss_before = process.memory_info().rss
            sampler = _PeakMemory(process)
            sampler.start()
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                outcomes = list(pool.map(lambda i: _one(url, names[i % len(names)], queries[names[i % len(names)]],
                                                        timeout), range(requests)))
            elapsed = time.perf_counter() - started
            sampler.running = False
            sampler.join()
            time.sleep(0.5)
            rss_after = process.memory_info().rss
            server_alive = server.poll() is None
        finally:
            stop_group(server)
    return {"requests": requests, "concurrency": concurrency, "queries": len(queries), "elapsed": elapsed,
            "outcomes": outcomes, "rss_before": rss_before, "rss_peak": max(sampler.peak, rss_before),
            "rss_after": rss_after, "server_alive": server_alive, "timeout": timeout}


def _summary(result: dict) -> list[str]:
    outcomes: list[Outcome] = result["outcomes"]
    errors = [o for o in outcomes if o.status != 200 or o.error]
    latencies = [o.seconds * 1000 for o in outcomes]
    mb = 1024 * 1024
    return [
        f"| {result['requests']:,} | {result['concurrency']} | {result['elapsed']:.2f} s "
        f"| {len(outcomes) / result['elapsed']:.1f} | {_percentile(latencies, 0.50):.1f} "
        f"| {_percentile(latencies, 0.90):.1f} | {_percentile(latencies, 0.99):.1f} | {max(latencies):.1f} "
        f"| {len(errors)} | {result['rss_before'] / mb:.1f} | {result['rss_peak'] / mb:.1f} "
        f"| {result['rss_after'] / mb:.1f} | {'yes' if result['server_alive'] else 'NO'} |"
    ]


def report(results: list[dict], command: str) -> str:
    first = results[0]
    lines = [
        "# The SPARQL endpoint under load",
        "",
        f"Command: `{command}` (each run starts a fresh server).",
        "",
        f"`coopgraph serve` (oxigraph serve-read-only, coopgraph {__version__}) on 127.0.0.1, the shipped graph; "
        f"client: a separate process, a pool of threads sending urllib POSTs, round-robin over the "
        f"{first['queries']} catalogue queries with their default parameters, after one warm-up pass.",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs (shared with other work), Python "
        f"{platform.python_version()}. Latencies in ms; memory is the server's resident set in MB.",
        "",
        "| requests | concurrency | wall time | requests/s | p50 | p90 | p99 | max | errors | RSS before "
        "| RSS peak | RSS after | server up after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        lines += _summary(result)
    outcomes: list[Outcome] = first["outcomes"]
    lines += ["", f"## Per query (the first run: {first['requests']:,} requests, {first['concurrency']} at a time)",
              "", "| query | requests | rows | p50 ms | p99 ms | errors |", "| --- | --- | --- | --- | --- | --- |"]
    for name in sorted({o.query for o in outcomes}):
        mine = [o for o in outcomes if o.query == name]
        times = [o.seconds * 1000 for o in mine]
        failed = sum(1 for o in mine if o.status != 200 or o.error)
        lines.append(f"| {name} | {len(mine)} | {mine[0].rows} | {statistics.median(times):.1f} | "
                     f"{_percentile(times, 0.99):.1f} | {failed} |")
    errors = [o for result in results for o in result["outcomes"] if o.status != 200 or o.error]
    if errors:
        lines += ["", "## Errors (first 10)", ""]
        lines += [f"- {o.query}: {o.error or o.status}" for o in errors[:10]]
    return "\n".join(lines) + "\n"


def _plan(text: str) -> list[tuple[int, int]]:
    """'2000x8,6000x8' -> [(2000, 8), (6000, 8)]: requests x concurrency per run."""
    runs = []
    for part in text.split(","):
        requests, _, concurrency = part.strip().partition("x")
        if not (requests.isdigit() and concurrency.isdigit()) or int(requests) < 1 or int(concurrency) < 1:
            raise argparse.ArgumentTypeError(f"{part!r} is not REQUESTSxCONCURRENCY, such as 2000x8")
        runs.append((int(requests), int(concurrency)))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=_plan, default="2000x8,6000x8,2000x32",
                        help="runs as REQUESTSxCONCURRENCY, comma-separated (default 2000x8,6000x8,2000x32)")
    parser.add_argument("--timeout", type=float, default=30, help="client timeout per request, seconds")
    parser.add_argument("--server-timeout", type=float, default=30, help="the server's --timeout, seconds")
    parser.add_argument("--out", type=Path, default=HERE / "endpoint-load.md", help="the Markdown report")
    args = parser.parse_args()
    plan = args.plan if isinstance(args.plan, list) else _plan(args.plan)
    command = "python bench/endpoint_load.py --plan " + ",".join(f"{r}x{c}" for r, c in plan)
    results = [run(requests, concurrency, args.timeout, args.server_timeout) for requests, concurrency in plan]
    text = report(results, command)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
