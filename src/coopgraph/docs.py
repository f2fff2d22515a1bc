"""HTML documentation of every ontology term: pyLODE's OntPub page for the OWL terms, our own page for the
SKOS vocabularies (threats, roles, units), and our own escaped page for the OWL terms when pyLODE cannot run.
"""

from __future__ import annotations

import html
import logging
import sys
import types
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from coopgraph.errors import InputError
from coopgraph.load import SHAPES_SUFFIX, turtle_files
from coopgraph.namespaces import ONTOLOGY, PREFIXES, shorten
from coopgraph.output import staged_folder

DCTERMS = rdflib.Namespace(PREFIXES["dcterms"])
TERM_KINDS = {OWL.Class: "Classes", OWL.ObjectProperty: "Object properties",
              OWL.DatatypeProperty: "Datatype properties", OWL.AnnotationProperty: "Annotation properties"}
_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
code{background:#f3f3f3;padding:0 .2rem}section.term{border-top:1px solid #ddd;padding:.5rem 0}
dt{font-weight:600}dd{margin:0 0 .3rem 1rem}nav a{margin-right:1rem}"""


@dataclass
class DocsResult:
    out: Path
    terms: list[str] = field(default_factory=list)  # IRIs documented: coop: terms, then concepts
    pylode: bool = False  # whether index.html came from pyLODE
    pylode_error: str = ""


def write_docs(ontology_dir: Path, out: Path) -> DocsResult:
    """Write index.html (the OWL terms) and vocabularies.html (the SKOS concepts) to the folder `out`."""
    graph = ontology_graph(ontology_dir)
    terms = ontology_terms(graph)
    concepts = sorted({s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, rdflib.URIRef)})
    result = DocsResult(out=out, terms=[str(t) for t in terms] + [str(c) for c in concepts])
    with staged_folder(out) as staging:
        (staging / "vocabularies.html").write_text(_vocabulary_page(graph), encoding="utf-8")
        # pyLODE reads a skos:ConceptScheme as an ontology header too and merges the titles and IRIs of all of
        # them into the page header; the schemes have their own page, so they leave this graph (in place: rdflib
        # keeps insertion order, which pyLODE's contents follow).
        for scheme in set(graph.subjects(RDF.type, SKOS.ConceptScheme)):
            graph.remove((scheme, None, None))
        try:
            page = _pylode_page(graph)
            result.pylode = all(str(term) in page for term in terms)
            if not result.pylode:
                result.pylode_error = "pyLODE left out some terms"
        except Exception as error:  # pyLODE is a third-party renderer: any failure falls back to our page
            result.pylode_error = f"{type(error).__name__}: {error}"
        if not result.pylode:
            page = _own_ontology_page(graph, terms)
        (staging / "index.html").write_text(_with_link(page), encoding="utf-8")
    return result


def ontology_graph(ontology_dir: Path) -> rdflib.Graph:
    """Every Turtle file of the ontology folder except the SHACL shapes, merged."""
    graph = rdflib.Graph()
    for path in turtle_files(Path(ontology_dir)):
        if path.name.endswith(SHAPES_SUFFIX):
            continue
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several kinds for bad Turtle
            raise InputError(path, None, f"cannot be read: {error}", "run `coopgraph validate` to locate it") from None
    return graph


def ontology_terms(graph: rdflib.Graph) -> list[rdflib.URIRef]:
    """The classes and properties declared in the coop: namespace."""
    found = {s for kind in TERM_KINDS for s in graph.subjects(RDF.type, kind)
             if isinstance(s, rdflib.URIRef) and str(s).startswith(ONTOLOGY)}
    return sorted(found)


# --- pyLODE -----------------------------------------------------------------------------------------------


def _pylode_page(graph: rdflib.Graph) -> str:
    ontpub = _import_ontpub()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # pyLODE logs its progress at INFO on the root logger
    try:
        return ontpub(ontology=graph).make_html()
    finally:
        root.setLevel(level)


def _import_ontpub():  # noqa: ANN202 - returns pyLODE's class
    try:
        from pylode import OntPub
    except FileNotFoundError:
        # pyLODE 3.4 reads its version from a pyproject.toml that its wheel does not ship: give it the version.
        shim = types.ModuleType("pylode.version")
        shim.__version__ = version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = shim
        from pylode import OntPub
    return OntPub


def _with_link(page: str) -> str:
    """Point the ontology page to the vocabularies page."""
    link = '<p><a href="vocabularies.html">Threats, roles and units (SKOS vocabularies)</a></p>'
    return page.replace("<body>", f"<body>{link}", 1) if "<body>" in page else link + page


# --- our own pages ----------------------------------------------------------------------------------------


def _own_ontology_page(graph: rdflib.Graph, terms: list[rdflib.URIRef]) -> str:
    ontology = next(graph.subjects(RDF.type, OWL.Ontology), None)
    title = _text(graph, ontology, DCTERMS.title) or "coopgraph ontology"
    header = [f"<h1>{_e(title)}</h1>"]
    if ontology is not None:
        header.append(f"<p>{_e(_text(graph, ontology, DCTERMS.description))}</p>")
        header.append("<dl>" + "".join(
            f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in (
                ("IRI", str(ontology)), ("version IRI", _text(graph, ontology, OWL.versionIRI)),
                ("version", _text(graph, ontology, OWL.versionInfo)),
                ("licence", _text(graph, ontology, DCTERMS.license)),
                ("creators", ", ".join(str(c) for c in graph.objects(ontology, DCTERMS.creator))))
            if value) + "</dl>")
    sections = []
    for kind, heading in TERM_KINDS.items():
        members = [t for t in terms if (t, RDF.type, kind) in graph]
        if members:
            sections.append(f"<h2>{_e(heading)}</h2>" + "".join(_term_section(graph, t) for t in members))
    return _page(title, "".join(header) + "".join(sections))


def _term_section(graph: rdflib.Graph, term: rdflib.URIRef) -> str:
    rows = [("IRI", _e(str(term))), ("definition", _e(_text(graph, term, SKOS.definition))),
            ("note", _e(_text(graph, term, SKOS.scopeNote)))]
    for name, predicate in (("subclass of", RDFS.subClassOf), ("subproperty of", RDFS.subPropertyOf),
                            ("domain", RDFS.domain), ("range", RDFS.range), ("inverse of", OWL.inverseOf)):
        values = [_class_expression(graph, v) for v in graph.objects(term, predicate)]
        rows.append((name, ", ".join(sorted(values))))
    for chain in graph.objects(term, OWL.propertyChainAxiom):
        rows.append(("property chain", " o ".join(_e(shorten(str(p))) for p in Collection(
            graph, chain))))
    body = "".join(f"<dt>{_e(name)}</dt><dd>{value}</dd>" for name, value in rows if value)
    label = _text(graph, term, RDFS.label) or shorten(str(term))
    return (f'<section class="term" id="{_e(_local(term))}"><h3>{_e(label)} '
            f"<code>{_e(shorten(str(term)))}</code></h3><dl>{body}</dl></section>")


def _class_expression(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A named class as a link, a union as 'A or B', a Self restriction in words (HTML, escaped)."""
    if isinstance(node, rdflib.URIRef):
        name = _e(shorten(str(node)))
        return f'<a href="#{_e(_local(node))}">{name}</a>' if str(node).startswith(ONTOLOGY) else name
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return " or ".join(_class_expression(graph, m) for m in Collection(graph, union))
    on_property = graph.value(node, OWL.onProperty)
    if on_property is not None and graph.value(node, OWL.hasSelf) is not None:
        return f"{_e(shorten(str(on_property)))} some Self"
    return "(class expression)"


def _vocabulary_page(graph: rdflib.Graph) -> str:
    sections = []
    for scheme in sorted(s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, rdflib.URIRef)):
        concepts = sorted((c for c in graph.subjects(SKOS.inScheme, scheme) if isinstance(c, rdflib.URIRef)),
                          key=lambda c: _text(graph, c, RDFS.label).lower())
        items = []
        for concept in concepts:
            rows = [("IRI", str(concept)), ("definition", _text(graph, concept, SKOS.definition)),
                    ("also called", ", ".join(sorted(str(a) for a in graph.objects(concept, SKOS.altLabel)))),
                    ("broader", ", ".join(sorted(shorten(str(b)) for b in graph.objects(concept, SKOS.broader)))),
                    ("related", ", ".join(sorted(shorten(str(r)) for r in graph.objects(concept, SKOS.related))))]
            body = "".join(f"<dt>{_e(n)}</dt><dd>{_e(v)}</dd>" for n, v in rows if v)
            curie = shorten(str(concept))
            items.append(f'<section class="term" id="{_e(curie.replace(":", "-"))}">'
                         f"<h3>{_e(_text(graph, concept, RDFS.label))} <code>{_e(curie)}</code></h3>"
                         f"<dl>{body}</dl></section>")
        heading = _text(graph, scheme, DCTERMS.title) or _text(graph, scheme, RDFS.label) or shorten(str(scheme))
        sections.append(f"<h2>{_e(heading)}</h2>" + "".join(items))
    nav = '<nav><a href="index.html">Ontology terms</a></nav>'
    return _page("coopgraph vocabularies", nav + "<h1>coopgraph vocabularies</h1>" + "".join(sections))


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>\n")


def _text(graph: rdflib.Graph, subject: rdflib.term.Node | None, predicate: rdflib.URIRef) -> str:
    if subject is None:
        return ""
    values = list(graph.objects(subject, predicate))
    english = [v for v in values if isinstance(v, rdflib.Literal) and v.language == "en"]
    chosen = (english or values or [""])[0]
    return str(chosen)


def _local(iri: rdflib.URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1]


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)
