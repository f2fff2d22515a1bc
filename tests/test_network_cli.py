"""`coopgraph analyze` and `coopgraph export`, run the way a person runs them, on the fixture graph."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
from fixtures.messages import problem_lines

FIXTURE = str(Path(__file__).parent / "fixtures" / "network" / "data")


def test_analyze_csv_has_one_row_per_agency(cli):
    result = cli("analyze", "--data", FIXTURE, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6
    assert "betweenness" in rows[0] and "community" in rows[0] and rows[0]["label"] == "Xland Border Agency"


def test_analyze_what_if_and_year_as_json(cli):
    result = cli("analyze", "--data", FIXTURE, "--remove", "agency:xa-border", "--year", "2010", "--format", "json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["components_after"] == 2 and record["cross_border_ties_lost"] == 2


def test_analyze_unknown_entity_is_one_line_and_exit_2(cli):
    result = cli("analyze", "--data", FIXTURE, "--remove", "nobody")
    assert result.returncode == 2
    assert problem_lines(result.stderr)[0].startswith("error: ") and "Traceback" not in result.stderr


def test_export_graphml(cli, tmp_path):
    graphml = tmp_path / "out" / "collaboration.graphml"
    result = cli("export", "--data", FIXTURE, "--format", "graphml", "--out", str(graphml))
    assert result.returncode == 0, result.stderr
    assert nx.read_graphml(graphml).number_of_nodes() == 6
