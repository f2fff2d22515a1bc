"""Time-true data (issue 15): the history 1995-2025 meets its minimums, every tie is dated or says why not,
the time checks catch planted errors, year views respect agency lifetimes, and HermiT opens the release graph."""

from __future__ import annotations

import tempfile
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest
from fixtures.ontology import data_folder

from coopgraph import catalogue, paths
from coopgraph.graph import open_graph
from coopgraph.namespaces import sparql_prefix_block
from coopgraph.network.projections import projection
from coopgraph.reason import java_available
from coopgraph.release import write_owl_graph
from coopgraph.store import select
from coopgraph.validate import validate

FIRST_YEAR, LAST_YEAR = 1995, 2025
BAD_DATES = Path(__file__).resolve().parent / "fixtures" / "history" / "bad-dates.ttl"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPGRAPH_CACHE", str(tmp_path / "cache"))


def values(graph, query: str) -> list[str]:
    return [row[0].value for row in graph.store.query(sparql_prefix_block() + query)]


def test_at_least_40_agreements_and_mechanisms_have_a_sourced_start(shipped_graph):
    dated = values(shipped_graph, """
        SELECT DISTINCT ?x WHERE {
          { ?x a/rdfs:subClassOf* coop:Agreement } UNION { ?x a/rdfs:subClassOf* coop:CoordinationMechanism }
          VALUES ?p { coop:startDate coop:established coop:dateSigned coop:dateInForce }
          ?x ?p ?date ; dcterms:source ?s . ?s a coop:Source ; dcterms:title ?t }""")
    assert len(dated) >= 40, len(dated)


def test_every_year_from_1995_to_2025_has_a_dated_event_or_tie(shipped_graph):
    timeline = catalogue.catalogue()["timeline"]
    events = {row[0] for row in select(shipped_graph.store, timeline.text).plain_rows()}
    ties = {d[:4] for d in values(shipped_graph, "SELECT ?d WHERE { ?p a coop:Participation ; coop:startDate ?d }")}
    missing = [year for year in range(FIRST_YEAR, LAST_YEAR + 1) if str(year) not in events | ties]
    assert missing == []
    assert events - ties, "the catalogue timeline alone should carry events, not only ties"


def test_every_participation_has_a_start_or_says_why_not(shipped_graph):
    undated = values(shipped_graph, """
        SELECT ?p WHERE { ?p a coop:Participation .
          FILTER NOT EXISTS { ?p coop:startDate ?d } FILTER NOT EXISTS { ?p coop:startNotKnown ?why } }""")
    assert undated == []
    reasons = values(shipped_graph, "SELECT ?why WHERE { ?p coop:startNotKnown ?why }")
    assert reasons and all(len(reason) > 20 for reason in reasons)  # a reason in words, not a flag


def test_legacy_agencies_end_and_pass_to_their_successors(shipped_graph):
    successors = set(values(shipped_graph, "SELECT ?s WHERE { agency:us-customs-service coop:succeededBy ?s }"))
    assert successors == {"https://w3id.org/coopgraph/id/agency/cbp", "https://w3id.org/coopgraph/id/agency/ice-hsi"}
    assert values(shipped_graph, "SELECT ?s WHERE { agency:ccra-customs coop:succeededBy ?s }") == [
        "https://w3id.org/coopgraph/id/agency/cbsa"]


@pytest.fixture(scope="module")
def bad_dates_report(tmp_path_factory):
    folder = data_folder(tmp_path_factory.mktemp("history"), "sample.ttl")
    (folder / BAD_DATES.name).write_bytes(BAD_DATES.read_bytes())
    return validate(open_graph(paths.ontology_dir(), folder), consistency=False)


@pytest.mark.parametrize(("rule", "planted"), [
    ("qc:tie-outside-lifetime", "participation/old-team--young-early"),
    ("qc:tie-outside-lifetime", "participation/old-team--alpha-before-team"),
    ("qc:tie-outside-lifetime", "participation/old-team--gone-after-end"),
    ("qc:end-before-start", "operation/backwards"),
    ("qc:established-by-later", "mechanism/early-team"),
    ("qc:observation-after-source", "observation/from-the-future"),
])
def test_each_time_check_catches_its_planted_error(bad_dates_report, rule, planted):
    hits = [f for f in bad_dates_report.findings if f.rule == rule and f.subject.endswith(planted)]
    assert hits, f"{rule} missed {planted}:\n{bad_dates_report.to_text()}"
    assert hits[0].file is not None and hits[0].file.name == BAD_DATES.name and hits[0].line


@pytest.mark.parametrize("control", [
    "participation/old-team--young-same-year", "operation/same-year-control", "mechanism/follow-up-team",
    "observation/same-year-control",
])
def test_a_date_at_a_coarser_precision_is_not_an_error(bad_dates_report, control):
    time_rules = {"qc:tie-outside-lifetime", "qc:end-before-start", "qc:established-by-later",
                  "qc:observation-after-source"}
    assert [f for f in bad_dates_report.findings if f.rule in time_rules and f.subject.endswith(control)] == []


def test_the_network_of_a_year_respects_agency_lifetimes(shipped_graph):
    ibet = "https://w3id.org/coopgraph/id/mechanism/ibet"
    before, after = (set(projection(shipped_graph, "bipartite", year).neighbors(ibet)) for year in (2000, 2008))
    agency = "https://w3id.org/coopgraph/id/agency/"
    assert {agency + "rcmp", agency + "usbp", agency + "us-customs-service"} <= before
    assert not before & {agency + "cbsa", agency + "cbp", agency + "ice-hsi"}  # created in 2003
    assert agency + "us-customs-service" not in after and agency + "cbsa" in after  # dissolved / joined


def test_an_operation_with_no_known_start_is_not_active_years_later(shipped_graph):
    query = catalogue.catalogue()["active-in-year"]
    active = {row[1] for row in select(shipped_graph.store, query.text, query.bindings({"year": "2018"})).plain_rows()}
    assert "https://w3id.org/coopgraph/id/operation/smuggling-ring-2006" not in active
    assert "https://w3id.org/coopgraph/id/mechanism/ibet" in active


def _hermit(turtle: Path) -> None:
    """Classify the file in HermiT as a Protege user would (owl:imports left out: nothing is fetched)."""
    triples = [t for t in ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)
               if t.predicate.value != "http://www.w3.org/2002/07/owl#imports"]
    with tempfile.TemporaryDirectory() as folder:
        ntriples = Path(folder) / "graph.nt"
        ox.serialize(triples, str(ntriples), format=ox.RdfFormat.N_TRIPLES)
        world = owlready2.World()
        world.get_ontology(ntriples.as_uri()).load(format="ntriples")
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)


@pytest.mark.skipif(not java_available(), reason="HermiT needs a Java runtime")
def test_hermit_classifies_the_release_graph_and_rejects_the_raw_one(shipped_graph, tmp_path):
    _hermit(write_owl_graph(shipped_graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph()), tmp_path))
    raw = tmp_path / "graph.ttl"
    shipped_graph.store.dump(str(raw), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    with pytest.raises(owlready2.OwlReadyJavaError, match="datatype map"):
        _hermit(raw)

