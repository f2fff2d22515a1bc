"""Reasoning: SPARQL rules derive the shortcut links on the store; HermiT checks consistency.

HermiT (through owlready2) runs for consistency and classification only: with property-value inference it
took 35 s on 300 individuals, so the links the queries use come from the rules in ontology/rules/*.rq, and
tests check on a small sample that the rules and HermiT agree. HermiT's verdict is cached by a hash of its
input, under $COOPGRAPH_CACHE or ~/.cache/coopgraph.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from coopgraph import paths
from coopgraph.blank_nodes import blank_node_labels as _blank_node_labels
from coopgraph.errors import FINDINGS, INPUT_ERROR, CoopgraphError
from coopgraph.namespaces import OWL, RDF_TYPE, XSD
from coopgraph.sparql_text import construct_to_insert

if TYPE_CHECKING:
    from coopgraph.catalogue import Query

CACHE_FORMAT = 3  # bump when the cached result's shape or the HermiT input conversion changes

_INFERRED = "urn:coopgraph:inferred#"  # the ontology HermiT writes its inferences to

_INTEGER_TYPES = (
    "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "negativeInteger", "long", "int",
    "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
)
# The OWL 2 datatype map (https://www.w3.org/TR/owl2-syntax/#Datatype_Maps): HermiT rejects anything else,
# such as xsd:date and xsd:gYear, which the data uses for dates. Literals of other datatypes are left out of
# HermiT's input; the ontology declares no OWL axiom on them (SHACL checks them), so the verdict is the same.
_OWL2_DATATYPES = frozenset(
    [f"{XSD}{name}" for name in (
        *_INTEGER_TYPES, "decimal", "double", "float", "string", "normalizedString", "token", "language", "Name",
        "NCName", "NMTOKEN", "boolean", "hexBinary", "base64Binary", "anyURI", "dateTime", "dateTimeStamp",
    )]
    + [
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        "http://www.w3.org/2000/01/rdf-schema#Literal",
        "http://www.w3.org/2002/07/owl#real",
        "http://www.w3.org/2002/07/owl#rational",
    ]
)
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_DECIMAL = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$")
_LEXICAL_CHECK = {
    f"{XSD}decimal": _DECIMAL,
    f"{XSD}boolean": re.compile(r"^\s*(true|false|0|1)\s*$"),
    **{f"{XSD}{name}": _INTEGER for name in _INTEGER_TYPES},
}


def rules_dir() -> Path:
    from coopgraph.catalogue import set_folder

    return set_folder("rules")


# --- SPARQL rules -----------------------------------------------------------------------------------------


def derive(store: ox.Store, rules: Path | None = None) -> list[ox.Triple]:
    """Apply the rules (see apply_rules) and return the triples they added; for `coopgraph reason --out`."""
    before = set(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    apply_rules(store, rules)
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()) if q not in before]


def apply_rules(store: ox.Store, rules: Path | None = None, max_rounds: int = 20) -> int:
    """Run every rule in `rules` (default: the shipped ontology/rules) to a fixpoint; return how many triples were new.

    Each CONSTRUCT rule runs as the equivalent INSERT inside Oxigraph, so no triple crosses into Python
    (measured at 1M triples: 12.6 s instead of 25.6 s, and no Python copy of the 660k derived triples).
    """
    folder = rules or rules_dir()
    fixpoint, last = [], []
    for path, rule in _read_rules(folder):
        try:
            (last if rule.runs == "last" else fixpoint).append((path, construct_to_insert(rule.text)))
        except CoopgraphError as error:
            raise CoopgraphError(f"{path}: {error.message}", INPUT_ERROR) from None
    start = len(store)
    for _ in range(max_rounds):
        before = len(store)
        _run_updates(store, fixpoint)
        if len(store) == before:
            # the summaries nothing reads (tie years, kinds) run once, on the closed graph: at 1M triples each
            # fixpoint round costs them 3.5 s again, and its last round only confirms that nothing changed
            _run_updates(store, last)
            return len(store) - start
    raise CoopgraphError(f"{folder}: the rules did not reach a fixpoint in {max_rounds} rounds; "
                         "check for a rule that mints new nodes", INPUT_ERROR)


def _run_updates(store: ox.Store, updates: list[tuple[Path, str]]) -> None:
    for path, update in updates:
        try:
            store.update(update)
        except SyntaxError as error:
            raise CoopgraphError(f"{path}: SPARQL syntax error: {error}; fix the rule", INPUT_ERROR) from None


def _read_rules(folder: Path) -> list[tuple[Path, Query]]:
    from coopgraph.catalogue import query_set

    rules = query_set("rules", folder)
    if not rules:
        raise CoopgraphError(f"{folder}: no rules (*.rq) found; the ontology folder needs its rules/ folder",
                             INPUT_ERROR)
    return [(rule.path or folder / name, rule) for name, rule in rules.items()]


# --- HermiT consistency check -------------------------------------------------------------------------------


@dataclass
class Clash:
    """One reason for an inconsistency that a SPARQL check can name."""

    subject: str
    message: str


@dataclass
class ConsistencyResult:
    consistent: bool
    entities: list[str] = field(default_factory=list)  # IRIs of the individuals involved
    clashes: list[Clash] = field(default_factory=list)
    unsatisfiable: list[str] = field(default_factory=list)  # classes that can have no member
    inferred_types: list[tuple[str, str]] = field(default_factory=list)  # (individual, class) HermiT adds
    message: str = ""
    seconds: float = 0.0
    cached: bool = False


_OWL_IMPORTS = OWL + "imports"


def cache_dir() -> Path:
    return paths.cache_dir()


def check_consistency(graph: object, *, use_cache: bool = True) -> ConsistencyResult:
    """HermiT over ontology + data (a LoadedGraph or a pyoxigraph Store): consistent, and if not, who."""
    store: ox.Store = getattr(graph, "store", graph)  # type: ignore[assignment]
    lines = sorted(_hermit_lines(store))
    key = _cache_key(lines)
    cached = _read_cache(key) if use_cache else None
    if cached is not None:
        cached.cached = True
        return cached
    result = _run_hermit(lines)
    if not result.consistent:
        result.clashes = explain(store)
        result.entities = sorted({clash.subject for clash in result.clashes})
    _write_cache(key, result)
    return result


def _hermit_lines(store: ox.Store) -> Iterable[str]:
    """The default graph as N-Triples lines HermiT accepts (literals outside the OWL 2 datatype map left out).

    Blank nodes get labels computed from what they hold, so loading the same files again gives the same lines
    (and the same cache key); the parser's own labels change on every load.
    """
    quads = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    label = _blank_node_labels(quads)
    for quad in quads:
        obj = quad.object
        if isinstance(obj, ox.Literal) and not owl2_literal(obj):
            continue
        if quad.predicate.value == _OWL_IMPORTS:
            continue  # owlready2 would fetch the imported IRI: nothing is read from the network
        yield f"{label(quad.subject)} {quad.predicate} {label(obj)} .\n"


def owl2_literal(literal: ox.Literal) -> bool:
    """True when the literal's datatype is in the OWL 2 datatype map and its lexical form is valid for it."""
    datatype = literal.datatype.value
    if datatype not in _OWL2_DATATYPES:
        return False
    check = _LEXICAL_CHECK.get(datatype)
    return check is None or bool(check.match(literal.value))


