"""The synthetic data: about the asked size, the same for a seed, loadable, and inside the contract's terms."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from coopgraph.namespaces import ONTOLOGY, PREFIXES
from coopgraph.synth import generate


def _load(folder: Path) -> ox.Store:
    store = ox.Store()
    for path in sorted(folder.glob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def test_size_and_count_match_the_store(tmp_path: Path) -> None:
    result = generate(tmp_path, 5000, seed=1)
    store = _load(tmp_path)
    assert len(store) == result.triples
    assert 0.8 * 5000 < result.triples < 1.2 * 5000


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", 3000, seed=7)
    generate(tmp_path / "b", 3000, seed=7)
    generate(tmp_path / "c", 3000, seed=8)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert (tmp_path / "a" / "mechanisms.ttl").read_bytes() != (tmp_path / "c" / "mechanisms.ttl").read_bytes()


def test_every_reference_is_defined_and_every_instance_sourced(tmp_path: Path) -> None:
    generate(tmp_path, 4000, seed=2)
    store = _load(tmp_path)
    undefined = list(store.query(
        "SELECT DISTINCT ?o WHERE { ?s ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?o), STR(agency:)) "
        "|| STRSTARTS(STR(?o), STR(source:)) || STRSTARTS(STR(?o), STR(mechanism:))) "
        "FILTER NOT EXISTS { ?o a ?type } }", prefixes=PREFIXES))
    assert undefined == []
    unsourced = list(store.query(
        "SELECT ?s WHERE { ?s a ?c . FILTER(?c IN (coop:Participation, coop:Observation, coop:Operation)) "
        "FILTER NOT EXISTS { ?s dcterms:source ?src } }", prefixes=PREFIXES))
    assert unsourced == []


def test_only_contract_terms(tmp_path: Path) -> None:
    """Every coop: term the synthetic data uses is named in docs/model.md."""
    generate(tmp_path, 4000, seed=3)
    contract = (Path(__file__).resolve().parent.parent / "docs" / "model.md").read_text(encoding="utf-8")
    store = _load(tmp_path)
    used = {t.value for q in store for t in (q.predicate, q.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith(ONTOLOGY)}
    missing = sorted(iri for iri in used if f"`{iri[len(ONTOLOGY):]}`" not in contract
                     and iri[len(ONTOLOGY):] not in contract)
    assert missing == []


def test_cli_writes_a_folder(tmp_path: Path, cli) -> None:
    out = tmp_path / "synthetic"
    done = cli("synth", "--triples", "2000", "--out", str(out), "--seed", "4")
    assert done.returncode == 0, done.stderr
    assert "triples in" in done.stdout
    assert (out / "agencies.ttl").is_file() and (out / "synth.json").is_file()


def test_valid_under_coopgraph_validate(tmp_path: Path, cli) -> None:
    """Shapes, quality checks and HermiT accept the synthetic data with the shipped ontology."""
    generate(tmp_path / "data", 3000, seed=5)
    done = cli("validate", "--data", str(tmp_path / "data"))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
