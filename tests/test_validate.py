"""Validation: the shipped graph is valid; every rule finds its deliberate error with file and line; an
individual typed with two disjoint classes is named by `coopgraph validate`; bad input exits 2."""

from __future__ import annotations

import re
import shutil

import pytest
from fixtures.ontology import data_folder

from coopgraph import paths
from coopgraph.graph import open_graph
from coopgraph.validate import validate

LINE = re.compile(r"^(\S+:\d+|-): \S+: \S+: .+$")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPGRAPH_CACHE", str(tmp_path / "cache"))


def test_shipped_graph_is_valid(shipped_graph):
    report = validate(shipped_graph)
    assert report.conforms, report.to_text()
    assert [f for f in report.findings if f.severity == "error"] == []


@pytest.fixture(scope="module")
def broken_report(tmp_path_factory):
    data = data_folder(tmp_path_factory.mktemp("broken"), "sample.ttl", "broken.ttl")
    return validate(open_graph(paths.ontology_dir(), data), consistency=False)


@pytest.mark.parametrize(("rule", "subject"), [
    ("qc:missing-label", "agency/no-label"),
    ("qc:missing-source", "agency/no-source"),
    ("qc:duplicate-label", "agency/copy-one"),
    ("qc:undeclared-term", "agency/misspelt"),
    ("qc:ill-typed-literal", "mechanism/bad-date"),
    ("qc:dangling-reference", "mechanism/dangling"),
    ("qc:datatype-range", "observation/bad-value"),
    ("shape:label", "agency/no-label"),
    ("shape:source", "agency/no-source"),
    ("shape:established", "mechanism/bad-date"),
    ("shape:Observation/coop:unit", "observation/bad-value"),
    ("shape:Observation/coop:qualifier", "observation/bad-value"),
    ("shape:CountryPair/coop:pairCountry", "pair/one-country"),
])
def test_each_rule_finds_its_error_with_file_and_line(broken_report, rule, subject):
    hits = [f for f in broken_report.findings if f.rule == rule and f.subject.endswith(subject)]
    assert hits, f"{rule} did not report {subject}:\n{broken_report.to_text()}"
    assert hits[0].file is not None and hits[0].file.name == "broken.ttl" and hits[0].line


def test_text_report_is_one_finding_a_line(broken_report):
    lines = broken_report.to_text().splitlines()
    assert not broken_report.conforms
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert lines[-1].startswith("not valid:")
    assert "broken.ttl:" in lines[0]


def test_markdown_report_is_a_table(broken_report):
    text = broken_report.to_markdown()
    assert "| where | subject | rule | severity | message |" in text
    assert text.count("\n|") >= len(broken_report.findings) + 1


def test_validate_command_names_an_individual_in_two_disjoint_classes(tmp_path, cli):
    data = data_folder(tmp_path, "sample.ttl", "disjoint.ttl")
    run = cli("validate", "--data", str(data))
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert any("disjoint.ttl:" in ln and "agency:two-hats: owl:consistency:" in ln for ln in lines), run.stdout
    assert any("agency:two-hats: qc:disjoint-types:" in ln for ln in lines)


def test_validate_command_exits_0_on_a_valid_sample(tmp_path, cli):
    run = cli("validate", "--no-consistency", "--data", str(data_folder(tmp_path, "sample.ttl")))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("valid:")


def test_validate_command_exits_2_on_unreadable_input(tmp_path, cli):
    data = data_folder(tmp_path, "sample.ttl")
    (data / "bad.ttl").write_text("@prefix coop: <https://w3id.org/coopgraph/ontology#> .\ncoop:x coop:y .\n")
    run = cli("validate", "--data", str(data))
    assert run.returncode == 2
    assert "bad.ttl:2" in run.stderr and "Traceback" not in run.stderr


BROKEN_FOR_BOTH_ENGINES = """
agency:fast-a a coop:Agency ;
    rdfs:label "Fast path agency A"@en, "A second English label"@en ;
    coop:country "Canada" ;
    dcterms:source source:seed-report .

agency:fast-b a coop:PoliceAgency ;
    coop:country country:ca ;
    coop:parentOrganisation country:ca ;
    dcterms:source "a string, not a source node" .

observation:fast-c a coop:Observation ;
    rdfs:label "Fast path figure"@en ;
    coop:value "many" ;
    dcterms:source source:seed-report .
"""


def test_the_sparql_shapes_find_what_pyshacl_finds(tmp_path):
    """Large graphs take the SPARQL path: on broken instances it reports the very findings pySHACL reports."""
    from coopgraph import paths
    from coopgraph.namespaces import turtle_prefix_block
    from coopgraph.validate import shacl_findings, sparql_shape_findings

    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    (data / "zz-broken.ttl").write_text(turtle_prefix_block() + BROKEN_FOR_BOTH_ENGINES, encoding="utf-8")
    graph = open_graph(None, data)

    def rows(findings):
        return sorted((f.rule, f.subject, f.severity, f.message, str(f.file), f.line) for f in findings)

    slow, fast = rows(shacl_findings(graph)), rows(sparql_shape_findings(graph))
    assert len(slow) >= 5
    assert fast == slow


def test_validate_takes_the_sparql_path_above_its_threshold(shipped_graph, monkeypatch):
    from coopgraph import validate as validation

    monkeypatch.setattr(validation, "SPARQL_SHAPES_ABOVE", 0)
    report = validation.validate(shipped_graph, consistency=False)
    assert report.conforms
    assert any("as SPARQL on the store" in check for check in report.checks)
