"""Permanence chapter: crafted histories whose answers are worked out by hand in the comments.

Dates are ISO. Collection year Y runs 1 April Y-1 to 31 March Y. The returns in these tests cover
2012 to 2017 (1 April 2011 to 31 March 2017) unless a test says otherwise.
"""

from __future__ import annotations

import re
import types
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import EPISODE_COLUMNS

from analysis.chapters import permanence as P
from analysis.methods import survival as S
from analysis.sources.ssda903 import episodes as E

pytestmark = pytest.mark.unit

NS = "datetime64[ns]"
YEARS = (2012, 2013, 2014, 2015, 2016, 2017)


# --------------------------------------------------------------------------- builders


def ep(child, decom, dec, rne, *, ls="C2", place="U4", provider="PR1", rec="X1", cin="N1"):
    """One episode; REC defaults to X1 (the period goes on); give the period's last episode its REC."""
    return dict(
        CHILD=child,
        DECOM=decom,
        DEC=dec,
        RNE=rne,
        LS=ls,
        CIN=cin,
        PLACE=place,
        PLACE_PROVIDER=provider,
        REC=rec if dec else "",
        REASON_PLACE_CHANGE="",
        HOME_POST="",
        PL_POST="",
        URN="",
    )


def child_data(rows, *, dobs=None, ad1=(), years=YEARS):
    """A stand-in for ChildData: what the chapter reads (prepared episodes, years, AD1, synthetic)."""
    cols = EPISODE_COLUMNS
    eps = pd.DataFrame(list(rows), columns=list(cols))
    for c in ("DECOM", "DEC"):
        eps[c] = pd.to_datetime(eps[c]).astype(NS)
    eps["YEAR"] = max(years)
    children = sorted(set(eps["CHILD"]))
    dobs = dobs or {}
    header = pd.DataFrame(
        {"CHILD": children, "SEX": "1", "DOB": pd.to_datetime([dobs.get(c, "2012-06-01") for c in children]).astype(NS)}
    )
    header["YEAR"] = max(years)
    a = pd.DataFrame(list(ad1), columns=["CHILD", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "YEAR"])
    for c in ("DATE_INT", "DATE_MATCH"):
        a[c] = pd.to_datetime(a[c]).astype(NS)
    prepared = E.prepare(eps, header)
    return types.SimpleNamespace(
        prepared=prepared, years=tuple(years), synthetic=True, stacked=types.SimpleNamespace(tables={"ad1": a})
    )


# --------------------------------------------------------------------------- the adoption scorecard

# A: straightforward. Entry 10 Apr 2014; placement order (E1) 5 Jan 2015; match 1 May 2015;
#    moved in with new adopters (A6) 1 Jun 2015; adopted 15 Jan 2016.
#    A1 = 10 Apr 2014 -> 1 Jun 2015 = 365 (to 10 Apr 2015) + 30 (to 10 May) + 22 = 417
#    A2 = 5 Jan 2015 -> 1 May 2015 = 31 + 28 + 31 + 26 = 116;  A10 = A1 = 417 (not a foster-carer adoption)
ADOPT_A = [
    ep("A", "2014-04-10", "2014-08-01", "S", ls="C1"),
    ep("A", "2014-08-01", "2015-01-05", "L", ls="C2"),
    ep("A", "2015-01-05", "2015-06-01", "L", ls="E1"),
    ep("A", "2015-06-01", "2016-01-15", "P", ls="E1", place="A6", rec="E11"),
]
# B: matched before the court's authority. Entry 1 Sep 2014; match 1 Feb 2015; placement order 1 Mar 2015;
#    moved in 1 Apr 2015. A2 = 0 (matched first). A1 = Sep 30 + Oct 31 + Nov 30 + Dec 31 + Jan 31 + Feb 28 + Mar 31 = 212
ADOPT_B = [
    ep("B", "2014-09-01", "2015-03-01", "S", ls="C1"),
    ep("B", "2015-03-01", "2015-04-01", "L", ls="E1"),
    ep("B", "2015-04-01", "2016-02-01", "P", ls="E1", place="A6", rec="E12"),
]
# C: adopted by foster carers. Entry 1 May 2013 (carer X); moved to carer F (U5) 1 Sep 2013; placement order
#    1 Jun 2014 (RNE L, same placement); the fostering placement becomes an adoptive one with the same carer
#    (A5, RNE T) 10 Jan 2015; adopted 1 Oct 2015; AD1 FOSTER_CARE = 1, match 1 Dec 2014.
#    A1 = 1 May 2013 -> 10 Jan 2015 = 365 + 245 (May..Dec 2014) + 9 = 619
#    A10 stops at 1 Sep 2013, when carer F took the child in: 31 + 30 + 31 + 31 = 123
#    A2 = 1 Jun 2014 -> 1 Dec 2014 = 30 + 31 + 31 + 30 + 31 + 30 = 183
ADOPT_C = [
    ep("C", "2013-05-01", "2013-09-01", "S", ls="C1"),
    ep("C", "2013-09-01", "2014-06-01", "P", ls="C1", place="U5"),
    ep("C", "2014-06-01", "2015-01-10", "L", ls="E1", place="U5"),
    ep("C", "2015-01-10", "2015-10-01", "T", ls="E1", place="A5", rec="E11"),
]
# D: adoption disrupted and re-placed. Entry 15 Jan 2013; placement order 1 Oct 2013; placed with family X
#    1 Mar 2014; disrupted, back to foster care 1 Jul 2014; placed with family Y 1 Feb 2015; adopted by Y
#    1 Dec 2015. A1 counts from the family who adopted: 15 Jan 2013 -> 1 Feb 2015 = 730 + 17 = 747
#    (not 410, the first placement). A2 = 1 Oct 2013 -> match 10 Jan 2015 = 365 + 92 + 9 = 466
ADOPT_D = [
    ep("D", "2013-01-15", "2013-10-01", "S", ls="C1"),
    ep("D", "2013-10-01", "2014-03-01", "L", ls="E1"),
    ep("D", "2014-03-01", "2014-07-01", "P", ls="E1", place="A6"),
    ep("D", "2014-07-01", "2015-02-01", "P", ls="E1", place="U4"),
    ep("D", "2015-02-01", "2015-12-01", "P", ls="E1", place="A6", rec="E11"),
]
# E: inconsistent: the match (1 May 2014) is dated before the child entered care (1 Jun 2014).
ADOPT_E = [
    ep("E", "2014-06-01", "2015-01-01", "S", ls="C1"),
    ep("E", "2015-01-01", "2015-05-01", "L", ls="E1"),
    ep("E", "2015-05-01", "2016-03-01", "P", ls="E1", place="A6", rec="E11"),
]
# F: inconsistent: an adoption order with no placement for adoption (adopted from a foster placement).
ADOPT_F = [
    ep("F", "2014-02-01", "2014-11-01", "S", ls="C1"),
    ep("F", "2014-11-01", "2016-01-01", "L", ls="E1", place="U4", rec="E11"),
]
# G: care began before the first return (its first episode in the data is a move, RNE P): entry not seen,
#    so out of A1 and A10; its placement order (1 Sep 2011) is seen, so it is in A2: to match 1 Mar 2012 = 182
ADOPT_G = [
    ep("G", "2011-05-01", "2011-09-01", "P", ls="C2"),
    ep("G", "2011-09-01", "2012-04-01", "L", ls="E1"),
    ep("G", "2012-04-01", "2014-06-01", "P", ls="E1", place="A6", rec="E11"),
]
# H: placed with consent (A4), no placement order: out of A2 by definition; in A1.
ADOPT_H = [
    ep("H", "2014-03-01", "2014-12-01", "S", ls="V2"),
    ep("H", "2014-12-01", "2015-09-01", "P", ls="V2", place="A4", rec="E11"),
]
AD1_ROWS = [
    ("A", "2014-12-01", "2015-05-01", "0", 2016),
    ("B", "2014-12-01", "2015-02-01", "0", 2016),
    ("C", "2014-05-01", "2014-12-01", "1", 2016),
    ("D", "2013-09-01", "2015-01-10", "0", 2016),
    ("E", "2014-04-01", "2014-05-01", "0", 2016),
    ("F", "2014-09-01", "2015-02-01", "0", 2016),
    ("G", "2011-08-01", "2012-03-01", "0", 2015),
    ("H", "2014-10-01", "2014-11-01", "0", 2016),
]
ALL = ADOPT_A + ADOPT_B + ADOPT_C + ADOPT_D + ADOPT_E + ADOPT_F + ADOPT_G + ADOPT_H


