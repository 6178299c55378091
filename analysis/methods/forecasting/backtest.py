"""Back test: both forecasts fitted to the past and scored on years whose outcome is known."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.methods.forecasting.ets import ets_forecast
from analysis.methods.forecasting.markov import fit, simulate, snapshot


def mape(forecast, actual) -> float:
    """Mean absolute percentage error, in percent: mean of ``|forecast - actual| / actual`` times 100.

    Raises
    ------
    ValueError
        Different lengths, no values, or an actual value of zero or less.
    """
    f = np.asarray(forecast, dtype=float)
    a = np.asarray(actual, dtype=float)
    if f.shape != a.shape or f.size == 0:
        raise ValueError("mape() needs forecasts and actuals of the same, non-zero length")
    if (a <= 0).any():
        raise ValueError("mape() needs actual values above zero")
    return float(np.mean(np.abs(f - a) / a) * 100)


def inside(lower, upper, actual) -> int:
    """How many actual values fall within their [lower, upper] interval (ends included)."""
    a = np.asarray(actual, dtype=float)
    return int(((a >= np.asarray(lower, dtype=float)) & (a <= np.asarray(upper, dtype=float))).sum())


@dataclass(frozen=True)
class Backtest:
    """Both models fitted to data up to ``cut_year`` and scored on the years after it.

    Attributes
    ----------
    cut_year : int
        Last year the models learned from (the paper's year minus 3).
    years : tuple of int
        The years forecast and compared.
    markov : pandas.DataFrame
        ``year``, ``actual`` (children of known age looked after on 31 March,
        child-level), ``mean``, ``lower``, ``upper``; empty if not fitted.
    ets : pandas.DataFrame
        ``year``, ``actual`` (DfE published), ``mean``, ``lower``, ``upper``; empty if not fitted.
    mape_markov, mape_ets : float or None
        Mean absolute percentage error (percent), None when not fitted.
    inside_markov, inside_ets : int or None
        Years whose actual fell inside the interval.
    notes : tuple of str
        Why a model could not be tested, or why its test is weak.
    """

    cut_year: int
    years: tuple[int, ...]
    markov: pd.DataFrame
    ets: pd.DataFrame
    mape_markov: float | None
    mape_ets: float | None
    inside_markov: int | None
    inside_ets: int | None
    notes: tuple[str, ...]


def _score(frame: pd.DataFrame) -> tuple[float | None, int | None]:
    ok = frame.dropna(subset=["actual", "mean"])
    ok = ok[ok["actual"] > 0]
    if ok.empty:
        return None, None
    return mape(ok["mean"], ok["actual"]), inside(ok["lower"], ok["upper"], ok["actual"])


def backtest(
    prepared: pd.DataFrame,
    published: pd.Series,
    year: int,
    *,
    history_years: int = 3,
    n: int = 1000,
    seed: int = 2018,
    interval: float = 0.95,
    horizon: int = 3,
) -> Backtest:
    """Fit both models to data up to ``year - horizon``, forecast the next ``horizon`` years, compare.

    The stock-and-flow model (:func:`fit`, :func:`simulate`) is compared with
    the children of known age looked after on each 31 March in the
    child-level data; the exponential-smoothing trend (:func:`ets_forecast`)
    with DfE's published counts. Neither model sees anything after the cut.

    Parameters
    ----------
    prepared : pandas.DataFrame
        The episode model's output (returns up to ``year``).
    published : pandas.Series
        Published children looked after at 31 March, by year (up to ``year``).
    year : int
        The paper's year (t); the cut is t - ``horizon``.

    Returns
    -------
    Backtest
    """
    cut = int(year) - int(horizon)
    years = tuple(range(cut + 1, int(year) + 1))
    notes: list[str] = []
    markov = pd.DataFrame(columns=["year", "actual", "mean", "lower", "upper"])
    try:
        model = fit(prepared, cut, history_years)
    except InputError as exc:
        notes.append(f"The stock-and-flow model could not be back-tested: {exc}")
    else:
        sim = simulate(model, int(horizon), n=n, seed=seed, interval=interval)
        sim = sim[sim["year"].isin(years)].reset_index(drop=True)
        actual = [float((snapshot(prepared, y)["state"] >= 0).sum()) for y in years]
        markov = sim[["year", "mean", "lower", "upper"]].assign(actual=actual)[
            ["year", "actual", "mean", "lower", "upper"]
        ]
        if len(model.learned_from) < int(history_years):
            notes.append(
                f"The back-tested stock-and-flow model learned from {len(model.learned_from)} year"
                f"{'s' if len(model.learned_from) != 1 else ''} of moves, not {int(history_years)}: the "
                "child-level data does not go back further."
            )
    pub = pd.Series(published, dtype=float)
    ets_res = ets_forecast(pub[pub.index <= cut], int(horizon), interval)
    if ets_res.fitted:
        ets = ets_res.forecast.assign(actual=[pub.get(y, np.nan) for y in ets_res.forecast["year"]])
        ets = ets[["year", "actual", "mean", "lower", "upper"]]
        notes.extend(f"Trend back test: {note}" for note in ets_res.notes)
    else:
        ets = pd.DataFrame(columns=["year", "actual", "mean", "lower", "upper"])
        notes.extend(f"The published trend could not be back-tested. {note}" for note in ets_res.notes)
    mm, im = _score(markov) if len(markov) else (None, None)
    me, ie = _score(ets) if len(ets) else (None, None)
    return Backtest(cut, years, markov, ets, mm, me, im, ie, tuple(notes))
