"""The shipped data meets the issue-4 minimums and every instance carries a source."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from coopgraph.load import load
from coopgraph.namespaces import sparql_prefix_block

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def store() -> ox.Store:
    loaded = load(ROOT / "ontology", ROOT / "data")
    return loaded.store if hasattr(loaded, "store") else loaded


def rows(store: ox.Store, query: str) -> list:
    return list(store.query(sparql_prefix_block() + query))


def count(store: ox.Store, query: str) -> int:
    return int(rows(store, query)[0][0].value)


def instances_of(cls: str) -> str:
    # Subclasses count too: the ontology is loaded with the data.
    return f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a/rdfs:subClassOf* {cls} . }}"


@pytest.mark.parametrize(
    ("cls", "minimum"),
    [
        ("coop:Agency", 25),
        ("coop:CoordinationMechanism", 12),
        ("coop:Agreement", 10),
        ("coop:Operation", 6),
        ("coop:Observation", 20),
    ],
)
def test_minimum_instances(store: ox.Store, cls: str, minimum: int) -> None:
    assert count(store, instances_of(cls)) >= minimum


def test_agencies_of_both_countries(store: ox.Store) -> None:
    for country in ("country:ca", "country:us"):
        query = f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a/rdfs:subClassOf* coop:Agency ; coop:country {country} }}"
        n = count(store, query)
        assert n >= 10, country


def test_every_agency_has_country_and_role(store: ox.Store) -> None:
    missing = rows(store, """
        SELECT ?a WHERE { ?a a/rdfs:subClassOf* coop:Agency .
          FILTER NOT EXISTS { ?a coop:country ?c ; dcterms:description ?d } }""")
    assert missing == []


def test_mechanisms_have_members_with_roles(store: ox.Store) -> None:
    bare = rows(store, """
        SELECT ?m WHERE { ?m a/rdfs:subClassOf* coop:CoordinationMechanism .
          FILTER NOT EXISTS { ?p coop:participationIn ?m ; coop:participant ?who ; coop:role ?r } }""")
    assert bare == []


def test_cross_border_mechanisms_exist(store: ox.Store) -> None:
    n = count(store, """
        SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
          ?m a/rdfs:subClassOf* coop:CoordinationMechanism .
          ?p1 coop:participationIn ?m ; coop:participant ?a1 . ?a1 coop:country country:ca .
          ?p2 coop:participationIn ?m ; coop:participant ?a2 . ?a2 coop:country country:us . }""")
    assert n >= 5


def test_cbftf_roles_as_sourced(store: ox.Store) -> None:
    found = {(r[0].value.rsplit("/", 1)[-1], r[1].value.rsplit("/", 1)[-1]) for r in rows(store, """
        SELECT ?a ?role WHERE { ?p coop:participationIn mechanism:cbftf ; coop:participant ?a ; coop:role ?role }""")}
    expected = {("cbsa", "co-lead"), ("atf", "co-lead"), ("ice-hsi", "co-lead"), ("rcmp", "support"), ("cbp", "member")}
    assert expected <= found


def test_agreements_have_parties(store: ox.Store) -> None:
    bare = rows(store, """
        SELECT ?g WHERE { ?g a/rdfs:subClassOf* coop:Agreement .
          FILTER NOT EXISTS { ?p coop:participationIn ?g ; coop:role role:party } }""")
    assert bare == []


def test_operations_have_agencies_or_are_seed_only(store: ox.Store) -> None:
    bare = rows(store, """
        SELECT ?o WHERE { ?o a coop:Operation .
          FILTER NOT EXISTS { ?p coop:participationIn ?o }
          FILTER NOT EXISTS { ?o dcterms:source source:seed-report } }""")
    assert bare == []


def test_threat_categories_used(store: ox.Store) -> None:
    n = count(store, """
        SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { { ?x coop:targets ?t } UNION { ?x coop:aboutThreat ?t } }""")
    assert n >= 8


def test_border_plan_has_five_numbered_pillars_with_measures(store: ox.Store) -> None:
    numbers = sorted(int(r[0].value) for r in rows(store, """
        SELECT ?n WHERE { ?p a coop:Pillar ; coop:partOf initiative:border-plan-2024 ; coop:pillarNumber ?n .
          FILTER EXISTS { ?m coop:partOf ?p } }"""))
    assert numbers == [1, 2, 3, 4, 5]
    assert count(store, """SELECT (COUNT(?o) AS ?n) WHERE {
        ?o coop:indicator indicator:funding ; coop:aboutEntity initiative:border-plan-2024 }""") == 1


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        ("400000", "unit:people-per-day"),
        ("2500000000", "unit:dollars-per-day"),  # the seed names no currency
        ("43", "unit:pound"),
        ("21000", "unit:pound"),
        ("100", "unit:percent"),
        ("79", "unit:percent"),
        ("-70", "unit:percent"),
        ("-89", "unit:percent"),
        ("100", "unit:people"),
    ],
)
def test_every_seed_figure_is_an_observation(store: ox.Store, value: str, unit: str) -> None:
    n = count(store, f"""SELECT (COUNT(?o) AS ?n) WHERE {{
        ?o a coop:Observation ; coop:value ?v ; coop:unit {unit} ; dcterms:source source:seed-report .
        FILTER(?v = {value}) }}""")
    assert n >= 1


def test_official_corrections_are_linked(store: ox.Store) -> None:
    pairs = rows(store, """
        SELECT ?seed ?official WHERE { ?seed coop:correctedBy ?official .
          ?seed dcterms:source source:seed-report .
          FILTER NOT EXISTS { ?official dcterms:source source:seed-report } }""")
    assert len(pairs) >= 3
    assert count(store, """SELECT (COUNT(?o) AS ?n) WHERE {
        ?o coop:value ?v ; coop:refArea place:us-southwest-border ; coop:periodLabel "FY2024" .
        FILTER(?v = 21148) }""") == 1


EXEMPT = ("coop:Country", "coop:Place", "coop:Threat", "coop:Role", "coop:Unit", "coop:Indicator", "coop:Source",
          "coop:CountryPair")


def test_every_instance_has_a_titled_published_source(store: ox.Store) -> None:
    exempt = " ".join(EXEMPT)
    unsourced = rows(store, f"""
        SELECT DISTINCT ?x WHERE {{
          ?x a ?cls . ?cls rdfs:isDefinedBy <https://w3id.org/coopgraph/ontology> .
          FILTER(STRSTARTS(STR(?x), "https://w3id.org/coopgraph/id/"))
          FILTER NOT EXISTS {{ ?x a/rdfs:subClassOf* ?ex . VALUES ?ex {{ {exempt} }} }}
          FILTER NOT EXISTS {{ ?x dcterms:source ?s . ?s a coop:Source ; dcterms:title ?t ; dcterms:publisher ?p }}
        }}""")
    assert unsourced == [], [r[0].value for r in unsourced]


def test_every_source_is_used_and_complete(store: ox.Store) -> None:
    incomplete = rows(store, """
        SELECT ?s WHERE { ?s a coop:Source .
          FILTER NOT EXISTS { ?s dcterms:title ?t ; dcterms:publisher ?p ; coop:confidence ?c } }""")
    unused = rows(store, "SELECT ?s WHERE { ?s a coop:Source . FILTER NOT EXISTS { ?x dcterms:source ?s } }")
    assert incomplete == [] and unused == []


@pytest.mark.parametrize(
    ("value", "unit", "area"),
    [
        ("0.19", "unit:percent", "place:us-northern-border"),  # S4
        ("2.48", "unit:pound", "place:us-northern-border"),  # S5
        ("26", "unit:kilogram", "place:us-northern-border"),  # S6
        ("3700", "unit:kilogram", "place:us-southwest-border"),  # S7
        ("8000", "unit:people", "place:us-northern-border"),  # S38
        ("85", "unit:percent", "place:ontario"),  # S29
        ("13000", "unit:count", "place:lacolle"),  # S40
        ("47000", "unit:people", "country:ca"),  # S41
        ("1900", "unit:count", "country:ca"),  # stolen vehicles
        ("300000", "unit:people-per-day", "place:ca-us-border"),  # S36
        ("19385", "unit:people", "place:swanton-sector"),  # S22
    ],
)
def test_sourced_reference_figures_are_observations(store: ox.Store, value: str, unit: str, area: str) -> None:
    n = count(store, f"""SELECT (COUNT(?o) AS ?n) WHERE {{
        ?o a coop:Observation ; coop:value ?v ; coop:unit {unit} ; coop:refArea {area} ; dcterms:source ?s .
        ?s coop:confidence ?c . FILTER(?v = {value} && ?c != "seed") }}""")
    assert n == 1


def test_partisan_figures_say_so(store: ox.Store) -> None:
    # A figure whose only sources are partisan outlets must say so where a reader sees it.
    unflagged = rows(store, """
        SELECT ?o WHERE { ?o a coop:Observation .
          FILTER NOT EXISTS { ?o dcterms:source ?s . ?s coop:confidence ?c . FILTER(!CONTAINS(?c, "partisan")) }
          FILTER NOT EXISTS { ?o dcterms:description ?d . FILTER(CONTAINS(LCASE(STR(?d)), "partisan")) } }""")
    assert unflagged == [], [r[0].value for r in unflagged]


def test_secondary_and_partisan_sources_are_flagged(store: ox.Store) -> None:
    vague = rows(store, """
        SELECT ?s WHERE { ?s a coop:Source ; coop:confidence ?c .
          FILTER(CONTAINS(?c, "partisan"))
          FILTER NOT EXISTS { ?s dcterms:description ?d . FILTER(CONTAINS(LCASE(STR(?d)), "partisan")) } }""")
    assert vague == [], [r[0].value for r in vague]
