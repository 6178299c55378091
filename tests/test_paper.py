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
    assert "  - comparators.neighbours: must be 2018, 2021 or 2025" in msg
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


# --------------------------------------------------------------------------- comparators: the neighbour model


def _context(**changes):
    from conftest import default_paper

    from analysis.report import context as X

    return X.load(default_paper(**changes))


def _rates(ctx, year: int):
    """Published children-looked-after rates per 10,000 keyed by (old LA code, year), for ``area_frame``."""
    from analysis.sources import published

    rows = ctx.table[
        (ctx.table["measure"] == "cla_31_march_rate")
        & (ctx.table["geographic_level"] == published.LOCAL_AUTHORITY)
        & (ctx.table["year"] == year)
    ]
    return rows.rename(columns={"old_la_code": "key"}).set_index(["key", "year"])["value"].astype(float)


def test_the_default_paper_compares_with_the_pre_2021_model():
    paper = load_paper(DEFAULT_PAPER)
    assert paper.comparators.neighbours == 2018
    assert paper.comparators.significance_level == 0.95
    ctx = _context()
    assert ctx.neighbour_model == 2018
    assert ctx.neighbour_label == "statistical neighbours (DfE pre-2021 model)"
    assert ctx.neighbour_codes == ("931", "916", "850", "865", "800", "869", "938", "919", "885", "803")
    assert ctx.neighbour_names[0] == "Oxfordshire" and ctx.neighbour_names[-1] == "South Gloucestershire"
    # the comment on that line of the paper file names 2018 as the paper's own list
    line = next(x for x in DEFAULT_PAPER.read_text().splitlines() if x.strip().startswith("neighbours:"))
    assert "2018 (the list DfE used before" in line


def test_a_paper_that_omits_the_neighbours_gets_the_pre_2021_model():
    from conftest import default_paper

    from analysis.paper import parse_paper

    data = default_paper()
    del data["comparators"]
    assert parse_paper(data).comparators.neighbours == 2018
    assert parse_paper(data).comparators.significance_level == 0.95


@pytest.mark.parametrize("model, label", [(2018, "pre-2021"), (2021, "2021"), (2025, "2025")])
def test_each_model_can_be_chosen_and_is_named(model, label):
    ctx = _context(**{"comparators.neighbours": model})
    assert ctx.neighbour_model == model
    assert ctx.neighbour_label == f"statistical neighbours (DfE {label} model)"
    assert len(ctx.neighbour_codes) == 10 and ctx.la.old_la_code not in ctx.neighbour_codes


def test_the_2018_and_2021_models_differ_for_cambridgeshire():
    old, new = _context(), _context(**{"comparators.neighbours": 2021})
    assert "803" in old.neighbour_codes and "803" not in new.neighbour_codes  # South Gloucestershire
    assert "937" in new.neighbour_codes and "937" not in old.neighbour_codes  # Warwickshire


def test_a_2017_paper_finds_2017_figures_for_every_2018_model_neighbour():
    from analysis.report.context import area_frame

    ctx = _context()
    frame = area_frame(ctx, _rates(ctx, 2017), [2017])
    assert frame.loc[2017, "neighbours_with_data"] == 10
    values = _rates(ctx, 2017)
    for code in ctx.neighbour_codes:
        assert values.loc[(code, 2017)] > 0, code
    assert frame.loc[2017, "neighbours"] == pytest.approx(values.loc[list(ctx.neighbour_codes)].mean())


