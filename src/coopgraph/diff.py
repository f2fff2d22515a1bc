"""What changed between two versions of the ontology and data: terms and facts added, removed and changed.

A version is a folder (holding ontology/ and data/, or itself a data folder) or a git revision, read with
`git archive` into a scratch folder. Subjects are compared statement by statement; a blank node (an RDF list,
an OWL restriction, a SHACL property shape) is a value written out by its content, so it compares equal when
its content is, and a change inside one shows under the named subject that holds it.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from coopgraph.errors import INPUT_ERROR, CoopgraphError, printable
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
    statements_removed: int = 0
    statements_added: int = 0

    @property
    def empty(self) -> bool:
        return not self.terms and not self.facts

    def counts(self, entries: list[Entry]) -> dict[str, int]:
        return {status: sum(e.status == status for e in entries) for status in ("added", "removed", "changed")}

    def to_json(self) -> str:
        body = {"old": self.old, "new": self.new, "statements": {"removed": self.statements_removed,
                                                                  "added": self.statements_added}}
        for name, entries in (("terms", self.terms), ("facts", self.facts)):
            body[name] = {status: [asdict(e) for e in entries if e.status == status]
                          for status in ("added", "removed", "changed")}
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"

    def to_text(self) -> str:
        lines = [f"coopgraph diff {self.old} -> {self.new}: "
                 f"{self.statements_removed} statements removed, {self.statements_added} added"]
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
    """Compare two graphs subject by subject; a blank node counts as its content, written out in place.

    Comparing by content rather than by rdflib.compare's canonical labels keeps an unchanged list or property
    shape unchanged: canonical labels depend on the whole graph, so adding a shape elsewhere relabels them.
    """
    old_view, new_view = _Described(old_graph), _Described(new_graph)
    report = DiffReport(old_label, new_label)
    for owner in sorted(old_view.nodes.keys() | new_view.nodes.keys()):
        before, after = old_view.statements(owner), new_view.statements(owner)
        if before == after:
            continue
        report.statements_removed += len(before - after)
        report.statements_added += len(after - before)
        changes: dict[str, Change] = {}
        for side, found in (("removed", before - after), ("added", after - before)):
            for predicate, value in sorted(found):
                getattr(changes.setdefault(predicate, Change(predicate)), side).append(value)
        status = "added" if not before else "removed" if not after else "changed"
        view = old_view if status == "removed" else new_view
        node = view.nodes[owner]
        types = set(view.graph.objects(node, RDF.type))
        entry = Entry(owner, shorten(owner) if isinstance(node, URIRef) else owner, _label(view.graph, node),
                      sorted(shorten(str(t)) for t in types), status, [changes[name] for name in sorted(changes)])
        is_term = bool(types & TERM_TYPES) or str(owner).startswith(ONTOLOGY)
        (report.terms if is_term else report.facts).append(entry)
    return report


class _Described:
    """Each named subject's statements as (property, value) strings, blank-node values written out by content."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.memo: dict[BNode, str] = {}
        self.nodes: dict[str, URIRef | BNode] = {str(s): s for s in graph.subjects() if isinstance(s, URIRef)}
        for node in graph.subjects():
            if isinstance(node, BNode) and (None, None, node) not in graph:
                self.nodes[self.show(node)] = node  # a blank node nobody points to: known by its content

    def statements(self, key: str) -> frozenset[tuple[str, str]]:
        node = self.nodes.get(key)
        if node is None:
            return frozenset()
        return frozenset((shorten(str(p)), self.show(o)) for p, o in self.graph.predicate_objects(node))

    def show(self, term: object, seen: frozenset = frozenset()) -> str:
        if not isinstance(term, BNode):
            return _show(term)
        if term in seen:
            return "[ ... ]"  # a cycle through blank nodes
        if term in self.memo:
            return self.memo[term]
        items = self._list(term)
        if items is not None:
            text = "( " + " ".join(self.show(i, seen | {term}) for i in items) + " )"
        else:
            parts = sorted(f"{shorten(str(p))} {self.show(o, seen | {term})}"
                           for p, o in self.graph.predicate_objects(term))
            text = "[ " + " ; ".join(parts) + " ]" if parts else "[]"
        self.memo[term] = text
        return text

    def _list(self, node: BNode) -> list | None:
        """The members of a well-formed RDF list starting at node, else None."""
        items, seen = [], set()
        while node != RDF.nil:
            if not isinstance(node, BNode) or node in seen:
                return None
            seen.add(node)
            first, rest = list(self.graph.objects(node, RDF.first)), list(self.graph.objects(node, RDF.rest))
            if len(first) != 1 or len(rest) != 1 or len(set(self.graph.predicates(node))) != 2:
                return None
            items.append(first[0])
            node = rest[0]
        return items


def _label(graph: Graph, node: URIRef | BNode) -> str:
    labels = list(graph.objects(node, RDFS.label)) or list(graph.objects(node, SKOS.prefLabel))
    english = [str(v) for v in labels if isinstance(v, Literal) and v.language in ("en", None)]
    return sorted(english or [str(v) for v in labels])[0] if labels else ""


def _show(term: object) -> str:
    if isinstance(term, URIRef):
        return shorten(str(term))
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
        return  # a revision before the ontology and data existed: an empty version
    archive = _git(root, "archive", "--format=tar", f"{revision}^{{commit}}", "--", *paths)
    if archive.returncode != 0:
        raise CoopgraphError(f"git archive {revision}: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        try:
            tar.extractall(into, filter="data")
        except tarfile.FilterError as error:  # a link to an absolute path or out of the tree: not followed
            what = (f"a link to {printable(error.tarinfo.linkname)}" if error.tarinfo.linkname
                    else "a file outside the tree")
            raise CoopgraphError(f"{printable(revision)}:{printable(error.tarinfo.name)}: {what} is refused (a "
                                 "version is read from its own files only); make it a plain file in that "
                                 "revision, or compare two folders instead", INPUT_ERROR) from None
