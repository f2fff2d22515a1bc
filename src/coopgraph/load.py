"""Load the ontology and data folders into the embedded store, with errors that name file and line.

What the loader reads, and what it refuses (the README's "Limits" section says the same):

- Files by extension: ``.ttl`` (Turtle), ``.nt`` (N-Triples), ``.rdf`` (RDF/XML), ``.jsonld`` (JSON-LD). Other
  files are left alone (README.md, CSV, images). Files whose name ends in ``shapes.ttl`` are SHACL shapes: checked
  for syntax here, loaded by the validator.
- Nothing is read from outside the folders and nothing from the network: a symlink that leads outside its folder
  is refused, RDF/XML with a DTD (``<!DOCTYPE``/``<!ENTITY``: external entities, entity bombs) is refused, and a
  JSON-LD remote context is refused (pyoxigraph has no document loader set, so it never fetches).
- An empty file (or one with only comments) is fine: it adds no triples.
- A UTF-8 byte order mark at the start of a Turtle or N-Triples file is skipped.
- A literal longer than MAX_LITERAL_CHARS characters is an input error (a 50 MB label is a mistake, and every later
  stage would carry it).
- Ill-typed literals ("2024-02-30"^^xsd:date) are valid RDF, so they load; the validator reports them as findings
  (qc:ill-typed-literal, exit 1) with file and line.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from coopgraph.blank_nodes import load_stable, may_hold_blank_nodes
from coopgraph.errors import InputError

if TYPE_CHECKING:
    import rdflib

SHAPES_SUFFIX = "shapes.ttl"
MAX_LITERAL_CHARS = 1_000_000
MAX_NESTING = 256  # JSON objects and arrays, or XML elements, inside one another; real files stay under 30

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
_FORMAT_NAMES = {".ttl": "Turtle", ".nt": "N-Triples", ".rdf": "RDF/XML", ".jsonld": "JSON-LD"}
_BOM = b"\xef\xbb\xbf"
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_XML_TOKEN = re.compile(rb"""<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!].*?>|<(/?)(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""",
                        re.DOTALL)

_PREFIX_LINE = re.compile(r"^\s*@?prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_LINE = re.compile(r"^(<[^>\s]+>|[A-Za-z][\w.-]*:[\w.-]+)\s")


# By logger name, so rdflib need not be imported here: it logs through this same logger once something imports it.
class _DropIllTypedLiteralWarnings(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it meets; we report those ourselves, file and line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_DropIllTypedLiteralWarnings())


@dataclass
class LoadedGraph:
    """The merged graph in an embedded Oxigraph store, and where each subject came from."""

    store: ox.Store
    files: list[Path]
    shapes_files: list[Path] = field(default_factory=list)
    location: Path | None = None  # the on-disk database, when the graph comes from the persistent store

    def __len__(self) -> int:
        return len(self.store)

    @cached_property
    def _subject_index(self) -> dict[str, tuple[Path, int]]:
        index: dict[str, tuple[Path, int]] = {}
        for path in self.files:
            for iri, line in _subject_lines(path):
                index.setdefault(iri, (path, line))
        return index

    def locate(self, iri: str) -> tuple[Path, int] | None:
        """The file and line where `iri` is first described as a subject, when a file does so."""
        return self._subject_index.get(iri)

    def to_rdflib(self) -> rdflib.Graph:
        """A copy of the default graph as an rdflib Graph (for pySHACL and other rdflib tools)."""
        import rdflib  # here, not at the top: a command that only queries the store never pays its import

        graph = rdflib.Graph()
        graph.parse(data=self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
        return graph


def rdf_files(folder: Path, suffixes: tuple[str, ...] = tuple(FORMATS)) -> list[Path]:
    """Every RDF file under folder (by extension), in a stable order; refuses links that lead outside it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, None, "no such folder", "pass an existing folder with --ontology / --data")
    root = folder.resolve()
    found: list[Path] = []
    for directory, subdirs, names in os.walk(folder, followlinks=False):
        here = Path(directory)
        for name in sorted(subdirs):
            # A linked folder inside the tree is reached by its real path; one that leads outside is refused.
            if (here / name).is_symlink():
                _inside(here / name, root)
        for name in sorted(names):  # the first problem reported is the same on every run
            path = here / name
            if path.suffix.lower() not in suffixes:
                continue
            if path.is_symlink():
                _inside(path, root)
            if not path.is_file():
                raise InputError(path, None, "not a regular file (a pipe, device or broken link)",
                                 "replace it with a plain file or remove it")
            found.append(path)
    return sorted(found)


def turtle_files(folder: Path) -> list[Path]:
    """Every Turtle file under folder, with the same checks (for tools that read Turtle only, such as rdflib)."""
    return rdf_files(folder, (".ttl",))