def test_pre_2019_authorities_are_matched_to_the_years_they_existed():
    from analysis.report.context import area_frame

    # Swindon's 2018-model neighbours include Poole (figures to 2019) and Northamptonshire (to 2021)
    early = _context(local_authority="Swindon", year=2017)
    assert {"836", "928"} <= set(early.neighbour_codes)
    assert {"Poole", "Northamptonshire"} <= set(early.neighbour_names)
    assert area_frame(early, _rates(early, 2017), [2017]).loc[2017, "neighbours_with_data"] == 10

    # In 2025 both are gone: they stay on the list, named, and the average is over the 8 with figures
    late = _context(local_authority="Swindon", year=2025)
    assert late.neighbour_codes == early.neighbour_codes
    frame = area_frame(late, _rates(late, 2025), [2025])
    assert frame.loc[2025, "neighbours_with_data"] == 8
    values = _rates(late, 2025)
    present = [c for c in late.neighbour_codes if c not in ("836", "928")]
    assert frame.loc[2025, "neighbours"] == pytest.approx(values.loc[present].mean())
    assert values.reindex([("836", 2025), ("928", 2025)]).isna().all()  # no 2025 figure for either


def test_a_name_two_authorities_have_had_is_the_one_of_the_papers_year():
    # "Dorset" is 835 up to 2019 and 838 from 2020; a code is always its own authority
    early = _context(**{"comparators.neighbours": ["Oxfordshire", "Dorset", "Poole", "931"]})
    assert early.neighbour_codes == ("931", "835", "836")  # each authority once
    late = _context(year=2025, **{"comparators.neighbours": ["Oxfordshire", "Dorset", "Hampshire"]})
    assert late.neighbour_codes == ("931", "838", "850")
    assert late.neighbour_model is None and late.neighbour_label == "chosen comparator authorities"


# --------------------------------------------------------------------------- the note on a newer model


def test_a_2018_paper_with_the_2021_model_is_told_so():
    from analysis.report.context import neighbour_model_note

    assert neighbour_model_note(_context(**{"comparators.neighbours": 2021})) == (
        "The comparators are DfE's 2021 statistical-neighbour model, published after this paper; "
        "the paper's authors would have used the pre-2021 model."
    )
    assert "DfE's 2025 statistical-neighbour model" in neighbour_model_note(
        _context(**{"comparators.neighbours": 2025})
    )


@pytest.mark.parametrize(
    "changes",
    [
        {},  # the default: the pre-2021 model, the paper's own
        {"comparators.neighbours": ["Oxfordshire", "Gloucestershire", "Hampshire"]},
        {"comparators.neighbours": 2021, "meeting_date": "2021-04-01"},
        {"comparators.neighbours": 2025, "meeting_date": "2026-01-13", "year": 2025},
    ],
)
def test_no_note_when_the_model_was_there_at_the_papers_date(changes):
    from analysis.report.context import neighbour_model_note

    assert neighbour_model_note(_context(**changes)) is None


def test_the_note_names_the_model_in_use_at_the_papers_date():
    from analysis.report.context import neighbour_model_note

    ctx = _context(**{"comparators.neighbours": 2025, "meeting_date": "2022-06-01", "year": 2021})
    assert neighbour_model_note(ctx).endswith("the paper's authors would have used the 2021 model.")
    ctx = _context(**{"comparators.neighbours": 2021, "meeting_date": "2021-03-31"})
    assert neighbour_model_note(ctx).endswith("would have used the pre-2021 model.")


def test_both_shipped_papers_compare_with_a_model_of_their_day():
    from analysis.report.context import load, neighbour_model_note

    for path in PAPERS:
        assert neighbour_model_note(load(path)) is None, path.name


# --------------------------------------------------------------------------- the significance level


@pytest.mark.parametrize("level, alpha", [(0.95, 0.05), (0.9, 0.1), (0.99, 0.01), (0.998, 0.002), (0.51, 0.49)])
def test_the_significance_level_reaches_the_context_as_alpha(level, alpha):
    ctx = _context(**{"comparators.significance_level": level})
    assert ctx.significance_level == level
    assert ctx.alpha == alpha  # exactly: 1 - 0.95 is rounded to 0.05


def test_both_shipped_papers_state_the_significance_level():
    for path in PAPERS:
        raw = yaml.safe_load(path.read_text())
        assert raw["comparators"]["significance_level"] == 0.95, path.name
        assert "significance_level: 0.95" in path.read_text() and "confidence level" in path.read_text()