@pytest.fixture(scope="module")
def records():
    return P.adoption_records(child_data(ALL, ad1=AD1_ROWS)).set_index("CHILD")


def test_a1_a2_a10_on_crafted_histories(records):
    r = records
    assert (r.loc["A", ["A1_days", "A2_days", "A10_days"]] == [417, 116, 417]).all()
    assert r.loc["B", "A2_days"] == 0 and r.loc["B", "A1_days"] == 212  # matched before authority: zero
    assert (r.loc["C", ["A1_days", "A10_days", "A2_days"]] == [619, 123, 183]).all()  # foster-carer adoption
    assert r.loc["D", "A1_days"] == 747 and r.loc["D", "A2_days"] == 466  # disrupted, re-placed: the new family
    assert r.loc["D", "placed"] == pd.Timestamp("2015-02-01")


def test_inconsistent_records_are_excluded_with_their_reason(records):
    r = records
    match_before = P.SCORECARD_INCONSISTENT[1]
    no_placement = P.SCORECARD_INCONSISTENT[0]
    for m in ("A1", "A2", "A10"):
        assert r.loc["E", f"{m}_reason"] == match_before and np.isnan(r.loc["E", f"{m}_days"])
        assert r.loc["F", f"{m}_reason"] == no_placement and np.isnan(r.loc["F", f"{m}_days"])
    # entry not seen: out of A1 and A10, but A2 (placement order and match both seen) is in
    assert r.loc["G", "A1_reason"] == P.NOT_SEEN_ENTRY and r.loc["G", "A10_reason"] == P.NOT_SEEN_ENTRY
    assert r.loc["G", "A2_reason"] == "" and r.loc["G", "A2_days"] == 182
    # no placement order: out of A2 by definition, in A1
    assert r.loc["H", "A2_reason"] == P.NO_ORDER and r.loc["H", "A1_reason"] == ""


def test_scorecard_exclusions_table_counts_each_child_once_and_suppresses():
    data = child_data(ALL, ad1=AD1_ROWS)
    recs = P.adoption_records(data)
    ex = P.scorecard_exclusions(recs, 2017)
    counts = ex.counts
    # window: adopted in 2015-2017 (1 Apr 2014 to 31 Mar 2017): all but G (adopted June 2014, year 2015... in)
    # G was adopted 1 Jun 2014, collection year 2015: in the window too, so all eight children
    assert counts.loc[ex.total].tolist() == [8, 8, 8]
    for col in counts.columns:  # reasons + included add up to the total
        assert counts[col].drop(ex.total).sum() == counts.loc[ex.total, col]
    assert counts.loc[P.SCORECARD_INCONSISTENT[1], "A1"] == 1
    shown = ex.table().set_index("Reason")
    assert shown.loc[P.SCORECARD_INCONSISTENT[1][0].upper() + P.SCORECARD_INCONSISTENT[1][1:], "A1"] == "c"
    text = P.scorecard_exclusion_text(ex)
    assert "a small number (suppressed)" in text.lower() and "match with adopters is dated before" in text


def test_scorecard_mean_is_hidden_for_fewer_than_six_children_and_shown_for_six():
    recs = P.adoption_records(child_data(ALL, ad1=AD1_ROWS))
    sc = P.scorecard(recs, [2017]).set_index("measure")
    # A1 has 4 children in it (A, B, C, D, H is also in: 5): fewer than 6, so no average
    assert sc.loc["A1", "children"] == 5 and np.isnan(sc.loc["A1", "days"])
    # six copies of child A: A1 = 417 for each, so the mean is 417 and it is within 426
    rows, ad1 = [], []
    for i in range(6):
        rows += [{**e, "CHILD": f"A{i}"} for e in ADOPT_A]
        ad1.append((f"A{i}", "2014-12-01", "2015-05-01", "0", 2016))
    sc6 = P.scorecard(P.adoption_records(child_data(rows, ad1=ad1)), [2017]).set_index("measure")
    assert sc6.loc["A1", "days"] == 417 and sc6.loc["A1", "met"]
    assert sc6.loc["A2", "days"] == 116 and sc6.loc["A2", "met"]  # 116 <= 121


def test_missing_ad1_leaves_a_child_out_of_a2_and_a10_only():
    recs = P.adoption_records(child_data(ADOPT_A, ad1=[])).set_index("CHILD")
    assert recs.loc["A", "A1_reason"] == "" and recs.loc["A", "A1_days"] == 417
    assert recs.loc["A", "A2_reason"] == P.NO_AD1 and recs.loc["A", "A10_reason"] == P.NO_AD1


