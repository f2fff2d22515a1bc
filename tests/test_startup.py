"""Start-up of the commands that only ask the store: they do not import rdflib (about 0.3 s of every call)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(done.stdout.split())


def test_query_and_info_paths_do_not_import_rdflib():
    modules = _modules_after("import coopgraph.cli, coopgraph.cli.query, coopgraph.cli.info, coopgraph.backend, "
                             "coopgraph.persist, coopgraph.graph, coopgraph.reason, coopgraph.catalogue")
    assert "coopgraph.persist" in modules and "pyoxigraph" in modules
    assert not {m for m in modules if m == "rdflib" or m.startswith("rdflib.")}


def test_a_warm_query_runs_without_importing_rdflib(tmp_path):
    """The whole `coopgraph query` on the persistent store, in one interpreter, then a look at sys.modules."""
    code = ("import sys\nfrom coopgraph.cli import main\nsys.argv = ['coopgraph', 'query', 'agencies-by-country']\n"
            "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
            "print('RDFLIB' if 'rdflib' in sys.modules else 'NO-RDFLIB')")
    env = {**__import__("os").environ, "COOPGRAPH_CACHE": str(tmp_path / "cache")}
    for _ in range(2):  # the first call builds the store (the rules), the second only opens it
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("NO-RDFLIB")
    assert "store:" not in done.stderr  # warm: opened, not rebuilt


def test_coop_namespace_is_still_an_rdflib_namespace():
    import rdflib

    from coopgraph import namespaces

    assert isinstance(namespaces.COOP, rdflib.Namespace)
    assert namespaces.COOP.Agency == rdflib.URIRef(namespaces.ONTOLOGY + "Agency")


def test_ill_typed_literal_warnings_stay_filtered_once_rdflib_is_imported():
    import rdflib

    import coopgraph.load  # noqa: F401 - installs the filter on rdflib's logger, by name

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("rdflib.term")
    handler = Keep()
    logger.addHandler(handler)
    try:
        rdflib.Literal("2024-02-30", datatype=rdflib.XSD.date).toPython()
    finally:
        logger.removeHandler(handler)
    assert not [r for r in records if r.getMessage().startswith("Failed to convert Literal lexical form")]
