"""Survival analysis: Kaplan–Meier, cumulative incidence, Cox models and the proportional-hazards check.

Thin, tested wrappers around :mod:`statsmodels.duration` that return tidy
tables, so chapters can chart, tabulate and quote them:

* :func:`kaplan_meier`: ``SurvfuncRight`` (Greenwood standard errors, left
  truncation through ``entry``) with pointwise log-log confidence intervals;
  :func:`km_median` adds the median and its confidence interval
  (``quantile_ci``, SAS's method).
* :func:`cumulative_incidence`: ``CumIncidenceRight`` (the Aalen–Johansen
  estimator of the probability of each competing event by time t) with
  pointwise log-log confidence intervals. It handles right censoring only:
  there is no left truncation.
* :func:`truncate`: cuts a curve where fewer than ``min_at_risk`` subjects
  remain at risk, the rule for drawing curves from child-level data.
* :func:`cox`: ``PHReg`` (Efron ties, optional cluster-robust standard errors),
  hazard ratios with confidence intervals; :func:`ph_test` is the
  Grambsch–Therneau test of proportional hazards on Schoenfeld residuals.

Numerical edge cases are handled here on purpose, never by silencing warnings
wholesale: statsmodels divides by zero where every subject left at risk has the
event (the standard error is then undefined), and those divisions run under
``np.errstate`` with the result set to NaN. A Cox model that does not converge
raises :class:`ModelError` rather than printing a warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight, survdiff
from statsmodels.tools.sm_exceptions import ConvergenceWarning

#: Average days in a month (365.25 / 12, rounded as DfE's conversions are): months <-> days.
DAYS_PER_MONTH = 30.44

#: Curves are not drawn where fewer than this many subjects remain at risk.
MIN_AT_RISK = 6

CURVE_COLUMNS = ("time", "at_risk", "events", "estimate", "se", "lower", "upper")


class ModelError(RuntimeError):
    """A model could not be fitted (for example a Cox model that did not converge)."""


def _z(alpha: float) -> float:
    return float(_st.norm.ppf(1 - alpha / 2))


def _arrays(time, *others) -> list[np.ndarray]:
    time = np.asarray(time, dtype=float)
    out = [time]
    for o in others:
        arr = np.asarray(o, dtype=float)
        if arr.shape != time.shape:
            raise ValueError(f"arrays differ in length ({len(time)} and {len(arr)})")
        out.append(arr)
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("times must be known and not negative")
    return out


def _loglog_ci(p: np.ndarray, se: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log-log interval ``p ** exp(+-z se / (p log p))`` for a probability (survival or incidence).

    Where p is 0 or 1 the interval is the point; where the standard error is
    undefined (NaN) the interval is NaN.
    """
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    z = _z(alpha)
    inside = (p > 0) & (p < 1)
    with np.errstate(divide="ignore", invalid="ignore"):  # p log p is 0 at p = 0 or 1: handled below
        k = np.where(inside, z * se / (p * np.log(np.where(inside, p, 0.5))), 0.0)
        a = np.where(inside, p ** np.exp(k), p)
        b = np.where(inside, p ** np.exp(-k), p)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    undefined = inside & ~np.isfinite(se)
    lo[undefined] = np.nan
    hi[undefined] = np.nan
    return lo, hi


def at_risk(time, times, entry=None) -> np.ndarray:
    """Number at risk just before each of ``times``: followed to at least t (and entered before t)."""
    t = np.sort(np.asarray(time, dtype=float))
    grid = np.asarray(times, dtype=float)
    n = len(t) - np.searchsorted(t, grid, side="left")
    if entry is not None:
        e = np.sort(np.asarray(entry, dtype=float))
        n = n - (len(e) - np.searchsorted(e, grid, side="left"))  # not yet entered: entry >= t
    return n.astype(np.int64)


# --------------------------------------------------------------------------- Kaplan–Meier


