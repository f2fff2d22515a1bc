"""`coopgraph query` as a person runs it: formats, limits (exit 4), parameters as plain values."""

from __future__ import annotations

import json
import time
from pathlib import Path

from fixtures.messages import problem_lines

from coopgraph.errors import INPUT_ERROR, LIMIT_ERROR

FIXTURE = str(Path(__file__).parent / "fixtures" / "catalogue" / "data")
HOSTILE = 'x" } ; DROP ALL ; #'
# about 1,400 triples cubed: hours of work, unless stopped
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_formats(cli) -> None:  # noqa: ANN001 - conftest fixture
    as_csv = cli("query", "mechanism-members", "--data", FIXTURE, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.splitlines()[0] == "mechanism,member,memberLabel,country,role,startDate,endDate,source"
    as_json = cli("query", "mechanism-members", "--data", FIXTURE, "--format", "json")
    records = json.loads(as_json.stdout)
    labels = {r["memberLabel"] for r in records}
    assert labels >= {"Canada Border Services Agency", "U.S. Customs and Border Protection"}
    table = cli("query", "mechanism-members", "--data", FIXTURE)
    assert "agency:cbsa" in table.stdout and "4 row(s)" in table.stdout


def test_a_long_table_shows_its_first_rows_and_says_so(cli, tmp_path) -> None:  # noqa: ANN001
    """The table is for reading; past TABLE_ROWS rows it says how many there are and where to get them all."""
    from coopgraph.results import TABLE_ROWS

    every = tmp_path / "every.rq"
    every.write_text("SELECT ?s WHERE { ?s ?p ?o }", encoding="utf-8")  # one short column: a row is a line
    as_csv = cli("query", str(every), "--data", FIXTURE, "--format", "csv")
    total = len(as_csv.stdout.splitlines()) - 1
    assert total > TABLE_ROWS
    table = cli("query", str(every), "--data", FIXTURE)
    assert table.returncode == 0, table.stderr
    body = [line for line in table.stdout.splitlines() if line.startswith("│")]
    assert len(body) == TABLE_ROWS  # the rows shown (the header is drawn with ┃)
    assert f"{total} row(s); the first {TABLE_ROWS} shown (--format csv or json: all)" in table.stdout


def test_row_cap_gives_exit_4_and_no_output(cli) -> None:  # noqa: ANN001
    done = cli("query", "mechanism-members", "--data", FIXTURE, "--max-rows", "2", "--format", "csv")
    assert done.returncode == LIMIT_ERROR
    assert done.stdout == ""
    assert "more than 2 rows" in done.stderr and len(problem_lines(done.stderr)) == 1


def test_timeout_gives_exit_4_on_time(cli) -> None:  # noqa: ANN001
    started = time.monotonic()
    done = cli("query", "-", "--data", FIXTURE, "--timeout", "0.5", stdin=SLOW, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == LIMIT_ERROR, done.stderr
    assert "did not finish within 0.5 s" in done.stderr
    assert "Traceback" not in done.stderr and len(problem_lines(done.stderr)) == 1
    assert elapsed < 15  # load + 0.5 s + exit: the process does not wait for the abandoned query


def test_hostile_value_is_a_plain_value(cli) -> None:  # noqa: ANN001
    for name, param in (("find-by-label", "text"), ("targeting-threat", "threat"), ("entity-sources", "entity")):
        done = cli("query", name, "--data", FIXTURE, "--format", "csv", "--param", f"{param}={HOSTILE}")
        assert done.returncode in (0, INPUT_ERROR), done.stderr
        assert "Traceback" not in done.stderr
        if done.returncode == 0:
            assert done.stdout.count("\n") == 1  # the header only: no match, nothing dropped


def test_string_value_reaches_the_query_intact(cli) -> None:  # noqa: ANN001
    done = cli("query", "find-by-label", "--data", FIXTURE, "--format", "csv", "--param", "text=CBFTF")
    assert done.returncode == 0, done.stderr
    assert "mechanism/cbftf" in done.stdout


def test_unknown_parameter_is_an_input_error(cli) -> None:  # noqa: ANN001
    done = cli("query", "timeline", "--data", FIXTURE, "--param", "nope=1")
    assert done.returncode == INPUT_ERROR
    assert "unknown parameter nope" in done.stderr
