"""The stock-and-flow forecast: known answers on hand-made models and a hand-built history.

The model, the trend and the back test are :mod:`analysis.methods.forecasting`
(``M``); the chapter's page is :mod:`analysis.chapters.forecast` (``F``).
Dates are ISO (YYYY-MM-DD). Collection year Y runs 1 April Y-1 to 31 March Y;
a 31 March snapshot of year Y is the children looked after on 31 March Y.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import episodes_frame

from analysis.chapters import forecast as F
from analysis.errors import InputError
from analysis.methods import forecasting as M
from analysis.sources.ssda903 import episodes as E

pytestmark = pytest.mark.unit

NS = "datetime64[ns]"


# --------------------------------------------------------------------------- a one-state closed system

ONE = (("all ages", "all placements"),)


def one_state(n0=100.0, p=0.2, lam=10.0, base_year=2017, **kw) -> M.Model:
    """One state: each year a child leaves with probability p (all to permanence), lam children enter."""
    return M.from_arrays(ONE, [n0], [[1 - p]], [p], [0.0], [lam], base_year, **kw)


def closed_form(n0, p, lam, t):
    return n0 * (1 - p) ** t + lam * (1 - (1 - p) ** t) / p


def test_project_matches_the_closed_form_exactly():
    m = one_state(100, 0.2, 10)
    out = M.project(m, 5)
    assert list(out.columns) == ["year", "age_band", "category", "children"]
    assert out["year"].tolist() == [2017, 2018, 2019, 2020, 2021, 2022]
    expected = [closed_form(100, 0.2, 10, t) for t in range(6)]
    assert out["children"].to_numpy() == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # by hand: 100 -> 100*0.8+10 = 90 -> 90*0.8+10 = 82
    assert out["children"].iloc[1] == pytest.approx(90.0)
    assert out["children"].iloc[2] == pytest.approx(82.0)


def test_project_two_states_by_hand():
    # state a: 50% stay, 25% move to b, 25% leave; b: 80% stay, 20% leave; 4 enter a each year
    states = (("x", "a"), ("x", "b"))
    m = M.from_arrays(states, [100, 40], [[0.5, 0.25], [0.0, 0.8]], [0.25, 0.0], [0.0, 0.2], [4, 0], 2020)
    out = M.project(m, 1)
    got = out[out["year"] == 2021].set_index("category")["children"]
    assert got["a"] == pytest.approx(100 * 0.5 + 4)  # 54
    assert got["b"] == pytest.approx(100 * 0.25 + 40 * 0.8)  # 57
    base = out[out["year"] == 2020].set_index("category")["children"]
    assert base.tolist() == [100, 40]


def test_project_rejects_negative_years():
    with pytest.raises(InputError, match="years"):
        M.project(one_state(), -1)


# --------------------------------------------------------------------------- from_arrays checks


def test_from_arrays_rejects_a_row_that_does_not_sum_to_one():
    with pytest.raises(InputError, match="sum to 1"):
        M.from_arrays(ONE, [10], [[0.7]], [0.2], [0.05], [1], 2017)  # 0.95


def test_from_arrays_accepts_rounding_within_1e_9_but_not_more():
    M.from_arrays(ONE, [10], [[0.7]], [0.2], [0.1 + 5e-10], [1], 2017)
    with pytest.raises(InputError, match="sum to 1"):
        M.from_arrays(ONE, [10], [[0.7]], [0.2], [0.1 + 1e-8], [1], 2017)


@pytest.mark.parametrize(
    "field,args",
    [
        ("start", dict(start=[-1])),
        ("entries", dict(entries=[np.nan])),
        ("stay", dict(stay=[[0.8, 0.0]])),
        ("exit_other", dict(exit_other=[0.0, 0.0])),
    ],
)
def test_from_arrays_rejects_bad_values_and_shapes(field, args):
    base = dict(
        states=ONE, start=[10], stay=[[0.8]], exit_permanence=[0.2], exit_other=[0.0], entries=[1], base_year=2017
    )
    base.update(args)
    with pytest.raises(InputError, match=field):
        M.from_arrays(**base)


def test_from_arrays_rejects_a_negative_probability_even_if_the_row_sums_to_one():
    with pytest.raises(InputError, match="negative"):
        M.from_arrays(ONE, [10], [[1.1]], [-0.1], [0.0], [1], 2017)


def test_from_arrays_rejects_repeated_states_and_unknown_fields():
    with pytest.raises(InputError, match="once"):
        M.from_arrays(ONE * 2, [1, 1], np.eye(2), [0, 0], [0, 0], [0, 0], 2017)
    with pytest.raises(InputError, match="unknown field"):
        M.from_arrays(ONE, [10], [[0.8]], [0.2], [0.0], [1], 2017, colour="red")


def test_model_arrays_are_read_only():
    m = one_state()
    with pytest.raises(ValueError):
        m.start[0] = 5


# --------------------------------------------------------------------------- faster permanence


def test_faster_permanence_cut_zero_is_the_same_model():
    m = one_state(p=0.3)
    same = M.with_faster_permanence(m, 0)
    assert same.exit_permanence.tolist() == m.exit_permanence.tolist()
    assert same.stay.tolist() == m.stay.tolist()


def test_faster_permanence_known_value_p_half_cut_half():
    # hazard doubles: p' = 1 - (1 - 0.5)^2 = 0.75; the extra 0.25 comes from staying
    m = M.with_faster_permanence(one_state(p=0.5), 0.5)
    assert m.exit_permanence[0] == pytest.approx(0.75, abs=1e-12)
    assert m.stay[0, 0] == pytest.approx(0.25, abs=1e-12)
    assert m.exit_other[0] == 0.0


def test_faster_permanence_takes_from_stay_in_proportion_and_keeps_rows_summing_to_one():
    states = (("x", "a"), ("x", "b"), ("x", "c"))
    stay = [[0.4, 0.2, 0.0], [0.0, 0.9, 0.0], [0.0, 0.0, 0.05]]
    perm = [0.2, 0.0, 0.5]
    other = [0.2, 0.1, 0.45]
    m = M.from_arrays(states, [10, 10, 10], stay, perm, other, [1, 1, 1], 2017)
    f = M.with_faster_permanence(m, 0.2)
    rows = f.stay.sum(axis=1) + f.exit_permanence + f.exit_other
    assert rows == pytest.approx([1, 1, 1], abs=1e-12)
    # state a: p' = 1 - 0.8^(1.25); extra taken from 0.4 and 0.2 in ratio 2:1
    p1 = 1 - 0.8**1.25
    assert f.exit_permanence[0] == pytest.approx(p1)
    extra = p1 - 0.2
    assert f.stay[0, 0] == pytest.approx(0.4 - extra * 2 / 3)
    assert f.stay[0, 1] == pytest.approx(0.2 - extra / 3)
    # state b has no permanence exits: nothing changes
    assert f.stay[1].tolist() == [0.0, 0.9, 0.0] and f.exit_permanence[1] == 0
    # state c would need 1 - 0.5^1.25 - 0.5 = 0.08 more, but only 0.05 stays: capped
    assert f.exit_permanence[2] == pytest.approx(0.55) and f.stay[2, 2] == pytest.approx(0.0)
    assert f.exit_other.tolist() == m.exit_other.tolist()


@pytest.mark.parametrize("cut", [-0.1, 1, 1.5, "half"])
def test_faster_permanence_rejects_a_cut_outside_0_to_1(cut):
    with pytest.raises(InputError, match="cut"):
        M.with_faster_permanence(one_state(), cut)


# --------------------------------------------------------------------------- fit on a hand-built history


def _ep(child, decom, dec, rne, place, provider, rec=""):
    return dict(
        CHILD=child,
        DECOM=decom,
        DEC=dec,
        RNE=rne,
        LS="C2",
        CIN="N1",
        PLACE=place,
        PLACE_PROVIDER=provider,
        REC=rec,
        REASON_PLACE_CHANGE="",
        HOME_POST="",
        PL_POST="",
        URN="",
    )


def _prepared(rows, dobs, first_return: int) -> pd.DataFrame:
    df = episodes_frame(rows)
    # the return an episode is first reported in (never before the first return)
    df["YEAR"] = np.maximum(np.asarray(E.collection_year(df["DECOM"]), dtype=np.int64), first_return)
    df["_file"] = "episodes.csv"
    df["_row"] = np.arange(len(df)) + 2
    header = pd.DataFrame({"CHILD": list(dobs), "SEX": "1", "DOB": pd.to_datetime(list(dobs.values())).astype(NS)})
    for c in ("ETHNIC", "UPN", "MOTHER", "MC_DOB"):
        header[c] = ""
    header["YEAR"] = 2018
    return E.prepare(df, header)


# Snapshots on 31 March 2016, 2017, 2018 (worked out child by child):
#   A born 2008-06-01, in-house carer from 2015-05-01, still there: 2016 age 7, 2017 age 8, 2018 age 9 (5 to 9)
#   B born 2000-10-01, children's home (K2, private) from 2014-01-01: 2016 age 15 (10 to 15), 2017 age 16;
#     moves to independent living arrangement (E5) on 2017-10-01: an "other" exit in 2017-18
#   C born 2012-01-01, IFA carer from 2015-06-01, kinship carer from 2016-08-01: 2016 age 4 (1 to 4, IFA),
#     2017 age 5 (5 to 9, kinship); special guardianship (E45) on 2017-12-01: permanence in 2017-18
#   D born 2015-02-01, in-house carer from 2016-06-01: entry in 2016-17 (2017 age 2, 1 to 4); 2018 age 3
#   E born 2017-06-01, in care 2017-07-01 to 2018-01-15: never in a snapshot, counted nowhere
#   F born 2010-01-01, in-house 2015-01-01, home (E4A) 2016-05-01, back with an IFA carer 2016-12-01:
#     2016 (5 to 9, in-house) -> 2017 (5 to 9, IFA): left and came back, so a move; 2018 (5 to 9, IFA)
#   G no date of birth, in care from 2015-01-01: age unknown, left out (1 child on 31 March 2018)
#   H born 2006-01-01, in-house carer from 2017-06-01: entry in 2017-18 (2018 age 12, 10 to 15)
#   I born 2014-03-01, placed for adoption (A4) from 2015-09-01, adopted (E11) 2016-09-01: permanence in 2016-17
HISTORY = [
    _ep("A", "2015-05-01", None, "S", "U4", "PR1"),
    _ep("B", "2014-01-01", "2017-10-01", "S", "K2", "PR4", "E5"),
    _ep("C", "2015-06-01", "2016-08-01", "S", "U4", "PR4", "X1"),
    _ep("C", "2016-08-01", "2017-12-01", "P", "U1", "PR1", "E45"),
    _ep("D", "2016-06-01", None, "S", "U4", "PR1"),
    _ep("E", "2017-07-01", "2018-01-15", "S", "U4", "PR4", "E4A"),
    _ep("F", "2015-01-01", "2016-05-01", "S", "U4", "PR1", "E4A"),
    _ep("F", "2016-12-01", None, "S", "U6", "PR4"),
    _ep("G", "2015-01-01", None, "S", "U4", "PR1"),
    _ep("H", "2017-06-01", None, "S", "U4", "PR1"),
    _ep("I", "2015-09-01", "2016-09-01", "S", "A4", "PR1", "E11"),
]
DOBS = {
    "A": "2008-06-01",
    "B": "2000-10-01",
    "C": "2012-01-01",
    "D": "2015-02-01",
    "E": "2017-06-01",
    "F": "2010-01-01",
    "H": "2006-01-01",
    "I": "2014-03-01",
}


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return _prepared(HISTORY, DOBS, first_return=2014)


def _i(band, cat):
    return M.STATES.index((band, cat))


def test_fit_recovers_the_hand_counted_moves(history):
    m = M.fit(history, 2018, history_years=2)
    s = len(M.STATES)
    assert m.learned_from == ((2016, 2017), (2017, 2018))
    assert m.states == M.STATES and m.transitions.shape == (s, s + 2)
    expected = np.zeros((s, s + 2))
    perm, other = s, s + 1
    expected[_i("5 to 9", "in-house fostering"), _i("5 to 9", "in-house fostering")] = 2  # A twice
    expected[_i("5 to 9", "in-house fostering"), _i("5 to 9", "IFA fostering")] = 1  # F
    expected[_i("10 to 15", "residential"), _i("16 and over", "residential")] = 1  # B ages
    expected[_i("16 and over", "residential"), other] = 1  # B to independent living
    expected[_i("1 to 4", "IFA fostering"), _i("5 to 9", "kinship fostering")] = 1  # C
    expected[_i("5 to 9", "kinship fostering"), perm] = 1  # C special guardianship
    expected[_i("1 to 4", "in-house fostering"), _i("1 to 4", "in-house fostering")] = 1  # D
    expected[_i("5 to 9", "IFA fostering"), _i("5 to 9", "IFA fostering")] = 1  # F
    expected[_i("1 to 4", "adoption placement"), perm] = 1  # I adopted
    np.testing.assert_array_equal(m.transitions, expected)
    entries = np.zeros(s)
    entries[_i("1 to 4", "in-house fostering")] = 1  # D
    entries[_i("10 to 15", "in-house fostering")] = 1  # H
    np.testing.assert_array_equal(m.entry_counts, entries)
    assert m.entries == pytest.approx(entries / 2)  # averaged over the 2 pairs


def test_fit_probabilities_start_and_unknown_age(history):
    m = M.fit(history, 2018, history_years=2, synthetic=True)
    a = _i("5 to 9", "in-house fostering")
    assert m.stay[a, a] == pytest.approx(2 / 3) and m.stay[a, _i("5 to 9", "IFA fostering")] == pytest.approx(1 / 3)
    assert m.exit_permanence[_i("5 to 9", "kinship fostering")] == 1.0
    assert m.exit_other[_i("16 and over", "residential")] == 1.0
    rows = m.stay.sum(axis=1) + m.exit_permanence + m.exit_other
    assert rows == pytest.approx(np.ones(len(M.STATES)), abs=1e-12)
    start = np.zeros(len(M.STATES))
    for band, cat in [
        ("5 to 9", "in-house fostering"),
        ("1 to 4", "in-house fostering"),
        ("5 to 9", "IFA fostering"),
        ("10 to 15", "in-house fostering"),
    ]:
        start[_i(band, cat)] += 1  # A, D, F, H
    np.testing.assert_array_equal(m.start, start)
    assert m.unknown_age == 1  # G
    assert m.synthetic is True and m.base_year == 2018


def test_fit_state_never_seen_takes_its_age_band_pooled_row(history):
    m = M.fit(history, 2018, history_years=2)
    # nobody was placed with parents aged 5 to 9: that row pools the 5 to 9 rows
    # (A twice, F in-house -> IFA, C kinship -> permanence, F IFA -> IFA: 5 children)
    row = m.rows[_i("5 to 9", "placed with parents")]
    assert row[_i("5 to 9", "in-house fostering")] == pytest.approx(2 / 5)
    assert row[_i("5 to 9", "IFA fostering")] == pytest.approx(2 / 5)
    assert m.exit_permanence[_i("5 to 9", "placed with parents")] == pytest.approx(1 / 5)


def test_fit_uses_only_pairs_the_returns_cover(history):
    m = M.fit(history, 2018, history_years=10)
    assert m.learned_from == ((2014, 2015), (2015, 2016), (2016, 2017), (2017, 2018))
    with pytest.raises(InputError, match="no return for 2020"):
        M.fit(history, 2020)
    with pytest.raises(InputError, match="no earlier 31 March"):
        M.fit(history, 2014)


# --------------------------------------------------------------------------- simulation


def test_simulate_mean_and_interval_of_the_closed_system():
    m = one_state(200, 0.3, 30)
    out = M.simulate(m, 4, n=4000, seed=7, interval=0.9)
    assert out["year"].tolist() == [2017, 2018, 2019, 2020, 2021]
    exact = np.array([closed_form(200, 0.3, 30, t) for t in range(5)])
    # 4000 futures: the mean's standard error is well under 0.5 child
    assert out["mean"].to_numpy() == pytest.approx(exact, abs=1.5)
    assert out["lower"].iloc[0] == out["upper"].iloc[0] == 200
    assert (out["lower"] <= out["mean"]).all() and (out["mean"] <= out["upper"]).all()
    # year 1: binomial(200, 0.7) + Poisson(30): variance 42 + 30 = 72, sd 8.5; a 90% interval is about +-14
    width = out["upper"].iloc[1] - out["lower"].iloc[1]
    assert 2 * 1.645 * np.sqrt(72) - 5 <= width <= 2 * 1.645 * np.sqrt(72) + 5


def test_simulated_intervals_cover_about_the_stated_share_of_futures():
    m = one_state(200, 0.3, 30)
    band = M.simulate(m, 2, n=2000, seed=1, interval=0.8).iloc[2]
    again = M.simulate(m, 2, n=2000, seed=99, interval=0.8)  # other futures from the same model
    assert again["mean"].iloc[2] == pytest.approx(band["mean"], abs=1.5)
    rng = np.random.default_rng(5)
    # futures drawn directly: year 2 from year 1
    y1 = rng.binomial(200, 0.7, 5000) + rng.poisson(30, 5000)
    y2 = rng.binomial(y1, 0.7) + rng.poisson(30, 5000)
    covered = np.mean((y2 >= band["lower"]) & (y2 <= band["upper"]))
    assert 0.75 <= covered <= 0.86


def test_simulate_is_repeatable_with_a_seed_and_parameter_uncertainty_widens_the_interval():
    plain = one_state(200, 0.3, 30)
    learned = one_state(
        200, 0.3, 30, transitions=[[14, 6, 0]], entry_counts=[60], learned_from=[(2015, 2016), (2016, 2017)]
    )
    a = M.simulate(learned, 3, n=1500, seed=3)
    b = M.simulate(learned, 3, n=1500, seed=3)
    pd.testing.assert_frame_equal(a, b)
    p = M.simulate(plain, 3, n=1500, seed=3)
    # learned from only 20 children and 2 years: far less sure than the fixed model
    assert (a["upper"] - a["lower"]).iloc[3] > 1.5 * (p["upper"] - p["lower"]).iloc[3]
    assert a["mean"].iloc[3] == pytest.approx(closed_form(200, 0.3, 30, 3), rel=0.05)


def test_simulate_rejects_bad_arguments():
    with pytest.raises(InputError, match="interval"):
        M.simulate(one_state(), 2, interval=1.2)
    with pytest.raises(InputError, match="simulations"):
        M.simulate(one_state(), 2, n=0)


# --------------------------------------------------------------------------- exponential smoothing


def test_ets_on_a_straight_line_forecasts_near_the_line_and_reports_short_series():
    years = range(2005, 2018)
    series = pd.Series([400 + 20 * k + (3 if k % 2 else -3) for k in range(13)], index=list(years), dtype=float)
    r = M.ets_forecast(series, 3)
    assert r.fitted and r.forecast["year"].tolist() == [2018, 2019, 2020]
    # a damped trend continues the rise but flattens: below the straight line, above the last value
    assert (r.forecast["mean"] > 640).all() and (r.forecast["mean"] < 400 + 20 * np.arange(13, 16) + 10).all()
    assert (r.forecast["lower"] < r.forecast["mean"]).all() and (r.forecast["mean"] < r.forecast["upper"]).all()
    short = M.ets_forecast(series.loc[2013:], 3)
    assert short.fitted and not short.reliable
    assert any("unreliable because it rests on only 5 published years" in n for n in short.notes)


def test_ets_too_short_or_broken_series():
    r = M.ets_forecast(pd.Series([463.0, 501.0], index=[2013, 2014]), 3)
    assert not r.fitted and r.forecast.empty
    assert "only 2 published years (2013-2014)" in r.notes[0]
    gap = pd.Series([1.0, 2.0, np.nan, 400.0, 410.0, 420.0, 440.0], index=range(2010, 2017))
    g = M.ets_forecast(gap, 2)
    assert list(g.history.index) == [2013, 2014, 2015, 2016] and "gap" in g.notes[0]


def test_ets_leaks_no_warning(recwarn):
    M.ets_forecast(pd.Series([463.0, 501, 535, 607, 686], index=range(2013, 2018)), 5)
    assert len(recwarn) == 0


# --------------------------------------------------------------------------- back test arithmetic


def test_mape_and_inside_by_hand():
    # |110-100|/100 = 10%, |180-200|/200 = 10%, |330-300|/300 = 10%
    assert M.mape([110, 180, 330], [100, 200, 300]) == pytest.approx(10.0)
    assert M.mape([50], [200]) == pytest.approx(75.0)
    assert M.inside([90, 150, 310], [120, 210, 400], [100, 200, 300]) == 2  # 300 is below 310
    assert M.inside([100], [100], [100]) == 1
    with pytest.raises(ValueError):
        M.mape([1, 2], [1])
    with pytest.raises(ValueError):
        M.mape([1], [0])


def test_backtest_on_the_hand_built_history(history):
    published = pd.Series([3.0, 4, 5, 6, 7], index=range(2014, 2019))
    bt = M.backtest(history, published, 2018, history_years=2, n=200, seed=1, horizon=2)
    assert bt.cut_year == 2016 and bt.years == (2017, 2018)
    # children of known age on 31 March 2017: A, B, C, D, F; 2018: A, D, F, H
    assert bt.markov["actual"].tolist() == [5, 4]
    expected = M.mape(bt.markov["mean"], [5, 4])
    assert bt.mape_markov == pytest.approx(expected)
    assert bt.ets.empty and bt.mape_ets is None  # 2014-2016 is 3 published years: too few
    assert any("published trend could not be back-tested" in n for n in bt.notes)


def test_ets_keeps_the_best_of_several_starts():
    # Cambridgeshire's published numbers 2013-2025: statsmodels' default start stops at a worse optimum
    import warnings

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    values = [463.0, 501, 535, 607, 686, 700, 773, 717, 640, 593, 632, 631, 705]
    r = M.ets_forecast(pd.Series(values, index=range(2013, 2026)), 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = ETSModel(pd.Series(values), error="add", trend="add", damped_trend=True).fit(disp=False)
    assert r.params["loglik"] >= default.llf - 1e-6
    assert r.reliable and r.notes == ()


# --------------------------------------------------------------------------- the chapter


def _small_outlook(history) -> F.Outlook:
    m = M.fit(history, 2018, history_years=2, synthetic=True)
    pub = pd.Series([400.0, 420, 430, 445, 460], index=range(2014, 2019))
    return F.Outlook(
        year=2018,
        horizon=3,
        interval=0.9,
        simulations=200,
        la_name="Testshire",
        model=m,
        projection=M.project(m, 3),
        sim=M.simulate(m, 3, n=200, seed=1, interval=0.9),
        ets=M.ets_forecast(pub, 3, 0.9),
        backtest=M.backtest(history, pub, 2018, history_years=2, n=200, seed=1),
        published=pub,
        later=pd.Series([470.0], index=[2019]),
        child_history=pd.Series([5.0, 4.0], index=[2017, 2018]),
    )


def _visible_small(table: pd.DataFrame, skip=("Group", "Age band", "Year", "Model")) -> list[str]:
    from analysis.report import disclosure

    cols = [c for c in table.columns if c not in skip and "%" not in c]
    clean = table[cols].map(lambda v: str(v).replace(",", ""))
    return disclosure.unsuppressed_small_counts(clean, cols)


def test_a_small_history_shows_no_count_of_1_to_5(history):
    o = _small_outlook(history)
    for shown in (
        F.projection_display(o)["table"],
        F.flows_chart(o)["table"],
        F.fan_table(o),
        F.backtest_display(o)["table"],
    ):
        assert _visible_small(shown) == []
    assert (F.projection_display(o)["table"].drop(columns="Group") == "c").any().any()
    figures = {k["name"]: k["value"] for k in F.key_figures(o)}
    assert figures["forecast_cla_base"] == F.SUPPRESSED  # 4 children
    text = " ".join(F.findings(o))
    assert " 4 " not in text and "suppressed" in text


def test_backtest_note_says_so_when_both_models_were_tested(history):
    from dataclasses import replace

    o = _small_outlook(history)
    assert F.backtest_note(o) == " ".join(o.backtest.notes) and o.backtest.notes  # the trend could not be tested
    clean = replace(o, backtest=replace(o.backtest, notes=()))
    assert F.backtest_note(clean) == "Both models could be tested."


def test_snapshot_age_bands_follow_the_report_categories(history):
    from analysis.report.categories import age_band

    on = E.looked_after_on(history, "2017-03-31")
    snap = M.snapshot(history, 2017)
    assert snap["age_band"].tolist() == age_band(on["age"]).tolist()
    assert (snap["state"] == -1).sum() == (snap["age_band"] == E.AGE_UNKNOWN).sum() == 1  # G, no date of birth


def test_chapter_captions_say_child_level(history):
    o = _small_outlook(history)
    assert F.CHILD_LEVEL in F.projection_display(o)["caption"]
    assert F.CHILD_LEVEL in F.backtest_display(o)["caption"]
    assert F.CHILD_LEVEL in F.fan_chart(o)["caption"] and F.CHILD_LEVEL in F.flows_chart(o)["caption"]
    assert "SYNTHETIC" in F.projection_display(o)["caption"]


@pytest.fixture(scope="module")
def default_outlook():
    from analysis.paper import DEFAULT_PAPER
    from analysis.report import context
    from analysis.sources.ssda903 import context as child_context

    ctx = context.load(DEFAULT_PAPER)
    return ctx, F.compute(ctx, child_context.load(ctx.paper))


def test_default_paper_key_figures_and_findings_agree(default_outlook):
    from analysis.report import keyfigures

    ctx, o = default_outlook
    figures = {k["name"]: k for k in F.key_figures(o)}
    for rec in figures.values():
        keyfigures.figure_record(rec["name"], rec["value"], rec["unit"], rec["label"])
    for name in (
        "forecast_cla_in_3_years",
        "forecast_cla_in_3_years_lower",
        "forecast_cla_in_3_years_upper",
        "forecast_year_3",
        "forecast_ets_in_3_years",
        "forecast_backtest_mape_markov",
        "forecast_backtest_mape_ets",
    ):
        assert name in figures
    assert figures["forecast_year_3"]["value"] == ctx.year + 3
    mean = figures["forecast_cla_in_3_years"]["value"]
    lo, hi = figures["forecast_cla_in_3_years_lower"]["value"], figures["forecast_cla_in_3_years_upper"]["value"]
    assert lo < mean < hi
    row = o.sim.set_index("year").loc[ctx.year + 3]
    assert mean == round(row["mean"])
    text = F.findings_markdown(o)
    assert f"**{mean:,}** children (between {lo:,} and {hi:,}" in text
    # the projection starts from the children looked after on 31 March of the paper's year
    assert o.model.start.sum() == o.child_history[ctx.year]
    # published numbers after the paper are shown only for the forecast years
    assert all(ctx.year < y <= ctx.year + ctx.paper.forecast.years_ahead for y in o.later.index)


def test_default_paper_outlook_is_repeatable(default_outlook):
    from analysis.sources.ssda903 import context as child_context

    ctx, o = default_outlook
    again = F.compute(ctx, child_context.load(ctx.paper))
    pd.testing.assert_frame_equal(o.sim, again.sim)
    assert F.findings(o) == F.findings(again)


@pytest.mark.slow  # builds the placements chapter's histories for the default paper (a few seconds)
def test_projection_table_shows_the_placements_release_of_the_paper_s_year():
    """The 2017 actual column shows exactly what the placements chapter's stock table shows (issue 13's leak)."""
    from analysis.chapters import placements as pl
    from analysis.paper import DEFAULT_PAPER
    from analysis.report import context
    from analysis.report.categories import AGE_ROWS
    from analysis.sources.ssda903 import context as child_context

    ctx = context.load(DEFAULT_PAPER)
    data = child_context.load(ctx.paper)
    release = pl.stock_table(pl.histories(ctx, data))
    o = F.compute(ctx, data, release=release)
    shown = F.projection_table(o).table()[f"{o.year} (actual)"]
    released = release.table()[o.year]
    rows = {**{b: AGE_ROWS[b] for b in M.AGE_BANDS}, **{c: c for c in M.CATEGORIES}, "all children": "all children"}
    assert {here: shown[here] for here in rows} == {here: released[there] for here, there in rows.items()}
    # the three cells the placements chapter hides in 2017 (kinship, another council's carers, with parents)
    assert (shown[["kinship fostering", "other LA fostering", "placed with parents"]] == "c").all()
