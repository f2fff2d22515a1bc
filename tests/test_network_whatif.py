"""What-if on the fixture graph (see tests/fixtures/network/README.md for the known answers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgraph.errors import CoopgraphError
from coopgraph.graph import open_graph
from coopgraph.network import projection, what_if

FIXTURE = Path(__file__).parent / "fixtures" / "network" / "data"


@pytest.fixture(scope="module")
def collaboration():
    return projection(open_graph(None, FIXTURE).store, "collaboration")


def test_removing_a_broker_agency_splits_the_network(collaboration):
    result = what_if(collaboration, "xa-border")
    assert result["removed"] == "https://w3id.org/coopgraph/id/agency/xa-border"
    assert (result["components_before"], result["components_after"]) == (1, 2)
    assert result["fragment_sizes"] == [3, 2]
    assert result["cross_border_ties_lost"] == 2
    assert result["agencies_isolated"] == []


def test_removing_a_leaf_isolates_nothing_and_splits_nothing(collaboration):
    result = what_if(collaboration, "Xland Financial Intelligence Unit")
    assert result["components_after"] == 1 and result["cross_border_ties_lost"] == 0


def test_removing_a_mechanism_takes_it_off_every_tie(collaboration):
    result = what_if(collaboration, "mechanism:tf1")
    assert result["label"] == "Task Force One"
    assert result["edges_after"] == 4  # the two police forces still share the operation
    assert result["components_after"] == 2 and result["fragment_sizes"] == [3, 3]
    assert result["cross_border_ties_lost"] == 1
    forum = what_if(collaboration, "Border Forum")
    assert forum["components_after"] == 2 and forum["cross_border_ties_lost"] == 1


def test_removing_the_only_shared_vehicle_isolates_an_agency(collaboration):
    result = what_if(collaboration, "https://w3id.org/coopgraph/id/mechanism/ya-cell")
    assert result["agencies_isolated"] == ["Yland Coast Guard"]
    assert result["nodes_after"] == result["nodes_before"]


def test_the_original_graph_is_untouched(collaboration):
    edges = collaboration.number_of_edges()
    what_if(collaboration, "XP")  # an acronym
    assert collaboration.number_of_edges() == edges


def test_unknown_entity_is_a_clear_error(collaboration):
    with pytest.raises(CoopgraphError, match="CURIE such as agency:rcmp"):
        what_if(collaboration, "agency:nobody")