def test_stages_hide_a_stage_of_fewer_than_six_children():
    st = P.stages(P.adoption_records(child_data(ALL, ad1=AD1_ROWS)), 2017).set_index("stage")
    assert np.isnan(st.loc["placed", "median_days"])  # 5 children
    rows, ad1 = [], []
    for i in range(6):
        rows += [{**e, "CHILD": f"A{i}"} for e in ADOPT_A]
        ad1.append((f"A{i}", "2014-12-01", "2015-05-01", "0", 2016))
    st6 = P.stages(P.adoption_records(child_data(rows, ad1=ad1)), 2017).set_index("stage")
    # 10 Apr 2014 -> placement order 5 Jan 2015 = 270; -> adoption 15 Jan 2016 = 645
    assert st6.loc["order", "median_days"] == 270 and st6.loc["placed", "median_days"] == 417
    assert st6.loc["adopted", "median_days"] == 645


# --------------------------------------------------------------------------- the cohort and time to permanence

# Twelve children enter care on 1 April 2015 (two of each history); the data end on 31 March 2017 (730 days).
#   return home after 100 days | independent living after 200 | SGO after 300 | adoption after 400
#   return home after 500      | still in care (censored at 730)
# Time to permanence (t_perm): the event time for the four routes; 730 for the other two (independent
# living can no longer reach permanence, so it is held at risk to the end of the data).
# Kaplan-Meier: t=100: 12 at risk, 2 events  S = 10/12
#               t=300: 10 at risk (the two independent-living children are still in), 2  S = 10/12 * 8/10 = 8/12
#               t=400:  8 at risk, 2   S = 8/12 * 6/8 = 6/12 (= 0.5, not below it)
#               t=500:  6 at risk, 2   S = 6/12 * 4/6 = 4/12: the median is 500
# Share reached by 12 months (365.28 days) = 1 - 8/12 = 1/3.
# Six at risk last at the 6th longest t_perm: 730, 730, 730, 730, 500, 500 -> 500. So the curve stops at
# 500 days and the 24-month share is not estimable.
# Aalen-Johansen by route (follow-up in care: 100, 200, 300, 400, 500, 730 twice each):
#   t=100: n=12, 2 home -> F_home = 2/12, S = 10/12;  t=200: n=10, 2 other -> S = 8/12
#   t=300: n=8, 2 SGO -> F_sgo = 8/12 * 2/8 = 2/12, S = 6/12;  any permanence at 365 days = 4/12 = 1/3
START = "2015-04-01"


def _days(n):
    return str((pd.Timestamp(START) + pd.Timedelta(days=n)).date())


HISTORIES = [
    ("home", 100, "E4A"),
    ("indep", 200, "E5"),
    ("sgo", 300, "E45"),
    ("adopt", 400, "E11"),
    ("home2", 500, "E4B"),
    ("open", None, ""),
]


def _cohort_rows():
    rows = []
    for k in (1, 2):
        for name, n, rec in HISTORIES:
            if name == "adopt":
                rows += [
                    ep(f"{name}{k}", START, _days(200), "S", ls="C1"),
                    ep(f"{name}{k}", _days(200), _days(n), "P", ls="E1", place="A6", rec=rec),
                ]
            else:
                rows.append(ep(f"{name}{k}", START, _days(n) if n else None, "S", ls="C1", rec=rec))
    return rows


# ... and two periods that are not in the cohort: one began before the first return (1 Jan 2011), one's first
# episode in the data is not a start of care (RNE P, 1 June 2013)
OUTSIDE = [
    ep("old", "2011-01-01", "2013-01-01", "S", ls="C1", rec="E4A"),
    ep("gap", "2013-06-01", "2014-01-01", "P", ls="C1", rec="E4A"),
]


@pytest.fixture(scope="module")
def small_cohort():
    return P.cohort(child_data(_cohort_rows() + OUTSIDE), 2017)


def test_cohort_outcomes_and_times(small_cohort):
    f = small_cohort.frame.set_index("CHILD")
    assert len(f) == 12
    assert f.loc["home1", "outcome"] == "return home" and f.loc["home1", "t_perm"] == 100
    assert f.loc["indep1", "outcome"] == P.OTHER_EXIT and f.loc["indep1", "permanent"] == 0
    assert f.loc["indep1", "days"] == 200 and f.loc["indep1", "t_perm"] == 730  # held at risk to 31 March 2017
    assert f.loc["open1", "outcome"] == P.STILL_IN_CARE and f.loc["open1", "status"] == 0
    assert f.loc["sgo1", "status"] == P.STATUS["special guardianship"]


def test_cohort_exclusions_are_counted_not_dropped(small_cohort):
    ex = small_cohort.exclusions.counts["Time to permanence"]
    assert ex[P.COHORT_REASONS[0]] == 1 and ex[P.COHORT_REASONS[1]] == 1
    assert ex["Included"] == 12 and ex["Periods of care in the returns"] == 14
    sentence = small_cohort.exclusions.sentence("Time to permanence")
    assert sentence.startswith("A small number of periods of care (suppressed) excluded because")


def test_kaplan_meier_of_time_to_permanence_by_hand(small_cohort):
    cv = P.permanence_curve(small_cohort.frame)
    assert cv.n == 12 and cv.permanent == 8
    assert cv.curve["time"].tolist() == [0, 100, 300, 400, 500]
    assert cv.curve["estimate"].to_numpy() == pytest.approx([1, 10 / 12, 8 / 12, 6 / 12, 4 / 12])
    assert cv.share[12][0] == pytest.approx(1 / 3)
    assert np.isnan(cv.share[24][0])  # the curve stops at 500 days: fewer than 6 at risk after
    assert cv.median.estimate == 500


def test_cumulative_incidence_by_route_by_hand(small_cohort):
    routes = P.route_incidence(small_cohort)
    at = 12 * S.DAYS_PER_MONTH

    def value(cause):
        c = routes[routes["cause"] == cause].reset_index(drop=True)
        c.attrs["end"] = routes.attrs["end"]
        return S.value_at(c, at)

    assert value("return home") == pytest.approx(2 / 12)
    assert value("special guardianship") == pytest.approx(2 / 12)
    assert value("adoption") == pytest.approx(0)
    assert value(P.OTHER_EXIT) == pytest.approx(2 / 12)
    assert P.aj_any_permanence(small_cohort, 12) == pytest.approx(1 / 3)


def test_group_table_suppresses_small_groups():
    rows = _cohort_rows() + [ep("tiny", "2015-06-01", "2015-09-01", "S", ls="C1", rec="E4A")]
    c = P.cohort(child_data(rows, dobs={"tiny": "2000-01-01"}), 2017)
    table = P.group_table(P.age_curves(c), "Age").set_index("Age")
    # the one child aged 15 at entry is a group of 1: every figure for it is suppressed
    assert table.loc["10 to 15"].tolist() == ["c"] * 5


