"""`coopgraph docs`: HTML that covers every ontology term and vocabulary concept, escaped, with no remote script."""

from __future__ import annotations

import re

import rdflib
from rdflib.namespace import RDF, SKOS

from coopgraph import paths
from coopgraph.docs import _own_ontology_page, ontology_graph, ontology_terms, write_docs

REMOTE_SCRIPT = re.compile(r"<script[^>]+src=[\"']?https?:", re.IGNORECASE)


def test_docs_cover_every_term_and_concept(tmp_path):
    result = write_docs(paths.ontology_dir(), tmp_path / "docs")
    index = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    vocabularies = (tmp_path / "docs" / "vocabularies.html").read_text(encoding="utf-8")
    graph = ontology_graph(paths.ontology_dir())
    terms = ontology_terms(graph)
    assert len(terms) > 80
    assert [t for t in terms if str(t) not in index] == []
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert [c for c in concepts if str(c) not in vocabularies] == []
    assert set(result.terms) == {str(t) for t in terms} | {str(c) for c in concepts}
    assert not REMOTE_SCRIPT.search(index) and not REMOTE_SCRIPT.search(vocabularies)


def test_built_in_page_covers_every_term_and_escapes_text(tmp_path):
    graph = ontology_graph(paths.ontology_dir())
    term = rdflib.URIRef("https://w3id.org/coopgraph/ontology#Agency")
    graph.set((term, SKOS.definition, rdflib.Literal("<script>alert(1)</script>", lang="en")))
    page = _own_ontology_page(graph, ontology_terms(graph))
    assert all(str(t) in page for t in ontology_terms(graph))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page


def test_docs_command_writes_the_folder(tmp_path, cli):
    run = cli("docs", "--out", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "vocabularies.html").is_file()
    assert "terms documented" in run.stdout


def test_the_page_header_is_the_ontology_alone(tmp_path):
    """pyLODE would merge the SKOS schemes' titles and IRIs into the header; they have their own page."""
    import re

    write_docs(paths.ontology_dir(), tmp_path / "docs")
    page = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert heading.strip() == "coopgraph: an ontology of bilateral security cooperation"
    assert "id/unit/scheme" not in page.split("<h2")[1]  # the Metadata section
    vocabularies = (tmp_path / "docs" / "vocabularies.html").read_text(encoding="utf-8")
    assert "coopgraph units of measure" in vocabularies
