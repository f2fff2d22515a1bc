"""Build once, query many: the loaded and derived graph in an on-disk Oxigraph store, keyed by its inputs.

Layout, under paths.cache_dir()/stores/<project id>/ (the id names the ontology and data folders):

    .coopgraph-stores       marks the folder as ours: nothing else is ever deleted
    current                 the key of the newest store, with its manifest beside it (a fast path)
    store-<key>/            a complete store: oxigraph/ (the database) and manifest.json, and answers/: small
                            answers of the code's own queries, kept once asked (coopgraph.backend.KEPT)
    .building-<key>-<pid>/  a store being built; renamed to store-<key> only when complete
    build.lock              held while building, so two commands never build the same store twice

The key is a sha256 of the coopgraph version and of every input file's path and content (ontology, shapes, rules,
data). A file whose size and modification time match the current manifest is not read again, so a warm command
costs a stat per file. A complete store is never written again: readers open it read-only, and a rebuild makes a
new one aside and renames it in, so a killed rebuild leaves the old store as it was. Readers hold a shared lock on
the store they read; old stores are pruned only when no reader holds them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from coopgraph import __version__, paths
from coopgraph.errors import INPUT_ERROR, CoopgraphError
from coopgraph.load import LoadedGraph, load, rdf_files

MARKER = ".coopgraph-stores"
KEEP = 2  # complete stores kept per project: the current one and the one before (a reader may still hold it)
_DB = "oxigraph"
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Inputs:
    """Every file whose content changes the graph, with what identifies its content."""

    ontology_dir: Path
    data_dir: Path
    rules_dir: Path | None
    files: dict[str, dict[str, int | str]]  # path -> {"size", "mtime", "sha256"}

    @property
    def key(self) -> str:
        digest = hashlib.sha256(f"coopgraph {__version__}\n".encode())
        for name in sorted(self.files):
            digest.update(f"{name}\0{self.files[name]['sha256']}\n".encode())
        return digest.hexdigest()[:32]


def stores_root() -> Path:
    return paths.cache_dir() / "stores"


def project_folder(ontology_dir: Path, data_dir: Path) -> Path:
    identity = f"{Path(ontology_dir).resolve()}\0{Path(data_dir).resolve()}"
    return stores_root() / hashlib.sha256(identity.encode()).hexdigest()[:16]


def open_store(ontology_dir: Path, data_dir: Path, rules_dir: Path | None,
               derive: Callable[[ox.Store, Path | None], object],
               say: Callable[[str], None] = lambda line: print(line, file=sys.stderr)) -> LoadedGraph:
    """The graph of these folders from its persistent store, building it first when an input changed.

    Falls back to a load in memory, saying why in one line, when the cache folder cannot be written.
    """
    folder = project_folder(ontology_dir, data_dir)
    try:
        _claim(folder)
    except OSError as error:
        say(f"store: cannot use {folder} ({error.strerror or error}); loading in memory "
            "(set COOPGRAPH_CACHE to a writable folder)")
        return _in_memory(ontology_dir, data_dir, rules_dir, derive)
    previous = _read_json(folder / "current")
    inputs = scan(ontology_dir, data_dir, rules_dir, previous.get("files") if previous else None)
    key = inputs.key
    graph = _open_complete(folder / f"store-{key}")
    if graph is not None:
        _set_current(folder, key, inputs)
        return graph
    try:
        with _locked(folder / "build.lock"):
            graph = _open_complete(folder / f"store-{key}")  # another command may have built it meanwhile
            if graph is None:
                say(f"store: {why_rebuild(previous, inputs)}")
                _build(folder, key, inputs, derive)
                graph = _open_complete(folder / f"store-{key}")
    except OSError as error:
        say(f"store: cannot write {folder} ({error.strerror or error}); loading in memory")
        return _in_memory(ontology_dir, data_dir, rules_dir, derive)
    if graph is None:
        raise CoopgraphError(f"{folder}: the store just built cannot be opened; run `coopgraph cache --clear`")
    _set_current(folder, key, inputs)
    _prune(folder, key)
    return graph


def scan(ontology_dir: Path, data_dir: Path, rules_dir: Path | None,
         known: dict[str, dict] | None = None) -> Inputs:
    """Every input file with its size, mtime and content digest (re-read only when size or mtime changed)."""
    known = known or {}
    files: dict[str, dict[str, int | str]] = {}
    candidates = rdf_files(Path(ontology_dir)) + rdf_files(Path(data_dir))
    if rules_dir is not None and Path(rules_dir).is_dir():
        candidates += sorted(Path(rules_dir).glob("*.rq"))
    for path in candidates:
        name = str(path)
        stat = path.stat()
        seen = known.get(name)
        if seen and seen.get("size") == stat.st_size and seen.get("mtime") == stat.st_mtime_ns:
            files[name] = seen
            continue
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            raise CoopgraphError(f"{path}: cannot be read ({error.strerror or error})", INPUT_ERROR) from None
        files[name] = {"size": stat.st_size, "mtime": stat.st_mtime_ns, "sha256": digest}
    return Inputs(Path(ontology_dir), Path(data_dir), Path(rules_dir) if rules_dir else None, files)


def why_rebuild(previous: dict | None, inputs: Inputs) -> str:
    """One phrase: which input changed since the current store (or that there is none yet)."""
    if not previous:
        return "building (first use of these folders; later commands open it at once)"
    if previous.get("version") != __version__:
        return f"rebuilding, coopgraph {previous.get('version')} -> {__version__}"
    old = previous.get("files", {})
    changes = [f"{_shown(n)} changed" for n in sorted(inputs.files)
               if n in old and old[n].get("sha256") != inputs.files[n]["sha256"]]
    changes += [f"{_shown(n)} added" for n in sorted(set(inputs.files) - set(old))]
    changes += [f"{_shown(n)} removed" for n in sorted(set(old) - set(inputs.files))]
    if not changes:
        return "rebuilding"
    more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
    return "rebuilding, " + ", ".join(changes[:3]) + more


def answer_file(location: Path, name: str, text: str) -> Path:
    """Where the answer of query `name` (with this text) on the store whose database is `location` is kept."""
    return Path(location).parent / "answers" / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"


def read_answer(path: Path) -> dict | None:
    """A kept answer, or None when it is missing or unreadable (the caller then asks the store)."""
    return _read_json(path)


def keep_answer(path: Path, answer: dict) -> None:
    """Write a kept answer atomically; a cache folder that cannot be written only loses the shortcut."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(exist_ok=True)
        _write_json(path, answer)


