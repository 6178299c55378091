"""Chapter "Foster carer recruitment": known answers, the raw Ofsted file, the year rule, "not published", charts.

The known-answer fixture is a small hand-made table of Ofsted measures for
one authority, England, its region and three neighbours (one with a
suppressed figure); every expected count and rate below is worked out by
hand from it.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import replace

import pandas as pd
import pytest

from analysis.chapters import recruitment as rc
from analysis.paper import REPO_ROOT, load_paper, parse_paper
from analysis.report import charts, context, keyfigures
from analysis.report.context import Context
from analysis.sources.published import COLUMNS, LocalAuthority
from tests.conftest import default_paper

pytestmark = pytest.mark.unit

LATEST_PAPER = REPO_ROOT / "book" / "papers" / "2026-01-13_children-and-young-people-latest.yml"

# --------------------------------------------------------------------------- the hand-made table

REGION = "E12000006"
# (area key, year) -> {measure suffix: value}; None = suppressed ("..").
FIGURES = {
    ("111", 2018): dict(
        initial_enquiries=200,
        applications_concluded_or_in_progress=40,
        applications_approved=20,
        approvals=30,
        approvals_family_friends=10,
        deregistrations=15,
        households=100,
        places=180,
        filled_places=120,
        children_placed=120,
    ),
    ("111", 2019): dict(
        initial_enquiries=250,
        applications=25,
        applications_approved=10,
        approvals=40,
        approvals_family_friends=5,
        deregistrations=10,
        households=125,
        places=200,
        filled_places=150,
        children_placed=150,
    ),
    ("England", 2018): dict(
        initial_enquiries=10000,
        applications_concluded_or_in_progress=1000,
        applications_approved=300,
        approvals=500,
        approvals_family_friends=200,
        deregistrations=400,
        households=4000,
        places=8000,
        filled_places=5000,
        children_placed=5000,
    ),
    ("England", 2019): dict(
        initial_enquiries=10000,
        applications=800,
        applications_approved=200,
        approvals=600,
        approvals_family_friends=250,
        deregistrations=650,
        households=4000,
        places=8000,
        filled_places=6000,
        children_placed=6000,
    ),
    (REGION, 2018): dict(
        initial_enquiries=1000,
        approvals=100,
        approvals_family_friends=40,
        deregistrations=50,
        households=500,
        places=900,
        filled_places=600,
    ),
    ("222", 2018): dict(
        initial_enquiries=100,
        approvals=10,
        approvals_family_friends=5,
        deregistrations=5,
        households=50,
        places=100,
        filled_places=50,
    ),
    ("333", 2018): dict(
        initial_enquiries=50,
        approvals=10,
        approvals_family_friends=0,
        deregistrations=20,
        households=40,
        places=80,
        filled_places=60,
    ),
    ("444", 2018): dict(
        initial_enquiries=None,
        approvals=20,
        approvals_family_friends=5,
        deregistrations=10,
        households=80,
        places=160,
        filled_places=100,
    ),
}


def _table(figures=FIGURES) -> pd.DataFrame:
    rows = []
    for (key, year), values in figures.items():
        for suffix, v in values.items():
            level = "National" if key == "England" else "Regional" if key == REGION else "Local authority"
            rows.append(
                {
                    "year": year,
                    "geographic_level": level,
                    "new_la_code": "",
                    "old_la_code": key if level == "Local authority" else "",
                    "la_name": key,
                    "region_code": REGION if key != "England" else "",
                    "region_name": "East of England" if key != "England" else "",
                    "measure": f"fostering_{suffix}",
                    "value": math.nan if v is None else float(v),
                    "marker": ".." if v is None else "",
                    "release": f"Ofsted {year - 1}-{year % 100}",
                    "source": "s000000",
                }
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _ctx(meeting="2018-01-09", figures=FIGURES) -> Context:
    paper = parse_paper(default_paper(meeting_date=meeting))
    la = LocalAuthority("111", "E06000099", "Testshire", REGION, "East of England", tuple(range(2013, 2026)))
    return Context(
        paper=paper,
        table=_table(figures),
        la=la,
        neighbour_codes=("222", "333", "444"),
        neighbour_names=("Two", "Three", "Four"),
        neighbour_label="statistical neighbours (test)",
    )


@pytest.fixture(scope="module")
def small() -> Context:
    return _ctx()


@pytest.fixture(scope="module")
def cambs() -> Context:
    return context.load(REPO_ROOT / "book" / "papers" / "2018-01-09_children-and-young-people.yml")


# --------------------------------------------------------------------------- known answers


def test_conversion_and_per_household_rates_known_answers(small):
    s = rc.summary(small)
    v = lambda i, y, a="la": rc.value(s, i, y, a)  # noqa: E731
    assert v("conversion_rate", 2018) == pytest.approx(15.0)  # 30 / 200
    assert v("conversion_rate_mainstream", 2018) == pytest.approx(10.0)  # (30 - 10) / 200
    assert v("conversion_rate", 2019) == pytest.approx(16.0)  # 40 / 250
    assert v("conversion_rate_mainstream", 2019) == pytest.approx(14.0)  # 35 / 250
    assert v("applications_per_100_enquiries", 2019) == pytest.approx(10.0)  # 25 / 250
    assert v("approved_per_100_applications", 2019) == pytest.approx(40.0)  # 10 / 25
    assert v("approved_per_100_applications_handled", 2018) == pytest.approx(50.0)  # 20 / 40
    assert v("applications_per_100_enquiries", 2018) == rc.NOT_PUBLISHED  # no applications received in 2017-18
    assert v("approved_per_100_applications_handled", 2019) == rc.NOT_PUBLISHED
    # Net change: 2017-18 deregistrations are mainstream only, so mainstream approvals less deregistrations.
    assert v("net_change", 2018) == 5  # (30 - 10) - 15
    assert v("net_change", 2019) == 30  # 40 - 10
    assert v("approvals_per_100_households", 2019) == pytest.approx(32.0)  # 40 / 125
    assert v("deregistrations_per_100_households", 2018) == pytest.approx(15.0)  # 15 / 100
    assert v("net_change_per_100_households", 2018) == pytest.approx(5.0)
    assert v("filled_places_pct", 2018) == pytest.approx(100 * 120 / 180)
    assert v("unfilled_places", 2019) == 50
    assert v("places_per_household", 2019) == pytest.approx(1.6)
    assert v("conversion_rate", 2018, "england") == pytest.approx(5.0)
    assert v("conversion_rate_mainstream", 2018, "england") == pytest.approx(3.0)
    assert v("net_change", 2018, "england") == -100  # (500 - 200) - 400
    assert v("net_change", 2019, "england") == -50  # 600 - 650
    assert v("conversion_rate", 2018, "region") == pytest.approx(10.0)


def test_neighbours_are_the_mean_of_those_with_a_value(small):
    s = rc.summary(small)
    # 222: 10/100 = 10%; 333: 10/50 = 20%; 444's enquiries are suppressed, so it is left out.
    assert rc.value(s, "conversion_rate", 2018, "neighbours") == pytest.approx(15.0)
    assert s.loc[("conversion_rate", 2018), "neighbours_with_data"] == 2
    assert rc.value(s, "fostering_approvals", 2018, "neighbours") == pytest.approx(40 / 3)
    assert s.loc[("fostering_approvals", 2018), "neighbours_with_data"] == 3
    # Mean of each neighbour's own rate, not the rate of the summed counts (20 / 150 = 13.3%).
    assert rc.value(s, "conversion_rate", 2018, "neighbours") != pytest.approx(100 * 20 / 150)
    assert rc.value(s, "conversion_rate", 2019, "neighbours") == rc.NOT_PUBLISHED
    assert s.loc[("conversion_rate", 2019), "neighbours_with_data"] == 0


def test_ofsted_long_table_contract(small):
    o = rc.ofsted(small)
    assert list(o.columns) == ["year", "area", "measure", "value"]
    assert o["year"].dtype.kind == "i" and o["value"].dtype == float
    assert set(o["area"]) == set(rc.AREAS)
    assert set(o["measure"]) == set(rc.MEASURES)
    assert not o.duplicated(["year", "area", "measure"]).any()
    assert len(o) == 2 * len(rc.AREAS) * len(rc.MEASURES)
    get = o.set_index(["year", "area", "measure"])["value"]
    assert get[(2018, "la", "fostering_initial_enquiries")] == 200
    assert get[(2018, "neighbours", "fostering_initial_enquiries")] == 75  # (100 + 50) / 2; 444 suppressed
    assert math.isnan(get[(2018, "la", "fostering_applications")])
    assert math.isnan(get[(2019, "region", "fostering_approvals")])  # the region has no 2019 figures here


# --------------------------------------------------------------------------- the real data


def _raw_column(path, name: str) -> dict[str, str]:
    """Label -> cell of one area's column in a raw Ofsted file (read independently of analysis.sources.refresh)."""
    try:
        rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    except UnicodeDecodeError:
        rows = list(csv.reader(path.open(encoding="cp1252")))
    col, label = rows[0].index(name), rows[0].index("England") - 1
    return {
        " ".join(r[label].replace('"', "").split()).lower(): r[col].replace(",", "") for r in rows[1:] if len(r) > col
    }


