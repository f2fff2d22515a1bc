"""The report's findings: computed from the projections, for the whole graph and each country pair."""

from __future__ import annotations

import networkx as nx
import pytest

from coopgraph import catalogue, findings
from coopgraph.network import projection, rows_for
from coopgraph.network.timeline import presence, timeline


def _agency(graph: nx.Graph, name: str, country: str) -> None:
    graph.add_node(name, label=name, country=country, category="agency", kind="Agency", sources="[]")


def test_pairs_are_the_countries_with_a_cross_border_tie_most_ties_first():
    graph = nx.Graph()
    for name, country in (("a1", "A"), ("a2", "A"), ("b1", "B"), ("c1", "C"), ("ab", "A; B")):
        _agency(graph, name, country)
    graph.add_edge("a1", "b1", cross_border=True)
    graph.add_edge("a2", "b1", cross_border=True)
    graph.add_edge("a1", "c1", cross_border=True)
    graph.add_edge("a1", "a2", cross_border=False)
    assert findings.country_pairs(graph) == [("A", "B"), ("A", "C")]


@pytest.fixture(scope="module")
def rows(shipped_graph):
    return rows_for(shipped_graph)


@pytest.fixture(scope="module")
def scopes(rows):
    return findings.scopes(rows)


def test_the_whole_graph_comes_first_and_counts_what_the_projection_holds(rows, scopes):
    whole = projection(rows, "collaboration")
    first = scopes[0]
    assert first.slug == "all" and first.countries == ()
    assert first.figures["agencies"] == whole.number_of_nodes()
    assert first.figures["ties"] == whole.number_of_edges()
    assert first.figures["cross_border_ties"] == sum(1 for *_, c in whole.edges(data="cross_border") if c)
    assert first.figures["single_points_of_failure"] == min(len(list(nx.articulation_points(whole))),
                                                            findings.MAX_CUT_POINTS)
    assert [f.key for f in first.findings] == ["size", "brokers", "cut", "threats", "growth"]
    known = set(catalogue.catalogue())
    for scope in scopes:
        for finding in scope.findings:
            assert finding.sentence and set(finding.queries) <= known, finding


def test_a_pair_is_the_ties_through_its_own_vehicles(rows, scopes):
    declared = rows.pairs()
    pairs = scopes[1:]
    assert {scope.title for scope in pairs} == set(declared.values()) and len(pairs) >= 2
    for scope in pairs:
        iri = next(iri for iri, label in declared.items() if label == scope.title)
        assert set(scope.graph.edges) == set(projection(rows, "collaboration", pair=iri).edges)
        assert len(scope.countries) == 2
        assert scope.figures["cross_border_ties"] > 0


def test_growth_counts_what_analyze_year_counts(rows, scopes):
    growth = next(f for f in scopes[0].findings if f.key == "growth").frame.set_index("year")
    yearly = timeline(rows).set_index("year")
    assert growth["agencies"].to_dict() == yearly["nodes"].to_dict()
    assert growth["ties"].to_dict() == yearly["edges"].to_dict()
    assert growth["cross_border_ties"].to_dict() == yearly["cross_border_edges"].to_dict()


def test_presence_holds_each_node_and_tie_in_exactly_the_years_the_projection_has_them(rows):
    for name in ("collaboration", "threat"):
        found = presence(rows, name)
        for year in (found.first, (found.first + found.last) // 2, found.last):
            graph = projection(rows, name, year)
            stands = {n for n, ranges in found.nodes.items() if any(a <= year <= b for a, b in ranges)}
            assert stands == set(graph.nodes), (name, year)
            ties = {e for e, ranges in found.edges.items() if any(a <= year <= b for a, b in ranges)}
            assert ties == {frozenset(e) for e in graph.edges}, (name, year)


def test_single_points_of_failure_say_what_breaks(scopes):
    for scope in scopes:
        cut = next(f for f in scope.findings if f.key == "cut")
        for record in cut.frame.itertuples(index=False):
            assert record.components_after > record.components_before  # an articulation point splits something
        for record in cut.frame.head(3).itertuples(index=False):
            assert (f"without {record.agency} the network splits from {record.components_before} into "
                    f"{record.components_after} parts") in cut.sentence
        if cut.frame.empty:
            assert "No agency is a single point of failure" in cut.sentence