# --------------------------------------------------------------------------- children waiting


def test_children_waiting_with_a_placement_order():
    rows = [
        # W1: placement order since 1 Oct 2016, in foster care on 31 March 2017: waiting 181 days
        ep("W1", "2016-02-01", "2016-10-01", "S", ls="C1"),
        ep("W1", "2016-10-01", None, "L", ls="E1"),
        # W2: placement order, already placed for adoption: not waiting
        ep("W2", "2016-01-01", "2016-06-01", "S", ls="C1"),
        ep("W2", "2016-06-01", "2016-12-01", "L", ls="E1"),
        ep("W2", "2016-12-01", None, "P", ls="E1", place="A6"),
        # W3: placement order, but left care before 31 March: not waiting
        ep("W3", "2016-01-01", "2016-05-01", "S", ls="C1"),
        ep("W3", "2016-05-01", "2017-01-01", "L", ls="E1", rec="E11"),
    ]
    w = P.waiting(child_data(rows), 2017)
    assert w.children["CHILD"].tolist() == ["W1"]
    assert w.children["days"].tolist() == [181]  # 1 Oct 2016 -> 31 Mar 2017: 30+31+30+31+31+28 = 181
    assert np.isnan(w.median_days)  # one child: no median shown
    assert w.bands.loc["under 6 months", "Children"] == 1  # 181 days: under 6 months (183 days)
    assert P.waiting_words(w).startswith("a small number of children (suppressed)")


# --------------------------------------------------------------------------- the model


def _simulated_cohort(n=2400, seed=3):
    """A cohort frame where agency (IFA) fostering halves the rate of permanence; other factors have no effect."""
    rng = np.random.default_rng(seed)
    placement = rng.choice(["in-house fostering", "IFA fostering"], n)
    age = rng.choice(list(E.AGE_BANDS)[:4], n)
    rate = np.where(placement == "IFA fostering", 0.5, 1.0) / 400
    t = np.ceil(rng.exponential(1 / rate))
    follow = rng.integers(30, 1500, n).astype(float)
    permanent = (t <= follow).astype(int)
    return types.SimpleNamespace(
        frame=pd.DataFrame(
            {
                "CHILD": [f"c{i}" for i in range(n)],
                "age_band": age,
                "cin": "N1",
                "legal_status": "care order (interim or full)",
                "placement": placement,
                "entry_year": rng.integers(2012, 2018, n),
                "permanent": permanent,
                "t_perm": np.where(permanent == 1, t, follow),
            }
        )
    )


def test_model_recovers_a_known_hazard_ratio_for_ifa_fostering():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = P.model(_simulated_cohort())
    row = m.terms.set_index("level").loc["IFA fostering"]
    assert row["hr"] == pytest.approx(0.5, abs=0.07)  # true hazard ratio 0.5
    assert row["upper"] < 1
    # single-level factors (need, legal status) give no term; the entry-year trend is near 1
    assert set(m.terms["variable"]) == {"Age at entry", "First placement", "Entry year"}
    assert m.terms.set_index("variable").loc["Entry year", "hr"] == pytest.approx(1, abs=0.06)
    assert "IFA fostering" in P.hazard_bullets(m)
    assert P.hazard_markdown(types.SimpleNamespace(model=m, synthetic=False)) == P.hazard_bullets(m)
    assert all(line.startswith("- SYNTHETIC data: ") for line in P.hazard_bullets(m, synthetic=True).splitlines())
    assert list(m.fit.ph["term"])[-1] == "GLOBAL"


def test_rare_categories_are_grouped_for_the_model():
    cohort = _simulated_cohort(n=800)
    f = cohort.frame
    f.loc[f.index[:15], "placement"] = "residential"  # 15 periods, 3 reaching permanence: fewer than 10
    f.loc[f.index[:15], "permanent"] = [1, 1, 1] + [0] * 12
    m = P.model(cohort)
    g = P.groupings(m)
    assert ("residential", "other first placement") in set(zip(g["As recorded"], g["In the model"]))
    page = P.groupings_table(types.SimpleNamespace(model=m))
    assert page["table"].equals(g) and f"fewer than {P.MIN_EVENTS} reached" in page["caption"]


# --------------------------------------------------------------------------- published comparisons and key figures


@pytest.fixture(scope="module")
def ctx():
    from analysis.paper import DEFAULT_PAPER
    from analysis.report import context

    return context.load(DEFAULT_PAPER)


def test_published_shares_for_cambridgeshire_2017(ctx):
    shares = P.ceased_shares(ctx)
    # DfE 2017 (SFR50): 27 special guardianship orders and 75 returned home of 290 children ceasing
    assert P.la_share(ctx, shares, "special guardianship") == pytest.approx(100 * 27 / 290)
    assert P.la_share(ctx, shares, "return home") == pytest.approx(100 * 75 / 290)
    assert np.isnan(P.la_share(ctx, shares, "adoption"))  # suppressed by DfE (x)
    assert P.share_value(ctx, shares, "adoption") == P.SUPPRESSED
    assert P.share_value(ctx, shares, "adoption", 2030) == P.NOT_PUBLISHED  # no figures for that year
    assert P.published_year(shares) == 2017


def test_key_figures_are_never_a_suppressed_number(ctx, small_cohort):
    # without G (entry not observed) every child's entry is seen: five children in A1; the cohort is the small one
    no_g = [e for e in ALL if e["CHILD"] != "G"]
    data = child_data(no_g, ad1=AD1_ROWS)
    cv = P.permanence_curve(small_cohort.frame)
    recs = P.adoption_records(data)
    sc = P.scorecard(recs, [2017])
    w = P.waiting(data, 2017)
    # the parts of the chapter's result that the key figures read
    res = types.SimpleNamespace(
        ctx=ctx,
        synthetic=True,
        cohort=small_cohort,
        curve=cv,
        scorecard=sc,
        waiting=w,
        shares=P.ceased_shares(ctx),
        timeliness=types.SimpleNamespace(sgo=P.sgo_time(data, 2017)),
    )
    figs = {f["name"]: f for f in P.key_figures(res)}
    assert figs["a1_days"]["value"] == P.SUPPRESSED  # five children
    # with G, entry to care is observed for 7 of 8 children adopted: incomplete, whatever the number behind it
    sc_all = P.scorecard(P.adoption_records(child_data(ALL, ad1=AD1_ROWS)), [2017]).set_index("measure")
    assert P.scorecard_value(sc_all, "A1").startswith("incomplete: entry to care not observed for")
    assert figs["sgo_days"]["value"] == "no children"  # nobody in ALL left on a special guardianship order
    assert figs["adopted_share_of_ceased"]["value"] == P.SUPPRESSED
    assert figs["sgo_share_of_ceased"]["value"] == pytest.approx(9.3)
    assert figs["share_permanent_within_24_months"]["value"] == "too few children at risk"
    assert figs["median_days_to_permanence"]["value"] == 500
    assert "SYNTHETIC" in figs["a1_days"]["label"] and "real" in figs["sgo_share_of_ceased"]["label"]
    for f in figs.values():
        assert not (isinstance(f["value"], (int, float)) and 1 <= f["value"] <= 5 and f["unit"] == "children")


