"""The persistent store: built once, opened at once, rebuilt exactly when an input changed, never left broken."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from fixtures.messages import problem_lines

from coopgraph import persist

REPO = Path(__file__).resolve().parent.parent
EXTRA = ('@prefix agency: <https://w3id.org/coopgraph/id/agency/> .\n'
         '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
         'agency:persist-test rdfs:label "Persist test"@en .\n')


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coopgraph", *args], cwd=project, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def triples(result: subprocess.CompletedProcess[str]) -> int:
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[0])


def store_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("store: ")]


def test_built_once_then_opened_and_the_same_as_a_load_in_memory(project: Path) -> None:
    first = cli(project, "info")
    assert store_lines(first) and "building" in store_lines(first)[0]
    second = cli(project, "info")
    assert store_lines(second) == []  # opened, not rebuilt
    assert triples(first) == triples(second) == triples(cli(project, "info", "--no-cache"))
    assert cli(project, "query", "most-connected-agencies", "--format", "csv").stdout == \
        cli(project, "query", "most-connected-agencies", "--format", "csv", "--no-cache").stdout
    assert "reading ontology/ and data/" in second.stderr


@pytest.mark.parametrize("change", ["edit", "add", "delete", "rename", "ontology", "rule", "shapes"])
def test_every_kind_of_input_change_rebuilds(project: Path, change: str) -> None:
    before = triples(cli(project, "info"))
    data_file = sorted((project / "data").glob("*.ttl"))[0]
    expected = {"edit": "changed", "add": "added", "delete": "removed", "rename": "added",
                "ontology": "changed", "rule": "changed", "shapes": "changed"}[change]
    if change == "edit":
        data_file.write_text(data_file.read_text(encoding="utf-8") + "\n" + EXTRA, encoding="utf-8")
    elif change == "add":
        (project / "data" / "more.ttl").write_text(EXTRA, encoding="utf-8")
    elif change == "delete":
        data_file.unlink()
    elif change == "rename":
        data_file.rename(data_file.with_name("renamed.ttl"))
    elif change == "ontology":
        target = project / "ontology" / "coopgraph.ttl"
        target.write_text(target.read_text(encoding="utf-8") + "\n" + EXTRA, encoding="utf-8")
    elif change == "rule":
        rule = sorted((project / "ontology" / "rules").glob("*.rq"))[0]
        rule.write_text(rule.read_text(encoding="utf-8") + "\n# a comment changes the digest\n", encoding="utf-8")
    else:
        shapes = project / "ontology" / "shapes.ttl"
        shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# tightened\n", encoding="utf-8")
    after = cli(project, "info")
    lines = store_lines(after)
    assert len(lines) == 1 and lines[0].startswith("store: rebuilding") and expected in lines[0], after.stderr
    assert triples(after) == triples(cli(project, "info", "--no-cache"))
    if change in ("edit", "add", "ontology"):
        assert triples(after) == before + 1
    assert store_lines(cli(project, "info")) == []


def test_a_corrupted_store_is_rebuilt_without_a_traceback(project: Path) -> None:
    count = triples(cli(project, "info"))
    folder = persist.project_folder(project / "ontology", project / "data")
    (store,) = folder.glob("store-*")
    for path in (store / "oxigraph").iterdir():
        if path.is_file():
            path.write_bytes(b"not a database")
    result = cli(project, "info")
    assert "Traceback" not in result.stderr and triples(result) == count
    (store,) = folder.glob("store-*")
    (store / "manifest.json").write_text("{", encoding="utf-8")
    result = cli(project, "info")
    assert "Traceback" not in result.stderr and triples(result) == count


def test_a_foreign_folder_where_the_store_goes_is_refused_and_kept(project: Path) -> None:
    folder = persist.project_folder(project / "ontology", project / "data")
    folder.mkdir(parents=True)
    (folder / "precious.txt").write_text("mine", encoding="utf-8")
    result = cli(project, "info")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = problem_lines(result.stderr)
    assert "not a coopgraph store folder" in line
    assert (folder / "precious.txt").read_text(encoding="utf-8") == "mine"


def test_an_unwritable_cache_falls_back_to_memory_in_one_line(project: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("COOPGRAPH_CACHE", str(blocker / "cache"))  # under a file: cannot be created
    result = cli(project, "info")
    assert triples(result) > 0
    (line,) = store_lines(result)
    assert "loading in memory" in line


def test_two_readers_at_once_on_a_cold_and_a_warm_store(project: Path) -> None:
    for _ in range(2):  # first both build (one waits for the other), then both open
        runs = [subprocess.Popen([sys.executable, "-m", "coopgraph", "info", "--format", "csv"], cwd=project,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert outputs[0][0] == outputs[1][0]
    folder = persist.project_folder(project / "ontology", project / "data")
    assert len(list(folder.glob("store-*"))) == 1 and not list(folder.glob(".building-*"))


def _start_rebuild(project: Path) -> subprocess.Popen[str]:
    """Change the data enough that a rebuild takes a while, and start one."""
    from coopgraph.synth import generate

    generate(project / "data" / "synth", 60_000, seed=1, ontology_dir=project / "ontology")
    return subprocess.Popen([sys.executable, "-m", "coopgraph", "info"], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_building(folder: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not list(folder.glob(".building-*")):
        assert process.poll() is None and time.monotonic() < deadline, "the rebuild never started"
        time.sleep(0.02)


def test_a_reader_during_a_rebuild_waits_and_gets_a_whole_store(project: Path) -> None:
    triples(cli(project, "info"))
    folder = persist.project_folder(project / "ontology", project / "data")
    builder = _start_rebuild(project)
    _wait_for_building(folder, builder)
    reader = cli(project, "info")
    builder.communicate(timeout=300)
    assert builder.returncode == 0
    assert triples(reader) == triples(cli(project, "info", "--no-cache"))


def test_sigkill_during_a_rebuild_leaves_no_half_store(project: Path) -> None:
    triples(cli(project, "info"))
    folder = persist.project_folder(project / "ontology", project / "data")
    builder = _start_rebuild(project)
    _wait_for_building(folder, builder)
    builder.send_signal(signal.SIGKILL)
    builder.communicate(timeout=60)
    after = cli(project, "info")
    assert "Traceback" not in after.stderr
    assert triples(after) == triples(cli(project, "info", "--no-cache"))
    assert not list(folder.glob(".building-*"))


def test_an_installed_wheel_reads_the_checkout_it_is_run_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """README command 1 is a non-editable install: the wheel carries a copy of ontology/ and data/, but inside a
    checkout every command must read (and import must write) the checkout's own folders."""
    monkeypatch.setenv("COOPGRAPH_CACHE", str(tmp_path / "cache"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheels), str(REPO)], check=True, capture_output=True, timeout=300)
    site = tmp_path / "site"
    with zipfile.ZipFile(next(wheels.glob("coopgraph-*.whl"))) as wheel:
        wheel.extractall(site)
    assert (site / "coopgraph" / "resources" / "data").is_dir()
    checkout = tmp_path / "checkout"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO / name, checkout / name)
    shutil.copy(REPO / "pyproject.toml", checkout / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONWARNINGS": "ignore"}

    def run(*args: str, cwd: Path = checkout) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "coopgraph", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=600, env=env)

    rows = tmp_path / "rows.csv"
    # the template's example row, filled in (unchanged, it is refused)
    rows.write_text(run("import", "--template", "source").stdout.replace("(replace this row)", "(filled in)"),
                    encoding="utf-8")
    imported = run("import", str(rows), "--kind", "source")
    assert imported.returncode == 0, imported.stderr
    assert list((checkout / "data").glob("imported-source-*.ttl"))
    refused = run("import", str(rows), "--kind", "source", cwd=tmp_path)  # outside: the wheel's own data/
    assert refused.returncode == 2 and "installed with coopgraph" in refused.stderr
    assert run("info").returncode == 0  # builds the store of the checkout's folders
    with (checkout / "data" / "ca-us" / "agencies.ttl").open("a", encoding="utf-8") as handle:
        handle.write('\nagency:unsourced-test a coop:Agency ; rdfs:label "Unsourced test agency"@en .\n')
    validated = run("validate", "--no-consistency")
    assert validated.returncode == 1, validated.stdout + validated.stderr
    assert "agencies.ttl" in validated.stdout and "unsourced-test" in validated.stdout
    assert "reading ontology/ and data/" in validated.stderr
    assert "store: rebuilding, data/ca-us/agencies.ttl changed" in validated.stderr
    info = run("info", "--format", "csv")
    assert info.returncode == 0 and "unsourced-test" not in info.stderr and "store:" not in info.stderr
    shipped = run("info", cwd=tmp_path)  # outside any project: the wheel's own copy
    assert shipped.returncode == 0 and "shipped with coopgraph" in shipped.stderr


def test_a_store_from_another_version_is_rebuilt(project: Path) -> None:
    count = triples(cli(project, "info"))
    folder = persist.project_folder(project / "ontology", project / "data")
    (store,) = folder.glob("store-*")
    for name in ("manifest.json",):
        text = (store / name).read_text(encoding="utf-8")
        (store / name).write_text(text.replace('"version": "', '"version": "0.0.0-old-'), encoding="utf-8")
    current = (folder / "current").read_text(encoding="utf-8")
    (folder / "current").write_text(current.replace('"version": "', '"version": "0.0.0-old-'), encoding="utf-8")
    result = cli(project, "info")
    (line,) = store_lines(result)
    assert "rebuilding, coopgraph 0.0.0-old-" in line and triples(result) == count
