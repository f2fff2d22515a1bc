"""The main path: the CLI, loading with file:line errors, the catalogue, and the build's output folder."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from coopgraph import catalogue, paths
from coopgraph.cli import COMMANDS
from coopgraph.errors import InputError
from coopgraph.load import load
from coopgraph.namespaces import PREFIXES, turtle_prefix_block


def test_version_and_help(cli):
    assert cli("--version").stdout.startswith("coopgraph, version")
    result = cli("--help")
    assert result.returncode == 0
    for name in ("build", "validate", "query", "queries", "info"):
        assert name in result.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(cli, command):
    result = cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_every_turtle_file_uses_the_shared_prefixes():
    for path in sorted(paths.ontology_dir().rglob("*.ttl")) + sorted(paths.data_dir().rglob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith("@prefix"):
                name, iri = line.split()[1].rstrip(":"), line.split()[2].strip("<>")
                assert PREFIXES.get(name) == iri, f"{path}: prefix {name}: differs from namespaces.PREFIXES"


def _bad_copy(tmp_path: Path, line_of_error: int) -> Path:
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    lines = [line.rstrip("\n") for line in turtle_prefix_block().splitlines()]
    lines += ["" for _ in range(line_of_error - len(lines) - 1)]
    lines.append('agency:broken rdfs:label "unterminated ;')
    (data / "zz-broken.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


def test_syntax_error_names_file_and_line(tmp_path):
    data = _bad_copy(tmp_path, 40)
    with pytest.raises(InputError) as caught:
        load(paths.ontology_dir(), data)
    assert caught.value.path.name == "zz-broken.ttl"
    assert caught.value.line == 40


@pytest.mark.parametrize("command", ["validate", "build"])
def test_cli_reports_syntax_error_without_traceback(cli, tmp_path, command):
    data = _bad_copy(tmp_path, 33)
    out = tmp_path / "out"
    args = [command, "--data", str(data)] + (["--out", str(out)] if command == "build" else [])
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "zz-broken.ttl:33:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_queries_lists_the_catalogue(cli):
    result = cli("queries")
    assert result.returncode == 0
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert names == sorted(catalogue.catalogue())
    assert len(names) >= 1


def test_query_csv_has_header_and_rows(cli):
    # The header is the query's documented columns, in order; every row has a cell per column.
    result = cli("query", "mechanism-members", "--param", "mechanism=cbftf", "--format", "csv")
    assert result.returncode == 0, result.stderr
    header, *rows = list(csv.reader(io.StringIO(result.stdout)))
    columns = catalogue.catalogue()["mechanism-members"].columns
    assert header == columns and "member" in columns
    assert rows and all(len(row) == len(columns) for row in rows)
    members = {row[columns.index("member")] for row in rows}
    assert PREFIXES["agency"] + "rcmp" in members  # data/ca-us/mechanisms.ttl: participation:cbftf--rcmp


def test_query_from_stdin_and_unknown_parameter(cli):
    result = cli("query", "-", "--format", "json", stdin="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert result.returncode == 0, result.stderr
    assert '"n":' in result.stdout
    bad = cli("query", "mechanism-members", "--param", "no_such_parameter=1")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == ("error: mechanism-members: unknown parameter no_such_parameter; this query takes: "
                          "mechanism\n")


def test_info_counts_instances(cli):
    result = cli("info", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "ontology#Agency" in result.stdout


def test_build_writes_the_report(cli, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "graph.ttl", "graph.nt", "validation.txt"):
        assert (out / name).is_file(), name
    assert list((out / "queries").glob("*.csv"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")], "staging folders left behind"
