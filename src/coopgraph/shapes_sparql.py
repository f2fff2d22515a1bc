"""The fast path for SHACL: the core constraints of the shapes, checked as SPARQL queries on the Oxigraph store.

pySHACL walks the graph in Python and takes minutes on a million triples; the same rules as SPARQL run inside
Oxigraph in seconds. `compile_shapes` reads the shapes files (Turtle, with rdflib: they are small) and turns
each constraint into one SELECT returning the focus nodes (and values) that break it; `validate_store` runs them.

Supported (the SHACL Core components the shipped shapes use, and a few more): targets sh:targetClass (with
rdfs:subClassOf* from the store, as SHACL does), implicit class targets, sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf; paths that are a predicate or sh:inversePath of one; sh:minCount, sh:maxCount,
sh:datatype (with a lexical check where Oxigraph can cast), sh:class, sh:nodeKind, sh:in, sh:hasValue,
sh:pattern (+ sh:flags), sh:languageIn, sh:minInclusive / maxInclusive / minExclusive / maxExclusive,
sh:minLength / maxLength, and sh:or whose members are only sh:datatype or only sh:class; sh:severity,
sh:message, sh:deactivated. Anything else is listed in `Compiled.unsupported`, never silently passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from coopgraph.store import solutions

_SOURCE = "SHACL shapes (as SPARQL)"

_OWL_CLASS = rdflib.URIRef("http://www.w3.org/2002/07/owl#Class")

# Datatypes whose lexical form Oxigraph checks through a cast: a literal it cannot cast is ill-typed.
_CASTABLE = {str(XSD[name]) for name in (
    "integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time", "gYear", "gYearMonth",
    "duration",
)}
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "!isLiteral(?value)", SH.IRIOrLiteral: "!isBlank(?value)",
    SH.BlankNodeOrLiteral: "!isIRI(?value)",
}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_KNOWN = {
    SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.deactivated,
    SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, RDF.type,
    RDFS.label, RDFS.comment, SH.flags, SH.defaultValue,
}


@dataclass(frozen=True)
class Violation:
    """One result: the focus node, the path (an IRI, or empty for the node itself), the offending value."""

    focus: str
    path: str
    message: str
    component: str  # the SHACL constraint component's local name, as pySHACL reports it (MinCountConstraintComponent)
    severity: str = "Violation"
    value: str | None = None
    shape: str = ""
    value_term: ox.NamedNode | ox.BlankNode | ox.Literal | None = field(default=None, compare=False)
    source_shape: str = ""  # the named shape that holds the constraint, where it has a name

    def row(self) -> tuple[str, str, str]:
        return (self.focus, self.path, self.message)


@dataclass
class Check:
    """One constraint as one query; its rows are ?focus and, where there is one, ?value."""

    shape: str
    path: str
    component: str
    severity: str
    message: str
    query: str
    # A cheaper query over the path's triples alone (no focus nodes): when it has no rows, neither has `query`.
    prefilter: str | None = None
    source_shape: str = ""  # the shape holding the constraint when it has an IRI (pySHACL's sh:sourceShape)


@dataclass
class Compiled:
    checks: list[Check] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # "shape: what" for constraints not compiled


def read_shapes(paths: Iterable[Path]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(str(path), format="turtle")
    return graph


def compile_shapes(shapes: rdflib.Graph, store: ox.Store) -> Compiled:
    """Every active constraint of every node shape that has a target, as SPARQL over `store`."""
    compiled = Compiled()
    closure = _SubclassClosure(store)
    for node_shape in sorted(_node_shapes(shapes), key=str):
        if _deactivated(shapes, node_shape):
            continue
        focus = _focus_pattern(shapes, node_shape, closure)
        if focus is None:
            continue
        _compile_constraints(shapes, node_shape, None, focus, closure, compiled, str(node_shape))
        for prop in sorted(shapes.objects(node_shape, SH.property), key=str):
            if _deactivated(shapes, prop):
                continue
            path = _path(shapes, prop)
            if path is None:
                compiled.unsupported.append(f"{_name(node_shape)}/{_name(prop)}: only predicate and inverse paths")
                continue
            _compile_constraints(shapes, prop, path, focus, closure, compiled, str(node_shape))
    return compiled


def validate_store(store: ox.Store, shapes: Iterable[Path] | rdflib.Graph,
                   compiled: Compiled | None = None) -> list[Violation]:
    """Run every compiled check on the store; violations first by focus node, then path and component."""
    graph = shapes if isinstance(shapes, rdflib.Graph) else read_shapes(shapes)
    compiled = compiled or compile_shapes(graph, store)
    found: set[Violation] = set()
    for check in compiled.checks:
        if check.prefilter is not None and not solutions(store, check.prefilter, _SOURCE):
            continue
        for solution in solutions(store, check.query, _SOURCE):
            value = solution.get("value")
            found.add(Violation(
                focus=_term_text(solution["focus"]), path=check.path, message=check.message,
                component=check.component, severity=check.severity,
                value=None if value is None else _term_text(value), shape=check.shape, value_term=value,
                source_shape=check.source_shape,
            ))
    return sorted(found, key=lambda v: (v.focus, v.path, v.component, v.value or ""))


# --- shapes and targets -------------------------------------------------------------------------------------


def _node_shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found.update(shapes.subjects(predicate, None))
    return found


def _deactivated(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    return any(str(v).lower() == "true" for v in shapes.objects(shape, SH.deactivated))


class _SubclassClosure:
    """rdfs:subClassOf* from the store, asked once per class."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.cache: dict[str, list[str]] = {}

    def __call__(self, iri: str) -> list[str]:
        if iri not in self.cache:
            query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_iri(iri)} }}"
            found = {s["c"].value for s in solutions(self.store, query, _SOURCE) if isinstance(s["c"], ox.NamedNode)}
            self.cache[iri] = sorted(found | {iri})
        return self.cache[iri]


