"""write_outputs: every file of the network folder, on the fixture and on the shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from coopgraph.graph import open_graph
from coopgraph.network import timeline, write_outputs

FIXTURE = Path(__file__).parent / "fixtures" / "network" / "data"
FILES = {"metrics": "metrics.csv", "timeline": "timeline.csv", "whatif": "whatif.csv", "summary": "summary.json",
         "gexf": "collaboration.gexf", "graphml": "collaboration.graphml"}


def test_fixture_outputs(tmp_path):
    written = write_outputs(open_graph(None, FIXTURE), tmp_path / "network")
    assert {key: path.name for key, path in written.items()} == FILES
    metrics = pd.read_csv(written["metrics"])
    assert len(metrics) == 6
    assert any("betweenness" in c for c in metrics.columns) and "community" in metrics.columns
    whatif = pd.read_csv(written["whatif"])
    # every articulation point gets a what-if
    assert set(whatif["label"]) == {"Xland Border Agency", "Xland Police", "Yland Customs"}
    summary = json.loads(written["summary"].read_text(encoding="utf-8"))
    assert summary["cross_border_edges"] == 3 and summary["max_k_core"] == 2 and len(summary["bridges"]) == 3
    assert nx.read_gexf(written["gexf"]).number_of_edges() == 6


def test_fixture_timeline_from_the_first_start_to_2025():
    frame = timeline(open_graph(None, FIXTURE).store)
    assert frame["year"].iloc[0] == 1998 and frame["year"].iloc[-1] == 2025
    by_year = frame.set_index("year")
    assert by_year.loc[1998, "edges"] == 3 and by_year.loc[1998, "cross_border_edges"] == 2
    assert by_year.loc[2015, "nodes"] == 6 and by_year.loc[2021, "nodes"] == 5


@pytest.mark.parametrize("key", sorted(FILES))
def test_shipped_outputs_are_written_and_not_empty(shipped_outputs, key):
    path = shipped_outputs[key]
    assert path.is_file() and path.stat().st_size > 0


def test_shipped_timeline_starts_in_the_nineties(shipped_outputs):
    frame = pd.read_csv(shipped_outputs["timeline"])
    assert frame["year"].min() < 2000 and frame["year"].max() == 2025
    assert frame["cross_border_edges"].iloc[-1] > 0
    assert len(pd.read_csv(shipped_outputs["whatif"])) >= 1


@pytest.fixture(scope="module")
def shipped_outputs(shipped_graph, tmp_path_factory):
    return write_outputs(shipped_graph, tmp_path_factory.mktemp("network"))
