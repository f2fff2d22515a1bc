"""Country pairs: the U.S.-Mexico minimums, and a third pair added as data only, picked up by the queries, the
projections, the comparison, the report and the pages with no code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib

from coopgraph import catalogue, paths
from coopgraph.graph import open_graph
from coopgraph.namespaces import PREFIXES
from coopgraph.network import projection, rows_for
from coopgraph.network.pairs import COLUMNS, compare_pairs
from coopgraph.store import select

FIXTURE = Path(__file__).parent / "fixtures" / "pairs"
THIRD = PREFIXES["pair"] + "mx-gt"
US_MX = PREFIXES["pair"] + "us-mx"


def _rows(graph, sparql: str) -> list[tuple]:  # noqa: ANN001 - a LoadedGraph
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    return [tuple(term.value if term is not None else None for term in solution)
            for solution in graph.store.query(prefixes + sparql)]


# --- the United States-Mexico data ------------------------------------------------------------------------


def test_us_mx_minimums(shipped_graph) -> None:  # noqa: ANN001 - conftest fixture
    pair_vehicle = f"?vehicle coop:inPair <{US_MX}> ."
    agencies = _rows(shipped_graph, f"""SELECT DISTINCT ?agency WHERE {{ {pair_vehicle}
        ?p coop:participationIn ?vehicle ; coop:participant ?agency . ?agency a/rdfs:subClassOf* coop:Agency }}""")
    mexican = _rows(shipped_graph, """SELECT DISTINCT ?agency WHERE {
        ?agency a/rdfs:subClassOf* coop:Agency ; coop:country country:mx }""")
    # agreements and mechanisms with a U.S. and a Mexican participant (an agency of the country, or the country)
    both = f"""{pair_vehicle}
        ?a coop:participationIn ?vehicle ; coop:participant ?us . ?us coop:country? country:us .
        ?b coop:participationIn ?vehicle ; coop:participant ?mx . ?mx coop:country? country:mx ."""
    ties = _rows(shipped_graph, f"""SELECT DISTINCT ?vehicle WHERE {{ {both}
        {{ ?vehicle a/rdfs:subClassOf* coop:Agreement }}
        UNION {{ ?vehicle a/rdfs:subClassOf* coop:CoordinationMechanism }} }}""")
    operations = _rows(shipped_graph, f"""SELECT DISTINCT ?vehicle WHERE {{ {pair_vehicle}
        ?vehicle a/rdfs:subClassOf* coop:Operation }}""")
    assert len(agencies) >= 20 and len(mexican) >= 10
    assert len(ties) >= 10 and len(operations) >= 5


def test_us_mx_observations_are_complete_and_every_tie_is_dated() -> None:
    folder = paths.data_dir() / "us-mx"
    graph = rdflib.Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    coop = rdflib.Namespace(PREFIXES["coop"])
    dcterms = rdflib.Namespace(PREFIXES["dcterms"])
    observations = set(graph.subjects(rdflib.RDF.type, coop.Observation))
    complete = [o for o in observations
                if all(graph.value(o, p) is not None for p in (coop.value, coop.unit, coop.indicator, coop.refArea,
                                                                  coop.periodLabel, dcterms.source))]
    assert len(complete) >= 25, f"{len(complete)} complete observations of {len(observations)}"
    participations = set(graph.subjects(rdflib.RDF.type, coop.Participation))
    undated = [p for p in participations if graph.value(p, coop.startDate) is None
               and graph.value(p, coop.startNotKnown) is None]
    assert participations and undated == []


def test_shared_agencies_are_one_resource_in_both_pairs(shipped_graph) -> None:  # noqa: ANN001
    query = catalogue.catalogue()["pairs-shared-agencies"]
    table = select(shipped_graph.store, query.text, query.bindings(), source=query.name)
    shared = {row[0] for row in table.plain_rows()}
    # the U.S. agencies that serve on both borders are one node each, not a copy per pair
    assert {PREFIXES["agency"] + slug for slug in ("cbp", "ice-hsi", "atf", "dea", "fbi", "doj-us")} <= shared
    trilateral = catalogue.catalogue()["pairs-trilateral-ties"]
    ties = select(shipped_graph.store, trilateral.text, trilateral.bindings(), source=trilateral.name)
    assert len(ties) >= 2


# --- a third pair, added as data only ---------------------------------------------------------------------


def _statements(path: Path) -> str:
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("@prefix"))


@pytest.fixture(scope="module")
def third_pair_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped data with a third pair added the way docs/stewards.md says."""
    data = tmp_path_factory.mktemp("pairs") / "data"
    shutil.copytree(paths.data_dir(), data)
    # the new country and the pair (a steward puts the country in countries.ttl; one file is enough here)
    with (data / "shared" / "pairs.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n" + _statements(FIXTURE / "shared.ttl") + "\n")
    shutil.copytree(FIXTURE / "mx-gt", data / "mx-gt")
    return data


