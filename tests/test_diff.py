"""coopgraph diff: an added agency and a changed label, between folders and between git revisions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph

from coopgraph.diff import compare, diff, open_version

PREFIXES = """@prefix coop: <https://w3id.org/coopgraph/ontology#> .
@prefix agency: <https://w3id.org/coopgraph/id/agency/> .
@prefix country: <https://w3id.org/coopgraph/id/country/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""
ONTOLOGY_V1 = PREFIXES + """
coop:Agency a owl:Class ; rdfs:label "agency"@en .
coop:AgencyShape a sh:NodeShape ; sh:targetClass coop:Agency ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""
AGENCIES_V1 = PREFIXES + """
agency:one a coop:Agency ; rdfs:label "Agency One"@en ; coop:country country:ca .
"""
ONTOLOGY_V2 = ONTOLOGY_V1 + """
coop:Port a owl:Class ; rdfs:label "port"@en .
"""
AGENCIES_V2 = PREFIXES + """
agency:one a coop:Agency ; rdfs:label "Agency One (renamed)"@en ; coop:country country:ca .
agency:two a coop:Agency ; rdfs:label "Agency Two"@en ; coop:country country:us .
"""


def write_version(root: Path, ontology: str, agencies: str) -> Path:
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "ontology" / "core.ttl").write_text(ontology, encoding="utf-8")
    (root / "data" / "agencies.ttl").write_text(agencies, encoding="utf-8")
    return root


def check(report) -> None:
    facts = {e.curie: e for e in report.facts}
    assert facts["agency:two"].status == "added" and facts["agency:two"].label == "Agency Two"
    one = facts["agency:one"]
    assert one.status == "changed" and one.label == "Agency One (renamed)"
    assert [(c.property, c.removed, c.added) for c in one.changes] == [
        ("rdfs:label", ['"Agency One"@en'], ['"Agency One (renamed)"@en'])]
    terms = {e.curie: e for e in report.terms}
    assert terms["coop:Port"].status == "added" and terms["coop:Port"].types == ["owl:Class"]
    assert "coop:AgencyShape" not in terms  # its blank-node property shape is unchanged


def test_diff_between_folders(tmp_path, cli):
    old = write_version(tmp_path / "old", ONTOLOGY_V1, AGENCIES_V1)
    new = write_version(tmp_path / "new", ONTOLOGY_V2, AGENCIES_V2)
    with open_version(str(old)) as a, open_version(str(new)) as b:
        check(diff(a, b))

    result = cli("diff", str(old), str(new))
    assert result.returncode == 0, result.stderr
    assert '+ agency:two "Agency Two"' in result.stdout
    assert 'rdfs:label: + "Agency One (renamed)"@en' in result.stdout
    data = json.loads(cli("diff", str(old), str(new), "--format", "json").stdout)
    assert [e["curie"] for e in data["facts"]["added"]] == ["agency:two"]
    assert cli("diff", str(old), str(old), "--exit-code").returncode == 0
    assert cli("diff", str(old), str(new), "--exit-code").returncode == 1


def test_a_bare_data_folder_is_a_version(tmp_path):
    old = write_version(tmp_path / "old", ONTOLOGY_V1, AGENCIES_V1)
    new = write_version(tmp_path / "new", ONTOLOGY_V1, AGENCIES_V2)
    with open_version(str(old / "data")) as a, open_version(str(new / "data")) as b:
        report = diff(a, b)
    assert {e.curie for e in report.facts} == {"agency:one", "agency:two"} and not report.terms


@pytest.mark.skipif(shutil.which("git") is None and not os.environ.get("CI"), reason="git is not installed")
def test_diff_between_git_revisions(tmp_path, cli):
    repo = tmp_path / "repo"
    write_version(repo, ONTOLOGY_V1, AGENCIES_V1)

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v1")
    write_version(repo, ONTOLOGY_V2, AGENCIES_V2)
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v2")

    with open_version("HEAD~1", repo) as a, open_version("HEAD", repo) as b:
        check(diff(a, b))
    result = cli("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert '+ agency:two "Agency Two"' in result.stdout
    missing = cli("diff", "no-such-rev", "HEAD", cwd=repo)
    assert missing.returncode == 2 and "neither a folder nor a git revision" in missing.stderr


def test_changed_blank_node_is_reported_under_its_named_subject():
    old = Graph().parse(data=ONTOLOGY_V1, format="turtle")
    new = Graph().parse(data=ONTOLOGY_V1.replace("sh:minCount 1", "sh:minCount 2"), format="turtle")
    report = compare(old, new)
    assert [e.curie for e in report.terms] == ["coop:AgencyShape"]
    change = report.terms[0].changes
    assert [c.property for c in change] == ["sh:property"]
    assert change[0].removed == ['[ sh:minCount "1"^^xsd:integer ; sh:path rdfs:label ]']
    assert change[0].added == ['[ sh:minCount "2"^^xsd:integer ; sh:path rdfs:label ]']


def test_unchanged_blank_nodes_stay_unchanged_when_others_are_added():
    # rdflib's canonical labels depend on the whole graph; comparing blank nodes by content does not.
    chain = "coop:p owl:propertyChainAxiom ( coop:a coop:b ) .\n"
    extra = "coop:Other a sh:NodeShape ; sh:property [ sh:path coop:x ; sh:minCount 1 ] .\n"
    old = Graph().parse(data=ONTOLOGY_V1 + chain, format="turtle")
    new = Graph().parse(data=ONTOLOGY_V1 + chain + extra, format="turtle")
    report = compare(old, new)
    assert [(e.curie, e.status) for e in report.terms] == [("coop:Other", "added")]


@pytest.mark.skipif(shutil.which("git") is None and not os.environ.get("CI"), reason="git is not installed")
def test_a_revision_before_the_data_existed_is_an_empty_version(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README").write_text("nothing yet\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm",
                    "v0"], check=True)
    write_version(repo, ONTOLOGY_V1, AGENCIES_V1)
    with open_version("HEAD", repo) as a, open_version(str(repo)) as b:
        report = diff(a, b)
    assert [(e.curie, e.status) for e in report.facts] == [("agency:one", "added")]


@pytest.mark.skipif(shutil.which("git") is None and not os.environ.get("CI"), reason="git is not installed")
@pytest.mark.parametrize("link", ["/etc/passwd", "../../../outside.ttl"])
def test_a_revision_holding_a_link_out_of_its_tree_is_exit_2(tmp_path, cli, link):
    repo = tmp_path / "repo"
    write_version(repo, ONTOLOGY_V1, AGENCIES_V1)
    (repo / "data" / "linked.ttl").symlink_to(link)

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v1")
    result = cli("diff", "HEAD", str(repo), cwd=repo)
    assert result.returncode == 2, result.stderr
    assert "data/linked.ttl" in result.stderr and "refused" in result.stderr and "Traceback" not in result.stderr
