"""Blank-node labels computed from content, so the same input gives the same labels (and the same output bytes).

A parser names blank nodes at random: two loads of the same files would write different graph.nt and graph.ttl
files, exports and query results. When a file is loaded, each of its blank nodes is renamed from a hash of what
it holds (its statements, blank children included) and the place it hangs from; identical twins in the same
place (which no reader can tell apart) get a counter. The same names serve the HermiT cache key (reason.py).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import pyoxigraph as ox

from coopgraph.paths import internal_queries_dir

# queries/internal/: SPARQL the code runs for itself (not part of the catalogue).
_TRIPLES_QUERY = "blank-node-triples.rq"
# Turtle writes blank nodes as _:label, [ ... ] or a ( list ); N-Triples as _:label.
_SYNTAX = re.compile(rb"[\[(]|_:")
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def may_hold_blank_nodes(content: bytes, fmt: ox.RdfFormat) -> bool:
    """False only when the Turtle or N-Triples text surely has no blank node (its brackets sit in strings).

    A cheap look at the lines that hold '[', '(' or '_:', without their quoted strings; a file with multi-line
    strings, RDF/XML and JSON-LD (which make blank nodes without writing them) always may.
    """
    if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES) or b'"""' in content or b"'''" in content:
        return True
    for token in (b"[", b"(", b"_:"):  # bytes.find runs at memory speed; a regex scan of the file would not
        position = content.find(token)
        while position >= 0:
            start = content.rfind(b"\n", 0, position) + 1
            end = content.find(b"\n", position)
            end = len(content) if end < 0 else end
            if _SYNTAX.search(_STRING.sub(b'""', content[start:end])):
                return True
            position = content.find(token, end)
    return False


def load_stable(store: ox.Store, **parser_args: Any) -> None:
    """bulk_load one file into `store` with its blank nodes named from their content.

    Blank nodes belong to the file they are written in, so each file's are named on their own: in a scratch
    store, whose triples then go into `store` (bulk_load would rename them at random again).
    """
    scratch = ox.Store()
    scratch.bulk_load(**parser_args)
    stabilise(scratch)
    store.extend(scratch)


def stabilise(store: ox.Store) -> int:
    """Rename every blank node of the default graph from its content; returns how many were renamed."""
    text = (internal_queries_dir() / _TRIPLES_QUERY).read_text(encoding="utf-8")
    triples = [ox.Triple(row["s"], row["p"], row["o"]) for row in store.query(text)]
    if not triples:
        return 0
    label = blank_node_labels(triples)
    names: dict[str, ox.BlankNode] = {}
    taken: dict[str, int] = defaultdict(int)
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.BlankNode) and term.value not in names:
                name = label(term)[2:]  # "_:h..." -> "h..."
                taken[name] += 1
                names[term.value] = ox.BlankNode(name if taken[name] == 1 else f"{name}t{taken[name]}")

    def rename(term: Any) -> Any:
        return names[term.value] if isinstance(term, ox.BlankNode) else term

    for triple in triples:
        store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()))
    store.extend(ox.Quad(rename(t.subject), t.predicate, rename(t.object), ox.DefaultGraph()) for t in triples)
    return len(names)


def blank_node_labels(quads: Sequence[ox.Quad | ox.Triple]) -> Callable[[Any], str]:
    """A term's N-Triples form, with each blank node named from what it holds and where it is used.

    OWL's RDF mapping wants every class expression and list on its own blank node, so two identical unions
    (the domain of one property, the range of another) must keep two names: the name hashes the node's
    content (bottom-up) and the place it hangs from (top-down).
    """
    outgoing: dict[str, list[ox.Quad]] = defaultdict(list)
    incoming: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode):
            outgoing[quad.subject.value].append(quad)
        if isinstance(quad.object, ox.BlankNode):
            incoming[quad.object.value].append(quad)
    contents: dict[str, str] = {}
    names: dict[str, str] = {}

    # Both walks use an explicit stack: blank nodes may nest thousands of levels deep (no recursion limit).
    def content(root: str) -> str:
        """Hash of what a blank node holds, its blank children's contents included (bottom-up)."""
        _post_order(root, lambda node: [q.object.value for q in outgoing[node] if isinstance(q.object, ox.BlankNode)],
                    contents, lambda node: _digest("\n".join(sorted(
                        f"{q.predicate} " + (contents[q.object.value] if isinstance(q.object, ox.BlankNode)
                                             and q.object.value in contents else str(q.object))
                        for q in outgoing[node]))))
        return contents[root]

    def name(node: str) -> str:
        places = sorted(f"{names[q.subject.value] if isinstance(q.subject, ox.BlankNode) else q.subject} "
                        f"{q.predicate}" for q in incoming[node]
                        if not isinstance(q.subject, ox.BlankNode) or q.subject.value in names)
        return "_:h" + _digest(content(node) + "@" + (places[0] if places else ""))

    def label(term: Any) -> str:
        """N-Triples form; a blank node is named by its content and the place it hangs from (top-down)."""
        if not isinstance(term, ox.BlankNode):
            return str(term)
        _post_order(term.value, lambda node: [q.subject.value for q in incoming[node]
                                              if isinstance(q.subject, ox.BlankNode)], names, name)
        return names[term.value]

    return label


def _post_order(root: str, children: Callable[[str], list[str]], done: dict[str, str],
                finish: Callable[[str], str]) -> None:
    """Fill done[node] = finish(node) for root and what it depends on, dependencies first; cycles are cut."""
    stack: list[tuple[str, bool]] = [(root, False)]
    on_path: set[str] = set()
    while stack:
        node, expanded = stack.pop()
        if node in done:
            continue
        if expanded:
            done[node] = finish(node)
            on_path.discard(node)
        elif node not in on_path:
            on_path.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in children(node) if child not in done and child not in on_path)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