def load(ontology_dir: Path, data_dir: Path, store: ox.Store | None = None) -> LoadedGraph:
    """Parse every RDF file of both folders into one store (in memory unless one is given)."""
    store = store if store is not None else ox.Store()
    files: list[Path] = []
    shapes: list[Path] = []
    for path in rdf_files(Path(ontology_dir)) + rdf_files(Path(data_dir)):
        if path.name.endswith(SHAPES_SUFFIX):
            _check_parses(path)
            shapes.append(path)
            continue
        _load_file(store, path)
        files.append(path)
    graph = LoadedGraph(store=store, files=files, shapes_files=shapes)
    _check_literal_lengths(graph)
    return graph


def _inside(path: Path, root: Path) -> None:
    try:
        target = path.resolve(strict=False)
        os.stat(path)  # a loop, or a link through a loop, fails here (ELOOP) when resolve() let it pass
    except (RuntimeError, OSError) as error:
        if isinstance(error, FileNotFoundError):
            return  # a broken link: refused as "not a regular file" by the caller
        raise InputError(path, None, "a symbolic link that leads back to itself (a link loop)",
                         "fix or remove the link") from None
    if target != root and root not in target.parents:
        raise InputError(path, None, f"a symbolic link to {target}, outside the folder {root}",
                         "copy the file into the folder instead of linking to it")


def _source(path: Path) -> tuple[ox.RdfFormat, bytes | None]:
    """The format of `path`, and its bytes when they must be read here (a BOM to skip); refuses DTDs."""
    fmt = FORMATS[path.suffix.lower()]
    try:
        with path.open("rb") as handle:
            head = handle.read(3)
            if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES) and head == _BOM:
                return fmt, handle.read()
            if fmt == ox.RdfFormat.JSON_LD:
                content = head + handle.read()
                _check_nesting(path, content, _json_depths(content))
                return fmt, content
            if fmt == ox.RdfFormat.RDF_XML:
                content = head + handle.read()
                dtd = _DTD.search(content)
                if dtd is None:
                    _check_nesting(path, content, _xml_depths(content))
                    return fmt, content
                line = content[: dtd.start()].count(b"\n") + 1
                raise InputError(path, line, "RDF/XML with a DTD (<!DOCTYPE or <!ENTITY) is refused: entities can "
                                     "read other files, the network, or expand without bound",
                                 "remove the DOCTYPE and write the values out")
    except OSError as error:
        raise InputError(path, None, f"cannot be read: {error.strerror or error}", "check the path and its "
                         "permissions") from None
    return fmt, None


def _json_depths(content: bytes) -> Iterator[tuple[int, int]]:
    """(depth, offset) at each opening bracket of a JSON text; brackets inside strings do not count."""
    depth = 0
    for match in _JSON_TOKEN.finditer(content):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
            yield depth, match.start()
        elif token in (b"}", b"]"):
            depth -= 1


def _xml_depths(content: bytes) -> Iterator[tuple[int, int]]:
    """(depth, offset) at each start tag of an XML text; comments, CDATA and processing instructions skipped."""
    depth = 0
    for match in _XML_TOKEN.finditer(content):
        closing, empty = match.group(1), match.group(2)
        if closing is None:
            continue  # a comment, CDATA section, declaration or processing instruction
        if closing:
            depth -= 1
        elif not empty:
            depth += 1
            yield depth, match.start()


def _check_nesting(path: Path, content: bytes, depths: Iterator[tuple[int, int]]) -> None:
    for depth, offset in depths:
        if depth > MAX_NESTING:
            kind = _kind(path)
            how = ("give nested nodes an @id and write them at the top level (in an @graph array)"
                   if kind == "JSON-LD" else "write nested descriptions at the top level, linked by rdf:about or "
                   "rdf:nodeID")
            raise InputError(path, content.count(b"\n", 0, offset) + 1,
                             f"{kind} nested more than {MAX_NESTING} levels deep: refused before parsing (such "
                             "nesting can crash the parser or keep it busy for minutes)", how)


def parser_args(path: Path) -> dict:
    """Keyword arguments for ox.parse / Store.bulk_load that read `path` safely (BOM skipped, DTD refused)."""
    fmt, data = _source(path)
    args: dict = {"format": fmt, "base_iri": path.resolve().as_uri()}
    if data is None:
        args["path"] = str(path)
    else:
        args["input"] = data
    return args


def _load_file(store: ox.Store, path: Path) -> None:
    args = parser_args(path)  # refuses what must not be read (links outside, pipes, DTDs) before anything else
    if path.stat().st_size:
        with _reading(path):
            # blank-node labels from content, so the same files give the same output, byte for byte
            content = args["input"] if "input" in args else path.read_bytes()
            if may_hold_blank_nodes(content, args["format"]):
                load_stable(store, **args)
            else:
                store.bulk_load(**args)


