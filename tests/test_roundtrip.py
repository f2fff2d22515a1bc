"""Round trip: the graph written as Turtle, N-Triples and JSON-LD (pyoxigraph's and rdflib's writers) and read
back is the same graph: the same ground triples, term for term, and an isomorphic whole (blank nodes renamed).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from coopgraph.load import load

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
XSD = "http://www.w3.org/2001/XMLSchema#"

Triple = tuple[object, object, object]


def _triples(store: ox.Store) -> list[Triple]:
    return [(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def _ground(triples: list[Triple]) -> set[str]:
    """Triples without blank nodes, as exact N-Triples strings (lexical form, datatype and language kept)."""
    return {f"{s} {p} {o}" for s, p, o in triples
            if not isinstance(s, ox.BlankNode) and not isinstance(o, ox.BlankNode)}


def _rdflib(triples: list[Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in triples), format="nt")
    return graph


def assert_same_graph(expected: list[Triple], actual: list[Triple]) -> None:
    assert len(actual) == len(expected)
    missing, extra = _ground(expected) - _ground(actual), _ground(actual) - _ground(expected)
    assert not missing and not extra, f"missing {sorted(missing)[:3]}, extra {sorted(extra)[:3]}"
    if any(isinstance(t, ox.BlankNode) for triple in expected for t in triple):
        assert isomorphic(_rdflib(expected), _rdflib(actual))


def _reload(data: bytes, fmt: ox.RdfFormat) -> list[Triple]:
    store = ox.Store()
    store.load(data, format=fmt, base_iri="https://example.org/base/")
    return _triples(store)


def _round_trips(store: ox.Store, rdflib_writers: tuple[str, ...] = ()) -> dict[str, list[Triple]]:
    """Each format, written by each writer and read back into a fresh store."""
    results: dict[str, list[Triple]] = {}
    graph = _rdflib(_triples(store))
    for name, fmt in FORMATS.items():
        results[f"pyoxigraph-{name}"] = _reload(store.dump(format=fmt, from_graph=ox.DefaultGraph()), fmt)
        if name in rdflib_writers:
            written = graph.serialize(format=RDFLIB_FORMATS[name], encoding="utf-8")
            results[f"rdflib-{name}"] = _reload(written, fmt)
    return results


# The shipped graph, exported by the real CLI, then read back by the loader.

@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_exported_graph_reads_back_the_same(fmt, tmp_path, shipped_graph):
    folder = tmp_path / "export"
    folder.mkdir()
    target = folder / f"graph.{fmt}"
    result = subprocess.run([sys.executable, "-m", "coopgraph", "export", "--format", fmt, "--out", str(target)],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "COOPGRAPH_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    reloaded = load(empty, folder)
    assert_same_graph(_triples(shipped_graph.store), _triples(reloaded.store))


def test_the_shipped_graph_survives_every_writer(shipped_graph):
    expected = _triples(shipped_graph.store)
    for writer, triples in _round_trips(shipped_graph.store, rdflib_writers=tuple(FORMATS)).items():
        try:
            assert_same_graph(expected, triples)
        except AssertionError as error:
            raise AssertionError(f"{writer}: {error}") from None


# Generated graphs with awkward literals.

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_AWKWARD = st.sampled_from(['"', '""', '"""', "'''", "\\", "\\n", "\n", "\r\n", "\t", "\x00", "\x7f", "\u2028",
                            "\ufeff", "\U0001f600", "é", "ß", "中文", "\u200b", " ", "", "@en", "^^", "<>", "#", "{}",
                            '{"@value": 1}', "_:b0", "true", "1e10"])
_STRINGS = st.lists(st.one_of(_TEXT, _AWKWARD), max_size=4).map("".join)
_LANGUAGES = st.sampled_from(["en", "en-CA", "fr", "fr-CA", "de-DE-1996", "zh-Hant-TW", "es-419", "x-private",
                              "sgn-BE-FR", "EN"])