def _focus_pattern(shapes: rdflib.Graph, shape: rdflib.term.Node, closure: _SubclassClosure) -> str | None:
    """A graph pattern binding ?focus to each target of the shape (possibly more than once)."""
    parts: list[str] = []
    classes: set[str] = set()
    for cls in shapes.objects(shape, SH.targetClass):
        classes.update(closure(str(cls)))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, _OWL_CLASS) in shapes:
        classes.update(closure(str(shape)))
    if classes:
        parts.append(f"{{ VALUES ?focusType {{ {' '.join(_iri(c) for c in sorted(classes))} }} ?focus a ?focusType }}")
    nodes = [n for n in shapes.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"{{ VALUES ?focus {{ {' '.join(_term(n) for n in nodes)} }} }}")
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?focus {_term(predicate)} ?focusAny }}")
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?focusAny {_term(predicate)} ?focus }}")
    if not parts:
        return None
    return " UNION ".join(parts)


def _path(shapes: rdflib.Graph, prop: rdflib.term.Node) -> str | None:
    path = shapes.value(prop, SH.path)
    if isinstance(path, rdflib.URIRef):
        return _iri(str(path))
    if isinstance(path, rdflib.BNode):
        inverse = shapes.value(path, SH.inversePath)
        if isinstance(inverse, rdflib.URIRef):
            return f"^{_iri(str(inverse))}"
    return None


# --- constraints --------------------------------------------------------------------------------------------