@pytest.mark.parametrize("level", [0.5, 0.999, 0.05, 1, 0, 1.5, -0.95, "high", float("nan")])
def test_a_significance_level_outside_its_range_is_named(level):
    from conftest import default_paper

    from analysis.paper import parse_paper

    with pytest.raises(InputError) as err:
        parse_paper(default_paper(**{"comparators.significance_level": level}))
    msg = str(err.value)
    assert "  - comparators.significance_level: must be a confidence level strictly between 0.5 and 0.999" in msg
    assert "such as 0.95 for tests at the 5% significance level" in msg


@pytest.fixture
def no_build(monkeypatch):
    """Make any build that gets past validation fail at once (these tests must stop at validation)."""
    from analysis.build import pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("the build went past validation")

    monkeypatch.setattr(pipeline, "_new_staging", refuse)


@pytest.mark.parametrize("command", ["build", "publish"])
def test_a_bad_significance_level_exits_2_from_the_command_line(tmp_path, cli, no_build, command):
    from conftest import default_paper

    path = _write(tmp_path, default_paper(**{"comparators.significance_level": 0.9995}))
    result = cli(
        command, str(path), *(["--draft", "--no-pdf", "--site", str(tmp_path / "site")] if command == "publish" else [])
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ")
    assert "comparators.significance_level: must be a confidence level strictly between 0.5 and 0.999" in result.stderr
    assert "(got 0.9995)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --------------------------------------------------------------------------- too few neighbours with figures


def test_too_few_neighbours_with_figures_for_the_year_is_named():
    with pytest.raises(InputError) as err:
        _context(**{"comparators.neighbours": ["Oxfordshire", "E06000059", "Cumberland", "Poole"]})
    msg = str(err.value)
    assert msg.startswith("comparators.neighbours: only 2 of the 4 chosen comparator authorities have published ")
    assert "figures for 2017; at least 3 are needed" in msg
    assert "With figures: Oxfordshire (931, figures 2013-2025), Poole (836, figures 2013-2019)." in msg
    assert "Without: Dorset (838, figures 2020-2025), Cumberland (942, figures 2024-2025)." in msg


def test_three_neighbours_with_figures_are_enough():
    ctx = _context(**{"comparators.neighbours": ["Oxfordshire", "Poole", "Hampshire", "Cumberland"]})
    assert ctx.neighbour_codes == ("931", "836", "850", "942")


def test_a_model_whose_neighbours_have_gone_is_refused(monkeypatch):
    # No real 2018-model list loses 8 of its 10 by 2025, so the model's list is replaced by one that
    # would: a model is checked as a list is, naming the model
    from analysis.report import context as X

    gone = ["836", "837", "835", "928", "931"]  # Poole, Bournemouth, old Dorset, Northamptonshire, Oxfordshire
    monkeypatch.setattr(X.published, "neighbours", lambda table, code, model: list(gone))
    with pytest.raises(InputError) as err:
        _context(year=2025)
    msg = str(err.value)
    assert msg.startswith(
        "comparators.neighbours: only 1 of the 5 statistical neighbours (DfE pre-2021 model) have published "
        "figures for 2025"
    )
    assert "With figures: Oxfordshire (931, figures 2013-2025)." in msg
    assert "Northamptonshire (928, figures 2013-2021)" in msg
    assert _context(year=2017).neighbour_codes == tuple(gone)  # in 2017 all five existed


@pytest.mark.parametrize("command", ["build", "publish"])
def test_too_few_neighbours_exits_2_from_the_command_line(tmp_path, cli, no_build, command):
    from conftest import default_paper

    path = _write(tmp_path, default_paper(**{"comparators.neighbours": ["Oxfordshire", "Cumberland"]}))
    result = cli(
        command, str(path), *(["--draft", "--no-pdf", "--site", str(tmp_path / "site")] if command == "publish" else [])
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: comparators.neighbours: only 1 of the 2 chosen comparator authorities")
    assert "With figures: Oxfordshire (931" in result.stderr and "Without: Cumberland (942" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