# --------------------------------------------------------------------------- entry to care observed, the 95% rule

# Returns 2012-2017 cover 1 April 2011 to 31 March 2017. Entry to care is observed when the period's first
# episode is a start of care (RNE S) on or after 1 April 2011.
#   OLD: RNE S on 1 May 2010, before the returns: its start date is recorded, but the period is in the data
#        only because that episode was still open on 1 April 2011, so entry is NOT observed.
#   GAP: first episode in the data is a move (RNE P) on 1 June 2011: start not recorded, NOT observed.
#   A0..A18: copies of child A (RNE S, 10 April 2014): observed. A1 = 417 days each (see ADOPT_A).
# All are adopted in 2015-16, inside the window of the three years to March 2017.
ADOPT_OLD = [
    ep("OLD", "2010-05-01", "2014-09-01", "S", ls="C1"),
    ep("OLD", "2014-09-01", "2015-02-01", "L", ls="E1"),
    ep("OLD", "2015-02-01", "2015-09-01", "P", ls="E1", place="A6", rec="E11"),
]
ADOPT_GAP = [
    ep("GAP", "2011-06-01", "2014-09-01", "P", ls="C1"),
    ep("GAP", "2014-09-01", "2015-02-01", "L", ls="E1"),
    ep("GAP", "2015-02-01", "2015-09-01", "P", ls="E1", place="A6", rec="E11"),
]


def _copies_of_a(k):
    rows, ad1 = [], []
    for i in range(k):
        rows += [{**e, "CHILD": f"A{i}"} for e in ADOPT_A]
        ad1.append((f"A{i}", "2014-12-01", "2015-05-01", "0", 2016))
    return rows, ad1


def test_entry_observed_needs_a_recorded_start_inside_the_returns():
    rows, ad1 = _copies_of_a(1)
    recs = P.adoption_records(child_data(rows + ADOPT_OLD + ADOPT_GAP, ad1=ad1)).set_index("CHILD")
    assert recs.loc["A0", "entry_seen"] and recs.loc["A0", "entry_recorded"]
    # OLD: the start (RNE S, 1 May 2010) is recorded but before 1 April 2011: not observed, out of A1 and A10
    assert recs.loc["OLD", "entry_recorded"] and not recs.loc["OLD", "entry_seen"]
    assert recs.loc["OLD", "A1_reason"] == P.NOT_SEEN_ENTRY and np.isnan(recs.loc["OLD", "A1_days"])
    assert not recs.loc["GAP", "entry_recorded"] and not recs.loc["GAP", "entry_seen"]
    # the placement order (1 Sep 2014, inside the returns) is seen for both, so both stay in A2 (no AD1: out)
    assert recs.loc["OLD", "order_seen"] and recs.loc["GAP", "order_seen"]


def test_a_window_with_95_percent_observed_is_reported_and_one_below_is_incomplete():
    rows, ad1 = _copies_of_a(19)
    # 19 observed of 20 (OLD not): 95%, complete. A1 = the 19 copies of A = 417 days (OLD left out).
    sc = P.scorecard(P.adoption_records(child_data(rows + ADOPT_OLD, ad1=ad1)), [2017]).set_index("measure")
    assert sc.loc["A1", "complete"] and sc.loc["A1", "adopted"] == 20 and sc.loc["A1", "observed"] == 19
    assert sc.loc["A1", "days"] == 417 and sc.loc["A1", "status"] == "complete"
    # 19 observed of 21 (OLD and GAP not): 90.5%, incomplete. No average for any measure, words instead.
    data = child_data(rows + ADOPT_OLD + ADOPT_GAP, ad1=ad1)
    recs = P.adoption_records(data)
    sc2 = P.scorecard(recs, [2017]).set_index("measure")
    assert not sc2["complete"].any() and sc2["days"].isna().all() and sc2["met"].isna().all()
    words = "incomplete: entry to care not observed for a small number (suppressed) of 21 children"
    assert (sc2["status"] == words).all()  # 2 of 21: the 2 is suppressed
    assert P.scorecard_value(sc2, "A1") == words
    assert np.isnan(P.stages(recs, 2017).set_index("stage").loc["placed", "median_days"])  # stages hidden too
    sentence = P.windows_sentence(P.scorecard(recs, [2017]), synthetic=True)
    assert sentence.startswith("The three-year window ending March 2017 is incomplete") and "SYNTHETIC" in sentence


def test_completeness_rule_and_words():
    assert P.Completeness(20, 19).complete and not P.Completeness(21, 19).complete
    assert P.Completeness(0, 0).complete  # no children: nothing left out
    assert P.Completeness(88, 48).words() == "incomplete: entry to care not observed for 40 of 88 children"
    # 3 of 4 not observed: both the 3 and the total of 4 are small, so both are suppressed
    assert P.not_observed_words(P.Completeness(4, 1)) == (
        "a small number (suppressed) of a small number of children (suppressed)"
    )
    assert P.MIN_OBSERVED == 0.95


def test_time_to_special_guardianship_known_answer_and_the_95_percent_rule():
    # six children enter on 1 April 2015 and leave on an SGO after 100, 200, ..., 600 days: mean 350, median 350
    rows = [ep(f"S{k}", START, _days(100 * k), "S", ls="C1", rec="E45") for k in range(1, 7)]
    t = P.sgo_time(child_data(rows), 2017)
    assert t.completeness == P.Completeness(6, 6) and t.mean_days == 350 and t.median_days == 350
    # one more child, in care since before the returns (RNE S, 2010), leaves on an SGO in 2016: 6 of 7 observed
    old = [ep("SOLD", "2010-01-01", "2016-01-01", "S", ls="C1", rec="E46")]
    t2 = P.sgo_time(child_data(rows + old), 2017)
    assert t2.completeness == P.Completeness(7, 6) and not t2.shown and np.isnan(t2.mean_days)


# --------------------------------------------------------------------------- SYNTHETIC named in every finding


TRIGGERS = re.compile(r"\b(A1|A2|A10|thresholds?|faster|slower|within|over)\b", re.IGNORECASE)