@pytest.mark.slow  # reads the raw Ofsted files in ../shared
def test_cambridgeshire_2018_and_2019_equal_the_raw_ofsted_files(cambs, shared_data):
    folder = shared_data / "ofsted-fostering-la"
    o = rc.ofsted(cambs).set_index(["year", "area", "measure"])["value"]
    raw18 = _raw_column(folder / "Fostering_in_England_2017-18_dataset.csv", "Cambridgeshire")
    raw19 = _raw_column(folder / "Local_authority_level_fostering_data_2018_to_2019.csv", "Cambridgeshire")
    expected = {
        (2018, "fostering_initial_enquiries"): raw18[
            "number of initial enquiries from new prospective fostering households"
        ],
        (2018, "fostering_applications_concluded_or_in_progress"): raw18[
            "total applications concluded or in progress at 31 march"
        ],
        (2018, "fostering_applications_approved"): raw18["number of applications approved"],
        (2018, "fostering_approvals_family_friends"): raw18["number of family and friends households approved in year"],
        (2018, "fostering_deregistrations"): raw18["total households de-registered between 1 april and 31 march"],
        (2018, "fostering_households"): raw18["total approved households"],
        (2018, "fostering_places"): raw18["number of approved foster places"],
        (2018, "fostering_filled_places"): raw18["number of filled places"],
        (2018, "fostering_children_placed"): raw18["number of children/young people in placements (at 31 march)"],
        (2019, "fostering_initial_enquiries"): raw19[
            "number of initial enquiries from new prospective fostering households"
        ],
        (2019, "fostering_approvals"): raw19["total number of households approved in year"],
        (2019, "fostering_households"): raw19["total approved households"],
        (2019, "fostering_places"): raw19["number of approved foster places"],
        (2018, "fostering_vacant_places"): raw18["number of vacant places"],
        (2018, "fostering_places_not_available"): raw18["number of places not available"],
        (2019, "fostering_vacant_places"): raw19["number of vacant places"],
        (2019, "fostering_places_not_available"): raw19["number of places not available"],
    }
    for (year, measure), cell in expected.items():
        assert o[(year, "la", measure)] == float(cell), (year, measure)
    # 2017-18's total approvals: mainstream plus family and friends, as the raw file gives them.
    total18 = float(raw18["number of applications approved"]) + float(
        raw18["number of family and friends households approved in year"]
    )
    assert o[(2018, "la", "fostering_approvals")] == total18
    england = _raw_column(folder / "Fostering_in_England_2017-18_dataset.csv", "England")
    s = rc.summary(cambs)
    assert rc.value(s, "conversion_rate", 2018) == pytest.approx(
        100 * total18 / float(raw18["number of initial enquiries from new prospective fostering households"])
    )
    assert rc.value(s, "conversion_rate", 2018, "england") == pytest.approx(
        100
        * (
            float(england["number of applications approved"])
            + float(england["number of family and friends households approved in year"])
        )
        / float(england["number of initial enquiries from new prospective fostering households"])
    )


