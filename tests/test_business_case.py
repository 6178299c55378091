"""Chapter "The business case": scenario arithmetic by hand, caps, faster permanence, sensitivity, bad parameters.

The known-answer fixture is a projection made by hand: the same children at
every 31 March (20 in-house, 40 IFA, 10 residential), so every year's saving,
investment, net position, payback and net present value can be worked out on
paper. Faster permanence is checked on a two-state model made with
``forecasting.from_arrays``, projected here by hand from the documented hazard
rule, independently of ``forecasting.project``. Net present value and payback
are :mod:`analysis.methods.appraisal`.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import default_paper, run_cli

from analysis.chapters import business_case as B
from analysis.methods import appraisal, forecasting
from analysis.paper import BusinessCase, Costs, UnitCost, parse_paper
from analysis.report import charts, disclosure, pagescan, text

pytestmark = pytest.mark.unit

W = 365.25 / 7  # weeks in a year
BAND = "10 to 15"


def _costs(**weekly) -> Costs:
    base = {"in_house_fostering": 350.0, "ifa_fostering": 700.0, "residential": 3000.0}
    base.update(weekly)
    return Costs(**{k: UnitCost(weekly=v, source="test figure", year=2018) for k, v in base.items()})


def _bc(**changes) -> BusinessCase:
    values = dict(
        horizon_years=5,
        discount_rate=0.035,
        extra_households_per_year=10,
        conversion=0.5,
        children_per_household=1,
        household_retention=0.5,
        cost_per_approval=12_000,
        support_cost_per_household=100,
        permanence_time_cut=0.2,
        permanence_cost_per_year=150_000,
        permanence_ramp_years=1,
    )
    values.update(changes)
    return BusinessCase(**values)


def _projection(stock: dict[str, list[float]], base_year: int = 2017) -> pd.DataFrame:
    """A projection frame: category -> children at 31 March base_year, base_year + 1, ..."""
    rows = []
    for cat, values in stock.items():
        for k, v in enumerate(values):
            rows.append({"year": base_year + k, "age_band": BAND, "category": cat, "children": float(v)})
    return pd.DataFrame(rows)


CONSTANT = {"in-house fostering": [20] * 6, "IFA fostering": [40] * 6, "residential": [10] * 6}
# Faster permanence, by hand: residential falls by one a year; everything else as the baseline.
FASTER = {"in-house fostering": [20] * 6, "IFA fostering": [40] * 6, "residential": [10, 9, 8, 7, 6, 5]}


# --------------------------------------------------------------------------- the arithmetic by hand


def test_extra_households_follow_retention():
    h = B.households(_bc(), [2018, 2019, 2020, 2021, 2022])
    assert h.tolist() == [10, 15, 17.5, 18.75, 19.375]
    assert B.households(_bc(household_retention=1), range(3)).tolist() == [10, 20, 30]
    assert B.households(_bc(household_retention=0), range(3)).tolist() == [10, 10, 10]


def test_year_average_is_the_mean_of_the_31_march_stock_at_start_and_end():
    stock = B.stock_by_category(_projection(FASTER), 2017, 5)
    avg = B.year_average(stock)
    assert avg.index.tolist() == [2018, 2019, 2020, 2021, 2022]
    assert avg["residential"].tolist() == [9.5, 8.5, 7.5, 6.5, 5.5]
    assert avg["IFA fostering"].tolist() == [40] * 5
    assert avg["other"].tolist() == [0] * 5  # categories the projection lacks are zero


def test_age_bands_are_summed():
    two_bands = pd.concat([_projection(CONSTANT), _projection(CONSTANT).assign(age_band="16 and over")])
    assert B.stock_by_category(two_bands, 2017, 5).loc[2019, "IFA fostering"] == 80


def test_gross_cost_by_hand():
    avg = B.year_average(B.stock_by_category(_projection(CONSTANT), 2017, 5))
    # 20 x £350 + 40 x £700 + 10 x £3,000 = £65,000 a week
    assert B.gross_cost(avg, _costs()).tolist() == pytest.approx([65_000 * W] * 5)


def test_recruitment_scenario_by_hand():
    res = B.scenarios(_projection(CONSTANT), _projection(CONSTANT), _bc(), _costs())
    rec = res.scenarios["recruitment"]
    # H = 10, 15, 17.5, 18.75, 19.375; a household approved in a year takes a child the year after
    e = [0, 5, 7.5, 8.75, 9.375]  # H_{t-1} x 0.5 x 1
    assert rec.extra_children.tolist() == pytest.approx(e)
    assert rec.average["in-house fostering"].tolist() == pytest.approx([20 + x for x in e])
    assert rec.average["IFA fostering"].tolist() == pytest.approx([40 - x for x in e])
    # saving: E x (700 - 350) x 365.25 / 7 = E x 18,262.5
    saving = [0, 91_312.5, 136_968.75, 159_796.875, 171_210.9375]
    assert rec.money["saving"].tolist() == pytest.approx(saving)
    # investment: 10 approvals x £12,000 + H x £100
    investment = [121_000, 121_500, 121_750, 121_875, 121_937.5]
    assert rec.money["investment"].tolist() == pytest.approx(investment)
    net = [-121_000, -30_187.5, 15_218.75, 37_921.875, 49_273.4375]
    assert rec.money["net"].tolist() == pytest.approx(net)
    assert rec.money["cumulative"].tolist() == pytest.approx(
        [-121_000, -151_187.5, -135_968.75, -98_046.875, -48_773.4375]
    )
    # still in deficit after five years: no payback
    assert rec.payback is None
    # Green Book: year 1 undiscounted
    assert rec.npv == pytest.approx(
        -121_000 - 30_187.5 / 1.035 + 15_218.75 / 1.035**2 + 37_921.875 / 1.035**3 + 49_273.4375 / 1.035**4
    )
    assert rec.net_first_years() == pytest.approx(-48_773.4375)
    assert rec.net_first_years(2) == pytest.approx(-151_187.5)
    # recruitment changes where children live, not how many
    assert rec.stock.equals(res.scenarios["baseline"].stock)
    assert rec.average.sum(axis=1).tolist() == pytest.approx([70] * 5)
    base = res.scenarios["baseline"]
    assert base.money[["saving", "investment", "net"]].abs().to_numpy().max() == 0
    assert base.npv == 0 and base.payback is None


def test_recruitment_pays_back_when_the_saving_outruns_the_investment():
    # cheaper approvals (£2,000): investment 10 x 2,000 + H x 100
    res = B.scenarios(_projection(CONSTANT), _projection(CONSTANT), _bc(cost_per_approval=2000), _costs())
    rec = res.scenarios["recruitment"]
    inv = np.array([21_000, 21_500, 21_750, 21_875, 21_937.5])
    saving = np.array([0, 91_312.5, 136_968.75, 159_796.875, 171_210.9375])
    assert rec.money["investment"].to_numpy() == pytest.approx(inv)
    assert rec.money["saving"].to_numpy() == pytest.approx(saving)  # approvals cost less; the saving is the same
    # year 1 ends at -21,000; year 2 starts at -42,500 after paying and gains 91,312.5 through the year
    assert rec.payback == pytest.approx(1 + 42_500 / 91_312.5)


def test_faster_permanence_and_both_by_hand():
    res = B.scenarios(_projection(CONSTANT), _projection(FASTER), _bc(), _costs())
    perm, both, rec = (res.scenarios[k] for k in ("permanence", "both", "recruitment"))
    fewer = np.array([0.5, 1.5, 2.5, 3.5, 4.5])  # average residential children saved
    assert perm.money["saving"].to_numpy() == pytest.approx(fewer * 3000 * W)
    assert perm.money["investment"].tolist() == [150_000] * 5
    assert perm.extra_children.tolist() == [0] * 5
    # IFA children are the same in both projections, so both = the sum of the two
    assert both.money["saving"].to_numpy() == pytest.approx(fewer * 3000 * W + rec.money["saving"].to_numpy())
    assert both.money["investment"].to_numpy() == pytest.approx(rec.money["investment"].to_numpy() + 150_000)
    net = fewer * 3000 * W - 150_000  # 78,267.86 - 150,000 < 0 in year 1, then positive
    assert perm.npv == pytest.approx(sum(n / 1.035**k for k, n in enumerate(net)))
    cum = np.cumsum(net)
    assert cum[0] < 0 < cum[1]
    # each year's £150,000 is paid up front: year 3 still starts below zero (cum[1] - 150,000 < 0), so the
    # position turns positive for good during year 3, gaining that year's saving evenly
    assert cum[1] - 150_000 < 0 < cum[2] - 150_000
    assert perm.payback == pytest.approx(2 + (150_000 - cum[1]) / (net[2] + 150_000))


def test_extra_children_capped_by_ifa_children():
    # IFA children at 31 March: 8, 6, 4, 2, 0, 0 -> in each year 7, 5, 3, 1, 0
    stock = {"in-house fostering": [20] * 6, "IFA fostering": [8, 6, 4, 2, 0, 0], "residential": [10] * 6}
    res = B.scenarios(_projection(stock), _projection(stock), _bc(), _costs())
    rec = res.scenarios["recruitment"]
    assert rec.wanted.tolist() == pytest.approx([0, 5, 7.5, 8.75, 9.375])
    assert rec.extra_children.tolist() == pytest.approx([0, 5, 3, 1, 0])
    assert rec.average["IFA fostering"].tolist() == pytest.approx([7, 0, 0, 0, 0])
    assert rec.money["saving"].to_numpy() == pytest.approx(np.array([0, 5, 3, 1, 0]) * 350 * W)
    # the investment is still paid when there is no IFA child left to move
    assert rec.money["investment"].iloc[-1] == pytest.approx(120_000 + 19.375 * 100)


def test_npv_and_payback_conventions():
    assert appraisal.npv([100, 100, 100], 0.1) == pytest.approx(100 + 100 / 1.1 + 100 / 1.21)
    assert appraisal.npv([100, 100], 0) == 200
    assert appraisal.payback([-100, 50, 100]) == pytest.approx(2.5)
    assert appraisal.payback([50, 10]) == 0  # in surplus from the first year
    assert appraisal.payback([-100, 20]) is None
    assert appraisal.payback([10, -20, 5]) is None  # positive once, but not at the end
    assert appraisal.payback([10, -20, 30]) == pytest.approx(2 + 10 / 30)  # the last crossing counts
    assert appraisal.payback([]) is None
    # investment paid at the start of each year, saving through it
    # year 1 crosses at 100/150, but year 2 dips to 50 - 100 below zero again: the last crossing counts
    assert appraisal.payback([50, 50], [100, 100]) == pytest.approx(1 + 50 / 150)
    assert appraisal.payback([-100, 200], [100, 0]) == pytest.approx(1.5)
    assert appraisal.payback([-100, 100, 10], [100, 0, 0]) == pytest.approx(2.0)
    assert appraisal.payback([0, 0], [0, 0]) is None
    assert B.payback_text(None, 5) == "not within 5 years"
    assert B.payback_text(0, 5) == "within its first year"
    assert B.payback_text(2.37, 5) == "after 2.4 years"


def test_projection_must_cover_the_horizon():
    short = _projection({"IFA fostering": [40] * 3})
    with pytest.raises(ValueError, match="no rows for year"):
        B.scenarios(short, short, _bc(), _costs())
    with pytest.raises(ValueError, match="unknown placement categories"):
        B.stock_by_category(_projection({"agency": [1] * 6}), 2017, 5)


# --------------------------------------------------------------------------- faster permanence on a model


def _model(base_year: int = 2017):
    states = [(BAND, "IFA fostering"), (BAND, "residential")]
    return forecasting.from_arrays(
        states,
        start=[40, 10],
        stay=[[0.7, 0.0], [0.0, 0.7]],
        exit_permanence=[0.2, 0.2],
        exit_other=[0.1, 0.1],
        entries=[12, 3],
        base_year=base_year,
    )


def _paper(**business_case):
    raw = default_paper()
    raw["business_case"] = business_case
    raw["costs"] = {
        k: {"weekly": v, "source": "test figure", "year": 2018}
        for k, v in (("in_house_fostering", 350), ("ifa_fostering", 700), ("residential", 3000))
    }
    return parse_paper(raw)


def test_faster_permanence_saving_on_a_model_by_hand():
    paper = _paper(horizon_years=3, permanence_time_cut=0.2, extra_households_per_year=0, permanence_ramp_years=1)
    res = B.run(_model(), paper)
    # stationary baseline: 40 x 0.7 + 12 = 40, 10 x 0.7 + 3 = 10
    assert B.children_counts(res)["baseline"].tolist() == [50, 50, 50, 50]
    # a 20% shorter time to permanence: p' = 1 - 0.8 ** 1.25, taken from staying
    stay = 0.7 - ((1 - 0.8**1.25) - 0.2)
    n, stocks = np.array([40.0, 10.0]), [np.array([40.0, 10.0])]
    for _ in range(3):
        n = n * stay + np.array([12, 3])
        stocks.append(n)
    avg = [(a + b) / 2 for a, b in itertools.pairwise(stocks)]
    saving = [((np.array([40, 10]) - a) * np.array([700, 3000])).sum() * W for a in avg]
    perm = res.scenarios["permanence"]
    assert perm.money["saving"].tolist() == pytest.approx(saving)
    assert all(s > 0 for s in saving)
    assert perm.money["net"].tolist() == pytest.approx([s - 150_000 for s in saving])
    assert res.synthetic is False and res.base_year == 2017 and res.end_year == 2020
    # no recruitment: recruitment alone costs and saves nothing
    assert res.scenarios["recruitment"].money["net"].abs().max() == 0
    # the tornado's central NPV is the NPV of both together
    assert res.tornado["npv_base"].iloc[0] == pytest.approx(res.scenarios["both"].npv)


def test_no_cut_saves_nothing():
    res = B.run(_model(), _paper(horizon_years=2, permanence_time_cut=0, permanence_cost_per_year=0))
    assert res.scenarios["permanence"].money["saving"].abs().max() == pytest.approx(0, abs=1e-6)


# --------------------------------------------------------------------------- sensitivity


def _faster_at(cut: float) -> pd.DataFrame:
    """A stand-in for the model: the bigger the cut, the faster residential children leave."""
    return _projection(
        {"in-house fostering": [20] * 6, "IFA fostering": [40] * 6, "residential": [10 - 5 * cut * k for k in range(6)]}
    )


def test_tornado_sorted_by_swing_with_each_npv_recomputed():
    bc, costs = _bc(), _costs()
    t = B.tornado(_projection(CONSTANT), _faster_at, bc, costs)
    assert len(t) == len(B.SENSITIVITY) and set(t["field"]) == {r.field for r in B.SENSITIVITY}
    assert t["swing"].tolist() == sorted(t["swing"], reverse=True)
    assert t["swing"].tolist() == pytest.approx((t["npv_high"] - t["npv_low"]).abs().tolist())
    central = B.scenarios(_projection(CONSTANT), _faster_at(0.2), bc, costs).scenarios["both"].npv
    assert t["npv_base"].unique().tolist() == pytest.approx([central])
    row = t.set_index("field").loc["business_case.discount_rate"]
    assert (row["low"], row["high"]) == pytest.approx((0.015, 0.055))
    net = B.scenarios(_projection(CONSTANT), _faster_at(0.2), bc, costs).scenarios["both"].money["net"]
    assert row["npv_low"] == pytest.approx(appraisal.npv(net, 0.015))
    assert row["npv_high"] == pytest.approx(appraisal.npv(net, 0.055))
    cut = t.set_index("field").loc["business_case.permanence_time_cut"]

    def both_at(c):
        return (
            B.scenarios(_projection(CONSTANT), _faster_at(c), _bc(permanence_time_cut=c), costs).scenarios["both"].npv
        )

    assert (cut["low"], cut["high"]) == pytest.approx((0.1, 0.3))
    assert cut["npv_low"] == pytest.approx(both_at(0.1)) and cut["npv_high"] == pytest.approx(both_at(0.3))
    ifa = t.set_index("field").loc["costs.ifa_fostering"]
    assert (ifa["low"], ifa["high"]) == pytest.approx((560, 840))  # ± costs.sensitivity (20%)
    assert ifa["npv_high"] > ifa["npv_low"]  # dearer agencies, bigger saving
    approval = t.set_index("field").loc["business_case.cost_per_approval"]
    assert approval["npv_high"] < approval["npv_low"]


def test_tornado_ordering_puts_the_biggest_swing_first():
    # a huge permanence effect makes the cut dominate; zero recruitment makes its inputs swing nothing
    bc = _bc(extra_households_per_year=0)
    t = B.tornado(_projection(CONSTANT), _faster_at, bc, _costs())
    assert t["field"].iloc[0] == "business_case.permanence_time_cut"
    idle = t[
        t["field"].isin(
            [
                "business_case.conversion",
                "business_case.children_per_household",
                "business_case.household_retention",
                "business_case.cost_per_approval",
                "business_case.extra_households_per_year",
            ]
        )
    ]
    assert idle["swing"].max() == pytest.approx(0)
    assert idle.index.min() > t.index[t["swing"] > 1].max()  # every zero swing after every real one
    # ties keep table order
    order = [r.field for r in B.SENSITIVITY]
    assert [order.index(f) for f in idle["field"]] == sorted(order.index(f) for f in idle["field"])


def test_sensitivity_values_clipped_to_the_valid_range():
    t = B.sensitivity_inputs(
        _bc(
            conversion=0.8,
            household_retention=0.9,
            permanence_time_cut=0.9,
            discount_rate=0.01,
            extra_households_per_year=400,
        ),
        _costs(),
    )
    t = t.set_index("field")
    assert t.loc["business_case.conversion", "high"] == 1  # 0.8 x 1.5 clipped to 1
    assert t.loc["business_case.household_retention", "high"] == 1
    assert t.loc["business_case.permanence_time_cut", "high"] == pytest.approx(0.99)  # "below 1"
    assert t.loc["business_case.discount_rate", "low"] == 0
    assert t.loc["business_case.extra_households_per_year", "high"] == 500
    assert B.bounds("business_case.children_per_household") == (0.01, 6)
    assert B.bounds("costs.ifa_fostering") == (0, math.inf)


# --------------------------------------------------------------------------- page content


def _results(stock=CONSTANT, faster=FASTER, **bc) -> B.Results:
    res = B.scenarios(_projection(stock), _projection(faster), _bc(**bc), _costs())
    return replace(res, tornado=B.tornado(_projection(stock), lambda c: _projection(faster), _bc(**bc), _costs()))


def test_small_counts_are_suppressed_in_tables_and_charts():
    small = {"in-house fostering": [20] * 6, "IFA fostering": [40] * 6, "residential": [3] * 6}
    res = _results(small, small)
    mix = B.mix_table(res)
    assert B.CHILD_LEVEL in mix["caption"]
    assert (mix["table"]["All other placements"] == disclosure.MARKER).all()
    page = charts.table_html(mix["table"], caption=mix["caption"])
    for chart in (B.children_chart(res), B.net_chart(res), B.tornado_chart(res)):
        page += charts.figure_html(**chart)
    assert pagescan.child_level_tables(page)
    assert pagescan.disclosure_problems(page) == []
    tiny = _results({"IFA fostering": [4] * 6}, {"IFA fostering": [4] * 6})
    figures = {f["name"]: f["value"] for f in B.key_figures(tiny)}
    assert figures["scenario_cla_baseline_end"] == B.SUPPRESSED
    assert "c" in B.children_display(tiny)[0].iloc[:, 1].tolist()


def test_mix_table_adds_up_and_recruitment_keeps_the_total():
    counts = B.mix_counts(_results())
    assert (counts["all"] == counts[["in-house", "IFA", "other"]].sum(axis=1)).all()
    by = counts.set_index(["scenario", "year"])["all"]
    assert by["recruitment"].tolist() == by["baseline"].tolist()


def test_key_figures_and_findings_from_the_numbers():
    res = _results()
    figures = {f["name"]: f for f in B.key_figures(res)}
    for name in (
        "scenario_net_saving_5_years",
        "scenario_payback_years",
        "scenario_npv",
        "scenario_price_year",
        "scenario_cla_baseline_end",
        "scenario_cla_both_end",
        "scenario_recruitment_npv",
        "scenario_permanence_payback_years",
        "scenario_recruitment_net_saving_5_years",
    ):
        assert name in figures
    both = res.scenarios["both"]
    assert figures["scenario_npv"]["value"] == round(both.npv)
    assert figures["scenario_net_saving_5_years"]["value"] == round(both.money["net"].sum())
    assert "first 5 years" in figures["scenario_net_saving_5_years"]["label"]
    assert figures["scenario_recruitment_payback_years"]["value"] == "not within 5 years"
    assert figures["scenario_permanence_payback_years"]["value"] == round(res.scenarios["permanence"].payback, 1) == 2.3
    assert figures["scenario_cla_baseline_end"]["value"] == 70 and figures["scenario_cla_both_end"]["value"] == 65
    assert figures["scenario_price_year"]["value"] == 2018
    assert figures["scenario_payback_text"]["value"] == B.payback_text(both.payback, 5)
    assert figures["scenario_net_saving_5_years_text"]["value"] == text.money(both.money["net"].sum(), signed=True)
    prose = B.findings_markdown(res)
    assert "after 2.3 years" in prose and "(child-level data, SYNTHETIC)" in prose
    assert "£49,000 behind no change after 5 years" in prose
    assert "65 children looked after at 31 March 2022 instead of 70" in prose
    # a scenario that never pays back says so, as text
    never = _results(cost_per_approval=1_000_000, permanence_cost_per_year=10_000_000, horizon_years=3)
    figures = {f["name"]: f for f in B.key_figures(never)}
    assert figures["scenario_payback_years"]["value"] == "not within 3 years"
    assert figures["scenario_payback_years"]["unit"] == "text"
    assert "3-year horizon" in figures["scenario_net_saving_5_years"]["label"]
    assert "None of the three scenarios pays back within 3 years" in B.findings_markdown(never)
    assert "turns negative" not in B.tornado_title(never) and "stays negative" in B.tornado_title(never)


def test_money_tables_headers_mark_pounds():
    res = _results()
    for table in (B.money_display(res), B.summary_display(res), B.tornado_display(res)):
        money = [c for c in table.columns if "(£)" in c]
        assert money and all(c.endswith("(£)") for c in money)
    params = B.parameters_display(res).set_index("Parameter")
    assert params.loc["business_case.conversion", "Value"] == "50%"
    assert params.loc["business_case.conversion", "Source or assumption"].startswith("set in the paper file")
    assert "Green Book" in params.loc["business_case.discount_rate", "Source or assumption"]


# --------------------------------------------------------------------------- bad parameters through the command line


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("conversion", 1.5, r"business_case\.conversion: must be a number from 0 to 1 \(got 1\.5\)"),
        ("extra_households_per_year", -3, r"business_case\.extra_households_per_year: must be a number from 0 to 500"),
        ("discount_rate", "three and a half", r"business_case\.discount_rate: must be a number from 0 to 0\.2"),
    ],
)
def test_bad_business_case_parameter_exits_2_naming_it(tmp_path, field, value, expected):
    raw = default_paper()
    raw["business_case"] = {field: value}
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(raw))
    result = run_cli("build", str(path))
    assert result.returncode == 2, result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --------------------------------------------------------------------------- the notebook


def test_faster_permanence_builds_up_over_the_ramp_years():
    stock = B.stock_by_category(_projection(CONSTANT), 2017, 5)
    full = B.stock_by_category(_projection(FASTER), 2017, 5)
    # residential: baseline 10; full effect 10, 9, 8, 7, 6, 5; over 2 years the difference counts 0, 1/2, 1, 1 ...
    assert B.ramp(stock, full, 2)["residential"].tolist() == pytest.approx([10, 9.5, 8, 7, 6, 5])
    assert B.ramp(stock, full, 4)["residential"].tolist() == pytest.approx([10, 9.75, 9, 7.75, 6, 5])
    assert B.ramp(stock, full, 1).equals(full)
    res = B.scenarios(_projection(CONSTANT), _projection(FASTER), _bc(permanence_ramp_years=2), _costs())
    fewer = np.array([0.25, 1.25, 2.5, 3.5, 4.5])  # averages of 0, 0.5, 2, 3, 4, 5 fewer at each 31 March
    assert res.scenarios["permanence"].money["saving"].to_numpy() == pytest.approx(fewer * 3000 * W)


# --------------------------------------------------------------------------- the one interface


def test_compute_on_the_default_paper_feeds_every_page_function():
    from analysis.paper import DEFAULT_PAPER
    from analysis.report import context, keyfigures
    from analysis.sources.ssda903 import context as child_context

    ctx = context.load(DEFAULT_PAPER)
    res = B.compute(ctx, child_context.load(ctx.paper))
    assert res.base_year == ctx.year and res.synthetic and res.tornado is not None
    figures = {k["name"]: k for k in B.key_figures(res)}
    for rec in figures.values():
        keyfigures.figure_record(rec["name"], rec["value"], rec["unit"], rec["label"])
    assert figures["scenario_npv"]["value"] == round(res.scenarios["both"].npv)
    assert figures["scenario_horizon_years"]["value"] == ctx.paper.business_case.horizon_years
    for chart in (B.children_chart(res), B.net_chart(res), B.tornado_chart(res)):
        assert chart["title"] and chart["title"] in chart["alt"]
    for table in (B.parameters_table(res), B.mix_table(res), B.summary_table(res), B.money_table(res)):
        assert not table["table"].empty and table["caption"]
    assert B.findings_markdown(res).startswith("- ") and "SYNTHETIC" in B.cautions_markdown(res)
