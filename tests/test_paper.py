"""Paper files: validation lists every bad field; the shipped papers are valid."""

from pathlib import Path

import pytest
import yaml

from analysis.errors import InputError
from analysis.paper import DEFAULT_PAPER, REPO_ROOT, load_paper

PAPERS = sorted((REPO_ROOT / "book" / "papers").glob("*.yml"))


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "paper.yml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def _valid() -> dict:
    return yaml.safe_load(DEFAULT_PAPER.read_text())


@pytest.mark.parametrize("path", PAPERS, ids=lambda p: p.name)
def test_shipped_papers_are_valid(path):
    paper = load_paper(path)
    assert paper.year >= paper.first_year


def test_two_papers_ship_default_2017_and_latest():
    years = sorted(load_paper(p).year for p in PAPERS)
    assert len(PAPERS) >= 2
    assert load_paper(DEFAULT_PAPER).year == 2017
    assert load_paper(DEFAULT_PAPER).local_authority == "Cambridgeshire"
    assert years[-1] == 2025


def test_every_bad_field_is_listed_in_one_message(tmp_path):
    data = _valid()
    data.update(year="twenty", edition="v1", colour="blue")
    data["comparators"]["neighbours"] = 2019
    data["chapters"] = ["care_numbers", "astrology"]
    del data["committee"]
    with pytest.raises(InputError) as err:
        load_paper(_write(tmp_path, data))
    msg = err.value.message
    assert "is not a valid paper file" in msg
    assert "  - year:" in msg and "'twenty'" in msg
    assert "  - edition: Value error, must look like YYYY.N" in msg
    assert "  - colour: unknown field" in msg
    assert "  - committee: required field is missing" in msg
    assert "  - comparators.neighbours: must be 2021 or 2025" in msg
    assert "  - chapters.1: must be one of care_numbers" in msg


def test_explicit_neighbour_list_is_accepted(tmp_path):
    data = _valid()
    data["comparators"]["neighbours"] = ["Oxfordshire", 916, "E10000014"]
    paper = load_paper(_write(tmp_path, data))
    assert paper.comparators.neighbours == ["Oxfordshire", "916", "E10000014"]


def test_missing_file_lists_the_papers_there(tmp_path):
    with pytest.raises(InputError, match=r"paper file not found. Papers in book/papers/: .*2018-01-09"):
        load_paper(tmp_path / "nope.yml")


def test_not_yaml_names_line(tmp_path):
    with pytest.raises(InputError, match=r"not valid YAML at line 2"):
        load_paper(_write(tmp_path, "title: x\n  bad: [unclosed\n"))


def test_not_a_mapping(tmp_path):
    with pytest.raises(InputError, match="expected a YAML mapping"):
        load_paper(_write(tmp_path, "- a\n- b\n"))


def test_parameters_round_trip():
    paper = load_paper(DEFAULT_PAPER)
    assert load_paper(paper.parameters()) == paper


def test_business_case_sources_must_name_parameters():
    from conftest import default_paper

    from analysis.errors import InputError
    from analysis.paper import parse_paper

    with pytest.raises(InputError) as err:
        parse_paper(default_paper(**{"business_case.sources": {"conversoin": "Ofsted", "conversion": " "}}))
    msg = str(err.value)
    assert "business_case.sources: Value error, unknown parameter conversoin; sources may name horizon_years" in msg


def test_business_case_parameters_table_shows_each_source():
    from analysis.chapters import business_case as B
    from analysis.paper import DEFAULT_PAPER, load_paper

    paper = load_paper(DEFAULT_PAPER)
    res = B.Results(base_year=2017, business_case=paper.business_case, costs=paper.costs, scenarios={}, synthetic=True)
    table = B.parameters_display(res).set_index("Parameter")["Source or assumption"]
    assert table["business_case.conversion"].startswith("Ofsted Fostering in England 2017-18")
    assert table["business_case.cost_per_approval"].startswith("assumption:")
    assert "business_case.sources" not in table.index


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("business_case.conversion", 1.5, "business_case.conversion: must be a number from 0 to 1 (got 1.5)"),
        (
            "business_case.extra_households_per_year",
            -3,
            "business_case.extra_households_per_year: must be a number from 0 to 500 (got -3)",
        ),
        (
            "business_case.discount_rate",
            "abc",
            "business_case.discount_rate: must be a number from 0 to 0.2 (got 'abc')",
        ),
        ("business_case.discount_rate", float("nan"), "business_case.discount_rate: must be a number from 0 to 0.2"),
        (
            "business_case.permanence_time_cut",
            1,
            "business_case.permanence_time_cut: must be a number that is at least 0 and below 1 (got 1)",
        ),
        (
            "business_case.children_per_household",
            0,
            "business_case.children_per_household: must be a number that is above 0 and at most 6 (got 0)",
        ),
        (
            "business_case.horizon_years",
            2.5,
            "business_case.horizon_years: must be a whole number from 1 to 10 (got 2.5)",
        ),
        ("forecast.years_ahead", 7, "forecast.years_ahead: must be a whole number from 3 to 5 (got 7)"),
    ],
)
def test_out_of_range_parameters_are_named_with_their_valid_range(field, value, expected):
    from conftest import default_paper

    from analysis.paper import parse_paper

    with pytest.raises(InputError) as err:
        parse_paper(default_paper(**{field: value}))
    assert expected in str(err.value)
