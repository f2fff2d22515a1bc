"""The same input gives the same output, byte for byte: blank-node labels come from content, layouts are seeded."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from coopgraph.blank_nodes import stabilise
from coopgraph.load import load
from coopgraph.namespaces import turtle_prefix_block

EXPORTS = ("nt", "ttl", "jsonld", "gexf", "graphml")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_write_the_same_bytes(cli, tmp_path, monkeypatch):
    # Two processes, each with its own hash seed, parser-made blank-node labels and persistent store (cache).
    outs = [tmp_path / "one", tmp_path / "two"]
    for out in outs:
        monkeypatch.setenv("COOPGRAPH_CACHE", str(tmp_path / f"cache-{out.name}"))
        result = cli("build", "--out", str(out))
        assert result.returncode == 0, result.stderr
    first, second = (_files(out) for out in outs)
    assert {"graph.nt", "graph.ttl", "index.html"} <= set(first)
    assert any(name.startswith("queries/") and name.endswith(".csv") for name in first)
    assert b"_:" in first["graph.nt"], "the shipped graph has blank nodes (OWL restrictions, lists)"
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.parametrize("fmt", EXPORTS)
def test_two_exports_write_the_same_bytes(cli, tmp_path, monkeypatch, fmt):
    paths = [tmp_path / f"one.{fmt}", tmp_path / f"two.{fmt}"]
    for path in paths:
        monkeypatch.setenv("COOPGRAPH_CACHE", str(tmp_path / f"cache-{path.stem}"))
        result = cli("export", "--format", fmt, "--out", str(path))
        assert result.returncode == 0, result.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()


def _blank_ids(store: ox.Store) -> list[str]:
    return sorted({term.value for quad in store for term in (quad.subject, quad.object)
                   if isinstance(term, ox.BlankNode)})


def test_labels_depend_on_content_not_on_the_parser(tmp_path):
    ontology, data = tmp_path / "ontology", tmp_path / "data"
    ontology.mkdir()
    data.mkdir()
    # Two identical restrictions on one class: OWL needs two nodes, so they must not merge.
    (data / "a.ttl").write_text(turtle_prefix_block() + """
coop:Thing rdfs:subClassOf [ a owl:Restriction ; owl:onProperty coop:p ; owl:someValuesFrom coop:A ] ,
                           [ a owl:Restriction ; owl:onProperty coop:p ; owl:someValuesFrom coop:A ] ,
                           [ a owl:Restriction ; owl:onProperty coop:p ; owl:someValuesFrom coop:B ] .
coop:Other owl:unionOf ( coop:A coop:B ) .
""", encoding="utf-8")
    first, second = load(ontology, data), load(ontology, data)
    assert len(first.store) == len(second.store) == 3 + 9 + 1 + 4
    assert len(_blank_ids(first.store)) == 5
    assert _blank_ids(first.store) == _blank_ids(second.store)
    assert stabilise(first.store) == 5  # already stable: the same names again
    assert _blank_ids(first.store) == _blank_ids(second.store)
