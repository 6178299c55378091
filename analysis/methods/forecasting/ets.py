"""The cross-check: exponential smoothing (additive errors, additive damped trend) on an annual series."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.methods.forecasting.markov import check_interval

#: Fewest published years the damped-trend model is fitted to (it estimates five numbers).
MIN_ETS_YEARS = 4
#: Published years below which the fit is reported as unreliable (reference §4.3: "about 10 annual points").
RELIABLE_ETS_YEARS = 10


@dataclass(frozen=True)
class EtsResult:
    """Exponential smoothing (additive errors, additive damped trend) on an annual series.

    Attributes
    ----------
    history : pandas.Series
        The values fitted to, indexed by year.
    forecast : pandas.DataFrame
        ``year``, ``mean``, ``lower``, ``upper``; empty when nothing could be fitted.
    fitted : bool
        Whether the model was fitted.
    reliable : bool
        False when any of :attr:`notes` applies.
    notes : tuple of str
        Plain-English reasons the fit is unreliable or was not made, each a
        sentence ("The fit is unreliable because ...").
    params : dict
        Smoothing parameters (alpha, beta, phi) and the log-likelihood (loglik) when fitted.
    """

    history: pd.Series
    forecast: pd.DataFrame
    fitted: bool
    reliable: bool
    notes: tuple[str, ...]
    params: dict


def _empty_forecast() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": pd.Series([], dtype="int64"),
            "mean": pd.Series([], dtype=float),
            "lower": pd.Series([], dtype=float),
            "upper": pd.Series([], dtype=float),
        }
    )


def ets_forecast(series: pd.Series, years: int, interval: float = 0.95) -> EtsResult:
    """Forecast an annual series with statsmodels' ``ETSModel`` (additive error, additive damped trend).

    The model is the benchmark the reference suggests for short annual series
    (§4.3). It is fitted to the last run of consecutive years with a value,
    by maximum likelihood from statsmodels' default start and three others
    (smoothing 0.2, 0.5, 0.9), keeping the fit with the highest likelihood,
    because on short series the default start can stop at a poor optimum;
    statsmodels' warnings (a short series, an optimiser that did not converge)
    are caught here and returned as :attr:`EtsResult.notes`, never shown.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by year (NaN or missing years break the run).
    years : int
        Years to forecast after the last year of the series.
    interval : float, default 0.95
        Coverage of the prediction interval (statsmodels' analytic interval).

    Returns
    -------
    EtsResult
        Not fitted (empty forecast, a note why) with fewer than
        :data:`MIN_ETS_YEARS` years or if statsmodels fails.

    Raises
    ------
    InputError
        ``years`` below 1 or ``interval`` not between 0 and 1.
    """
    interval = check_interval(interval)
    if int(years) < 1:
        raise InputError(f"years: must be 1 or more (got {years})")
    s, notes = _unbroken_run(series)
    n = len(s)
    if n < MIN_ETS_YEARS:
        years_text = f"{n} published year{'s' if n != 1 else ''}"
        have = "no published year" if n == 0 else f"only {years_text} ({s.index[0]}-{s.index[-1]})"
        notes.append(
            f"No trend was fitted: there {'is' if n == 1 else 'are'} {have}, and a damped trend needs at "
            f"least {MIN_ETS_YEARS}."
        )
        return EtsResult(s, _empty_forecast(), False, False, tuple(notes), {})
    res, frame, caught, error = _best_fit(s, int(years), interval)
    if res is None:
        notes.append(f"No trend was fitted: statsmodels could not fit the model ({error}).")
        return EtsResult(s, _empty_forecast(), False, False, tuple(notes), {})
    params = {name: float(res.params[i]) for i, name in enumerate(("alpha", "beta", "phi"))}
    params["loglik"] = float(res.llf)
    notes.extend(_fit_notes(s, params, caught))
    out = pd.DataFrame(
        {
            "year": s.index[-1] + np.arange(1, int(years) + 1),
            "mean": frame["mean"].to_numpy(dtype=float),
            "lower": np.maximum(frame["pi_lower"].to_numpy(dtype=float), 0.0),
            "upper": frame["pi_upper"].to_numpy(dtype=float),
        }
    )
    return EtsResult(s, out, True, not notes, tuple(notes), params)


def _unbroken_run(series: pd.Series) -> tuple[pd.Series, list[str]]:
    """The last run of consecutive years with a value, and a note if an earlier gap was dropped."""
    s = pd.Series(series, dtype=float).dropna().sort_index()
    s.index = s.index.astype(int)
    notes: list[str] = []
    if len(s):
        breaks = np.flatnonzero(np.diff(s.index.to_numpy()) != 1)
        if len(breaks):
            kept = s.iloc[breaks[-1] + 1 :]
            notes.append(
                f"Only the unbroken run of years {kept.index[0]}-{kept.index[-1]} is used, because the "
                "series has a gap before it."
            )
            s = kept
    return s, notes


def _best_fit(s: pd.Series, years: int, interval: float):
    """The fit with the highest likelihood from four starts: (result, forecast frame, warnings, error text).

    statsmodels' default start can stop at a poor local optimum on short
    series, so three other starts (smoothing 0.2, 0.5, 0.9) are tried too; the
    result is None (with the error) when no start could be fitted.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    n = len(s)
    y = pd.Series(s.to_numpy(), index=pd.RangeIndex(n))
    model = ETSModel(y, error="add", trend="add", damped_trend=True)
    first, slope = float(y.iloc[0]), float(y.iloc[1] - y.iloc[0])
    starts = [None] + [np.array([a, 0.1 * a, 0.9, first, slope]) for a in (0.2, 0.5, 0.9)]
    fits = []
    for start in starts:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                res = model.fit(start_params=start, disp=False)
                frame = res.get_prediction(start=n, end=n + years - 1).summary_frame(alpha=1 - interval)
            except (ValueError, np.linalg.LinAlgError) as exc:
                fits.append((-np.inf, None, None, [], str(exc)))
                continue
        llf = float(res.llf) if np.isfinite(res.llf) else -np.inf
        fits.append((llf, res, frame, list(caught), ""))
    best = max(range(len(fits)), key=lambda i: (fits[i][0], -i))
    return fits[best][1:]


def _fit_notes(s: pd.Series, params: dict, caught: list) -> list[str]:
    """Plain-English reasons a fitted trend is unreliable (few years, no convergence, flat smoothing, warnings)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    n = len(s)
    notes = []
    if n < RELIABLE_ETS_YEARS:
        notes.append(
            f"The fit is unreliable because it rests on only {n} published years ({s.index[0]}-"
            f"{s.index[-1]}): the model estimates five numbers from them (about {RELIABLE_ETS_YEARS} "
            "years are needed), so its interval understates the uncertainty."
        )
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        notes.append(
            "The fit is unreliable because the estimation did not converge (statsmodels could not "
            "settle on the best parameters)."
        )
    if params["alpha"] < 1e-3 and params["beta"] < 1e-3:
        notes.append(
            "The fit is unreliable because both smoothing parameters are at zero: the model has drawn "
            "one fixed, gently flattening line through the years and its interval reflects only how far "
            "they sit from it."
        )
    others = sorted({str(w.message).split("\n")[0] for w in caught if not issubclass(w.category, ConvergenceWarning)})
    if others:
        notes.append("statsmodels also warned: " + "; ".join(others) + ".")
    return notes
