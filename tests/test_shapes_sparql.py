"""The SPARQL fast path finds the same violations as pySHACL (same focus node, path and constraint component)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

from coopgraph import paths
from coopgraph.load import load
from coopgraph.shapes_sparql import compile_shapes, read_shapes, validate_store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes_sparql"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _pyshacl(data: rdflib.Graph, shapes: rdflib.Graph) -> set[tuple[str, str, str, str]]:
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    found = set()
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        if isinstance(path, rdflib.BNode):  # an inverse path, written "^IRI" by the fast path
            path = "^" + str(report.value(path, SH.inversePath))
        found.add((
            f"_:{focus}" if isinstance(focus, rdflib.BNode) else str(focus),
            str(path or ""),
            str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
        ))
    return found


def _fast(store: ox.Store, shapes: rdflib.Graph) -> set[tuple[str, str, str, str]]:
    return {(v.focus, v.path, v.component, v.severity) for v in validate_store(store, shapes)}


def test_shipped_shapes_on_bad_data_agree_with_pyshacl(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "bad.ttl").write_text((FIXTURES / "bad.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    graph = load(paths.ontology_dir(), data)
    shapes = read_shapes(graph.shapes_files)
    fast = _fast(graph.store, shapes)
    assert fast == _pyshacl(graph.to_rdflib(), shapes)
    components = {c for _, _, c, _ in fast}
    for expected in ("MinCountConstraintComponent", "MaxCountConstraintComponent", "DatatypeConstraintComponent",
                     "ClassConstraintComponent", "OrConstraintComponent", "InConstraintComponent",
                     "PatternConstraintComponent", "LanguageInConstraintComponent", "NodeKindConstraintComponent",
                     "MinInclusiveConstraintComponent"):
        assert expected in components
    assert compile_shapes(shapes, graph.store).unsupported == []


def test_other_core_constraints_agree_with_pyshacl() -> None:
    store = ox.Store()
    store.load(path=str(FIXTURES / "things.ttl"), format=ox.RdfFormat.TURTLE)
    shapes = read_shapes([FIXTURES / "shapes.ttl"])
    data = rdflib.Graph().parse(str(FIXTURES / "things.ttl"), format="turtle")
    fast = _fast(store, shapes)
    slow = _pyshacl(data, shapes)
    # Blank node labels differ between the engines: compare those by presence only.
    assert {r for r in fast if not r[0].startswith("_:")} == {r for r in slow if not r[0].startswith("_:")}
    assert len(fast) == len(slow)
    assert ("https://example.org/bad1", "https://example.org/tag", "MinCountConstraintComponent", "Violation") in fast


@pytest.mark.parametrize("shape", ["sh:node ex:Other", "sh:closed true"])
def test_unsupported_constraints_are_listed_not_dropped(shape: str) -> None:
    shapes = rdflib.Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; {shape} .""", format="turtle")
    assert compile_shapes(shapes, ox.Store()).unsupported
