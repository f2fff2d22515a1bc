"""Errors that help a newcomer: the closest names for a misspelt one, and a typo in a value is not an empty table."""

from __future__ import annotations

import pytest

from coopgraph import catalogue
from coopgraph.errors import INPUT_ERROR, CoopgraphError
from coopgraph.network import projection
from coopgraph.store import select
from coopgraph.suggest import closest, did_you_mean


def test_closest_names():
    assert closest("mechanism-member", ["mechanism-members", "agency-profile"]) == ["mechanism-members"]
    assert sorted(closest("mechanism", ["mechanism-members", "joint-mechanisms", "timeline"])) == [
        "joint-mechanisms", "mechanism-members"]
    assert did_you_mean("zzz", ["agency", "source"]) == ""


@pytest.mark.parametrize(("args", "expected"), [
    (["query", "mechanism-member"], "no query named 'mechanism-member' in the catalogue (did you mean "
                                    "mechanism-members?)"),
    (["query", "mechanism-members", "--param", "mechnism=cbftf"], "unknown parameter mechnism (did you mean "
                                                                   "mechanism?)"),
    (["viz", "--projection", "colaboration", "--out", "x.html"], "(did you mean collaboration?)"),
    (["export", "--format", "gexf", "--projection", "contry", "--out", "x.gexf"], "(did you mean country?)"),
    (["import", "--template", "agencie"], "(did you mean agency?)"),
    (["import", "x.csv", "--kind", "mechansim"], "(did you mean mechanism?)"),
])
def test_did_you_mean(cli, tmp_path, args, expected):
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_projection_name_in_the_api(shipped_graph):
    with pytest.raises(CoopgraphError) as error:
        projection(shipped_graph, "bipartit")
    assert "(did you mean bipartite?)" in error.value.message


def test_param_with_a_space_instead_of_equals(cli):
    result = cli("query", "mechanism-members", "--param", "mechanism", "cbftf")
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: --param mechanism cbftf: write the parameter as NAME=VALUE in one "
                                     "word, such as --param mechanism=cbftf")


def test_a_stray_word_is_named(cli):
    result = cli("query", "mechanism-members", "cbftf")
    assert result.returncode == 2 and "unexpected argument 'cbftf'" in result.stderr


def test_a_misspelt_iri_value_is_an_error_with_the_closest_values(cli):
    result = cli("query", "mechanism-members", "--param", "mechanism=cbftff")
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert "mechanism/cbftff> is in no triple of the graph (did you mean cbftf" in result.stderr


def test_an_existing_value_passes_the_check(cli):
    result = cli("query", "mechanism-members", "--param", "mechanism=cbftf", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) > 1


def test_check_resources_without_close_values_lists_some(shipped_graph):
    query = catalogue.resolve("agency-profile")
    given = {"agency": "qqqqqqqq"}

    def run(text, values):
        return select(shipped_graph.store, text, values)

    with pytest.raises(CoopgraphError) as error:
        catalogue.check_resources(query, given, query.bindings(given), run)
    assert error.value.exit_code == INPUT_ERROR
    assert "(known values: " in error.value.message
    # the default and a present value pass; so does a parameter that is not an IRI
    catalogue.check_resources(query, {}, query.bindings(), run)
    catalogue.check_resources(query, {"agency": "rcmp"}, query.bindings({"agency": "rcmp"}), run)
    active = catalogue.resolve("active-in-year")
    catalogue.check_resources(active, {"year": "2024"}, active.bindings({"year": "2024"}), run)