def test_default_paper_key_figures(cambs):
    figs = {f["name"]: f for f in rc.key_figures(rc.compute(cambs))}
    required = {
        "recruitment_conversion_rate",
        "recruitment_year",
        "recruitment_approvals",
        "recruitment_initial_enquiries",
        "recruitment_households",
        "recruitment_places",
        "recruitment_filled_places_pct",
        "recruitment_conversion_rate_england",
        "recruitment_conversion_rate_neighbours",
    }
    assert required <= set(figs)
    assert all(n.startswith("recruitment_") for n in figs)
    for f in figs.values():
        keyfigures.figure_record(f["name"], f["value"], f["unit"], f["label"])  # valid name and unit
    assert figs["recruitment_year"]["value"] == "2017-18"
    assert figs["recruitment_initial_enquiries"]["value"] == 525
    assert figs["recruitment_approvals"]["value"] == 35
    assert figs["recruitment_conversion_rate"]["value"] == round(100 * 35 / 525, 1)
    assert figs["recruitment_conversion_rate_england"]["value"] == round(100 * 7765 / 117335, 1)
    assert figs["recruitment_filled_places_pct"]["value"] == round(100 * 225 / 360, 1)


# --------------------------------------------------------------------------- which year


@pytest.mark.parametrize(
    "meeting, current, chosen",
    [
        ("2018-01-09", 2018, 2018),  # the paper: 2017-18
        ("2018-03-31", 2018, 2018),
        ("2018-04-01", 2019, 2019),  # a new financial year
        ("2019-06-01", 2020, 2019),  # 2019-20 not in the data: the latest earlier year
        ("2017-01-10", 2017, None),  # before any Ofsted year in the data
    ],
)
def test_year_rule(cambs, meeting, current, chosen):
    ctx = replace(cambs, paper=parse_paper(default_paper(meeting_date=meeting)))
    assert rc.current_year(ctx) == current
    assert rc.chosen_year(ctx) == chosen