def kaplan_meier(time, event, *, entry=None, alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan–Meier estimate of the survival function S(t) = P(T > t).

    Parameters
    ----------
    time : array-like of float
        Follow-up time of each subject (event or censoring time), >= 0.
    event : array-like of bool or 0/1
        1 where the event happened at ``time``, 0 where the subject was censored.
    entry : array-like of float, optional
        Left-truncation (delayed entry) times: a subject is at risk only after
        its entry time.
    alpha : float
        1 - confidence level of the pointwise intervals.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CURVE_COLUMNS`: a first row at time 0 (estimate 1), then
        one row per distinct event time with the number at risk just before
        it, the events at it, S(t), its Greenwood standard error and a log-log
        confidence interval.
    """
    time, event = _arrays(time, event)
    start = pd.DataFrame(
        [[0.0, len(time) if entry is None else int(at_risk(time, [0.0], entry)[0]), 0, 1.0, 0.0, 1.0, 1.0]],
        columns=list(CURVE_COLUMNS),
    )
    if len(time) == 0 or event.sum() == 0:
        return start
    sf = SurvfuncRight(time, event, entry=entry)
    lo, hi = _loglog_ci(sf.surv_prob, sf.surv_prob_se, alpha)
    body = pd.DataFrame(
        {
            "time": sf.surv_times.astype(float),
            "at_risk": np.asarray(sf.n_risk).astype(np.int64),
            "events": np.asarray(sf.n_events).astype(np.int64),
            "estimate": sf.surv_prob,
            "se": sf.surv_prob_se,
            "lower": lo,
            "upper": hi,
        }
    )
    if body["time"].iloc[0] == 0:
        start = start.iloc[0:0]
    return pd.concat([start, body], ignore_index=True)


@dataclass(frozen=True)
class Median:
    """A median time with its confidence interval; NaN where not reached (inf for an open upper limit)."""

    estimate: float
    lower: float
    upper: float

    @property
    def reached(self) -> bool:
        """Whether the estimate itself was reached."""
        return bool(np.isfinite(self.estimate))


def km_median(time, event, *, entry=None, alpha: float = 0.05, up_to: float | None = None) -> Median:
    """Median of a Kaplan–Meier curve, with SAS's confidence interval (statsmodels ``quantile_ci``, log-log).

    The median is the first event time at which S(t) falls below 0.5. With
    ``up_to`` (the end of a truncated curve), a median or limit beyond it
    counts as not reached: NaN for the estimate, infinity for the upper limit.
    """
    time, event = _arrays(time, event)
    if len(time) == 0 or event.sum() == 0:
        return Median(np.nan, np.nan, np.inf)
    sf = SurvfuncRight(time, event, entry=entry)
    with np.errstate(divide="ignore", invalid="ignore"):  # log(-log S) at S = 0 or 1: not a limit, dropped
        est = float(sf.quantile(0.5))
        lo, hi = (float(v) for v in sf.quantile_ci(0.5, alpha=alpha, method="cloglog"))
    if up_to is not None:
        est = est if est <= up_to else np.nan
        lo = lo if lo <= up_to else np.nan
        hi = hi if hi <= up_to else np.inf
    if np.isnan(hi) and np.isfinite(lo):
        hi = np.inf
    return Median(est, lo, hi)


def logrank(time, event, group, *, entry=None) -> tuple[float, int, float]:
    """Log-rank test that the groups share one survival curve: (chi-squared, degrees of freedom, p-value)."""
    time, event = _arrays(time, event)
    group = np.asarray(group)
    k = len(pd.unique(group))
    if k < 2:
        return np.nan, 0, np.nan
    chi2, p = survdiff(time, event, group, entry=entry)
    return float(chi2), k - 1, float(p)


# --------------------------------------------------------------------------- cumulative incidence


def cumulative_incidence(time, status, causes: Sequence[str], *, alpha: float = 0.05) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of competing events (statsmodels ``CumIncidenceRight``).

    Parameters
    ----------
    time : array-like of float
        Follow-up time of each subject.
    status : array-like of int
        0 for censored, k (1, 2, ...) for the k-th of ``causes``.
    causes : sequence of str
        Names of the events, in the order of their codes 1, 2, ...
    alpha : float
        1 - confidence level.

    Returns
    -------
    pandas.DataFrame
        Long form: ``cause`` plus :data:`CURVE_COLUMNS`, one row per cause at
        time 0 (incidence 0) and at every distinct follow-up time:
        ``estimate`` is P(T <= t, cause), ``at_risk`` the number still
        followed and event-free just before t, ``events`` the events of that
        cause at t; log-log pointwise intervals.
    """
    time, status = _arrays(time, status)
    if np.any((status < 0) | (status > len(causes)) | (status != np.round(status))):
        raise ValueError(f"status must be 0 (censored) or 1..{len(causes)}")
    status = status.astype(np.int64)
    frames = []
    if len(time) and status.max() > 0:
        # statsmodels divides by n - d, which is 0 where everyone left at risk has an event: the variance
        # is undefined there. The division gives inf/NaN under errstate, and those become NaN below.
        with np.errstate(divide="ignore", invalid="ignore"):
            ci = CumIncidenceRight(time, status)
        times = np.asarray(ci.times, dtype=float)
    else:
        ci, times = None, np.array([], dtype=float)
    n = at_risk(time, times)
    for k, name in enumerate(causes, start=1):
        if ci is not None and k <= len(ci.cinc):
            est = np.asarray(ci.cinc[k - 1], dtype=float)
            se = np.asarray(ci.cinc_se[k - 1], dtype=float)
        else:  # a cause above the highest code seen has no events
            est = np.zeros(len(times))
            se = np.zeros(len(times))
        se = np.where(np.isfinite(se), se, np.nan)
        lo, hi = _loglog_ci(est, se, alpha)
        d = np.bincount(np.searchsorted(times, time[status == k]), minlength=len(times))[: len(times)]
        body = pd.DataFrame(
            {
                "cause": name,
                "time": times,
                "at_risk": n,
                "events": d.astype(np.int64),
                "estimate": est,
                "se": se,
                "lower": lo,
                "upper": hi,
            }
        )
        first = pd.DataFrame(
            [
                {
                    "cause": name,
                    "time": 0.0,
                    "at_risk": len(time),
                    "events": 0,
                    "estimate": 0.0,
                    "se": 0.0,
                    "lower": 0.0,
                    "upper": 0.0,
                }
            ]
        )
        if len(times) and times[0] == 0:
            first = first.iloc[0:0]
        frames.append(pd.concat([first, body], ignore_index=True))
    return pd.concat(frames, ignore_index=True)[["cause", *CURVE_COLUMNS]]


# --------------------------------------------------------------------------- reading curves


def value_at(curve: pd.DataFrame, t: float, column: str = "estimate") -> float:
    """The step function ``column`` at time ``t`` (the last row at or before t); NaN beyond the curve's end.

    ``curve`` is one curve (one cause) sorted by time, as from :func:`kaplan_meier`
    or :func:`truncate`; its ``attrs["end"]`` (set by :func:`truncate`) is the
    last time it is defined, else its last row's time.
    """
    end = curve.attrs.get("end", curve["time"].iloc[-1] if len(curve) else np.nan)
    if not len(curve) or t > end:
        return float("nan")
    i = np.searchsorted(curve["time"].to_numpy(dtype=float), t, side="right") - 1
    return float(curve[column].iloc[i]) if i >= 0 else float("nan")


def truncate(curve: pd.DataFrame, time, *, min_at_risk: int = MIN_AT_RISK, entry=None) -> pd.DataFrame:
    """A curve cut where fewer than ``min_at_risk`` subjects remain at risk.

    The curve is kept up to the last time at which at least ``min_at_risk``
    subjects are still followed (the ``min_at_risk``-th longest follow-up
    time, without delayed entry), and a flat last row is added there so the
    step is drawn to that point. ``attrs["end"]`` holds that time (NaN when
    fewer than ``min_at_risk`` subjects are there at all, and the curve is
    empty).

    Parameters
    ----------
    curve : pandas.DataFrame
        One curve (one cause), columns :data:`CURVE_COLUMNS`.
    time : array-like
        The follow-up times the curve was estimated from.
    """
    t = np.sort(np.asarray(time, dtype=float))[::-1]
    if entry is not None:
        grid = np.unique(np.concatenate([[0.0], t]))
        ok = grid[at_risk(time, grid, entry) >= min_at_risk]
        end = float(ok.max()) if len(ok) else float("nan")
    else:
        end = float(t[min_at_risk - 1]) if len(t) >= min_at_risk else float("nan")
    if np.isnan(end):
        out = curve.iloc[0:0].copy()
        out.attrs["end"] = end
        return out
    kept = curve[curve["time"] <= end].copy()
    if len(kept) and kept["time"].iloc[-1] < end:
        last = kept.iloc[[-1]].copy()
        last["time"] = end
        last["events"] = 0
        last["at_risk"] = int(at_risk(time, [end], entry)[0])
        kept = pd.concat([kept, last], ignore_index=True)
    kept = kept.reset_index(drop=True)
    kept.attrs["end"] = end
    return kept


# --------------------------------------------------------------------------- Cox proportional hazards


def design_matrix(frame: pd.DataFrame, categorical: Mapping[str, str], numeric: Sequence[str] = ()) -> pd.DataFrame:
    """Treatment-coded design: one 0/1 column ``"var: level"`` per non-reference level, then the numeric columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per subject.
    categorical : mapping
        Column -> its reference level (which gets no column). Levels are taken
        in order of first appearance after sorting, so the design is
        deterministic.
    numeric : sequence of str
        Columns used as they are.
    """
    cols = {}
    for var, ref in categorical.items():
        values = frame[var].astype(str)
        if ref not in set(values):
            raise ValueError(f"reference level {ref!r} of {var!r} is not in the data")
        for level in sorted(set(values) - {ref}):
            cols[f"{var}: {level}"] = (values == level).astype(float).to_numpy()
    for var in numeric:
        cols[var] = frame[var].astype(float).to_numpy()
    return pd.DataFrame(cols, index=frame.index)


@dataclass(frozen=True)
class CoxFit:
    """A fitted Cox model, as tables.

    Attributes
    ----------
    terms : pandas.DataFrame
        One row per design column: term, coef, se, hr, lower, upper (of the
        hazard ratio), p.
    ph : pandas.DataFrame
        :func:`ph_test` of the model.
    n, events : int
        Subjects and events used.
    clusters : int or None
        Number of clusters behind robust standard errors (None: model-based).
    """

    terms: pd.DataFrame
    ph: pd.DataFrame
    n: int
    events: int
    clusters: int | None


def _fit(model: PHReg, groups=None):
    """Fit, turning a convergence warning into :class:`ModelError` (other warnings pass through)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(groups=groups)
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            raise ModelError(f"the Cox model did not converge: {w.message}")
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return res


def cox(  # long: one fit whose options (entry, strata, clusters, groups) each add a recorded step
    time,
    event,
    design: pd.DataFrame,
    *,
    groups=None,
    entry=None,
    strata=None,
    ties: str = "efron",
    alpha: float = 0.05,
    ph_transform: str = "log",
) -> CoxFit:
    """Fit a Cox proportional-hazards model (statsmodels ``PHReg``) and check proportional hazards.

    Parameters
    ----------
    time, event : array-like
        Follow-up time and event indicator (1 event, 0 censored).
    design : pandas.DataFrame
        Covariates (e.g. from :func:`design_matrix`); no constant.
    groups : array-like, optional
        Cluster of each row (e.g. the child, when a child has several periods):
        standard errors are then cluster-robust (sandwich).
    entry : array-like, optional
        Left-truncation times.
    strata : array-like, optional
        Stratum of each row: each stratum has its own baseline hazard (a
        factor that breaks proportional hazards can be a stratum instead of a
        covariate).
    ties : {"efron", "breslow"}
    alpha : float
        1 - confidence level.
    ph_transform : str
        Time transform for :func:`ph_test`.

    Raises
    ------
    ModelError
        If the fit does not converge or a coefficient is not finite.
    """
    time, event = _arrays(time, event)
    n_all, events_all = len(time), int(event.sum())
    x = design.astype(float).to_numpy()
    if groups is not None:  # statsmodels needs numeric cluster labels (text labels give NaN standard errors)
        groups = pd.factorize(np.asarray(groups, dtype=object))[0]
    if strata is not None:
        strata = pd.factorize(np.asarray(strata, dtype=object))[0]
    # A subject censored before the first event time is in no risk set: it adds nothing to the partial
    # likelihood, but statsmodels gives it a NaN score residual, which makes the robust covariance NaN.
    # Leaving such subjects out changes no estimate.
    if event.any() and entry is None:
        if strata is None:
            first = np.full(len(time), time[event > 0].min())
        else:  # the first event time of each row's own stratum (infinite where the stratum has none)
            firsts = pd.Series(time[event > 0]).groupby(strata[event > 0]).min()
            first = pd.Series(strata).map(firsts).fillna(np.inf).to_numpy()
        keep = (event > 0) | (time >= first)
        time, event, x = time[keep], event[keep], x[keep]
        groups = None if groups is None else groups[keep]
        strata = None if strata is None else strata[keep]
    model = PHReg(time, x, status=event, entry=entry, strata=strata, ties=ties)
    res = _fit(model, groups=groups)
    # model-based covariance (inverse information) for the PH test, whatever the standard errors are
    naive_cov = np.asarray(res.cov_params()) if groups is None else np.linalg.inv(-model.hessian(res.params))
    params = np.asarray(res.params, dtype=float)
    se = np.asarray(res.bse, dtype=float)
    if not (np.isfinite(params).all() and np.isfinite(se).all()):
        raise ModelError(
            "the Cox model has a coefficient or standard error that is not finite (a category with no events?)"
        )
    z = _z(alpha)
    terms = pd.DataFrame(
        {
            "term": list(design.columns),
            "coef": params,
            "se": se,
            "hr": np.exp(params),
            "lower": np.exp(params - z * se),
            "upper": np.exp(params + z * se),
            "p": 2 * _st.norm.sf(np.abs(params / se)),
        }
    )
    ph = ph_test(
        time, event, list(design.columns), np.asarray(res.schoenfeld_residuals), naive_cov, transform=ph_transform
    )
    clusters = None if groups is None else int(len(pd.unique(np.asarray(groups))))
    return CoxFit(terms=terms, ph=ph, n=n_all, events=events_all, clusters=clusters)


def ph_test(
    time, event, names: Sequence[str], schoenfeld: np.ndarray, cov: np.ndarray, *, transform: str = "log"
) -> pd.DataFrame:
    """Grambsch–Therneau test of proportional hazards from Schoenfeld residuals.

    Under proportional hazards the (scaled) Schoenfeld residuals of a
    covariate show no trend with time. For each covariate the test is the
    score test of a coefficient that changes linearly with g(t) (Grambsch and
    Therneau 1994; the approximation R's ``cox.zph`` used before survival 3.0):

    * scaled residuals ``r* = d r V`` (d events, V the model-based covariance),
    * ``rho``: correlation of ``r*`` with ``g(t) - mean(g)`` over the events,
    * per covariate ``chi2 = (sum (g - gbar) r*_j)^2 / (d V_jj sum (g - gbar)^2)``, 1 df,
    * global ``chi2 = u' V u d / sum (g - gbar)^2`` with ``u = sum (g - gbar) r``, p df.

    Parameters
    ----------
    time, event : array-like
        The model's data.
    names : sequence of str
        Covariate names.
    schoenfeld : numpy.ndarray
        Schoenfeld residuals (n x p; rows without an event are ignored).
    cov : numpy.ndarray
        Model-based covariance of the coefficients (p x p).
    transform : {"log", "identity", "rank"}
        g(t). "log" uses log(t), with t floored at half a unit so a same-day
        event is finite.

    Returns
    -------
    pandas.DataFrame
        term, rho, chi2, df, p; the last row is ``GLOBAL``.
    """
    time, event = _arrays(time, event)
    sel = (event > 0) & np.isfinite(schoenfeld).all(axis=1)
    r = np.asarray(schoenfeld, dtype=float)[sel]
    t = time[sel]
    g = {"log": lambda v: np.log(np.maximum(v, 0.5)), "identity": lambda v: v, "rank": lambda v: _st.rankdata(v)}[
        transform
    ](t)
    d = len(t)
    xx = g - g.mean()
    sxx = float((xx**2).sum())
    cov = np.atleast_2d(cov)
    rows = []
    if d < 2 or sxx == 0:
        for name in names:
            rows.append({"term": name, "rho": np.nan, "chi2": np.nan, "df": 1, "p": np.nan})
        rows.append({"term": "GLOBAL", "rho": np.nan, "chi2": np.nan, "df": len(names), "p": np.nan})
        return pd.DataFrame(rows)
    scaled = r @ cov * d
    test = xx @ scaled
    for j, name in enumerate(names):
        chi2 = float(test[j] ** 2 / (cov[j, j] * d * sxx))
        sd = scaled[:, j].std()
        rho = float(np.corrcoef(xx, scaled[:, j])[0, 1]) if sd > 0 else np.nan
        rows.append({"term": name, "rho": rho, "chi2": chi2, "df": 1, "p": float(_st.chi2.sf(chi2, 1))})
    u = xx @ r
    chi2 = float(u @ cov @ u * d / sxx)
    rows.append(
        {"term": "GLOBAL", "rho": np.nan, "chi2": chi2, "df": len(names), "p": float(_st.chi2.sf(chi2, len(names)))}
    )
    return pd.DataFrame(rows)