def _compile_constraints(shapes: rdflib.Graph, shape: rdflib.term.Node, path: str | None, focus: str,
                         closure: _SubclassClosure, compiled: Compiled, node_shape: str) -> None:
    severity = _local(shapes.value(shape, SH.severity) or SH.Violation)
    message = str(shapes.value(shape, SH.message) or "")
    path_text = "" if path is None else path.replace("<", "").replace(">", "")  # "^IRI" for an inverse path
    values = f"?focus {path} ?value ." if path else "BIND(?focus AS ?value)"
    distinct_focus = f"{{ SELECT DISTINCT ?focus WHERE {{ {focus} }} }}"

    def add(component: str, query: str, default: str, prefilter: str | None = None) -> None:
        compiled.checks.append(Check(node_shape, path_text, component, severity, message or default, query,
                                     prefilter, str(shape) if isinstance(shape, rdflib.URIRef) else ""))

    def value_check(component: str, bad: str, default: str, instance_of: list[str] | None = None) -> None:
        """Values for which `bad` holds (or, with `instance_of`, values that are not instances of those classes)."""
        # Whether a value is bad does not depend on its focus node: look for bad values among the path's
        # distinct objects first (a scan of one predicate), and join with the focus nodes only if there are any.
        prefilter = None
        if path:
            triple = f"?value {path[1:]} ?anySubject ." if path.startswith("^") else f"?anySubject {path} ?value ."
            distinct = f"{{ SELECT DISTINCT ?value WHERE {{ {triple} }} }}"
            if instance_of is not None:
                # MINUS, not FILTER NOT EXISTS: Oxigraph 0.5 runs the latter 100x slower here once the store has
                # had triples inserted (0.86 s against 0.005 s on 1M triples).
                prefilter = f"SELECT ?value WHERE {{ {distinct} MINUS {{ {_instance(instance_of)} }} }} LIMIT 1"
            else:
                prefilter = f"SELECT ?value WHERE {{ {distinct} FILTER({bad}) }} LIMIT 1"
        if instance_of is not None:
            query = f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {values} MINUS {{ {_instance(instance_of)} }} }}"
        else:
            query = f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {values} FILTER({bad}) }}"
        add(component, query, default, prefilter)

    for predicate, obj in sorted(shapes.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
        if predicate in _KNOWN:
            continue
        if predicate == SH.minCount and path:
            n = int(obj)
            if n == 1:
                query = f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ ?focus {path} ?any }} }}"
            else:
                query = (f"SELECT ?focus WHERE {{ {distinct_focus} OPTIONAL {{ ?focus {path} ?value }} }} "
                         f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) < {n})")
            add("MinCountConstraintComponent", query, f"needs at least {n} value(s) of {path_text}")
        elif predicate == SH.maxCount and path:
            n = int(obj)
            query = (f"SELECT ?focus WHERE {{ {distinct_focus} ?focus {path} ?value }} "
                     f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) > {n})")
            add("MaxCountConstraintComponent", query, f"takes at most {n} value(s) of {path_text}")
        elif predicate == SH.datatype:
            value_check("DatatypeConstraintComponent", f"!({_datatype_ok(str(obj))})", f"values must be {_name(obj)}")
        elif predicate == SH["class"]:
            value_check("ClassConstraintComponent", "", f"values must be {_name(obj)}", closure(str(obj)))
        elif predicate == SH.nodeKind and obj in _NODE_KINDS:
            value_check("NodeKindConstraintComponent", f"!({_NODE_KINDS[obj]})", f"values must be {_name(obj)}")
        elif predicate == SH["in"]:
            allowed = list(Collection(shapes, obj))
            ok = " || ".join(f"sameTerm(?value, {_term(v)})" for v in allowed) or "false"
            value_check("InConstraintComponent", f"!({ok})", "value not in the allowed list")
        elif predicate == SH.hasValue and path:
            query = f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ ?focus {path} {_term(obj)} }} }}"
            add("HasValueConstraintComponent", query, f"needs the value {_name(obj)}")
        elif predicate == SH.pattern:
            flags = shapes.value(shape, SH.flags)
            regex = f"REGEX(STR(?value), {_string(str(obj))}" + (f", {_string(str(flags))})" if flags else ")")
            value_check("PatternConstraintComponent", f"isBlank(?value) || !{regex}", f"values must match {obj}")
        elif predicate == SH.languageIn:
            tags = [str(t) for t in Collection(shapes, obj)]
            ok = " || ".join(f"langMatches(lang(?value), {_string(t)})" for t in tags) or "false"
            value_check("LanguageInConstraintComponent", f"!isLiteral(?value) || !({ok})",
                        f"language must be one of {', '.join(tags)}")
        elif predicate in _RANGES:
            value_check(_local(predicate)[0].upper() + _local(predicate)[1:] + "ConstraintComponent",
                        f"!COALESCE(?value {_RANGES[predicate]} {_term(obj)}, false)", f"value out of range ({obj})")
        elif predicate in (SH.minLength, SH.maxLength):
            op = ">=" if predicate == SH.minLength else "<="
            value_check(_local(predicate)[0].upper() + _local(predicate)[1:] + "ConstraintComponent",
                        f"isBlank(?value) || !(STRLEN(STR(?value)) {op} {int(obj)})", f"length out of range ({obj})")
        elif predicate == SH["or"]:
            alternatives = _or_check(shapes, obj, closure)
            if alternatives is None:
                compiled.unsupported.append(f"{_name(shape)}: sh:or other than all-datatype or all-class members")
            elif isinstance(alternatives, list):
                value_check("OrConstraintComponent", "", "values must match one of the alternatives", alternatives)
            else:
                value_check("OrConstraintComponent", alternatives, "values must match one of the alternatives")
        else:
            compiled.unsupported.append(f"{_name(shape)}: {_name(predicate)}")


def _or_check(shapes: rdflib.Graph, head: rdflib.term.Node, closure: _SubclassClosure) -> str | list[str] | None:
    """The filter for an sh:or of datatypes, the classes of an sh:or of classes, or None for anything else."""
    members = list(Collection(shapes, head))
    described = [dict(shapes.predicate_objects(m)) for m in members]
    if described and all(set(d) == {SH.datatype} for d in described):
        return "!(" + " || ".join(_datatype_ok(str(d[SH.datatype])) for d in described) + ")"
    if described and all(set(d) == {SH["class"]} for d in described):
        return sorted({c for d in described for c in closure(str(d[SH["class"]]))})
    return None


def _datatype_ok(datatype: str) -> str:
    """A literal of exactly this datatype whose lexical form is valid (when Oxigraph can cast to it)."""
    ok = f"isLiteral(?value) && datatype(?value) = {_iri(datatype)}"
    if datatype in _CASTABLE:
        ok += f" && COALESCE(isLiteral({_iri(datatype)}(STR(?value))), false)"
    if datatype == str(RDF.langString):
        ok = "isLiteral(?value) && lang(?value) != \"\""
    return f"({ok})"


def _instance(classes: list[str]) -> str:
    return f"VALUES ?valueType {{ {' '.join(_iri(c) for c in classes)} }} ?value a ?valueType"



# --- terms --------------------------------------------------------------------------------------------------


def _iri(value: str) -> str:
    return f"<{value}>"


def _string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _term(node: rdflib.term.Node) -> str:
    if isinstance(node, rdflib.URIRef):
        return _iri(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return f"{_string(str(node))}@{node.language}"
        if node.datatype:
            return f"{_string(str(node))}^^{_iri(str(node.datatype))}"
        return _string(str(node))
    raise ValueError(f"a blank node cannot be written in a query: {node}")


def _term_text(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _local(node: rdflib.term.Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _name(node: rdflib.term.Node) -> str:
    return _local(node) if not isinstance(node, rdflib.BNode) else "[]"