def clear(ontology_dir: Path | None = None, data_dir: Path | None = None) -> list[Path]:
    """Delete the stores of one project (or of every project); only folders marked as ours."""
    root = stores_root()
    targets = [project_folder(ontology_dir, data_dir)] if ontology_dir and data_dir else (
        sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else [])
    removed = []
    for folder in targets:
        if not folder.is_dir():
            continue
        if not (folder / MARKER).is_file():
            raise CoopgraphError(f"{folder}: not a coopgraph store folder (no {MARKER}); left as it is")
        shutil.rmtree(folder)
        removed.append(folder)
    return removed


# --- building -------------------------------------------------------------------------------------------------


def _build(folder: Path, key: str, inputs: Inputs, derive: Callable[[ox.Store, Path | None], object]) -> None:
    for stale in folder.glob(".building-*"):  # left by a killed build: nobody holds build.lock now
        shutil.rmtree(stale, ignore_errors=True)
    staging = folder / f".building-{key}-{os.getpid()}"
    staging.mkdir()
    try:
        graph = _in_memory(inputs.ontology_dir, inputs.data_dir, inputs.rules_dir, derive)
        disk = ox.Store(str(staging / _DB))
        # bulk_extend streams the quads from the loaded store (no dump held in memory or on disk) and keeps the
        # blank-node labels load gave them from their content; a bulk_load of a dump would rename them at random,
        # so graph.nt would differ between two stores of the same input (300k triples: 3.2 s instead of 5.9 s)
        disk.bulk_extend(graph.store)
        # one compaction (about 1.6 s at 1.6M triples) makes every later read faster: the warm catalogue at 1.6M
        # took 15-30% less CPU per query in bench.store, for a store about 1.7 times the size on disk
        disk.optimize()
        disk.flush()
        del disk  # closes the database before it is renamed
        manifest = {"version": __version__, "key": key, "triples": len(graph.store),
                    "files": [str(p) for p in graph.files], "shapes": [str(p) for p in graph.shapes_files]}
        _write_json(staging / _MANIFEST, manifest)
        os.rename(staging, folder / f"store-{key}")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _in_memory(ontology_dir: Path, data_dir: Path, rules_dir: Path | None,
               derive: Callable[[ox.Store, Path | None], object]) -> LoadedGraph:
    graph = load(ontology_dir, data_dir)
    derive(graph.store, rules_dir)
    return graph


