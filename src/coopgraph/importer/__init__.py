"""Bulk entry from a spreadsheet: CSV rows of one kind become a Turtle file in the data folder, or nothing.

The whole file is checked before anything is written: the header, every cell (dates, numbers, slugs), every
reference (an id the data or the other rows define), and then the new triples together with the data are
validated. Any problem refuses the whole file, naming each row (its CSV line), column and reason.

Each import writes its own file, data/imported-<kind>-<csv stem>.ttl, rather than appending to the hand-kept
data/<kind>.ttl: the hand-kept files keep their comments and layout, the import is one reviewable file in a
diff, re-running the same CSV replaces its file instead of doubling it, and undoing it is deleting one file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from coopgraph.errors import FINDINGS, CoopgraphError, InputError, machine_error, printable
from coopgraph.importer.cells import Problem, Reference, Row, candidate_iris
from coopgraph.importer.kinds import KINDS, Builder, Kind
from coopgraph.load import LoadedGraph, load, rdf_files
from coopgraph.namespaces import ONTOLOGY, PREFIXES, instance_iri, shorten, turtle_prefix_block
from coopgraph.output import write_file_atomically
from coopgraph.results import FORMULA_STARTS, spreadsheet_safe

__all__ = ["KINDS", "ImportRefused", "ImportResult", "Problem", "import_csv", "target_path", "template"]

MAX_CSV_BYTES = 64 * 1024 * 1024  # a sheet of rows to import is far smaller; /dev/zero or a dump is not one


class ImportRefused(CoopgraphError):
    """Some rows are wrong: nothing was written. `problems` names each row, column and reason."""

    def __init__(self, csv_path: Path, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)  # stable: columns stay in order
        name = printable(csv_path)
        lines = [f"{name}:{p.line}: column {p.column or '(row)'}: {p.reason}" for p in self.problems]
        rows = len({p.line for p in self.problems})
        summary = f"{name}: {rows} row{'s' * (rows != 1)} refused; nothing was written"
        super().__init__("\n".join([summary, *lines]), FINDINGS)


@dataclass
class ImportResult:
    target: Path
    rows: int
    triples: int
    replaced: bool
    subjects: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # cells a spreadsheet would run as formulas


def kind_named(name: str) -> Kind:
    if name not in KINDS:
        raise CoopgraphError(f"unknown kind {name!r}; use one of: {', '.join(KINDS)}")
    return KINDS[name]


def template(kind_name: str) -> str:
    """The CSV header for a kind and one example row that imports as it is against the shipped data."""
    kind = kind_named(kind_name)
    return _csv_text([[c.name for c in kind.columns], [c.example for c in kind.columns]])


def target_path(data_dir: Path, kind_name: str, csv_path: Path) -> Path:
    stem = re.sub(r"[^a-z0-9]+", "-", csv_path.stem.lower()).strip("-") or "rows"
    return Path(data_dir) / f"imported-{kind_name}-{stem}.ttl"


def import_csv(csv_path: Path, kind_name: str, ontology_dir: Path, data_dir: Path,
               dry_run: bool = False, consistency: bool = True) -> ImportResult:
    """Check every row, validate the result with the data, then write the Turtle file (unless dry_run).

    consistency=False skips the reasoner's consistency check (seconds of Java) and keeps shapes and checks.
    """
    kind = kind_named(kind_name)
    csv_path, data_dir = Path(csv_path), Path(data_dir)
    rows, problems = read_rows(csv_path, kind)
    if not rows and not problems:
        raise InputError(csv_path, None, "has a header but no rows", "add at least one row below the header")
    warnings = formula_cells(rows)
    target = target_path(data_dir, kind.name, csv_path)
    # Checked as validate checks them: a link out of the folder, a pipe or a link loop is refused, unread.
    sources = [p for p in rdf_files(data_dir) if p.resolve() != target.resolve()]
    with tempfile.TemporaryDirectory(prefix="coopgraph-import-") as scratch:
        # The data as it will be: its RDF files (nothing else is read) but the one this import replaces.
        staged = Path(scratch) / "data"
        staged.mkdir()
        for source in sources:
            copy = staged / source.relative_to(data_dir)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
        baseline = load(ontology_dir, staged)
        built = _build_rows(kind, rows, baseline, staged, data_dir, problems)
        if problems:
            raise ImportRefused(csv_path, problems)
        text = to_turtle(built, csv_path, kind.name)
        (staged / target.name).write_text(text, encoding="utf-8")
        problems.extend(_validation_problems(load(ontology_dir, staged), built, consistency))
        if problems:
            raise ImportRefused(csv_path, problems)
    replaced = target.exists()
    if not dry_run:
        try:
            write_file_atomically(target, text)
        except OSError as error:  # a full disk, a read-only folder: named by the file, not its temporary
            raise machine_error(error, target, "nothing was written") from None
    triples = sum(len(b.triples) for b in built.values())
    return ImportResult(target, len(built), triples, replaced, [b.subject.value for b in built.values()], warnings)


def formula_cells(rows: list[Row]) -> list[Problem]:
    """Cells a spreadsheet would run as a formula (OWASP: a leading =, +, -, @, tab or CR; numbers aside)."""
    return [Problem(row.line, column, f"starts with {value[0]!r}: a spreadsheet would run it as a formula; it "
                                      "is imported as text (CSV output of coopgraph writes it with a leading "
                                      "apostrophe), check that text is what you meant")
            for row in rows for column, value in row.cells.items()
            if value.startswith(FORMULA_STARTS) and spreadsheet_safe(value) != value]


def read_rows(csv_path: Path, kind: Kind) -> tuple[list[Row], list[Problem]]:
    """The data rows with their CSV line numbers; header and row-shape problems (missing or extra cells)."""
    text = _read_text(csv_path)
    # newline="": rows end at \n or \r only; str.splitlines would also end one at U+2028 inside a cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if not any(header):
            raise InputError(csv_path, 1, "no header row",
                             f"start with the header `coopgraph import --template {kind.name}` prints")
        known = [c.name for c in kind.columns]
        for name in sorted(set(kind.required) - set(header)):
            problems.append(Problem(1, name, "required column is missing from the header"))
        for name in header:
            if name not in known:
                problems.append(Problem(1, name or "(empty)", f"unknown column; columns for {kind.name}: "
                                                              f"{', '.join(known)}"))
        for name in {n for n in header if header.count(n) > 1}:
            problems.append(Problem(1, name, "column appears twice in the header"))
        rows: list[Row] = []
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                what = "missing" if len(cells) < len(header) else "extra"
                problems.append(Problem(line, "(row)", f"{len(cells)} cells for {len(header)} columns ({what} "
                                                       "cells); quote any cell that holds a comma"))
                continue
            rows.append(Row(line, dict(zip(header, cells, strict=True))))
    except csv.Error as error:
        raise InputError(csv_path, reader.line_num, f"is not readable CSV: {error}",
                         "save the sheet as CSV (UTF-8, comma-separated)") from None
    return rows, problems


_SAVE_AS = "in the spreadsheet, save as \"CSV UTF-8 (comma delimited)\""


def _read_text(csv_path: Path) -> str:
    """The CSV file as text: a regular file, at most MAX_CSV_BYTES, UTF-8 (a BOM is fine)."""
    if not csv_path.exists() and not csv_path.is_symlink():
        raise InputError(csv_path, None, "no such file", "check the path")
    if not csv_path.is_file():
        raise InputError(csv_path, None, "not a regular file (a folder, device, pipe or broken link)",
                         "export the sheet to a .csv file and pass that")
    with csv_path.open("rb") as handle:
        data = handle.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise InputError(csv_path, None, f"over {MAX_CSV_BYTES // (1024 * 1024)} MiB: too large to be a sheet of "
                         "rows to import", "split it into smaller files")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(csv_path, 1, "is UTF-16 text (Excel's \"Unicode text\"), not UTF-8", _SAVE_AS)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        guess = " (UTF-16 text?)" if b"\x00" in data[:200] else " (Latin-1 or Windows-1252 text?)"
        raise InputError(csv_path, line, f"not UTF-8: byte 0x{byte:02X} at column {column} cannot be decoded{guess}",
                         _SAVE_AS) from None


def _build_rows(kind: Kind, rows: list[Row], graph: LoadedGraph, staged: Path, data_dir: Path,
                problems: list[Problem]) -> dict[int, Builder]:
    """Rows to triples: ids first (so rows may refer to each other), then every cell."""
    known = _known_iris(graph.store)
    classes = _subclasses(graph.store, ONTOLOGY + kind.base_class)
    ids: dict[str, int] = {}
    subjects: dict[int, ox.NamedNode] = {}
    for row in rows:
        slug = row.slug("id")
        if slug is None:
            continue
        iri = instance_iri(kind.namespace, slug)
        if slug in ids:
            row.problem("id", f"{slug!r} is also the id of the row on line {ids[slug]}; give each row its own id")
        elif iri in known:
            where = graph.locate(iri)
            place = f" ({_outside(where[0], staged, data_dir)}:{where[1]})" if where else ""
            row.problem("id", f"{shorten(iri)} already exists{place}; choose a new id or edit it there")
        else:
            ids[slug] = row.line
            subjects[row.line] = ox.NamedNode(iri)
    defined = known | {node.value for node in subjects.values()}
    built: dict[int, Builder] = {}
    for row in rows:
        # A row whose id is wrong is still read through, so one run names every bad cell.
        subject = subjects.get(row.line) or ox.NamedNode(instance_iri(kind.namespace, f"row-{row.line}"))
        builder = Builder(row, subject, _resolver(row, defined), classes)
        kind.build(builder)
        problems.extend(row.problems)
        if row.line in subjects:
            built[row.line] = builder
    return built


def _resolver(row: Row, defined: set[str]):
    def resolve(reference: Reference) -> ox.NamedNode | None:
        candidates = candidate_iris(reference)
        if isinstance(candidates, str):
            row.problem(reference.column, candidates)
            return None
        found = [iri for iri in candidates if iri in defined]
        if len(found) > 1:
            options = " or ".join(shorten(iri) for iri in found)
            row.problem(reference.column, f"{reference.text!r} is ambiguous; write {options}")
            return None
        if not found:
            kinds = " or ".join(reference.kinds)
            row.problem(reference.column, f"unknown reference {reference.text!r}: no {kinds} with that id in the "
                                          "data or in this file; add it first (or fix the spelling)")
            return None
        return ox.NamedNode(found[0])
    return resolve


def _known_iris(store: ox.Store) -> set[str]:
    """Every IRI the ontology or data describes (a subject of some triple)."""
    return {quad.subject.value for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if isinstance(quad.subject, ox.NamedNode)}


def _subclasses(store: ox.Store, base: str) -> set[str]:
    from coopgraph.backend import as_backend

    table = as_backend(store).internal("subclasses", {"base": base}, max_rows=None)
    return {str(record["class"]) for record in table.records()} | {base}


def to_turtle(built: dict[int, Builder], csv_path: Path, kind_name: str) -> str:
    """The shared prefix block, a header saying where the rows came from, then one block per row."""
    name = re.sub(r"[^\w. -]", "_", csv_path.name)  # the file name goes into a comment: keep it one line
    header = (f"# Imported by `coopgraph import --kind {kind_name}` from {name} on {dt.date.today().isoformat()}.\n"
              "# Re-importing the same CSV replaces this file; to edit by hand, move the blocks into the\n"
              f"# hand-kept data file for {kind_name} and delete this one.\n\n")
    blocks = []
    for line, builder in sorted(built.items()):
        body = ox.serialize(builder.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
        body = "".join(ln for ln in body.splitlines(keepends=True) if not ln.startswith("@prefix "))
        body = re.sub(r"\n(?=\S)", "\n\n", body.strip("\n"))  # a blank line between subjects
        blocks.append(f"# CSV line {line}\n{body}\n")
    return turtle_prefix_block() + "\n" + header + "\n".join(blocks)


def _validation_problems(graph: LoadedGraph, built: dict[int, Builder], consistency: bool) -> list[Problem]:
    """Run validate over data plus the new rows; its errors about the new subjects become row problems.

    Findings about subjects that were there before are the data's own business, not this file's.
    """
    from coopgraph.reason import apply_rules
    from coopgraph.validate import validate

    apply_rules(graph.store)  # the derived links the shapes and checks rely on, as `coopgraph validate` does
    row_of: dict[str, Builder] = {}
    for builder in built.values():
        for triple in builder.triples:
            row_of.setdefault(triple.subject.value, builder)
    problems = []
    for finding in validate(graph, consistency=consistency).errors:
        builder = row_of.get(finding.subject)
        if builder is None:
            continue
        # Shape rules read "shape:AgencyShape/coop:parentOrganisation": the path names the column.
        _, _, path = finding.rule.partition("/")
        prefix, _, name = path.partition(":")
        column = builder.column_of(PREFIXES[prefix] + name) if prefix in PREFIXES else ""
        node = "" if finding.subject == builder.subject.value else f"{shorten(finding.subject)}: "
        problems.append(Problem(builder.row.line, column or "(row)",
                                f"would not validate: {node}{finding.rule}: {finding.message}"))
    return problems


def _outside(path: Path, staged: Path, data_dir: Path) -> Path:
    """A path in the scratch copy of the data folder, shown as the real file it copies."""
    try:
        return data_dir / path.relative_to(staged)
    except ValueError:
        return path


def _csv_text(rows: list[list[str]]) -> str:
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()
