"""write_outputs: every file of the network folder, on the fixture and on the shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from coopgraph.graph import open_graph
from coopgraph.network import timeline, write_outputs
from coopgraph.network.metrics import METRIC_COLUMNS
from coopgraph.network.timeline import TIMELINE_COLUMNS, explain_gap

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


def test_shipped_outputs_agree_with_each_other(shipped_outputs):
    # Every file reads back in its own format and tells the same story as the summary.
    summary = json.loads(shipped_outputs["summary"].read_text(encoding="utf-8"))
    assert summary["projection"] == "collaboration" and summary["nodes"] > 20 and summary["edges"] > 50
    metrics = pd.read_csv(shipped_outputs["metrics"])
    assert list(metrics.columns) == METRIC_COLUMNS
    assert len(metrics) == summary["nodes"]  # the collaboration projection's nodes are all agencies
    assert metrics["betweenness"].is_monotonic_decreasing
    for reader in (nx.read_gexf, nx.read_graphml):
        key = "gexf" if reader is nx.read_gexf else "graphml"
        G = reader(shipped_outputs[key])  # noqa: N806
        assert (G.number_of_nodes(), G.number_of_edges()) == (summary["nodes"], summary["edges"])
    frame = pd.read_csv(shipped_outputs["timeline"])
    assert list(frame.columns) == TIMELINE_COLUMNS and list(frame["year"]) == sorted(frame["year"])
    whatif = pd.read_csv(shipped_outputs["whatif"])
    assert set(whatif["label"]) >= set(summary["articulation_points"])


def test_the_summary_says_why_the_timeline_ends_lower(shipped_outputs):
    summary = json.loads(shipped_outputs["summary"].read_text(encoding="utf-8"))
    last = pd.read_csv(shipped_outputs["timeline"]).iloc[-1]
    gap = summary["timeline_last_year"]
    assert (gap["year"], gap["nodes"], gap["edges"]) == (last["year"], last["nodes"], last["edges"])
    assert gap["nodes"] + gap["ended_nodes"] + gap["undated_nodes"] == summary["nodes"]
    assert gap["edges"] + gap["ended_edges"] + gap["undated_edges"] == summary["edges"]
    assert f"its last row ({gap['year']}: {gap['nodes']} nodes, {gap['edges']} edges)" in summary["versus_timeline"]


def test_fixture_gap_is_the_membership_that_ended(tmp_path):
    # The fixture's ya-cell membership ended in 2020: one agency and one tie are in the summary, not in 2025.
    written = write_outputs(open_graph(None, FIXTURE), tmp_path)
    summary = json.loads(written["summary"].read_text(encoding="utf-8"))
    assert summary["timeline_last_year"] == {"year": 2025, "nodes": 5, "edges": 5, "ended_nodes": 1,
                                             "ended_edges": 1, "undated_nodes": 0, "undated_edges": 0}
    assert summary["versus_timeline"].endswith("leaves out 1 node and 1 edge whose ties ended before 2025.")


def test_gap_sentences():
    same = {"year": 2025, "nodes": 3, "edges": 2, "ended_nodes": 0, "ended_edges": 0, "undated_nodes": 0,
            "undated_edges": 0}
    assert explain_gap(same, 3, 2) == ("The summary and the timeline's last row (2025) count the same 3 nodes and 2 "
                                       "edges.")
    undated = {**same, "nodes": 1, "edges": 0, "undated_nodes": 2, "undated_edges": 2}
    assert explain_gap(undated, 3, 2).endswith("leaves out 2 nodes and 2 edges whose ties have no start year (or "
                                               "start after 2025).")


def test_shipped_timeline_starts_in_the_nineties(shipped_outputs):
    frame = pd.read_csv(shipped_outputs["timeline"])
    assert frame["year"].min() < 2000 and frame["year"].max() == 2025
    assert frame["cross_border_edges"].iloc[-1] > 0
    assert len(pd.read_csv(shipped_outputs["whatif"])) >= 1


@pytest.fixture(scope="module")
def shipped_outputs(shipped_graph, tmp_path_factory):
    return write_outputs(shipped_graph, tmp_path_factory.mktemp("network"))
