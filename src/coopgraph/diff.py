"""What changed between two versions of the ontology and data: terms and facts added, removed and changed.

A version is a folder (holding ontology/ and data/, or itself a data folder) or a git revision, read with
`git archive` into a scratch folder. Both graphs are canonicalised (rdflib.compare) so blank nodes, such as
those of SHACL property shapes, compare by their content; a changed blank node is reported under the named
subject that holds it.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from coopgraph.errors import CoopgraphError
from coopgraph.load import load
from coopgraph.namespaces import ONTOLOGY, shorten

# Subjects typed with one of these are terms of the ontology (or its shapes), everything else a fact.
TERM_TYPES = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
              RDF.Property, OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
              OWL.InverseFunctionalProperty, OWL.Ontology, SH.NodeShape, SH.PropertyShape}


@dataclass
class Version:
    label: str
    ontology: Path
    data: Path


@dataclass
class Change:
    """One property of a subject: the values only the old version has and those only the new one has."""

    property: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class Entry:
    iri: str
    curie: str
    label: str
    types: list[str]
    status: str  # added | removed | changed
    changes: list[Change] = field(default_factory=list)


@dataclass
class DiffReport:
    old: str
    new: str
    terms: list[Entry] = field(default_factory=list)
    facts: list[Entry] = field(default_factory=list)
    triples_removed: int = 0
    triples_added: int = 0

    @property
    def empty(self) -> bool:
        return not self.terms and not self.facts

    def counts(self, entries: list[Entry]) -> dict[str, int]:
        return {status: sum(e.status == status for e in entries) for status in ("added", "removed", "changed")}

    def to_json(self) -> str:
        body = {"old": self.old, "new": self.new, "triples": {"removed": self.triples_removed,
                                                               "added": self.triples_added}}
        for name, entries in (("terms", self.terms), ("facts", self.facts)):
            body[name] = {status: [asdict(e) for e in entries if e.status == status]
                          for status in ("added", "removed", "changed")}
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"

    def to_text(self) -> str:
        lines = [f"coopgraph diff {self.old} -> {self.new}: "
                 f"{self.triples_removed} triples removed, {self.triples_added} added"]
        for name, entries in (("Terms", self.terms), ("Facts", self.facts)):
            counts = self.counts(entries)
            lines.append(f"{name}: {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed")
            for entry in entries:
                mark = {"added": "+", "removed": "-", "changed": "~"}[entry.status]
                kind = f" ({', '.join(entry.types)})" if entry.types else ""
                label = f" {json.dumps(entry.label, ensure_ascii=False)}" if entry.label else ""
                lines.append(f"  {mark} {entry.curie}{label}{kind}")
                if entry.status == "changed":
                    for change in entry.changes:
                        lines.extend(f"      {change.property}: - {value}" for value in change.removed)
                        lines.extend(f"      {change.property}: + {value}" for value in change.added)
        return "\n".join(lines) + "\n"


def diff(old: Version, new: Version) -> DiffReport:
    return compare(read_graph(old), read_graph(new), old.label, new.label)


def compare(old_graph: Graph, new_graph: Graph, old_label: str = "old", new_label: str = "new") -> DiffReport:
    old_c, new_c = to_canonical_graph(old_graph), to_canonical_graph(new_graph)
    _, only_old, only_new = graph_diff(old_c, new_c)
    report = DiffReport(old_label, new_label, triples_removed=len(only_old), triples_added=len(only_new))
    grouped: dict[URIRef | BNode, dict[str, Change]] = defaultdict(dict)
    for graph, delta, side in ((old_c, only_old, "removed"), (new_c, only_new, "added")):
        owners = _Owners(graph)
        for s, p, o in delta:
            owner, path = owners.of(s)
            name = " / ".join(shorten(str(step)) for step in [*path, p])
            change = grouped[owner].setdefault(name, Change(name))
            getattr(change, side).append(_show(o))
    old_subjects, new_subjects = set(old_c.subjects()), set(new_c.subjects())
    for owner in sorted(grouped, key=str):
        status = "added" if owner not in old_subjects else "removed" if owner not in new_subjects else "changed"
        graph = new_c if status != "removed" else old_c
        changes = [grouped[owner][name] for name in sorted(grouped[owner])]
        for change in changes:
            change.removed.sort()
            change.added.sort()
        types = set(graph.objects(owner, RDF.type))
        entry = Entry(str(owner), shorten(str(owner)) if isinstance(owner, URIRef) else "[]", _label(graph, owner),
                      sorted(shorten(str(t)) for t in types), status, changes)
        is_term = bool(types & TERM_TYPES) or str(owner).startswith(ONTOLOGY)
        (report.terms if is_term else report.facts).append(entry)
    return report


class _Owners:
    """The named subject a blank node hangs from, and the predicates on the way (memoised)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.memo: dict[BNode, tuple[URIRef | BNode, list[URIRef]]] = {}

    def of(self, node: URIRef | BNode, seen: frozenset = frozenset()) -> tuple[URIRef | BNode, list[URIRef]]:
        if not isinstance(node, BNode):
            return node, []
        if node in self.memo:
            return self.memo[node]
        found: tuple[URIRef | BNode, list[URIRef]] = (node, [])
        for parent, predicate in sorted(self.graph.subject_predicates(node), key=str):
            if parent in seen or parent == node:
                continue
            owner, path = self.of(parent, seen | {node})
            found = (owner, [*path, predicate])
            if isinstance(owner, URIRef):
                break
        self.memo[node] = found
        return found


