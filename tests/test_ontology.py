"""The ontology files: every term documented, the header complete, DL-friendly declarations, the model contract
met, and the quality checks silent on the shipped ontology and data."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from coopgraph import paths
from coopgraph.catalogue import read
from coopgraph.namespaces import ONTOLOGY

REPO = Path(__file__).resolve().parent.parent
ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/coopgraph/ontology")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
QC = sorted((paths.queries_dir() / "qc").glob("*.rq"))
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in ("coopgraph.ttl", "threats.ttl", "vocab.ttl"):
        graph.parse(paths.ontology_dir() / name, format="turtle")
    return graph


def coop_terms(graph: rdflib.Graph) -> list[rdflib.URIRef]:
    return sorted({s for kind in KINDS for s in graph.subjects(RDF.type, kind) if str(s).startswith(ONTOLOGY)})


def test_every_coop_term_has_label_definition_and_is_defined_by(ontology):
    terms = coop_terms(ontology)
    assert len(terms) > 80
    for term in terms:
        labels = [lit for lit in ontology.objects(term, RDFS.label) if lit.language == "en"]
        assert len(labels) == 1, f"{term}: one rdfs:label@en"
        assert any(d.language == "en" for d in ontology.objects(term, SKOS.definition)), f"{term}: skos:definition"
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology, f"{term}: rdfs:isDefinedBy"


def test_header_names_title_description_creator_licence_version_and_prefix(ontology):
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.license, OWL.versionIRI,
                      OWL.versionInfo):
        assert ontology.value(ONTOLOGY_IRI, predicate) is not None, predicate
    assert str(ontology.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix)) == "coop"
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionIRI)).endswith(str(ontology.value(ONTOLOGY_IRI,
                                                                                         OWL.versionInfo)))


def test_no_imports_and_every_property_used_in_the_ontology_is_declared(ontology):
    """OWL 2 DL wants every entity declared, and one kind per property; offline wants no owl:imports."""
    assert not list(ontology.objects(None, OWL.imports))
    builtin = (str(RDF), str(RDFS), str(OWL))
    declared = {s for kind in KINDS for s in ontology.subjects(RDF.type, kind)}
    for predicate in set(ontology.predicates()):
        assert str(predicate).startswith(builtin) or predicate in declared, f"{predicate} is not declared"
    for prop in declared:
        kinds = {k for k in KINDS[1:] if (prop, RDF.type, k) in ontology}
        assert len(kinds) <= 1, f"{prop} is declared as {kinds}"


def test_top_classes_are_pairwise_disjoint_and_the_chains_exist(ontology):
    members = set()
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members |= set(Collection(ontology, ontology.value(group, OWL.members)))
    for name in ("Place", "Agency", "CooperationVehicle", "Measure", "Threat", "Participation", "Observation",
                 "Source"):
        assert rdflib.URIRef(ONTOLOGY + name) in members
    chain = ontology.value(rdflib.URIRef(ONTOLOGY + "participatesIn"), OWL.propertyChainAxiom)
    assert [str(p) for p in Collection(ontology, chain)] == [
        ONTOLOGY + "hasParticipation", ONTOLOGY + "participationIn"]
    chain = ontology.value(rdflib.URIRef(ONTOLOGY + "cooperatesWith"), OWL.propertyChainAxiom)
    assert [str(p).removeprefix(ONTOLOGY) for p in Collection(ontology, chain)] == [
        "agencySelf", "participatesIn", "hasParticipant", "agencySelf"]


def test_every_name_of_the_model_contract_is_declared(ontology):
    """docs/model.md names the classes and properties: each one exists in the ontology."""
    text = (REPO / "docs" / "model.md").read_text(encoding="utf-8")
    tables = text[text.index("## Classes"):text.index("## The threat taxonomy")]
    names = set(re.findall(r"`([A-Za-z][A-Za-z]+)`", tables)) - {"shapes"}
    names |= {n for n in re.findall(r"`coop:([A-Za-z]+)`", tables)}
    declared = {str(t).removeprefix(ONTOLOGY) for t in coop_terms(ontology)}
    external = {"about"}  # the qualifier's values, not terms
    missing = sorted(n for n in names - external if n not in declared)
    assert not missing, f"docs/model.md names terms the ontology lacks: {missing}"


def test_threat_taxonomy_follows_the_model(ontology):
    threat = rdflib.Namespace("https://w3id.org/coopgraph/id/threat/")
    assert (threat.fentanyl, SKOS.broader, threat["synthetic-opioids"]) in ontology
    assert (threat["synthetic-opioids"], SKOS.broader, threat.drugs) in ontology
    for concept in ontology.subjects(RDF.type, rdflib.URIRef(ONTOLOGY + "Threat")):
        assert (concept, SKOS.inScheme, threat.scheme) in ontology
        assert ontology.value(concept, SKOS.prefLabel) is not None


@pytest.mark.parametrize("query", QC, ids=lambda p: p.stem)
def test_quality_check_has_a_header(query):
    parsed = read(query)
    assert parsed.title and parsed.question and parsed.columns == ["subject", "message"]


@pytest.mark.parametrize("query", QC, ids=lambda p: p.stem)
def test_quality_check_finds_nothing_in_the_shipped_graph(query, shipped_graph):
    rows = [(r["subject"].value, r["message"].value) for r in shipped_graph.store.query(query.read_text())]
    assert rows == []


@pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("CI"),  # CI installs Java
                    reason="needs Java (the OWL API ships in HermiT.jar)")
def test_ontology_and_shipped_data_are_in_the_owl2_dl_profile(shipped_graph, tmp_path):
    """The OWL API's OWL 2 DL profile checker, on the ontology and on what HermiT gets (ontology + data)."""
    import owlready2

    from coopgraph.reason import _hermit_lines

    hermit_jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    checker = Path(__file__).parent / "fixtures" / "ontology" / "DLCheck.java"
    everything = tmp_path / "all.nt"
    everything.write_text("".join(_hermit_lines(shipped_graph.store)), encoding="utf-8")
    ontology_only = tmp_path / "ontology.nt"
    graph = rdflib.Graph()
    for name in ("coopgraph.ttl", "threats.ttl", "vocab.ttl"):
        graph.parse(paths.ontology_dir() / name, format="turtle")
    graph.serialize(ontology_only, format="nt", encoding="utf-8")
    run = subprocess.run(["java", "-cp", str(hermit_jar), str(checker), str(ontology_only), str(everything)],
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.count("DL: true") == 2, run.stdout + run.stderr