def test_compute_holds_the_year_rule_and_the_figures(small):
    res = rc.compute(small)
    assert (res.current_year, res.year, res.years) == (2018, 2018, (2018, 2019))
    assert res.value("conversion_rate", 2018) == rc.value(res.summary, "conversion_rate", 2018)
    assert res.value("conversion_rate", None) == rc.NOT_PUBLISHED
    # each neighbour's own mainstream rate: 222 (10 - 5) / 100, 333 (10 - 0) / 50; 444's enquiries are suppressed
    got = rc.neighbour_values(res, "conversion_rate_mainstream", 2018)
    assert got.to_dict() == pytest.approx({"222": 5.0, "333": 20.0})


def test_a_year_behind_reads_one_year_and_labels_say_which_deregistrations(cambs):
    ctx = replace(cambs, paper=parse_paper(default_paper(meeting_date="2019-06-01")))
    res = rc.compute(ctx)
    assert "the latest Ofsted year it holds is 2018-19 (1 April 2018 to 31 March 2019), 1 year before" in rc.year_note(
        res
    )
    labels = {f["name"]: f["label"] for f in rc.key_figures(res)}
    assert labels["recruitment_deregistrations"].endswith("2018-19 (Ofsted, rounded to 5)")
    labels = {f["name"]: f["label"] for f in rc.key_figures(rc.compute(cambs))}
    assert labels["recruitment_deregistrations"].endswith("(Ofsted, rounded to 5; mainstream only before 2018-19)")


