"""Answers kept beside the persistent store: `coopgraph info` asks the same two whole-graph counts every time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph.backend import KEPT

REPO = Path(__file__).resolve().parent.parent
EXTRA = ('@prefix agency: <https://w3id.org/coopgraph/id/agency/> .\n'
         '@prefix coop: <https://w3id.org/coopgraph/ontology#> .\n'
         'agency:kept-test a coop:PoliceAgency .\n')


def info(project: Path, *args: str, fmt: str = "csv") -> str:
    done = subprocess.run([sys.executable, "-m", "coopgraph", "info", "--format", fmt, *args], cwd=project,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def kept_files(tmp_path: Path) -> dict[str, Path]:
    found = sorted((tmp_path / "cache").glob("stores/*/store-*/answers/*.json"))
    return {path.name.rsplit("-", 1)[0]: path for path in found}


def test_kept_after_the_first_info_and_the_same_as_a_load_in_memory(project: Path, tmp_path: Path) -> None:
    counted = info(project, fmt="table").split()[0]  # the table format also counts the triples
    assert set(kept_files(tmp_path)) == set(KEPT)
    assert info(project, fmt="table").split()[0] == counted == info(project, "--no-cache", fmt="table").split()[0]
    assert int(counted) > 100
    assert info(project) == info(project, "--no-cache")


def test_a_kept_answer_is_read_and_a_new_store_starts_afresh(project: Path, tmp_path: Path) -> None:
    info(project)
    path = kept_files(tmp_path)["class-counts"]
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept["rows"][0][2][0] = "999999"  # the first class's instance count, altered
    path.write_text(json.dumps(kept), encoding="utf-8")
    assert ",999999" in info(project)  # read from the kept file, not asked again
    (project / "data" / "more.ttl").write_text(EXTRA, encoding="utf-8")
    assert ",999999" not in info(project)  # another input, another store, its own answers


@pytest.mark.parametrize("damage", ["garbage", "wrong shape", "not writable"])
def test_a_damaged_or_unwritable_answer_is_asked_again(project: Path, tmp_path: Path, damage: str) -> None:
    expected = info(project, "--no-cache")
    info(project)
    files = kept_files(tmp_path)
    if damage == "not writable":  # answers/ is a file: nothing can be kept, every call asks the store
        folder = files["class-counts"].parent
        shutil.rmtree(folder)
        folder.write_text("", encoding="utf-8")
    for path in files.values():
        if damage == "garbage":
            path.write_text("{not json", encoding="utf-8")
        elif damage == "wrong shape":
            path.write_text(json.dumps({"columns": ["x"], "rows": [[["1", "literal"]], 5]}), encoding="utf-8")
    assert info(project) == expected
    assert info(project) == expected
