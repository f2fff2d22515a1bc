"""Reasoning: the SPARQL rules derive the shortcut links, HermiT agrees with them on a sample, finds the shipped
graph consistent, caches its verdict, and `coopgraph reason` names the individuals of an inconsistency."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import rdflib
from fixtures.ontology import data_folder

from coopgraph import paths
from coopgraph.catalogue import query_set
from coopgraph.load import load
from coopgraph.namespaces import ID, ONTOLOGY
from coopgraph.reason import apply_rules, check_consistency, hermit_links

COOP = rdflib.Namespace(ONTOLOGY)
AGENCY = f"{ID}agency/"
COOPERATES = ONTOLOGY + "cooperatesWith"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test gets its own HermiT cache, so a cached verdict never hides a run."""
    monkeypatch.setenv("COOPGRAPH_CACHE", str(tmp_path / "cache"))


def sample_graph(tmp_path, *extra: str):
    return load(paths.ontology_dir(), data_folder(tmp_path, "sample.ttl", *extra))


def has(store: ox.Store, s: str, p: str, o: str) -> bool:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.DefaultGraph()) in store


def test_rules_derive_a_cooperation_no_file_asserts(tmp_path):
    graph = sample_graph(tmp_path)
    assert not list(graph.store.quads_for_pattern(None, ox.NamedNode(COOPERATES), None))
    added = apply_rules(graph.store)
    assert added > 0
    assert has(graph.store, AGENCY + "alpha", COOPERATES, AGENCY + "beta")
    assert has(graph.store, AGENCY + "beta", COOPERATES, AGENCY + "alpha")
    # a country party to an agreement is no agency, and nobody cooperates with itself
    partners = {q.object.value for q in graph.store.quads_for_pattern(None, ox.NamedNode(COOPERATES), None)}
    assert partners == {AGENCY + "alpha", AGENCY + "beta"}
    assert apply_rules(graph.store) == 0  # a fixpoint: a second run adds nothing


def test_rules_derive_role_shortcuts_inverses_and_superclasses(tmp_path):
    graph = sample_graph(tmp_path)
    apply_rules(graph.store)
    store = graph.store
    mechanism, accord = f"{ID}mechanism/joint-task-force", f"{ID}agreement/sample-accord"
    assert has(store, AGENCY + "alpha", ONTOLOGY + "coLeads", mechanism)
    assert has(store, AGENCY + "beta", ONTOLOGY + "memberOf", mechanism)
    assert has(store, f"{ID}country/aa", ONTOLOGY + "partyTo", accord)
    assert has(store, AGENCY + "gamma", ONTOLOGY + "signatoryTo", accord)
    assert has(store, mechanism, ONTOLOGY + "hasParticipant", AGENCY + "alpha")
    assert has(store, f"{ID}threat/fentanyl", ONTOLOGY + "targetedBy", mechanism)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for cls in ("TaskForce", "CoordinationMechanism", "CooperationVehicle"):
        assert has(store, mechanism, rdf_type, ONTOLOGY + cls)
    assert has(store, AGENCY + "alpha", rdf_type, ONTOLOGY + "Agency")


def test_the_kind_is_the_most_specific_class(tmp_path):
    graph = sample_graph(tmp_path)
    apply_rules(graph.store)
    kinds = {(q.subject.value, q.object.value)
             for q in graph.store.quads_for_pattern(None, ox.NamedNode(ONTOLOGY + "kind"), None)}
    mechanism = f"{ID}mechanism/joint-task-force"
    # a TaskForce is also a CoordinationMechanism and a CooperationVehicle (derived): its kind is TaskForce alone
    assert {k for s, k in kinds if s == mechanism} == {ONTOLOGY + "TaskForce"}
    assert {k for s, k in kinds if s == AGENCY + "alpha"} == {ONTOLOGY + "PoliceAgency"}
    assert all(k.startswith(ONTOLOGY) for _, k in kinds)


def test_a_rule_that_runs_last_feeds_no_rule():
    """`# runs: last` rules run once, after the fixpoint: only right if no rule reads what they derive."""
    rules = query_set("rules")
    last = [rule for rule in rules.values() if rule.runs == "last"]
    assert {rule.name for rule in last} >= {"kind", "tie-years"}
    for rule in last:
        template = re.search(r"CONSTRUCT\s*\{(.*?)\}", rule.text, re.S)
        assert template, rule.name
        derived = set(re.findall(r"coop:\w+", template.group(1)))
        assert derived, rule.name
        for other in rules.values():
            where = other.text[other.text.index("WHERE"):]
            assert not derived & set(re.findall(r"coop:\w+", where)), (rule.name, other.name)