def _sentences(texts):
    out = []
    for t in texts:
        for line in t.splitlines():
            line = line.removeprefix("- ").strip()
            out += [x for x in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line) if x]
    return out


@pytest.fixture(scope="module")
def default_result(ctx):
    from analysis.sources.ssda903 import context as child_context

    return P.compute(ctx, child_context.load(ctx.paper))


def test_default_paper_windows_before_2017_are_incomplete(default_result):
    # returns 2012-2017 (SYNTHETIC): entry not observed for 1 to 5 of 107, 126, 126 and 117 children (the
    # windows ending 2014-2017); 95% observed makes only 2017 complete
    sc = default_result.scorecard.drop_duplicates("year").set_index("year")
    assert sc["complete"].to_dict() == {2014: False, 2015: False, 2016: False, 2017: True}
    assert (
        sc.loc[2014, "status"]
        == "incomplete: entry to care not observed for a small number (suppressed) of 107 children"
    )
    figs = {f["name"]: f["value"] for f in P.key_figures(default_result)}
    assert isinstance(figs["a1_days"], int) and isinstance(figs["a10_days"], int)  # glued as numbers elsewhere


def test_synthetic_text_never_states_a_finding_without_saying_synthetic(default_result):
    res = default_result
    narrative = P.narrative(res)
    charts_ = [
        P.scorecard_chart,
        P.stages_chart,
        P.permanence_chart,
        P.cohort_chart,
        P.age_chart,
        P.waiting_chart,
        P.cox_chart,
    ]
    texts = [
        P.findings_markdown(res),
        P.hypothesis(res),
        P.hazard_markdown(res),
        *(narrative[name] for name in P.SENTENCES),
        *(c(res)["title"] for c in charts_),
    ]
    checked = [s for s in _sentences(texts) if TRIGGERS.search(s)]
    assert len(checked) > 10  # the check bites: scorecard, hazards, windows, findings
    assert [s for s in checked if "SYNTHETIC" not in s] == []
    hyp = P.hypothesis(res)
    assert "cannot tell" in hyp and "supported" not in hyp and "within DfE" not in hyp
    assert "context rather than a test" in hyp  # the published routes out of care: context only


# --------------------------------------------------------------------------- one released version, no differencing

_COUNT = re.compile(r"^\d[\d,]*$")


def _num(cell) -> float | None:
    """A displayed count as a number (None for ``c``, blanks and words)."""
    if isinstance(cell, (int, float, np.integer, np.floating)) and not pd.isna(cell):
        return float(cell)
    s = str(cell).strip()
    return float(s.replace(",", "")) if _COUNT.match(s) else None


def _small_cells(table: pd.DataFrame, cols) -> list[str]:
    """(a) cells of ``cols`` showing a count of 1 to 5."""
    return [f"{c}: {v}" for c in cols for v in table[c] if (n := _num(v)) is not None and 1 <= n <= 5]


def _one_hidden(sup, groups) -> list[str]:
    """(b) groups (lists of (row, col)) of a released table with exactly one hidden cell."""
    return [str(g) for g in groups if sum(bool(sup.mask.loc[r, c]) for r, c in g) == 1]


def _column_groups(sup, rows=None):
    rows = list(sup.mask.index) if rows is None else rows
    return [[(r, c) for r in rows] for c in sup.mask.columns]


def _window_problems(res, sc: pd.DataFrame | None = None) -> list[str]:
    """Every way the scorecard's page functions could give away a hidden count of the paper's window
    (``sc``: the scorecard chart's table, by default the page's)."""
    problems = []
    year = res.year
    ex = P.scorecard_exclusions_table(res)["table"].set_index("Reason")
    sc = P.scorecard_chart(res)["table"] if sc is None else sc
    st = P.stages_chart(res)["table"].set_index("Stage")
    problems += _small_cells(ex.reset_index(), ["A1", "A2", "A10"])
    problems += _small_cells(sc, ["Children"])
    problems += _small_cells(st.reset_index(), ["Children with this date"])
    # (b) each measure's column (its reasons, included and the total) has no single hidden cell
    for m in ("A1", "A2", "A10"):
        if list(ex[m]).count("c") == 1:
            problems.append(f"exclusions {m}: one hidden cell")
    # (c) the scorecard's children and the stages' children are the exclusions table's "Included"
    now = sc[sc["Three years ending"] == year].set_index(sc.loc[sc["Three years ending"] == year, "Measure"].str[:3])
    for m in ("A1", "A2", "A10"):
        shown = now.loc[P.SCORECARD_LABELS[m][:3], "Children"]
        if str(shown) != str(ex.loc["Included", m]):
            problems.append(f"scorecard {m} children {shown} against the exclusions table's {ex.loc['Included', m]}")
    if str(st.loc["Entered care", "Children with this date"]) != str(ex.loc["Included", "A1"]):
        problems.append("stages: children entering care against A1's included")
    # (d) no stage's count of A1's children can be worked out: each stage's children with the date, without it
    # and in A1 are released together, so no stage shows two of the three beside a hidden one; and when A1's
    # included children are hidden, so is every stage's "in A1" (the stage table shows only "with the date",
    # which bounds the hidden count but does not give it)
    from analysis.chapters.permanence.adoption import STAGE_ALL, STAGE_WITH, STAGE_WITHOUT

    stages = P.window_release(res.records, year)["stages"]
    problems += _one_hidden(
        stages, [[(s, c) for c in (STAGE_WITH, STAGE_WITHOUT, STAGE_ALL)] for s in stages.mask.index]
    )
    if ex.loc["Included", "A1"] == "c" and not stages.mask[STAGE_ALL].all():
        problems.append("stages show a count of A1's hidden children")
    # (c) the words "not observed for N of M children" take M from the released total
    total = ex.iloc[-1]["A1"]
    for status in res.scorecard.loc[res.scorecard["year"] == year, "not_observed"]:
        m_words = status.split(" of ", 1)[1]
        if total == "c" and any(ch.isdigit() for ch in m_words):
            problems.append(f"'{status}' shows the hidden total")
    return problems


def _crafted_window(n_seen: int, n_unseen: int):
    """``n_seen`` copies of child A (entry observed, A1 417 days) and ``n_unseen`` children in care since before
    the returns (entry not observed: left out of A1 and A10, in A2), all adopted in 2015-16."""
    rows, ad1 = _copies_of_a(n_seen)
    for k in range(n_unseen):
        rows += [{**e, "CHILD": f"OLD{k}"} for e in ADOPT_OLD]
        ad1.append((f"OLD{k}", "2014-12-01", "2015-01-15", "0", 2016))
    data = child_data(rows, ad1=ad1)
    recs = P.adoption_records(data)
    return types.SimpleNamespace(
        year=2017,
        synthetic=True,
        records=recs,
        scorecard=P.scorecard(recs, [2015, 2016, 2017]),
        scorecard_exclusions=P.scorecard_exclusions(recs, 2017),
        stages=P.stages(recs, 2017),
    )