# --- opening --------------------------------------------------------------------------------------------------


def _open_complete(store_dir: Path) -> LoadedGraph | None:
    """The store at store_dir opened read-only, or None when it is missing or not complete (a corrupt one is
    removed: it lives in our own marked folder)."""
    manifest = _read_json(store_dir / _MANIFEST)
    if manifest is None or manifest.get("version") != __version__:
        if store_dir.exists():
            shutil.rmtree(store_dir, ignore_errors=True)
        return None
    _hold_shared(store_dir)
    try:
        store = ox.Store.read_only(str(store_dir / _DB))
        next(iter(store.quads_for_pattern(None, None, None)), None)  # touches the data: corruption shows here
    except (OSError, RuntimeError, ValueError):  # RocksDB reports corruption as RuntimeError
        shutil.rmtree(store_dir, ignore_errors=True)
        return None
    return LoadedGraph(store=store, files=[Path(p) for p in manifest["files"]],
                       shapes_files=[Path(p) for p in manifest["shapes"]], location=store_dir / _DB)


_held: list[int] = []  # descriptors of the shared locks this process holds until it exits


def _hold_shared(store_dir: Path) -> None:
    fd = os.open(store_dir / _MANIFEST, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    os.set_inheritable(fd, True)  # `coopgraph serve` becomes the server by exec: the lock must stay held
    _held.append(fd)


def _prune(folder: Path, current: str) -> None:
    stores = sorted((p for p in folder.glob("store-*") if p.name != f"store-{current}"),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in stores[KEEP - 1:]:
        try:
            fd = os.open(old / _MANIFEST, os.O_RDONLY)
        except OSError:
            shutil.rmtree(old, ignore_errors=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a reader holds it: leave it for a later prune
        except OSError:
            continue
        finally:
            os.close(fd)
        shutil.rmtree(old, ignore_errors=True)


def _claim(folder: Path) -> None:
    """Make folder ours, or refuse it when it holds something else."""
    if folder.is_dir() and not (folder / MARKER).is_file() and any(folder.iterdir()):
        raise CoopgraphError(f"{folder}: not a coopgraph store folder but not empty; move it away or set "
                             "COOPGRAPH_CACHE to another folder", INPUT_ERROR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).touch()


def _set_current(folder: Path, key: str, inputs: Inputs) -> None:
    with contextlib.suppress(OSError):  # only the fast path is lost when this cannot be written
        _write_json(folder / "current", {"version": __version__, "key": key, "files": inputs.files})


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _write_json(path: Path, value: dict) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def _shown(name: str) -> str:
    """A path as the user knows it: relative to the working folder when inside it."""
    try:
        return str(Path(name).relative_to(Path.cwd()))
    except ValueError:
        return name
