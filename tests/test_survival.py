"""Survival helpers: hand-computed Kaplan–Meier and cumulative incidence, an independent re-implementation
compared with statsmodels on random data, and a Cox model recovering a known hazard ratio."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.methods import survival as S

# --------------------------------------------------------------------------- Kaplan–Meier by hand

# times   1  2  2  3  4  5
# event   1  1  0  1  0  1
# t=1: 6 at risk, 1 event   S = 5/6                       = 0.8333
# t=2: 5 at risk, 1 event (the other 2 is censored)  S = 5/6 * 4/5 = 4/6 = 0.6667
# t=3: 3 at risk (3, 4, 5), 1 event   S = 4/6 * 2/3 = 4/9 = 0.4444
# t=5: 1 at risk, 1 event   S = 0
# Greenwood at t=2: S^2 * (1/(6*5) + 1/(5*4)) = (4/6)^2 * (1/30 + 1/20) = 0.4444 * 0.08333 = 0.037037, se 0.19245
# Median: the first time S < 0.5 is t=3.
KM_TIME = [1, 2, 2, 3, 4, 5]
KM_EVENT = [1, 1, 0, 1, 0, 1]


def test_kaplan_meier_by_hand():
    km = S.kaplan_meier(KM_TIME, KM_EVENT)
    assert km["time"].tolist() == [0, 1, 2, 3, 5]
    assert km["at_risk"].tolist() == [6, 6, 5, 3, 1]
    assert km["events"].tolist() == [0, 1, 1, 1, 1]
    assert km["estimate"].to_numpy() == pytest.approx([1, 5 / 6, 4 / 6, 4 / 9, 0])
    assert km["se"].iloc[2] == pytest.approx(0.19245, abs=1e-5)
    # log-log interval contains the estimate and stays inside [0, 1]
    inside = km.iloc[1:4]
    assert (inside["lower"] < inside["estimate"]).all() and (inside["estimate"] < inside["upper"]).all()
    assert (inside["lower"] >= 0).all() and (inside["upper"] <= 1).all()
    assert S.km_median(KM_TIME, KM_EVENT).estimate == 3


def test_value_at_is_a_right_continuous_step():
    km = S.kaplan_meier(KM_TIME, KM_EVENT)
    assert S.value_at(km, 0) == 1
    assert S.value_at(km, 1.99) == pytest.approx(5 / 6)
    assert S.value_at(km, 2) == pytest.approx(4 / 6)
    assert np.isnan(S.value_at(km, 6))  # beyond the last time of the curve


def test_truncate_stops_where_fewer_than_six_remain():
    # ten subjects, follow-up 1..10, every one an event: at t the number at risk is 11 - t
    t = np.arange(1, 11)
    km = S.kaplan_meier(t, np.ones(10))
    cut = S.truncate(km, t)
    # 6 are still at risk at t=5 (5..10), 5 at t=6: the curve ends at 5
    assert cut.attrs["end"] == 5
    assert cut["time"].tolist() == [0, 1, 2, 3, 4, 5]
    assert (cut["at_risk"] >= 6).all()
    assert np.isnan(S.value_at(cut, 6))
    # fewer than six subjects in all: nothing is drawn
    tiny = S.truncate(S.kaplan_meier([1, 2, 3], [1, 1, 1]), [1, 2, 3])
    assert tiny.empty and np.isnan(tiny.attrs["end"])


def test_truncate_adds_a_flat_end_row_at_the_cut():
    # events at 1 and 2; the rest censored at 3..10: the 6th longest follow-up is 5, no event there
    t = np.arange(1, 11)
    e = np.array([1, 1] + [0] * 8)
    cut = S.truncate(S.kaplan_meier(t, e), t)
    assert cut["time"].tolist() == [0, 1, 2, 5]
    assert cut["estimate"].iloc[-1] == cut["estimate"].iloc[-2] and cut["events"].iloc[-1] == 0


def test_median_not_reached_and_up_to():
    m = S.km_median([1, 2, 3, 4], [1, 0, 0, 0])
    assert not m.reached and np.isnan(m.estimate)
    m = S.km_median(KM_TIME, KM_EVENT, up_to=2.5)  # the median, 3, is past the end of the drawn curve
    assert not m.reached and m.upper == np.inf


def test_at_risk_with_delayed_entry():
    # subject: (entry, exit) = (0, 5), (2, 6), (4, 8); at t=3 the first two are at risk, at t=5 all three
    assert S.at_risk([5, 6, 8], [3, 5, 7], entry=[0, 2, 4]).tolist() == [2, 3, 1]


# --------------------------------------------------------------------------- cumulative incidence by hand

# times  1  2  3  4  5  6
# status A  B  A  -  B  A        (A = 1, B = 2, - censored)
# t=1: n=6, A   F_A = 1 * 1/6 = 1/6;            S = 5/6
# t=2: n=5, B   F_B = 5/6 * 1/5 = 1/6;          S = 4/6
# t=3: n=4, A   F_A = 1/6 + 4/6 * 1/4 = 2/6;    S = 3/6
# t=4: censored (n=3)
# t=5: n=2, B   F_B = 1/6 + 3/6 * 1/2 = 5/12;   S = 1/4
# t=6: n=1, A   F_A = 2/6 + 1/4 * 1 = 7/12;     S = 0, and F_A + F_B = 1
CI_TIME = [1, 2, 3, 4, 5, 6]
CI_STATUS = [1, 2, 1, 0, 2, 1]


def test_cumulative_incidence_by_hand():
    ci = S.cumulative_incidence(CI_TIME, CI_STATUS, ["A", "B"])
    a = ci[ci["cause"] == "A"]
    b = ci[ci["cause"] == "B"]
    assert a["time"].tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert a["estimate"].to_numpy() == pytest.approx([0, 1 / 6, 1 / 6, 2 / 6, 2 / 6, 2 / 6, 7 / 12])
    assert b["estimate"].to_numpy() == pytest.approx([0, 0, 1 / 6, 1 / 6, 1 / 6, 5 / 12, 5 / 12])
    assert a["at_risk"].tolist() == [6, 6, 5, 4, 3, 2, 1]
    assert a["events"].tolist() == [0, 1, 0, 1, 0, 0, 1]
    assert a["estimate"].iloc[-1] + b["estimate"].iloc[-1] == pytest.approx(1)


def test_cumulative_incidence_cause_without_events_is_zero():
    ci = S.cumulative_incidence([1, 2, 3], [1, 0, 1], ["A", "B", "C"])
    assert (ci.loc[ci["cause"] == "C", "estimate"] == 0).all()
    assert (ci.loc[ci["cause"] == "B", "estimate"] == 0).all()


def test_no_warning_where_everyone_left_has_the_event():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ci = S.cumulative_incidence(CI_TIME, CI_STATUS, ["A", "B"])
        S.kaplan_meier(KM_TIME, KM_EVENT)
        S.km_median(KM_TIME, KM_EVENT)
    assert np.isnan(ci["se"].iloc[-1]) or np.isfinite(ci["se"].iloc[-1])


# --------------------------------------------------------------------------- independent check on random data


def _km_reference(time, event):
    """Plain-Python Kaplan–Meier: {event time: S(t)}."""
    out, s = {}, 1.0
    for t in sorted(set(time[event == 1])):
        n = sum(1 for x in time if x >= t)
        d = sum(1 for x, e in zip(time, event) if x == t and e == 1)
        s *= 1 - d / n
        out[t] = s
    return out


def _aj_reference(time, status, k):
    """Plain-Python Aalen–Johansen: {time: P(T <= t, cause k)} at every distinct time."""
    out, s, f = {}, 1.0, 0.0
    for t in sorted(set(time)):
        n = sum(1 for x in time if x >= t)
        d_all = sum(1 for x, c in zip(time, status) if x == t and c > 0)
        d_k = sum(1 for x, c in zip(time, status) if x == t and c == k)
        f += s * d_k / n
        s *= 1 - d_all / n
        out[t] = f
    return out


def _random_competing(n=400, seed=7):
    rng = np.random.default_rng(seed)
    t1 = rng.exponential(300, n)
    t2 = rng.exponential(600, n)
    c = rng.uniform(0, 900, n)
    t = np.ceil(np.minimum.reduce([t1, t2, c]))  # whole days: plenty of ties
    status = np.where(t1 <= np.minimum(t2, c), 1, np.where(t2 <= c, 2, 0))
    return t, status


def test_kaplan_meier_matches_an_independent_implementation():
    t, status = _random_competing()
    event = (status > 0).astype(int)
    km = S.kaplan_meier(t, event)
    ref = _km_reference(t, event)
    assert len(km) - 1 == len(ref)
    for time, s in ref.items():
        assert S.value_at(km, time) == pytest.approx(s, abs=1e-12)


def test_cumulative_incidence_matches_an_independent_aalen_johansen():
    t, status = _random_competing()
    ci = S.cumulative_incidence(t, status, ["one", "two"])
    for k, name in ((1, "one"), (2, "two")):
        curve = ci[ci["cause"] == name].reset_index(drop=True)
        ref = _aj_reference(t, status, k)
        for time, f in ref.items():
            assert S.value_at(curve, time) == pytest.approx(f, abs=1e-12)
    # without competing events the cumulative incidence is 1 - Kaplan–Meier
    single = (status > 0).astype(int)
    one = S.cumulative_incidence(t, single, ["any"])
    km = S.kaplan_meier(t, single)
    for time in km["time"]:
        assert S.value_at(one, time) == pytest.approx(1 - S.value_at(km, time), abs=1e-12)


def test_logrank_detects_a_difference_and_not_a_non_difference():
    rng = np.random.default_rng(4)  # under no difference, p < 0.05 in 6.5% of 200 seeds (calibrated)
    g = np.repeat([0, 1], 300)
    same = rng.exponential(100, 600)
    diff = rng.exponential(np.where(g == 1, 50, 100))
    assert S.logrank(same, np.ones(600), g)[2] > 0.01
    chi2, df, p = S.logrank(diff, np.ones(600), g)
    assert chi2 > 20 and df == 1 and p < 1e-6


# --------------------------------------------------------------------------- Cox


LOG2 = float(np.log(2.0))


def _simulate_cox(n=3000, beta=(LOG2, -0.5), seed=11):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n).astype(float)
    z = rng.normal(size=n)
    rate = np.exp(beta[0] * x + beta[1] * z) / 365
    t = rng.exponential(1 / rate)
    c = rng.uniform(0, 3 * 365, n)
    time = np.ceil(np.minimum(t, c))
    event = (t <= c).astype(float)
    return pd.DataFrame({"x": np.where(x == 1, "treated", "control"), "z": z}), time, event


def test_cox_recovers_a_known_hazard_ratio():
    frame, time, event = _simulate_cox()
    design = S.design_matrix(frame, {"x": "control"}, ["z"])
    assert list(design.columns) == ["x: treated", "z"]
    fit = S.cox(time, event, design)
    hr = fit.terms.set_index("term")["hr"]
    assert hr["x: treated"] == pytest.approx(2.0, rel=0.1)  # true hazard ratio 2
    assert hr["z"] == pytest.approx(np.exp(-0.5), rel=0.1)
    row = fit.terms.set_index("term").loc["x: treated"]
    assert row["lower"] < 2.0 < row["upper"]
    # proportional hazards hold by construction: no evidence against them
    assert fit.ph.set_index("term").loc["GLOBAL", "p"] > 0.01


def test_cox_cluster_robust_errors_are_reported():
    frame, time, event = _simulate_cox(n=1000)
    design = S.design_matrix(frame, {"x": "control"}, ["z"])
    fit = S.cox(time, event, design, groups=np.arange(1000) // 2)
    assert fit.clusters == 500 and fit.n == 1000 and fit.events == int(event.sum())
    # clusters named by text (children's IDs) work the same as numbers
    named = S.cox(time, event, design, groups=[f"child {i // 2}" for i in range(1000)])
    assert np.isfinite(named.terms["se"]).all()
    assert named.terms["se"].to_numpy() == pytest.approx(fit.terms["se"].to_numpy())
    # the PH check uses the model-based covariance either way: the same as without clusters
    plain = S.cox(time, event, design)
    assert fit.ph["chi2"].to_numpy() == pytest.approx(plain.ph["chi2"].to_numpy(), rel=1e-6)


def test_cox_ignores_subjects_censored_before_the_first_event_without_changing_estimates():
    frame, time, event = _simulate_cox(n=600)
    design = S.design_matrix(frame, {"x": "control"}, ["z"])
    base = S.cox(time, event, design, groups=np.arange(600))
    # add ten subjects censored at time 0 (entered care on the last day of the data)
    more = pd.concat([design, design.iloc[:10]], ignore_index=True)
    t2, e2 = np.r_[time, np.zeros(10)], np.r_[event, np.zeros(10)]
    fit = S.cox(t2, e2, more, groups=np.arange(610))
    assert fit.n == 610 and fit.events == base.events
    assert fit.terms["coef"].to_numpy() == pytest.approx(base.terms["coef"].to_numpy())
    assert np.isfinite(fit.terms["se"]).all()


def test_cox_stratified_recovers_the_hazard_ratio_with_different_baselines():
    frame, time, event = _simulate_cox(n=3000, seed=21)
    stratum = np.random.default_rng(99).integers(0, 2, len(time))  # (another seed than the simulation's)
    time = np.ceil(np.where(stratum == 1, time / 4, time))  # stratum 1: four times the baseline hazard
    design = S.design_matrix(frame, {"x": "control"}, ["z"])
    fit = S.cox(time, event, design, strata=stratum, groups=np.arange(len(time)))
    assert fit.terms.set_index("term").loc["x: treated", "hr"] == pytest.approx(2.0, rel=0.1)


def test_ph_test_flags_a_hazard_ratio_that_changes_over_time():
    rng = np.random.default_rng(5)
    n = 3000
    x = rng.integers(0, 2, n)
    # treated: 4 times the hazard in the first 100 days, a quarter of it after
    early = rng.exponential(np.where(x == 1, 25.0, 100.0))
    late = 100 + rng.exponential(np.where(x == 1, 400.0, 100.0))
    t = np.ceil(np.where(early < 100, early, late))
    c = rng.uniform(0, 600, n)
    time, event = np.minimum(t, c), (t <= c).astype(float)
    design = S.design_matrix(pd.DataFrame({"x": np.where(x == 1, "b", "a")}), {"x": "a"})
    fit = S.cox(time, event, design)
    ph = fit.ph.set_index("term")
    assert ph.loc["x: b", "p"] < 1e-3
    assert ph.loc["x: b", "rho"] < 0  # the effect fades with time


def test_ph_test_statistic_by_hand():
    # two events, one covariate; residuals r = (1, -1) at times e and e^3 (log times 1 and 3)
    # g - mean = (-1, 1), sum of squares 2; V = 0.5, d = 2; scaled r* = r * V * d = (1, -1)
    # per term: (sum (g - gbar) r*)^2 / (d V sum (g-gbar)^2) = (-2)^2 / (2 * 0.5 * 2) = 2
    # global: u = sum (g - gbar) r = -2; u V u d / 2 = 4 * 0.5 * 2 / 2 = 2
    ph = S.ph_test([np.e, np.e**3, 5.0], [1, 1, 0], ["x"], np.array([[1.0], [-1.0], [np.nan]]), np.array([[0.5]]))
    assert ph["chi2"].tolist() == pytest.approx([2.0, 2.0])
    assert ph["rho"].iloc[0] == pytest.approx(-1.0)


def test_cox_with_a_category_without_events_raises_a_model_error():
    rng = np.random.default_rng(2)
    time = rng.exponential(100, 200)
    event = np.ones(200)
    group = np.where(np.arange(200) < 20, "none", "some")
    event[group == "none"] = 0  # no events at all in one category: its hazard ratio is 0
    design = S.design_matrix(pd.DataFrame({"g": group}), {"g": "some"})
    with pytest.raises(S.ModelError):
        S.cox(time, event, design)


def test_design_matrix_rejects_a_missing_reference():
    with pytest.raises(ValueError, match="reference"):
        S.design_matrix(pd.DataFrame({"g": ["a", "b"]}), {"g": "c"})