def test_four_children_left_out_of_a1_cannot_be_worked_out_from_the_scorecard():
    # 76 children whose entry is observed and 4 whose entry is not (76/80 = 95%: the window is complete).
    # The 4 are left out of A1 and A10 (c in the exclusions table, and so the 76 included too), but not of A2,
    # whose total of 80 is shown: the scorecard's "A1: 76 children" beside it would give away 80 - 76 = 4.
    res = _crafted_window(76, 4)
    ex = res.scorecard_exclusions
    assert ex.counts.loc[P.NOT_SEEN_ENTRY, "A1"] == 4 and ex.counts.loc["Included", "A1"] == 76
    assert ex.counts.loc[ex.total, "A2"] == 80 and ex.counts.loc["Included", "A2"] == 80
    assert _window_problems(res) == []
    sc = P.scorecard_chart(res)["table"]
    a1 = sc[(sc["Three years ending"] == 2017) & sc["Measure"].str.startswith("A1:")]
    assert a1["Children"].tolist() == ["c"]  # not 76
    assert P.scorecard_value(res.scorecard[res.scorecard["year"] == 2017].set_index("measure"), "A1") == 417
    # the average is still shown: a mean of 76 children gives away no count
    # before: the scorecard's children were suppressed on their own (76 is not small, so shown), and the
    # check catches it
    from analysis.report import disclosure

    before = sc.assign(Children=disclosure.suppress(res.scorecard[["children"]]).table()["children"].to_numpy())
    assert any("scorecard A1 children 76" in p for p in _window_problems(res, before))


def test_window_release_hides_linked_cells_together_and_leaves_no_single_hidden_cell():
    rows, ad1 = _copies_of_a(30)
    data = child_data(rows + ADOPT_OLD + ADOPT_GAP + ADOPT_E, ad1=ad1 + [r for r in AD1_ROWS if r[0] == "E"])
    recs = P.adoption_records(data)
    rel = P.window_release(recs, 2017)
    w, stages_ = rel["window"], rel["stages"]
    total = P.adoption.window_total(2017)
    rows_ = list(w.mask.index)
    assert _one_hidden(w, _column_groups(w, rows_)) == []
    assert _one_hidden(w, [[(r, c) for c in (P.adoption.OBSERVED, P.adoption.NOT_OBSERVED, "A1")] for r in rows_]) == []
    assert _one_hidden(stages_, [[(r, c) for c in stages_.mask.columns] for r in stages_.mask.index]) == []
    for r in (*P.SCORECARD_INCONSISTENT, P.NOT_SEEN_ENTRY):  # one count in A1 and A10
        assert w.mask.loc[r, "A1"] == w.mask.loc[r, "A10"]
    for r in P.SCORECARD_INCONSISTENT:
        assert w.mask.loc[r, "A1"] == w.mask.loc[r, "A2"]
    assert w.mask.loc[total, ["A1", "A2", "A10"]].nunique() == 1
    assert (stages_.mask[P.adoption.STAGE_ALL] == w.mask.loc["Included", "A1"]).all()
    shown = P.release.shown_counts(w)
    assert shown.size and not ((shown >= 1) & (shown <= 5)).any()


def test_suppress_together_hides_a_linked_cell_and_re_runs_secondary_suppression():
    from analysis.chapters.permanence import release as R
    from analysis.report import disclosure

    # table a: 3 + 40 = 43 (the 3 is small, so the 40 goes too); table b: 40 + 50 = 90, its 40 is a's 40
    a = pd.DataFrame({"n": [3.0, 40.0, 43.0]}, index=["x", "y", "all"])
    b = pd.DataFrame({"n": [40.0, 50.0, 90.0]}, index=["y", "z", "all"])
    alone = disclosure.suppress_together({"b": (b, {"total_row": "all"})})["b"]
    assert not alone.mask.any().any()
    out = disclosure.suppress_together(
        {"a": (a, {"total_row": "all"}), "b": (b, {"total_row": "all"})}, [[("a", "y", "n"), ("b", "y", "n")]]
    )
    assert out["a"].mask["n"].tolist() == [True, True, False]
    assert out["b"].mask["n"].tolist() == [True, True, False]  # the 40, then the 50 so it cannot be worked out
    assert out["b"].primary["n"].tolist() == [False, False, False]  # the true counts: no small one in b
    assert R.cell(out["b"], "all", "n") == "90" and R.cell(out["b"], "y", "n") == "c"
    assert R.count_or_suppressed(out["b"], "y", "n") == P.SUPPRESSED


