"""The benchmark runs end to end on a tiny size and writes the documented JSON shape (timings are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_tiny_run_writes_json_and_markdown(tmp_path: Path) -> None:
    out, results = tmp_path / "bench.json", tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--triples", "2000", "--json", str(out), "--results", str(results),
         "--work", str(tmp_path / "work"), "--no-build", "--rdflib-cap", "2", "--full-validation-max", "0"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert {"cpu", "cores", "ram_gb", "python", "versions"} <= set(result["machine"])
    (run,) = result["runs"]
    assert {"triples", "load_s", "peak_rss_mb", "queries", "stages", "rdflib"} <= set(run)
    assert run["triples"] > 1000
    assert run["queries"], "no query was timed"
    for query in run["queries"]:
        assert "name" in query
        if "error" not in query:
            assert {"coopgraph_s", "pyoxigraph_s", "rows"} <= set(query)
            assert "rdflib_s" in query or "rdflib_error" in query or "skipped" in query
    # both sides read the same files: the same triples, and rdflib's load was timed (its value is not checked)
    assert run["rdflib"]["triples"] == run["triples"]
    assert isinstance(run["rdflib"]["load_s"], float)
    for stage in run["stages"].values():
        assert stage["status"] in {"ok", "not available", "skipped", "error"}
    text = results.read_text(encoding="utf-8")
    assert "| triples |" in text and "## Targets" in text


def test_store_bench_tiny_run_writes_json_and_markdown(tmp_path: Path) -> None:
    """bench.store end to end at 2k triples on one query: the cold build, warm commands, serve, the phases."""
    out, results = tmp_path / "store.json", tmp_path / "store.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench.store", "--triples", "2000", "--runs", "1", "--queries", "agency-profile",
         "--json", str(out), "--results", str(results), "--work", str(tmp_path / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["cold"]["exit"] == 0 and result["cold"]["store_bytes"] > 0 and result["cold"]["triples"] > 1000
    assert "building" in result["cold"]["stderr"][0]
    assert result["info_warm"]["exit"] == [0]
    (query,) = result["queries"]
    assert query["name"] == "agency-profile" and query["params"]  # bound to the data set's sample agency
    assert query["rows"] == query["engine_rows"] > 0  # coopgraph and the engine's CLI agree on the answer
    assert query["coopgraph"]["exit"] == query["engine"]["exit"] == [0]
    assert query["engine_in_memory_s"] is not None
    assert result["serve"]["runs"][0]["answer"] is True
    assert {"imports_s", "open_store_s", "query_s", "heaviest_imports"} <= set(result["phases"])
    assert {t["target"] for t in result["targets"]} and all(isinstance(t["met"], bool) for t in result["targets"])
    assert not list((tmp_path / "work").glob("cache-*"))  # the private cache is removed
    text = results.read_text(encoding="utf-8")
    assert "## Targets" in text and "| agency-profile |" in text