def _cache_key(lines: list[str]) -> str:
    import owlready2

    digest = hashlib.sha256(f"coopgraph-hermit {CACHE_FORMAT} owlready2 {owlready2.VERSION}\n".encode())
    for line in lines:
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def _read_cache(key: str) -> ConsistencyResult | None:
    path = cache_dir() / f"hermit-{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["clashes"] = [Clash(**c) for c in data["clashes"]]
        data["inferred_types"] = [tuple(pair) for pair in data["inferred_types"]]
        return ConsistencyResult(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None  # no cache, or one from another version: run HermiT again


def _write_cache(key: str, result: ConsistencyResult) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"hermit-{key}.json.tmp{os.getpid()}"
        temporary.write_text(json.dumps(asdict(result)), encoding="utf-8")
        temporary.replace(folder / f"hermit-{key}.json")
    except OSError:
        pass  # a read-only home only costs a rerun


class _Inconsistent(Exception):
    pass


def java_available() -> bool:
    """Whether HermiT can run: owlready2 starts it with this Java."""
    import owlready2

    return shutil.which(owlready2.JAVA_EXE) is not None or Path(owlready2.JAVA_EXE).is_file()


@contextmanager
def _reasoned_world(lines: list[str], infer_property_values: bool) -> Iterator[tuple[Any, Any]]:
    """An owlready2 World holding `lines` after HermiT ran, and the ontology HermiT wrote its inferences to."""
    import owlready2

    if not java_available():
        raise CoopgraphError(
            "the consistency check needs Java (HermiT runs on the JVM) and no `java` was found on PATH; "
            "install a Java runtime (Debian/Ubuntu: apt-get install default-jre-headless), "
            "or skip the check with --no-consistency",
            INPUT_ERROR,
        )
    with tempfile.TemporaryDirectory(prefix="coopgraph-hermit-") as folder:
        source = Path(folder) / "graph.nt"
        source.write_text("".join(lines), encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(source.as_uri()).load(format="ntriples")
            inferred = world.get_ontology(_INFERRED)
            with inferred:
                owlready2.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
            yield world, inferred
        except owlready2.OwlReadyInconsistentOntologyError:
            raise _Inconsistent() from None
        except owlready2.OwlReadyJavaError as error:
            detail = next((ln for ln in str(error).splitlines() if "Exception" in ln), str(error)[:300])
            raise CoopgraphError(f"HermiT failed: {detail.strip()}; check the ontology with `coopgraph validate "
                                 "--no-consistency` first", INPUT_ERROR) from None
        finally:
            world.close()


def _run_hermit(lines: list[str]) -> ConsistencyResult:
    started = time.perf_counter()
    try:
        with _reasoned_world(lines, infer_property_values=False) as (world, inferred):
            unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if hasattr(c, "iri"))
            types = [(s, o) for s, o in _inferred(world, inferred, RDF_TYPE) if not s.startswith(_INFERRED.rstrip("#"))]
    except _Inconsistent:
        return ConsistencyResult(consistent=False, message="HermiT found the ontology and data inconsistent",
                                 seconds=time.perf_counter() - started)
    return ConsistencyResult(consistent=True, unsatisfiable=unsatisfiable, inferred_types=types,
                             message="HermiT found the ontology and data consistent",
                             seconds=time.perf_counter() - started)


def hermit_links(graph: object, properties: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
    """Links HermiT infers for each property IRI (asserted ones included), with property-value inference.

    Slow: for small samples only (the tests compare it with the SPARQL rules). Raises CoopgraphError
    (exit 1) when the graph is inconsistent.
    """
    store: ox.Store = getattr(graph, "store", graph)  # type: ignore[assignment]
    try:
        with _reasoned_world(sorted(_hermit_lines(store)), infer_property_values=True) as (world, _):
            links: dict[str, set[tuple[str, str]]] = {}
            for iri in properties:
                prop = world[iri]
                pairs = prop.get_relations() if prop is not None else []
                links[iri] = {(s.iri, o.iri) for s, o in pairs if hasattr(s, "iri") and hasattr(o, "iri")}
            return links
    except _Inconsistent:
        raise CoopgraphError("HermiT found the graph inconsistent; run `coopgraph reason` to see who",
                             FINDINGS) from None


def _inferred(world: Any, inferred: Any, predicate: str) -> list[tuple[str, str]]:
    """(subject, object) IRIs of the triples with `predicate` that HermiT wrote to the inferred ontology."""
    pairs = set()
    for s, _, o in inferred.get_triples(None, world._abbreviate(predicate), None):
        if s > 0 and isinstance(o, int) and o > 0:  # named resources only (blank nodes are negative)
            pairs.add((world._unabbreviate(s), world._unabbreviate(o)))
    return sorted(pairs)


# --- Naming the culprits ----------------------------------------------------------------------------------

# The quality checks that mirror HermiT's clashes (empty-class-member: in a class equivalent to owl:Nothing).
_CLASH_CHECKS = ("disjoint-types", "datatype-range", "empty-class-member")


def explain(store: ox.Store) -> list[Clash]:
    """The individuals behind an inconsistency, found by the quality checks that mirror HermiT's clashes."""
    from coopgraph.catalogue import query_set
    from coopgraph.store import select

    checks = query_set("qc")
    clashes: list[Clash] = []
    for name in _CLASH_CHECKS:
        table = select(store, checks[name].text, source=checks[name].source, timeout=None, max_rows=None)
        for record in table.records():
            clashes.append(Clash(subject=str(record["subject"]), message=str(record["message"])))
    return clashes