def test_an_unknown_runs_value_names_the_file_and_line(tmp_path):
    from coopgraph.errors import InputError

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "typo.rq").write_text("# title: x\n# runs: lats\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n")
    with pytest.raises(InputError) as caught:
        apply_rules(sample_graph(tmp_path).store, rules)
    assert "typo.rq:2: unknown '# runs:' value 'lats'" in str(caught.value) and "runs: last" in str(caught.value)


def test_rules_and_hermit_agree_on_the_sample(tmp_path):
    """HermiT, given only the asserted sample, infers the same links through the OWL property chains."""
    asserted = sample_graph(tmp_path)
    inferred = hermit_links(asserted, [COOPERATES, ONTOLOGY + "participatesIn"])
    apply_rules(asserted.store)
    for prop, pairs in inferred.items():
        derived = {(q.subject.value, q.object.value)
                   for q in asserted.store.quads_for_pattern(None, ox.NamedNode(prop), None)}
        if prop == COOPERATES:  # the OWL chain also relates each agency to itself; the rule leaves that out
            pairs = {(a, b) for a, b in pairs if a != b}
        assert pairs == derived, prop
    assert (AGENCY + "alpha", AGENCY + "beta") in inferred[COOPERATES]


def test_shipped_graph_is_consistent_and_the_verdict_is_cached(shipped_graph):
    first = check_consistency(shipped_graph)
    assert first.consistent, first.clashes
    assert not first.unsatisfiable
    second = check_consistency(shipped_graph)
    assert second.cached and second.consistent


def test_the_cache_survives_reloading_the_files(tmp_path):
    """Blank nodes get new labels on every parse; the cache key must not depend on them."""
    assert not check_consistency(sample_graph(tmp_path)).cached
    assert check_consistency(sample_graph(tmp_path)).cached


def test_disjoint_types_are_caught_and_named(tmp_path):
    graph = sample_graph(tmp_path, "disjoint.ttl")
    apply_rules(graph.store)
    result = check_consistency(graph)
    assert not result.consistent
    assert result.entities == [AGENCY + "two-hats"]


def test_reason_command_names_the_individual_of_an_inconsistency(tmp_path, cli):
    data = data_folder(tmp_path, "sample.ttl", "disjoint.ttl")
    run = cli("reason", "--data", str(data), "--out", str(tmp_path / "inferred.ttl"))
    assert run.returncode == 1, run.stderr
    assert "agency:two-hats" in run.stderr and "disjoint.ttl:" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "inferred.ttl").exists()


def test_reason_command_writes_the_inferred_triples(tmp_path, cli):
    out = tmp_path / "out" / "inferred.ttl"
    run = cli("reason", "--data", str(data_folder(tmp_path, "sample.ttl")), "--out", str(out))
    assert run.returncode == 0, run.stderr
    graph = rdflib.Graph().parse(out, format="turtle")
    assert (rdflib.URIRef(AGENCY + "alpha"), COOP.cooperatesWith, rdflib.URIRef(AGENCY + "beta")) in graph


def test_without_java_the_message_is_clear(tmp_path, cli, monkeypatch):
    data = data_folder(tmp_path, "sample.ttl")
    (tmp_path / "empty-bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no `java`; the CLI runs the interpreter by full path
    run = cli("reason", "--data", str(data), "--out", str(tmp_path / "x.ttl"))
    assert run.returncode == 2
    assert "Java" in run.stderr and "Traceback" not in run.stderr


def test_a_rule_in_the_short_construct_form_is_refused_with_its_file(tmp_path):
    """Rules run as INSERT updates, which need a template: CONSTRUCT WHERE { } is named, not run."""
    import pyoxigraph as ox

    from coopgraph.errors import CoopgraphError
    from coopgraph.reason import apply_rules

    (tmp_path / "short.rq").write_text("CONSTRUCT WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(CoopgraphError) as caught:
        apply_rules(ox.Store(), tmp_path)
    assert "short.rq" in caught.value.message and "CONSTRUCT { template }" in caught.value.message