@pytest.fixture(scope="module")
def third_pair_graph(third_pair_data: Path):  # noqa: ANN201
    return open_graph(paths.ontology_dir(), third_pair_data)


def test_third_pair_validates(third_pair_data: Path, cli) -> None:  # noqa: ANN001
    done = cli("validate", "--data", str(third_pair_data))
    assert done.returncode == 0, done.stdout + done.stderr


def test_third_pair_in_the_queries(third_pair_data: Path, cli) -> None:  # noqa: ANN001
    summary = cli("query", "pair-summary", "--data", str(third_pair_data), "--format", "csv")
    assert summary.returncode == 0, summary.stderr
    assert THIRD in summary.stdout and "Mexico-Guatemala" in summary.stdout
    vehicles = cli("query", "pair-vehicles", "--param", "pair=mx-gt", "--data", str(third_pair_data),
                   "--format", "csv")
    assert vehicles.returncode == 0, vehicles.stderr
    assert [line.split(",")[1] for line in vehicles.stdout.splitlines()[1:]] == [
        PREFIXES["mechanism"] + "fixture-mx-gt-committee"]
    shared = cli("query", "pairs-shared-agencies", "--data", str(third_pair_data), "--format", "csv")
    inm = [line for line in shared.stdout.splitlines() if line.startswith(PREFIXES["agency"] + "inm,")]
    assert any("Mexico-Guatemala" in line for line in inm) and any("United States-Mexico" in line for line in inm)


def test_third_pair_in_the_projections_and_the_comparison(third_pair_graph) -> None:  # noqa: ANN001
    rows = rows_for(third_pair_graph)
    assert THIRD in rows.pairs()
    third = projection(rows, "collaboration", pair="MX-GT")
    assert set(third.nodes) == {PREFIXES["agency"] + "inm", PREFIXES["agency"] + "fixture-gt-migration"}
    assert all(cross for *_, cross in third.edges(data="cross_border"))
    us_mx = projection(rows, "collaboration", pair="us-mx")
    assert PREFIXES["agency"] + "fixture-gt-migration" not in us_mx and PREFIXES["agency"] + "inm" in us_mx
    comparison = compare_pairs(rows)
    assert list(comparison.columns) == COLUMNS
    assert set(comparison["pair"]) == set(rows.pairs()) and len(comparison) == 3
    row = comparison.set_index("pair").loc[THIRD]
    assert row["agencies"] == 2 and row["ties"] == 1 and row["shared_agencies"] == 1


def test_unknown_pair_is_a_clear_error(cli, third_pair_data: Path) -> None:  # noqa: ANN001
    done = cli("analyze", "--pair", "ZZ-YY", "--data", str(third_pair_data))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "unknown country pair 'ZZ-YY'" in done.stderr and "mx-gt" in done.stderr


def test_third_pair_in_the_report_and_the_pages(third_pair_graph, third_pair_data: Path, tmp_path: Path,
                                                cli) -> None:  # noqa: ANN001
    from coopgraph.report import build

    out = build(third_pair_graph, tmp_path / "out").out
    page = out / "pages" / "collaboration-mx-gt.html"
    assert page.is_file() and "Fixture migration authority of Guatemala" in page.read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Mexico-Guatemala" in index and "pages/collaboration-mx-gt.html" in index
    assert "plots/pair-structure.png" in index and (out / "plots" / "pair-structure.png").stat().st_size > 0
    structure = (out / "network" / "pair-structure.csv").read_text(encoding="utf-8")
    assert THIRD in structure and "Mexico-Guatemala" in structure
    viz = cli("viz", "--pair", "MX-GT", "--data", str(third_pair_data), "--out", str(tmp_path / "mx-gt.html"))
    assert viz.returncode == 0, viz.stderr
    assert "2 nodes, 1 links" in viz.stdout