_TYPED = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(lambda n: (str(n), "integer")),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(lambda d: (str(d), "decimal")),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: (repr(f).replace("inf", "INF").replace("nan", "NaN"),
                                                                  "double")),
    st.dates().map(lambda d: (d.isoformat(), "date")),
    st.integers(min_value=1000, max_value=2999).map(lambda y: (str(y), "gYear")),
    st.booleans().map(lambda b: (str(b).lower(), "boolean")),
    st.sampled_from([("2024-02-30", "date"), ("twelve", "integer"), ("1,5", "decimal"), ("", "integer"),
                     (" 42 ", "integer"), ("0042", "integer"), ("1.50", "decimal"), ("-0", "integer")]),
)
_IRIS = st.sampled_from([
    "https://w3id.org/coopgraph/id/agency/rcmp", "https://w3id.org/coopgraph/id/agency/cbsa",
    "https://example.org/with%20escape", "https://example.org/é/ünicode",
    "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
    "https://example.org/a#frag", "https://example.org/q?x=1&y=2", "http://example.org/trailing/",
])
_PREDICATES = st.sampled_from(["http://www.w3.org/2000/01/rdf-schema#label", "http://purl.org/dc/terms/description",
                               "https://w3id.org/coopgraph/ontology#value", "https://example.org/p-é"])


@st.composite
def _literal(draw: st.DrawFn) -> ox.Literal:
    kind = draw(st.sampled_from(["plain", "lang", "typed", "custom"]))
    if kind == "plain":
        return ox.Literal(draw(_STRINGS))
    if kind == "lang":
        return ox.Literal(draw(_STRINGS), language=draw(_LANGUAGES))
    if kind == "custom":
        return ox.Literal(draw(_STRINGS), datatype=ox.NamedNode("https://example.org/datatype"))
    lexical, datatype = draw(_TYPED)
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


@st.composite
def _graph(draw: st.DrawFn) -> ox.Store:
    blanks = [ox.BlankNode() for _ in range(draw(st.integers(0, 3)))]
    subjects = st.one_of(_IRIS.map(ox.NamedNode), *([st.sampled_from(blanks)] if blanks else []))
    objects = st.one_of(_literal(), _IRIS.map(ox.NamedNode), *([st.sampled_from(blanks)] if blanks else []))
    store = ox.Store()
    for subject, predicate, obj in draw(st.lists(st.tuples(subjects, _PREDICATES.map(ox.NamedNode), objects),
                                                 min_size=1, max_size=12)):
        store.add(ox.Quad(subject, predicate, obj, ox.DefaultGraph()))
    return store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_graph())
def test_generated_graphs_survive_pyoxigraphs_writers(store):
    """coopgraph writes RDF with pyoxigraph only. rdflib is left out here: its reader rewrites lexical forms
    (" 42 "^^xsd:integer becomes "42") and its Turtle and JSON-LD writers lose data (the xfail tests below)."""
    expected = _triples(store)
    for writer, triples in _round_trips(store).items():
        try:
            assert_same_graph(expected, triples)
        except AssertionError as error:
            raise AssertionError(f"{writer}: {error}") from None


def _one_triple(subject: ox.NamedNode | ox.BlankNode, obj: ox.Literal | ox.BlankNode) -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(subject, ox.NamedNode("https://example.org/p"), obj, ox.DefaultGraph()))
    return store


@pytest.mark.xfail(reason="rdflib 7.6 writes \"10000001\"^^xsd:double as 1e+07 in Turtle", strict=True)
def test_rdflib_turtle_writer_keeps_doubles():
    store = _one_triple(ox.NamedNode("https://example.org/s"),
                        ox.Literal("10000001", datatype=ox.NamedNode(XSD + "double")))
    assert_same_graph(_triples(store), _round_trips(store, rdflib_writers=("ttl",))["rdflib-ttl"])


@pytest.mark.xfail(reason="rdflib 7.6's JSON-LD writer drops a triple whose subject and object are one blank node",
                   strict=True)
def test_rdflib_jsonld_writer_keeps_self_loops():
    node = ox.BlankNode()
    store = _one_triple(node, node)
    assert_same_graph(_triples(store), _round_trips(store, rdflib_writers=("jsonld",))["rdflib-jsonld"])


def test_the_loader_reads_what_the_writers_write(tmp_path):
    """The same through the loader's own files: .ttl, .nt and .jsonld in a data folder."""
    store = ox.Store()
    subject, label = ox.NamedNode("https://w3id.org/coopgraph/id/agency/x"), ox.NamedNode(
        "http://www.w3.org/2000/01/rdf-schema#label")
    for text in ['say "hi"\nthen \\ leave', "中文 \U0001f600", '"""', ""]:
        store.add(ox.Quad(subject, label, ox.Literal(text, language="en"), ox.DefaultGraph()))
    expected = _triples(store)
    empty = tmp_path / "empty"
    empty.mkdir()
    for name, fmt in FORMATS.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"graph.{name}").write_bytes(store.dump(format=fmt, from_graph=ox.DefaultGraph()))
        assert_same_graph(expected, _triples(load(empty, folder).store))
