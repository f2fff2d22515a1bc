"""Validation: SHACL shapes, the quality-check queries and HermiT's consistency check, as one list of findings.

Each finding names the rule, the subject and, where a file describes the subject, its file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from coopgraph.catalogue import Query, query_set
from coopgraph.errors import InputError, printable
from coopgraph.load import LoadedGraph
from coopgraph.namespaces import SHAPES, XSD, shorten

if TYPE_CHECKING:
    from coopgraph.backend import Backend

ERROR = "error"
WARNING = "warning"
INFO = "info"
_SEVERITY = {SH.Violation: ERROR, SH.Warning: WARNING, SH.Info: INFO}
# Above this many triples the shapes run as SPARQL inside Oxigraph (coopgraph.shapes_sparql: the same findings
# as pySHACL, tested); pySHACL walks the graph in Python and needs about 90 s at 100k triples (bench/results.md).
SPARQL_SHAPES_ABOVE = 50_000
# HermiT does not scale to synthetic or news-sized graphs (owlready2's HermiT took 35 s on 300 individuals with
# property values); above this size validation relies on the SPARQL checks, which find the same disjointness clashes.
HERMIT_MAX_TRIPLES = 200_000
_IRI_IN_TEXT = re.compile(r"https?://[^\s\"'<>(),;]+[^\s\"'<>(),;.]")


@dataclass(frozen=True)
class Finding:
    rule: str  # shape:..., qc:<query name>, owl:consistency, owl:unsatisfiable
    severity: str  # error, warning or info
    subject: str  # the IRI (or blank node id) the finding is about
    message: str
    file: Path | None = None
    line: int | None = None

    @property
    def location(self) -> str:
        if self.file is None:
            return "-"
        return f"{printable(_display_path(self.file))}:{self.line or 0}"

    def to_text(self) -> str:
        severity = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{self.location}: {shorten(self.subject)}: {self.rule}: {severity}{self.message}"


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # what ran, for the summary line

    @property
    def conforms(self) -> bool:
        """True when no finding is an error (warnings are reported but do not fail)."""
        return not any(f.severity == ERROR for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    def summary(self) -> str:
        errors = len(self.errors)
        others = len(self.findings) - errors
        verdict = "valid" if self.conforms else "not valid"
        return f"{verdict}: {errors} errors, {others} warnings ({'; '.join(self.checks)})"

    def to_text(self) -> str:
        """One finding a line, `file:line: subject: rule: message`, then the summary."""
        return "".join(f"{f.to_text()}\n" for f in self.findings) + self.summary() + "\n"

    def to_markdown(self) -> str:
        lines = [f"**{self.summary()}**", ""]
        if self.findings:
            lines += ["| where | subject | rule | severity | message |", "| --- | --- | --- | --- | --- |"]
            lines += [
                "| " + " | ".join(_md(cell) for cell in (
                    f.location, shorten(f.subject), f.rule, f.severity, f.message)) + " |"
                for f in self.findings
            ]
        return "\n".join(lines) + "\n"


def validate(source: Backend | LoadedGraph, *, consistency: bool = True, qc_dir: Path | None = None
             ) -> ValidationReport:
    """Run the shapes, the quality checks and (unless told not to) HermiT over the graph.

    A remote store gets the quality checks only (they are SPARQL); the report says which checks ran.
    """
    from coopgraph.backend import Embedded, as_backend

    backend = as_backend(source)
    report = ValidationReport()
    found: list[Finding] = []
    graph = backend.graph if isinstance(backend, Embedded) else None
    queries = list(query_set("qc", qc_dir).values())
    if graph is None:
        found += qc_findings(backend, None, queries)
        report.checks.append(f"quality checks: {len(queries)} queries, at {backend.describe()}")
        report.checks.append("SHACL shapes and HermiT consistency NOT checked: they need the files (run "
                             "`coopgraph validate` on the ontology and data folders)")
        report.findings = _sorted(found)
        return report
    if graph.shapes_files:
        fast = len(graph) > SPARQL_SHAPES_ABOVE
        found += sparql_shape_findings(graph) if fast else shacl_findings(graph)
        engine = "as SPARQL on the store" if fast else "pySHACL"
        report.checks.append(f"SHACL: {len(graph.shapes_files)} shapes file(s), {engine}")
    found += qc_findings(backend, graph, queries)
    report.checks.append(f"quality checks: {len(queries)} queries")
    if consistency and len(graph) > HERMIT_MAX_TRIPLES:
        report.checks.append(f"HermiT consistency skipped ({len(graph):,} triples, above {HERMIT_MAX_TRIPLES:,}: "
                             "the disjoint-types check covers its clashes; run `coopgraph reason` on curated data)")
    elif consistency:
        found += consistency_findings(graph)
        report.checks.append("HermiT consistency")
    report.findings = _sorted(found)
    return report


def _sorted(found: list[Finding]) -> list[Finding]:
    return sorted(set(found), key=lambda f: (str(f.file or "~"), f.line or 0, f.subject, f.rule, f.message))


def _locate(graph: LoadedGraph | None, rule: str, severity: str, subject: str, message: str) -> Finding:
    where = graph.locate(subject) if graph is not None else None
    file, line = where if where else (None, None)
    return Finding(rule, severity, subject, shorten_text(message), file, line)


# --- SHACL ------------------------------------------------------------------------------------------------


def shacl_findings(graph: LoadedGraph) -> list[Finding]:
    from pyshacl import validate as shacl_validate

    shapes = rdflib.Graph()
    for path in graph.shapes_files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as error:  # rdflib raises many kinds; the loader already parsed it once
            raise InputError(path, None, f"cannot be read as SHACL shapes: {error}", "fix the Turtle") from None
    _, results, _ = shacl_validate(graph.to_rdflib(), shacl_graph=shapes, inference="none",
                                   abort_on_first=False, allow_warnings=True)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = _SEVERITY.get(results.value(result, SH.resultSeverity), ERROR)
        message = str(results.value(result, SH.resultMessage) or "breaks a shape")
        value = results.value(result, SH.value)
        if value is not None and not message.endswith(str(value)):
            message += f" (value: {_term_text(value)})"
        rule = _shape_name(shapes, results.value(result, SH.sourceShape), results.value(result, SH.resultPath))
        findings.append(_locate(graph, rule, severity, str(focus), message))
    return findings


def sparql_shape_findings(graph: LoadedGraph) -> list[Finding]:
    """The shapes' core constraints as SPARQL queries on the store (the fast path for large graphs)."""
    from coopgraph import shapes_sparql

    shapes = shapes_sparql.read_shapes(graph.shapes_files)
    compiled = shapes_sparql.compile_shapes(shapes, graph.store)
    if compiled.unsupported:  # never pass a constraint silently: the slow path checks everything
        return shacl_findings(graph)
    findings = []
    for violation in shapes_sparql.validate_store(graph.store, shapes, compiled):
        # Named as pySHACL names its source shape: a named shape by its name, else node shape and path.
        rule = _shape_curie(rdflib.URIRef(violation.source_shape or violation.shape))
        if violation.path and not violation.source_shape:
            rule += f"/{shorten(violation.path)}"
        message = violation.message
        if violation.value_term is not None:
            value = _ox_term_text(violation.value_term)
            if not message.endswith(value):
                message += f" (value: {value})"
        severity = _SEVERITY.get(SH[violation.severity], ERROR)
        findings.append(_locate(graph, rule, severity, violation.focus, message))
    return findings