def _label(graph: Graph, node: URIRef | BNode) -> str:
    labels = list(graph.objects(node, RDFS.label)) or list(graph.objects(node, SKOS.prefLabel))
    english = [str(v) for v in labels if isinstance(v, Literal) and v.language in ("en", None)]
    return sorted(english or [str(v) for v in labels])[0] if labels else ""


def _show(term: object) -> str:
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, BNode):
        return "[]"
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^{shorten(str(term.datatype))}"
        return text
    return str(term)


def read_graph(version: Version) -> Graph:
    """Ontology, shapes and data of a version as one rdflib graph (parse errors name file and line)."""
    loaded = load(version.ontology, version.data)
    for path in loaded.shapes_files:
        loaded.store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    return loaded.to_rdflib()


@contextmanager
def open_version(spec: str, repo: Path | None = None) -> Iterator[Version]:
    """A folder as it is, or a git revision of `repo` (default: the current folder) unpacked into scratch."""
    folder = Path(spec)
    with tempfile.TemporaryDirectory(prefix="coopgraph-diff-") as scratch:
        if folder.is_dir():
            yield _folder_version(folder, spec, Path(scratch))
            return
        root = _git_root(repo or Path.cwd(), spec)
        unpacked = Path(scratch) / "tree"
        unpacked.mkdir()
        _git_unpack(root, spec, unpacked)
        yield _folder_version(unpacked, spec, Path(scratch))


def _folder_version(folder: Path, label: str, scratch: Path) -> Version:
    empty = scratch / "empty"
    empty.mkdir(exist_ok=True)
    if (folder / "ontology").is_dir() or (folder / "data").is_dir():
        ontology = folder / "ontology" if (folder / "ontology").is_dir() else empty
        data = folder / "data" if (folder / "data").is_dir() else empty
        return Version(label, ontology, data)
    return Version(label, empty, folder)  # a bare data folder


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, timeout=120)
    except FileNotFoundError:
        raise CoopgraphError("git is not installed; compare two folders instead") from None


def _git_root(repo: Path, revision: str) -> Path:
    found = _git(repo, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        raise CoopgraphError(f"{revision!r} is not a folder, and {repo} is not in a git repository to read it "
                             "as a revision from; give a folder or run inside the repository (or --repo DIR)")
    root = Path(found.stdout.decode().strip())
    if _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode != 0:
        raise CoopgraphError(f"{revision!r} is neither a folder nor a git revision of {root}; "
                             "check the path, or the name with `git log --oneline`")
    return root


def _git_unpack(root: Path, revision: str, into: Path) -> None:
    listed = _git(root, "ls-tree", "--name-only", f"{revision}^{{commit}}", "--", "ontology", "data")
    paths = [p for p in listed.stdout.decode().split("\n") if p]
    if not paths:
        raise CoopgraphError(f"revision {revision!r} of {root} has neither ontology/ nor data/")
    archive = _git(root, "archive", "--format=tar", f"{revision}^{{commit}}", "--", *paths)
    if archive.returncode != 0:
        raise CoopgraphError(f"git archive {revision}: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