def test_default_paper_has_one_released_version_of_every_child_count(default_result):
    res = default_result
    problems = _window_problems(res)
    figs = {f["name"]: f for f in [*P.key_figures(res), *P.text_figures(res)]}
    narrative = P.narrative(res)
    # (a) no key figure or text figure counting children or periods is 1 to 5
    for f in figs.values():
        if f["unit"] in ("children", "count") and isinstance(f["value"], (int, float)) and 1 <= f["value"] <= 5:
            problems.append(f"key figure {f['name']}")
    # the cohort: its size is the exclusions table's "Included", the outcomes' grand total, the curve's
    # first number at risk and the key figure; each released table has no group with one hidden cell
    cx = P.cohort_exclusions_table(res)["table"].set_index("Reason")
    out = P.outcome_table(res)["table"].set_index("Year of entry")
    reading = P.permanence_chart(res)["table"]
    size = cx.loc["Included", "Time to permanence"]
    shown_size = {
        "outcomes": out.loc["all years", "All"],
        "at risk at 0 months": f"{_num(reading.iloc[0, 2]):,.0f}" if _num(reading.iloc[0, 2]) else reading.iloc[0, 2],
        "perm_cohort_n_text": narrative["perm_cohort_n_text"],
    }
    for where, v in shown_size.items():
        if str(v) != str(size):
            problems.append(f"cohort size {v} in {where} against {size}")
    if size == "c" and figs["perm_cohort_n"]["value"] != P.SUPPRESSED:
        problems.append("perm_cohort_n shows the hidden cohort size")
    rel = res.released
    problems += _one_hidden(rel.exclusions.shown, _column_groups(rel.exclusions.shown))
    problems += _one_hidden(rel.ages, _column_groups(rel.ages))
    problems += _one_hidden(rel.model, _column_groups(rel.model))
    o = rel.outcomes
    routes = [str(r) for r in P.ROUTES]
    parts = [c for c in o.mask.columns if c not in ("all outcomes", "reached permanence")]
    problems += _one_hidden(o, _column_groups(o))
    problems += _one_hidden(o, [[(r, c) for c in [*parts, "all outcomes"]] for r in o.mask.index])
    problems += _one_hidden(o, [[(r, c) for c in [*routes, "reached permanence"]] for r in o.mask.index])
    problems += _small_cells(out.reset_index(), list(out.columns))
    problems += _small_cells(cx.reset_index(), ["Time to permanence", "Model of what predicts it"])
    # the year-of-entry curves' periods are the outcome table's row totals
    by_year = P.cohort_chart(res)["table"].set_index("Year of entry (ending 31 March)")
    for y in by_year.index:
        if str(by_year.loc[y, "Periods of care"]) != str(out.loc[y, "All"]):
            problems.append(f"periods entering in {y}")
    cox = P.cox_chart(res)["table"]
    trend = cox[cox["Factor"] == "Entry year"].iloc[0]
    model_n = narrative["perm_model_n_text"]
    if (trend["Periods"] == "c") != ("suppressed" in model_n) or (
        trend["Periods"] != "c" and trend["Periods"] != model_n
    ):
        problems.append("the model's size")
    problems += _small_cells(cox, ["Periods", "Reached permanence"])
    # children waiting: the table's total, the key figure and this year's bar are one released count
    wb = P.waiting_bands_table(res)["table"].set_index("Time since the placement order")
    total = wb.loc[P.WAITING_TOTAL, "Children"]
    problems += _small_cells(wb.reset_index(), ["Children"])
    problems += _one_hidden(res.waiting.released, _column_groups(res.waiting.released))
    kf = figs["children_waiting_adoption"]["value"]
    if (total == "c") != (kf == P.SUPPRESSED) or (total != "c" and f"{kf:,}" != total):
        problems.append("children waiting: key figure against the table")
    bars = P.waiting_chart(res)["table"].set_index("31 March")
    if str(bars.loc[res.year, "Children waiting"]) != str(total):
        problems.append("children waiting: this year's bar against the table")
    # the windows before the paper's year: "not observed for N of M" and each measure's children, one release
    for y in sorted(set(res.scorecard["year"])):
        rel_y = P.window_release(res.records, y)["window"]
        sc_y = res.scorecard[res.scorecard["year"] == y].set_index("measure")
        for m in ("A1", "A2", "A10"):
            if sc_y.loc[m, "children_shown"] != P.release.cell(rel_y, "Included", m):
                problems.append(f"{y} {m} children")
        problems += _one_hidden(rel_y, _column_groups(rel_y))
    assert problems == []
    # the leak in the issue: A1's children beside a small number left out (c), so A1's children are hidden
    # everywhere, the scorecard's row for the paper's window included
    assert P.scorecard_exclusions_table(res)["table"].set_index("Reason").loc["Included", "A1"] == "c"
    sc = P.scorecard_chart(res)["table"]
    now = sc[(sc["Three years ending"] == res.year) & sc["Measure"].str.startswith("A1:")]
    assert now["Children"].tolist() == ["c"]


def _page_tables(res, scorecard=None) -> list:
    """The permanence page's tables as the book renders them (marked for the gate)."""
    from analysis.report import charts, pagescan

    html = '<div class="synthetic-banner">SYNTHETIC</div>'
    for make in (P.permanence_chart, P.cohort_chart, P.age_chart, P.scorecard_chart, P.stages_chart):
        chart = make(res)
        if make is P.scorecard_chart and scorecard is not None:
            chart["table"] = scorecard
        html += charts.figure_html(**chart)
    for make in (P.waiting_chart, P.cox_chart, P.england_chart):
        html += charts.figure_html(**make(res))
    for make in (P.scorecard_exclusions_table, P.waiting_bands_table, P.cohort_exclusions_table, P.outcome_table):
        html += charts.table_html(**make(res))
    return html, pagescan.tables(html)


def test_the_gate_reads_every_child_level_table_of_the_permanence_page_and_finds_nothing(default_result):
    from analysis.publish import gate
    from analysis.report import pagescan

    html, tables = _page_tables(default_result)
    marked = [t for t in tables if t.population]
    assert len(marked) == 12 and all(t.child_level for t in marked)
    # the keys tie the tables together: the cohort's size, the adopted children in each measure, the waiting
    cells = [("page", pagescan.released_cells(t)) for t in marked]
    keys = {k for _, c in cells for k in c}
    year = default_result.year
    assert (P.marks.cohort_population(year), "all years | all outcomes") in keys
    assert (P.marks.adopted_population(year), f"{year} | A1 included") in keys
    assert (P.marks.waiting_population(year), f"{year} | all waiting") in keys
    assert gate.page_problems(html) == []
    assert pagescan.inconsistent(cells) == []


def test_the_gate_catches_the_adopted_children_shown_beside_their_hidden_exclusions(default_result):
    """The issue's leak: the scorecard showed 112 of 114 adopted children in A1 while the exclusions table hid
    the 2 left out (and so "Included"): shown in one table and hidden in another."""
    from analysis.report import pagescan

    res = default_result
    sc = P.scorecard_chart(res)["table"].copy()
    now = (sc["Three years ending"] == res.year) & sc["Measure"].str.startswith("A1:")
    assert sc.loc[now, "Children"].tolist() == ["c"]
    sc.loc[now, "Children"] = "112"
    _, tables = _page_tables(res, scorecard=sc)
    found = pagescan.inconsistent([(f"table {t.line}", pagescan.released_cells(t)) for t in tables if t.population])
    # hidden in the exclusions table ("Included") and the stages of adoption ("Entered care")
    assert [what.split(" (also")[0] for _, what in found] == [
        f"{P.marks.adopted_population(res.year)!r}: '{res.year} | A1 included'"
    ] * 2


def test_a_total_row_marked_by_the_chapter_is_a_total_to_the_gate_whatever_its_label():
    from analysis.publish import gate
    from analysis.report import charts

    table = pd.DataFrame({"Reason": ["Left out", "Included", "Children adopted"], "A1": ["c", "110", "114"]})
    marks = P.marks.scorecard_exclusions(2017, table, "Included", "Children adopted")
    page = '<div class="synthetic-banner">x</div>' + charts.table_html(table, caption="Adopted", **marks)
    assert [k for k, _ in gate.page_problems(page)] == ["suppressed cell recoverable from a shown total"]
    unmarked = '<div class="synthetic-banner">x</div>' + charts.table_html(table, caption="Adopted (child-level data)")
    assert gate.page_problems(unmarked) == []  # the label alone does not say it is a total