def _check_parses(path: Path) -> None:
    args = parser_args(path)
    if path.stat().st_size:
        with _reading(path):
            for _ in ox.parse(**args):
                pass


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Parser failures as one InputError naming the file (and line, where the parser gives one)."""
    try:
        yield
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except MemoryError:
        raise _too_long(path) from None
    except (OSError, ValueError) as error:
        raise InputError(path, None, f"cannot be read: {error}", f"check the file is UTF-8 {_kind(path)}") from None


def _too_long(path: Path) -> InputError:
    """The parser gives up on a single token over 16 MiB; name the first line long enough to hold it."""
    return InputError(path, _first_long_line(path), f"a literal or IRI too long to read (the limit is "
                      f"{MAX_LITERAL_CHARS:,} characters)", "shorten it, or link to the text instead of embedding it")


def _first_long_line(path: Path) -> int | None:
    line, run = 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            parts = chunk.split(b"\n")
            for index, part in enumerate(parts):
                run += len(part)
                if run > MAX_LITERAL_CHARS:
                    return line
                if index < len(parts) - 1:
                    line, run = line + 1, 0
    return None


def _kind(path: Path) -> str:
    return _FORMAT_NAMES.get(path.suffix.lower(), "RDF")


_POSITION = re.compile(
    r"^Parser error (?:at|between) line \d+ (?:between )?columns? (\d+)(?: and (?:line \d+ column )?\d+)?: ")


def _syntax_error(path: Path, error: SyntaxError) -> InputError:
    message = str(error.msg if hasattr(error, "msg") else error)
    position = _POSITION.match(message)
    message = re.sub(r" \(line \d+\)$", "", message[position.end():] if position else message)
    column = f" at column {position.group(1)}" if position else ""
    kind = _kind(path)
    if "LoadDocumentCallback" in message:
        return InputError(path, error.lineno, f"{kind}: a remote @context is refused (nothing is fetched)",
                          "put the context inline in the file")
    if "UTF-8" in message:
        return InputError(path, error.lineno, f"not UTF-8 text{column} ({message})",
                          "save the file as UTF-8 (it may be Latin-1, Windows-1252 or UTF-16, or not text at all)")
    return InputError(path, error.lineno, f"{kind} syntax error{column}: {message}", f"fix the {kind} there")


def _check_literal_lengths(graph: LoadedGraph) -> None:
    """Refuse literals over MAX_LITERAL_CHARS; only a file larger than that many bytes can hold one."""
    big = [path for path in graph.files if path.stat().st_size > MAX_LITERAL_CHARS and _may_hold_long_literal(path)]
    if not big:
        return
    # Only when a file may hold one (rare): a scan of the store, no SPARQL needed below the query layer.
    for quad in graph.store.quads_for_pattern(None, None, None):
        if not isinstance(quad.object, ox.Literal) or len(quad.object.value) <= MAX_LITERAL_CHARS:
            continue
        subject, predicate, size = quad.subject, quad.predicate, len(quad.object.value)
        path = next((p for p in big if _holds_long_literal(p)), big[0])
        where = graph.locate(subject.value) if isinstance(subject, ox.NamedNode) else None
        line = where[1] if where and where[0] == path else None
        raise InputError(path, line, f"a literal of {size:,} characters (on {subject} {predicate}) is over the limit "
                         f"of {MAX_LITERAL_CHARS:,}", "shorten it, or link to the text instead of embedding it")


def _may_hold_long_literal(path: Path) -> bool:
    """A cheap look at the bytes: in Turtle or N-Triples, a long literal needs a long line or a \"\"\" string."""
    if path.suffix.lower() not in (".ttl", ".nt"):
        return True
    content = path.read_bytes()
    if b'"""' in content or b"'''" in content:
        return True
    return _first_long_line(path) is not None


def _holds_long_literal(path: Path) -> bool:
    """Parse one file again (only on the error path) to tell which file holds the long literal."""
    for quad in ox.parse(**parser_args(path)):
        if isinstance(quad.object, ox.Literal) and len(quad.object.value) > MAX_LITERAL_CHARS:
            return True
    return False


def _subject_lines(path: Path) -> list[tuple[str, int]]:
    """Subjects written at the start of a line, expanded with the file's own prefixes."""
    prefixes: dict[str, str] = {}
    found: list[tuple[str, int]] = []
    if path.suffix.lower() not in (".ttl", ".nt"):
        return found
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return found
    # Lines end at \n only, as the parsers count them: str.splitlines would also end one at U+2028, U+0085...
    for number, line in enumerate(text.split("\n"), start=1):
        declared = _PREFIX_LINE.match(line)
        if declared:
            prefixes[declared.group(1) or ""] = declared.group(2)
            continue
        subject = _SUBJECT_LINE.match(line)
        if not subject:
            continue
        token = subject.group(1)
        if token.startswith("<"):
            found.append((token[1:-1], number))
        else:
            prefix, _, local = token.partition(":")
            if prefix in prefixes:
                found.append((prefixes[prefix] + local, number))
    return found