def test_latest_paper_uses_2018_19_and_says_so():
    ctx = context.load(load_paper(LATEST_PAPER))
    assert rc.current_year(ctx) == 2026 and rc.chosen_year(ctx) == 2019
    res = rc.compute(ctx)
    assert (res.current_year, res.year) == (2026, 2019)
    assert "latest Ofsted year in this report's data is 2018-19" in rc.findings(res)[0]
    assert "2025-26" in rc.year_note(res) and "2018-19" in rc.year_note(res)
    assert "7 years before the paper's current year" in rc.year_note(res)
    figs = {f["name"]: f["value"] for f in rc.key_figures(res)}
    assert figs["recruitment_year"] == "2018-19" and figs["recruitment_current_year"] == "2025-26"
    assert figs["recruitment_initial_enquiries"] == 390


def test_paper_before_any_ofsted_year_says_not_available_and_still_shows_the_data(cambs):
    ctx = replace(cambs, paper=parse_paper(default_paper(meeting_date="2017-01-10", year=2016)))
    res = rc.compute(ctx)
    assert rc.chosen_year(ctx) is None and res.year is None
    note = rc.year_note(res)
    assert "not available for 2016-17" in note and "published after the paper" in note
    found = rc.findings(res)
    assert "not available for 2016-17" in found[0]
    assert "2017-18 (published after the paper)" in found[1]
    figs = {f["name"]: f["value"] for f in rc.key_figures(res)}
    assert figs["recruitment_year"] == rc.NOT_PUBLISHED
    assert figs["recruitment_conversion_rate"] == rc.NOT_PUBLISHED
    assert figs["recruitment_neighbours_with_data"] == 0
    chart = rc.funnel_chart(res)
    assert "not published for 2016-17" in chart["title"]
    assert "published after the paper" in chart["table"]["Year"].iloc[0]
    shown = rc.neighbours_display(res)
    assert len(shown["table"]) == 3 + len(ctx.neighbour_codes)
    assert "in 2017-18; published after the paper" in shown["caption"]


# --------------------------------------------------------------------------- "not published"


def test_suppressed_figures_are_not_published_never_zero():
    figures = {k: dict(v) for k, v in FIGURES.items()}
    figures[("111", 2018)]["initial_enquiries"] = None
    figures[("111", 2018)]["places"] = None
    ctx = _ctx(figures=figures)
    res = rc.compute(ctx)
    figs = {f["name"]: f["value"] for f in rc.key_figures(res)}
    assert figs["recruitment_initial_enquiries"] == rc.NOT_PUBLISHED
    assert figs["recruitment_conversion_rate"] == rc.NOT_PUBLISHED
    assert figs["recruitment_conversion_rate_mainstream"] == rc.NOT_PUBLISHED
    assert figs["recruitment_places"] == rc.NOT_PUBLISHED
    assert figs["recruitment_filled_places_pct"] == rc.NOT_PUBLISHED
    assert figs["recruitment_approvals"] == 30  # published, so still a number
    assert figs["recruitment_conversion_rate_england"] == 5.0
    text = " ".join(rc.findings(res))
    assert "nan" not in text.lower().split() and "not published households" not in text
    assert "had initial enquiries (not published) from prospective foster households and approved 30 households" in text
    assert (
        "How many households it approved for every 100 initial enquiries is not published; it was 5.0 in England"
        in text
    )
    assert "its approved places (not published) and filled places (120) cannot both be given" in text
    assert "not published" in rc.conversion_title(res) and "nan" not in rc.conversion_title(res)
    assert "n/p" in rc.funnel_chart(res)["fig"].data[0].text  # the missing enquiries bar is labelled, not blank
    html = charts.figure_html(**rc.capacity_chart(res))
    assert "nan" not in re.sub(r"<script.*?</script>", "", html, flags=re.S).lower().split()