def _ox_term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A value as _term_text writes pySHACL's (rdflib gives a plain string no datatype)."""
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        datatype = term.datatype.value
        return f'"{term.value}"' + ("" if datatype == XSD + "string" else f"^^{shorten(datatype)}")
    return shorten(term.value)


def _shape_name(shapes: rdflib.Graph, shape: rdflib.term.Node | None, path: rdflib.term.Node | None) -> str:
    """A readable rule name: the named shape, or the node shape holding a blank property shape plus its path."""
    if isinstance(shape, rdflib.URIRef):
        return _shape_curie(shape)
    parent = shapes.value(None, SH.property, shape) if shape is not None else None
    name = _shape_curie(parent) if isinstance(parent, rdflib.URIRef) else "shape"
    return f"{name}/{shorten(str(path))}" if isinstance(path, rdflib.URIRef) else name


def _shape_curie(iri: rdflib.URIRef) -> str:
    return f"shape:{iri[len(SHAPES):]}" if iri.startswith(SHAPES) else shorten(str(iri))


def _term_text(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.Literal):
        suffix = f"@{term.language}" if term.language else (f"^^{shorten(str(term.datatype))}" if term.datatype else "")
        return f'"{term}"{suffix}'
    return shorten(str(term))


# --- quality-check queries ---------------------------------------------------------------------------------


def qc_findings(backend: Backend, graph: LoadedGraph | None, queries: list[Query]) -> list[Finding]:
    """Rows of the queries/qc/*.rq checks (each selects ?subject and ?message; zero rows is a pass)."""
    findings = []
    for query in queries:
        for record in backend.run(query, timeout=None, max_rows=None).records():
            subject, message = record.get("subject"), record.get("message")
            findings.append(_locate(graph, f"qc:{query.name}", ERROR, str(subject) if subject is not None else "-",
                                    str(message) if message is not None else query.name))
    return findings


# --- HermiT -----------------------------------------------------------------------------------------------


def consistency_findings(graph: LoadedGraph) -> list[Finding]:
    from coopgraph.reason import check_consistency

    result = check_consistency(graph)
    findings = [
        _locate(graph, "owl:unsatisfiable", ERROR, iri, "this class can have no member; check its axioms")
        for iri in result.unsatisfiable
    ]
    if result.consistent:
        return findings
    findings += [_locate(graph, "owl:consistency", ERROR, clash.subject, f"HermiT: inconsistent: {clash.message}")
                 for clash in result.clashes]
    if not result.clashes:
        findings.append(Finding("owl:consistency", ERROR, "-", "HermiT found the ontology and data inconsistent "
                                "and no single individual explains it; look at the SHACL findings first"))
    return findings


# --- text helpers -----------------------------------------------------------------------------------------


def shorten_text(text: str) -> str:
    """Every IRI in a message as a CURIE where a prefix covers it."""
    return _IRI_IN_TEXT.sub(lambda match: shorten(match.group(0)), text)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")