def test_no_ofsted_rows_at_all():
    ctx = _ctx(figures={})
    assert rc.ofsted_years(ctx) == [] and rc.chosen_year(ctx) is None
    res = rc.compute(ctx)
    assert rc.findings(res) == [
        "Ofsted's figures on council fostering services are not published in this report's data."
    ]
    assert rc.year_note(res).startswith("This report's data holds no Ofsted fostering figures")
    figs = {f["name"]: f["value"] for f in rc.key_figures(res)}
    assert figs["recruitment_year"] == rc.NOT_PUBLISHED and figs["recruitment_neighbours_with_data"] == 0
    assert rc.neighbours_display(res)["table"].empty
    assert rc.ofsted(ctx).empty


# --------------------------------------------------------------------------- charts, findings and the notebook


@pytest.mark.parametrize("meeting", ["2018-01-09", "2026-01-13"])
def test_charts_have_title_caption_alt_and_table(cambs, meeting):
    ctx = replace(cambs, paper=parse_paper(default_paper(meeting_date=meeting)))
    res = rc.compute(ctx)
    names = set()
    for make in (rc.funnel_chart, rc.conversion_chart, rc.per_household_chart, rc.capacity_chart):
        chart = make(res)
        assert chart["title"] and not chart["title"].endswith(".")
        assert "rounded to the nearest 5 by Ofsted" in chart["caption"] and "Ofsted" in chart["caption"]
        assert len(chart["alt"]) >= 40
        assert isinstance(chart["table"], pd.DataFrame) and not chart["table"].empty
        assert "nan" not in chart["title"].lower().split()
        html = charts.figure_html(**chart)
        assert "Table behind this chart" in html
        names.add(chart["name"])
    assert len(names) == 4
    shown = rc.neighbours_display(res)
    assert "rounded to the nearest 5 by Ofsted" in shown["caption"]


def test_findings_and_titles_come_from_the_numbers(small):
    res = rc.compute(small)
    found = rc.findings(res)
    assert any("approved 30 households (20 mainstream carers and 10 family and friends carers)" in f for f in found)
    assert any(
        f.startswith(
            "That is 15.0 households approved for every 100 initial enquiries, against 5.0 in "
            "England, 10.0 in the East of England and 15.0"
        )
        for f in found
    )
    assert "Testshire approved 15.0 households for every 100 initial enquiries (England 5.0" in rc.conversion_title(res)
    assert "grew (net +5 per 100) while England's shrank (net -2 per 100)" in rc.per_household_title(res)
    # 2018-19 after the paper: 40 approvals against 30, more than rounding.
    assert any(
        "approved 40 households (250 enquiries), against 30 (200 enquiries) in 2017-18: approvals were 10 more" in f
        for f in found
    )
    # Households 100 -> 125 (+25) against a 2018-19 net of +30: within what rounding can explain.
    assert any("within what Ofsted's rounding" in f for f in found)
    assert any("Among the neighbours it runs from 5.0 (Two) to 20.0 (Three)" in f for f in found)


def test_places_not_filled_split_into_vacant_and_not_available(cambs):
    s = rc.summary(cambs)
    places, filled = rc.value(s, "fostering_places", 2018), rc.value(s, "fostering_filled_places", 2018)
    vacant, unavailable = (
        rc.value(s, "fostering_vacant_places", 2018),
        rc.value(s, "fostering_places_not_available", 2018),
    )
    # Cambridgeshire 2017-18: 360 approved = 225 filled + 80 vacant + 55 not available
    assert (places, filled, vacant, unavailable) == (360, 225, 80, 55)
    assert places == filled + vacant + unavailable
    res = rc.compute(cambs)
    figs = {f["name"]: f["value"] for f in rc.key_figures(res)}
    assert figs["recruitment_vacant_places"] == 80 and figs["recruitment_places_not_available"] == 55
    text = rc.findings_markdown(res)
    assert "80 were vacant and free to use, and 55 were not available" in text
    assert rc.capacity_title(res).endswith("135 approved places were empty that day, of which 80 were free to use")
