"""Chapter "How many children will be in care": a stock-and-flow forecast.

The forecast follows the children's social care demand model (see
``../shared/reference/ssda903-and-measures.md`` §3.3 and §4.3) on an annual
step. Each child looked after on 31 March is in one **state**: an age band
(DfE's, :data:`analysis.sources.ssda903.episodes.AGE_BANDS`) and a placement category
(:data:`analysis.sources.ssda903.spec.PLACEMENT_CATEGORIES`). From one 31 March to the
next a child either is still looked after, in some state (ageing happens
naturally: a 15-year-old in "10 to 15" may be in "16 and over" a year later),
or has left care, to **permanence** (adoption, special guardianship, a child
arrangements order or a return home: :data:`analysis.sources.ssda903.spec.PERMANENCE_GROUPS`)
or **another way** (including turning 18). Children who were not looked
after on the first 31 March but are on the second are **entries**.

:func:`fit` learns those probabilities and entry numbers from the child-level
data (the episode model's ``prepared`` table); :func:`project` gives the
expected number of children in each state in later years; :func:`simulate`
adds chance and parameter uncertainty for a prediction interval;
:func:`with_faster_permanence` is the "time to permanence cut" scenario the
business case uses. :func:`ets_forecast` is the cross-check, exponential
smoothing on DfE's published annual counts, and :func:`backtest` tests both
on years whose outcome is known.

Children whose age is unknown (no date of birth) cannot be placed in an age
band: they are left out of the model, and :attr:`Model.unknown_age` says how
many there were on 31 March of the base year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.report.categories import LABELS, age_band
from analysis.report.text import returns_text
from analysis.errors import InputError
from analysis.report import charts, disclosure
from analysis.sources import published
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import spec

# --------------------------------------------------------------------------- states

#: Age bands of the model's states (DfE's bands at 31 March; unknown age is left out).
AGE_BANDS: tuple[str, ...] = tuple(E.AGE_BANDS)
#: Placement categories of the model's states.
CATEGORIES: tuple[str, ...] = tuple(spec.PLACEMENT_CATEGORIES)
#: Every state (age band, placement category), age band first, in report order.
STATES: tuple[tuple[str, str], ...] = tuple((band, cat) for band in AGE_BANDS for cat in CATEGORIES)
#: Names of the two ways out of care, in the order of the last two columns of :attr:`Model.transitions`.
EXITS = ("permanence", "other")

_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class Model:
    """A fitted (or hand-made) annual stock-and-flow model of children looked after.

    Arrays are indexed by :attr:`states`; S is their number. Each row of
    ``stay`` plus ``exit_permanence`` plus ``exit_other`` sums to 1.

    Attributes
    ----------
    base_year : int
        The 31 March the projection starts from (the paper's year).
    states : tuple of (str, str)
        ``(age_band, category)`` of each state.
    start : numpy.ndarray
        (S,) children in each state on 31 March ``base_year``.
    stay : numpy.ndarray
        (S, S) probability that a child in state i on 31 March is looked after,
        in state j, on the next 31 March.
    exit_permanence : numpy.ndarray
        (S,) probability of having left care by the next 31 March to adoption,
        special guardianship, a child arrangements order or a return home.
    exit_other : numpy.ndarray
        (S,) probability of having left care by the next 31 March any other way
        (including turning 18).
    entries : numpy.ndarray
        (S,) expected children a year who are in state j on 31 March but were
        not looked after on the previous 31 March.
    synthetic : bool
        Whether the model was learned from SYNTHETIC data.
    transitions : numpy.ndarray or None
        (S, S + 2) children observed moving from each state (rows) to each
        state, to permanence and to another exit (columns), summed over the
        years learned from. None for a hand-made model. :func:`simulate` uses
        only the row totals (how many children each row was learned from) to
        size its parameter uncertainty.
    entry_counts : numpy.ndarray or None
        (S,) entries observed in each state, summed over the years learned from.
    learned_from : tuple of (int, int)
        The ``(t, t + 1)`` pairs of 31 March snapshots learned from.
    unknown_age : int
        Children looked after on 31 March ``base_year`` left out because their
        age is unknown.
    """

    base_year: int
    states: tuple[tuple[str, str], ...]
    start: np.ndarray
    stay: np.ndarray
    exit_permanence: np.ndarray
    exit_other: np.ndarray
    entries: np.ndarray
    synthetic: bool = False
    transitions: np.ndarray | None = None
    entry_counts: np.ndarray | None = None
    learned_from: tuple[tuple[int, int], ...] = field(default=())
    unknown_age: int = 0

    @property
    def n_states(self) -> int:
        """S, the number of states."""
        return len(self.states)

    @property
    def rows(self) -> np.ndarray:
        """(S, S + 2): each state's probabilities of every state, permanence and another exit."""
        return np.column_stack([self.stay, self.exit_permanence, self.exit_other])

    def state_frame(self) -> pd.DataFrame:
        """The states as a frame with columns ``age_band`` and ``category``."""
        return pd.DataFrame(list(self.states), columns=["age_band", "category"])


# --------------------------------------------------------------------------- building and checking


def _array(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name}: must be numbers (an array of shape {shape})") from None
    if arr.shape != shape:
        raise InputError(f"{name}: must have shape {shape} (one per state), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise InputError(f"{name}: must be finite numbers (no NaN or infinity)")
    if (arr < 0).any():
        raise InputError(f"{name}: must not be negative")
    arr.setflags(write=False)
    return arr


def from_arrays(states, start, stay, exit_permanence, exit_other, entries, base_year, **kw) -> Model:
    """A :class:`Model` from arrays, after checking them.

    Parameters
    ----------
    states : sequence of (str, str)
        ``(age_band, category)`` of each of the S states; distinct.
    start, stay, exit_permanence, exit_other, entries
        As in :class:`Model`: shapes (S,), (S, S), (S,), (S,), (S,).
    base_year : int
        The 31 March the projection starts from.
    **kw
        Other :class:`Model` fields: ``synthetic``, ``transitions`` (S, S + 2),
        ``entry_counts`` (S,), ``learned_from``, ``unknown_age``.

    Returns
    -------
    Model
        Arrays are copied as read-only floats.

    Raises
    ------
    InputError
        A shape is wrong, a value is negative or not finite, states repeat,
        a row of ``stay`` + ``exit_permanence`` + ``exit_other`` does not sum
        to 1 (within 1e-9), or an unknown keyword is given.
    """
    unknown = set(kw) - {"synthetic", "transitions", "entry_counts", "learned_from", "unknown_age"}
    if unknown:
        raise InputError(
            f"from_arrays: unknown field(s) {', '.join(sorted(unknown))}; valid: synthetic, "
            "transitions, entry_counts, learned_from, unknown_age"
        )
    try:
        states = tuple((str(a), str(c)) for a, c in states)
    except (TypeError, ValueError):
        raise InputError("states: must be a sequence of (age_band, category) pairs") from None
    if not states:
        raise InputError("states: at least one state is needed")
    if len(set(states)) != len(states):
        raise InputError("states: each (age_band, category) must appear once")
    s = len(states)
    start_a = _array("start", start, (s,))
    stay_a = _array("stay", stay, (s, s))
    perm_a = _array("exit_permanence", exit_permanence, (s,))
    other_a = _array("exit_other", exit_other, (s,))
    entries_a = _array("entries", entries, (s,))
    total = stay_a.sum(axis=1) + perm_a + other_a
    bad = np.flatnonzero(np.abs(total - 1) > _TOL)
    if len(bad):
        i = bad[0]
        raise InputError(
            f"stay, exit_permanence, exit_other: the probabilities of state {states[i]} sum to {total[i]:.12g}; "
            f"each state's row must sum to 1 (within {_TOL:g}); {len(bad)} state(s) do not"
        )
    extra = dict(kw)
    if extra.get("transitions") is not None:
        extra["transitions"] = _array("transitions", extra["transitions"], (s, s + 2))
    if extra.get("entry_counts") is not None:
        extra["entry_counts"] = _array("entry_counts", extra["entry_counts"], (s,))
    extra["learned_from"] = tuple((int(a), int(b)) for a, b in extra.get("learned_from", ()))
    extra["unknown_age"] = int(extra.get("unknown_age", 0))
    extra["synthetic"] = bool(extra.get("synthetic", False))
    return Model(
        base_year=int(base_year),
        states=states,
        start=start_a,
        stay=stay_a,
        exit_permanence=perm_a,
        exit_other=other_a,
        entries=entries_a,
        **extra,
    )


# --------------------------------------------------------------------------- learning from the child-level data


def snapshot(prepared: pd.DataFrame, year: int) -> pd.DataFrame:
    """Children looked after on 31 March ``year``, each with their model state.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`analysis.sources.ssda903.episodes.prepare`.
    year : int
        The 31 March to look at.

    Returns
    -------
    pandas.DataFrame
        One row per child (:func:`analysis.sources.ssda903.episodes.looked_after_on`):
        CHILD, period_id, age_band, category and ``state`` (index into
        :data:`STATES`; -1 where the age is unknown).
    """
    on = E.looked_after_on(prepared, f"{int(year)}-03-31")
    band = age_band(on["age"]).to_numpy(dtype=object)
    index = {st: i for i, st in enumerate(STATES)}
    cat = on["placement_category"].to_numpy(dtype=object)
    state = np.array([index.get((b, c), -1) for b, c in zip(band, cat)], dtype=np.int64)
    return pd.DataFrame(
        {
            "CHILD": on["CHILD"].to_numpy(dtype=object),
            "period_id": on["period_id"].to_numpy(),
            "age_band": band,
            "category": cat,
            "state": state,
        }
    )


def _data_years(prepared: pd.DataFrame) -> list[int]:
    years = pd.to_numeric(prepared["YEAR"], errors="coerce").dropna().astype(int)
    return sorted(set(years.tolist()))


def _fallback_rows(counts: np.ndarray) -> np.ndarray:
    """Row probabilities; a state no child was in takes its age band's pooled row (else everyone's)."""
    n = counts.sum(axis=1)
    rows = np.zeros_like(counts)
    seen = n > 0
    rows[seen] = counts[seen] / n[seen, None]
    overall = counts.sum(axis=0)
    for i in np.flatnonzero(~seen):
        band = STATES[i][0]
        same = [k for k, st in enumerate(STATES) if st[0] == band]
        pooled = counts[same].sum(axis=0)
        src = pooled if pooled.sum() > 0 else overall
        rows[i] = src / src.sum()
    return rows


def fit(prepared: pd.DataFrame, base_year: int, history_years: int = 3, *, synthetic: bool = False) -> Model:
    """Learn the stock-and-flow model from the child-level data.

    The model learns from the ``history_years`` pairs of consecutive 31 March
    snapshots ending at ``base_year`` ((base_year - history_years, ... + 1),
    ..., (base_year - 1, base_year)), keeping only pairs whose first 31 March
    is covered by the returns (the earliest return's 31 March is the first).
    For each pair (t, t + 1):

    * a child in state i on 31 March t who is looked after on 31 March t + 1
      in state j counts one move i -> j (leaving and coming back in between
      counts as staying);
    * a child in state i on 31 March t who is not looked after on 31 March
      t + 1 counts one exit, to permanence if the period of care current on
      31 March t ended for a reason in :data:`analysis.sources.ssda903.spec.PERMANENCE_GROUPS`,
      otherwise to another exit (independent living, turning 18, unknown...);
    * a child looked after on 31 March t + 1 who was not on 31 March t counts
      one entry to their state.

    Probabilities are the counts over the children in each state, summed
    over the pairs; a state no child was in during the history takes the
    pooled probabilities of its age band (or of all children). Entries are
    averaged over the pairs. Children with unknown age are left out.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`analysis.sources.ssda903.episodes.prepare` (``data.prepared``).
    base_year : int
        The 31 March the projection starts from.
    history_years : int, default 3
        Pairs of snapshots to learn from.
    synthetic : bool, default False
        Whether the data are SYNTHETIC (recorded on the model).

    Returns
    -------
    Model
        Over all of :data:`STATES`, with ``transitions``, ``entry_counts``,
        ``learned_from`` and ``unknown_age`` filled in.

    Raises
    ------
    InputError
        ``history_years`` below 1, ``base_year`` not covered by the returns,
        no pair of snapshots available, or no child of known age in the
        history.
    """
    if int(history_years) < 1:
        raise InputError(f"forecast.history_years: must be a whole number from 1 to 10 (got {history_years})")
    years = _data_years(prepared)
    base_year = int(base_year)
    if not years or base_year not in years:
        have = f"{years[0]}-{years[-1]}" if years else "none"
        raise InputError(
            f"forecast: the child-level data has no return for {base_year} (returns: {have}); "
            "the forecast starts from 31 March of the paper's year"
        )
    firsts = [t for t in range(base_year - int(history_years), base_year) if t >= years[0]]
    if not firsts:
        raise InputError(
            f"forecast: the child-level data starts in {years[0]}, so there is no earlier 31 March "
            f"to learn moves to {base_year} from; at least two years of returns are needed"
        )
    reason = E.periods(prepared).set_index("period_id")["reason_group"]
    s = len(STATES)
    trans = np.zeros((s, s + 2))
    entry = np.zeros(s)
    snaps = {y: snapshot(prepared, y) for y in range(firsts[0], base_year + 1)}
    for t in firsts:
        a, b = snaps[t], snaps[t + 1]
        a = a[a["state"] >= 0]
        b_known = b[b["state"] >= 0]
        moved = a.merge(b[["CHILD", "state"]], on="CHILD", how="left", suffixes=("", "_next"))
        nxt = moved["state_next"]
        stayed = moved[nxt.notna() & (nxt >= 0)]
        np.add.at(trans, (stayed["state"].to_numpy(np.int64), stayed["state_next"].to_numpy(np.int64)), 1)
        left = moved[nxt.isna()]
        group = left["period_id"].map(reason).astype(object).to_numpy()
        to_perm = np.isin(group, list(spec.PERMANENCE_GROUPS))
        np.add.at(trans, (left["state"].to_numpy(np.int64), np.where(to_perm, s, s + 1)), 1)
        new = b_known[~b_known["CHILD"].isin(snaps[t]["CHILD"])]
        np.add.at(entry, new["state"].to_numpy(np.int64), 1)
    if trans.sum() == 0:
        raise InputError(
            f"forecast: no child of known age was looked after on 31 March {firsts[0]}-{base_year - 1}, "
            "so there is nothing to learn the moves from"
        )
    rows = _fallback_rows(trans)
    base = snaps[base_year]
    start = np.bincount(base.loc[base["state"] >= 0, "state"].to_numpy(np.int64), minlength=s).astype(float)
    # rows are counts / n, so they sum to 1 up to rounding: renormalise so the check holds exactly
    rows = rows / rows.sum(axis=1, keepdims=True)
    return from_arrays(
        STATES,
        start,
        rows[:, :s],
        rows[:, s],
        rows[:, s + 1],
        entry / len(firsts),
        base_year,
        synthetic=synthetic,
        transitions=trans,
        entry_counts=entry,
        learned_from=tuple((t, t + 1) for t in firsts),
        unknown_age=int((base["state"] < 0).sum()),
    )


# --------------------------------------------------------------------------- projection and scenarios


def project(model: Model, years: int) -> pd.DataFrame:
    """Expected children looked after on 31 March, state by state, ``years`` years ahead.

    Deterministic: ``n[t + 1] = n[t] @ stay + entries``, starting from
    ``model.start`` in ``model.base_year``.

    Parameters
    ----------
    model : Model
    years : int
        Years after the base year (0 gives the base year only).

    Returns
    -------
    pandas.DataFrame
        Long frame with columns ``year``, ``age_band``, ``category``,
        ``children`` (float): one row per state per year, for ``base_year``
        (equal to ``model.start``) and ``base_year + 1`` .. ``base_year + years``.

    Raises
    ------
    InputError
        If ``years`` is negative.
    """
    if int(years) < 0:
        raise InputError(f"years: must be 0 or more (got {years})")
    n = model.start.astype(float).copy()
    frames = []
    states = model.state_frame()
    for k in range(int(years) + 1):
        if k:
            n = n @ model.stay + model.entries
        frames.append(states.assign(year=model.base_year + k, children=n.copy()))
    out = pd.concat(frames, ignore_index=True)
    return out[["year", "age_band", "category", "children"]]


def with_faster_permanence(model: Model, cut: float) -> Model:
    """The model with the time children take to reach permanence cut by ``cut``.

    A cut of ``cut`` multiplies the permanence exit hazard by ``1 / (1 - cut)``
    (a 20% shorter time means a 25% higher hazard), so the yearly probability
    becomes ``p' = 1 - (1 - p) ** (1 / (1 - cut))``. The extra probability is
    taken from the ``stay`` row in proportion to its entries (capped at the
    whole of it, where a row has less left to give); ``exit_other``, ``start``
    and ``entries`` are unchanged, and every row still sums to 1.

    Parameters
    ----------
    model : Model
    cut : float
        Share by which time to permanence is cut, 0 <= cut < 1 (0 changes nothing).

    Returns
    -------
    Model

    Raises
    ------
    InputError
        If ``cut`` is not a number from 0 up to (not including) 1.
    """
    try:
        cut = float(cut)
    except (TypeError, ValueError):
        raise InputError(f"cut: must be a number from 0 up to (not including) 1 (got {cut!r})") from None
    if not (0 <= cut < 1):
        raise InputError(f"cut: must be a number from 0 up to (not including) 1 (got {cut!r})")
    if cut == 0:
        return model
    p = model.exit_permanence
    target = 1 - (1 - p) ** (1 / (1 - cut))
    stay_total = model.stay.sum(axis=1)
    extra = np.clip(target - p, 0, stay_total)
    keep = np.divide(stay_total - extra, stay_total, out=np.ones_like(stay_total), where=stay_total > 0)
    stay = model.stay * keep[:, None]
    perm = 1 - stay.sum(axis=1) - model.exit_other  # = p + extra, exactly as the rows require
    perm = np.clip(perm, 0, 1)
    return from_arrays(
        model.states,
        model.start,
        stay,
        perm,
        model.exit_other,
        model.entries,
        model.base_year,
        synthetic=model.synthetic,
        transitions=model.transitions,
        entry_counts=model.entry_counts,
        learned_from=model.learned_from,
        unknown_age=model.unknown_age,
    )


# --------------------------------------------------------------------------- simulation


def _interval_check(interval: float) -> float:
    try:
        interval = float(interval)
    except (TypeError, ValueError):
        raise InputError(f"interval: must be a number above 0 and below 1 (got {interval!r})") from None
    if not (0 < interval < 1):
        raise InputError(f"interval: must be a number above 0 and below 1 (got {interval!r})")
    return interval


def simulate(model: Model, years: int, n: int = 1000, seed: int = 2018, interval: float = 0.95) -> pd.DataFrame:
    """Simulated futures of the total number of children looked after, with a prediction interval.

    Each simulated future first draws its own parameters, then runs year by
    year:

    * **parameter uncertainty**: each state's row of probabilities (stay in
      every state, permanence, other exit) is drawn from a Dirichlet
      distribution with parameters ``(m + 1) * row``, where ``m`` is the
      number of children the row was learned from
      (``model.transitions.sum(axis=1)``); its mean is the model's row, and
      a probability the model puts at zero stays zero. Each state's entry
      rate is drawn from a gamma distribution with shape ``k * entries`` and
      scale ``1 / k``, k the number of years learned from (the posterior of a
      Poisson rate seen k times), whose mean is ``entries``. A hand-made
      model (no ``transitions`` or ``learned_from``) has fixed parameters.
    * **chance**: each year the children in each state are shared out among
      the states and the two exits by a multinomial draw, and new entries to
      each state are a Poisson draw.

    The starting numbers are rounded to whole children.

    Parameters
    ----------
    model : Model
    years : int
        Years after the base year.
    n : int, default 1000
        Simulated futures.
    seed : int, default 2018
        Seed of the random generator (same seed, same answer).
    interval : float, default 0.95
        Coverage of the prediction interval.

    Returns
    -------
    pandas.DataFrame
        One row per year from ``base_year`` to ``base_year + years``: ``year``,
        ``mean``, ``median``, ``lower``, ``upper`` (the central ``interval`` of
        the simulated totals; all equal to the start in the base year).

    Raises
    ------
    InputError
        ``years`` negative, ``n`` below 1 or ``interval`` not between 0 and 1.
    """
    interval = _interval_check(interval)
    if int(years) < 0:
        raise InputError(f"years: must be 0 or more (got {years})")
    if int(n) < 1:
        raise InputError(f"simulations: must be 1 or more (got {n})")
    n, years, s = int(n), int(years), model.n_states
    rng = np.random.default_rng(int(seed))
    rows = model.rows
    if model.transitions is not None:
        size = model.transitions.sum(axis=1)
        draws = rng.gamma(rows * (size + 1)[:, None], size=(n, s, s + 2))
        total = draws.sum(axis=2, keepdims=True)
        probs = np.where(total > 0, draws / np.where(total > 0, total, 1), rows[None])
    else:
        probs = np.broadcast_to(rows, (n, s, s + 2))
    probs = probs / probs.sum(axis=2, keepdims=True)
    k = len(model.learned_from)
    rate = rng.gamma(model.entries * k, 1 / k, size=(n, s)) if k else np.broadcast_to(model.entries, (n, s))
    counts = np.broadcast_to(np.rint(model.start).astype(np.int64), (n, s)).copy()
    totals = np.zeros((n, years + 1))
    totals[:, 0] = counts.sum(axis=1)
    for year in range(1, years + 1):
        nxt = rng.poisson(rate)
        for i in np.flatnonzero(counts.any(axis=0)):
            nxt += rng.multinomial(counts[:, i], probs[:, i, :])[:, :s]
        counts = nxt
        totals[:, year] = counts.sum(axis=1)
    tail = (1 - interval) / 2
    return pd.DataFrame(
        {
            "year": model.base_year + np.arange(years + 1),
            "mean": totals.mean(axis=0),
            "median": np.quantile(totals, 0.5, axis=0),
            "lower": np.quantile(totals, tail, axis=0),
            "upper": np.quantile(totals, 1 - tail, axis=0),
        }
    )


# --------------------------------------------------------------------------- the cross-check: exponential smoothing

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
    import warnings

    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    interval = _interval_check(interval)
    if int(years) < 1:
        raise InputError(f"years: must be 1 or more (got {years})")
    s = pd.Series(series, dtype=float).dropna().sort_index()
    s.index = s.index.astype(int)
    notes: list[str] = []
    if len(s):
        idx = s.index.to_numpy()
        breaks = np.flatnonzero(np.diff(idx) != 1)
        if len(breaks):
            kept = s.iloc[breaks[-1] + 1 :]
            notes.append(
                f"Only the unbroken run of years {kept.index[0]}-{kept.index[-1]} is used, because the "
                "series has a gap before it."
            )
            s = kept
    n = len(s)
    if n < MIN_ETS_YEARS:
        have = (
            "no published year"
            if n == 0
            else f"only {n} published year{'s' if n != 1 else ''} ({s.index[0]}-{s.index[-1]})"
        )
        notes.append(
            f"No trend was fitted: there {'is' if n == 1 else 'are'} {have}, and a damped trend needs at "
            f"least {MIN_ETS_YEARS}."
        )
        return EtsResult(s, _empty_forecast(), False, False, tuple(notes), {})
    y = pd.Series(s.to_numpy(), index=pd.RangeIndex(n))
    model = ETSModel(y, error="add", trend="add", damped_trend=True)
    first, slope = float(y.iloc[0]), float(y.iloc[1] - y.iloc[0])
    # statsmodels' default start can stop at a poor local optimum: try a few starts, keep the best likelihood
    starts = [None] + [np.array([a, 0.1 * a, 0.9, first, slope]) for a in (0.2, 0.5, 0.9)]
    fits = []
    for start in starts:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                res = model.fit(start_params=start, disp=False)
                frame = res.get_prediction(start=n, end=n + int(years) - 1).summary_frame(alpha=1 - interval)
            except (ValueError, np.linalg.LinAlgError) as exc:
                fits.append((-np.inf, None, None, [], str(exc)))
                continue
        llf = float(res.llf) if np.isfinite(res.llf) else -np.inf
        fits.append((llf, res, frame, list(caught), ""))
    best = max(range(len(fits)), key=lambda i: (fits[i][0], -i))
    _, res, frame, caught, error = fits[best]
    if res is None:
        notes.append(f"No trend was fitted: statsmodels could not fit the model ({error}).")
        return EtsResult(s, _empty_forecast(), False, False, tuple(notes), {})
    params = {name: float(res.params[i]) for i, name in enumerate(("alpha", "beta", "phi"))}
    params["loglik"] = float(res.llf)
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
    out = pd.DataFrame(
        {
            "year": s.index[-1] + np.arange(1, int(years) + 1),
            "mean": frame["mean"].to_numpy(dtype=float),
            "lower": np.maximum(frame["pi_lower"].to_numpy(dtype=float), 0.0),
            "upper": frame["pi_upper"].to_numpy(dtype=float),
        }
    )
    return EtsResult(s, out, True, not notes, tuple(notes), params)


# --------------------------------------------------------------------------- back test


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


# --------------------------------------------------------------------------- the chapter

#: Phrase in the caption of every table or chart built from child-level data.
CHILD_LEVEL = "child-level data"
#: What a key figure shows when its value is suppressed or could not be worked out.
SUPPRESSED = "suppressed"
NOT_AVAILABLE = "not available"
ALL_AGES = "all ages"
ALL_CHILDREN = "all children"
#: Colours of the chart's series (house palette).
_SERIES = {
    "published": charts.COLOURS["la"],
    "markov": charts.COLOURS["neighbours"],
    "ets": charts.COLOURS["region"],
    "later": charts.COLOURS["england"],
}


@dataclass(frozen=True)
class Outlook:
    """Everything the chapter shows, worked out once for a paper.

    Attributes
    ----------
    year : int
        The paper's year (the model's base year).
    horizon : int
        Years forecast (``forecast.years_ahead``).
    interval : float
        Coverage of the prediction intervals.
    simulations : int
        Simulated futures behind the stock-and-flow interval.
    la_name : str
    model : Model
        Fitted to the child-level data up to the paper's year.
    projection : pandas.DataFrame
        :func:`project` of the model over the horizon (expected numbers by state).
    sim : pandas.DataFrame
        :func:`simulate`: total with its prediction interval by year.
    ets : EtsResult
        The trend fitted to the published series up to the paper's year.
    backtest : Backtest
    published : pandas.Series
        DfE's children looked after at 31 March, ``first_year`` to the paper's year.
    later : pandas.Series
        DfE's figures for the forecast years, published after the paper (may be empty).
    child_history : pandas.Series
        Children of known age looked after at 31 March in the child-level data, by year (not yet suppressed).
    """

    year: int
    horizon: int
    interval: float
    simulations: int
    la_name: str
    model: Model
    projection: pd.DataFrame
    sim: pd.DataFrame
    ets: EtsResult
    backtest: Backtest
    published: pd.Series
    later: pd.Series
    child_history: pd.Series

    @property
    def synthetic(self) -> bool:
        """Whether the child-level data are SYNTHETIC."""
        return self.model.synthetic

    @property
    def tag(self) -> str:
        """Marks a child-level caption: "(child-level data, SYNTHETIC)"."""
        return f"({CHILD_LEVEL}, SYNTHETIC)" if self.synthetic else f"({CHILD_LEVEL})"

    @property
    def year3(self) -> int:
        """The year three years after the paper's."""
        return self.year + 3

    @property
    def learned(self) -> str:
        """The years learned from as text, e.g. "31 March 2014 to 31 March 2017"."""
        pairs = self.model.learned_from
        return f"31 March {pairs[0][0]} to 31 March {pairs[-1][1]}"

    @property
    def source(self) -> str:
        """The source sentence of every child-level chart caption."""
        return (
            f"Source: {CHILD_LEVEL} from {returns_text(self.synthetic)}; DfE, Children looked after in England including adoptions "
            "(published figures). Counts of 1 to 5 children are suppressed (c)."
        )


def outlook(ctx, data) -> Outlook:
    """Fit, project, simulate, cross-check and back-test for a paper.

    Parameters
    ----------
    ctx : analysis.report.context.Context
        The run context (paper, published table, authority).
    data : analysis.sources.ssda903.context.ChildData
        The paper's child-level data (returns up to the paper's year).

    Returns
    -------
    Outlook

    Raises
    ------
    InputError
        If the child-level data cannot support the model (see :func:`fit`).
    """
    f = ctx.paper.forecast
    year = ctx.year
    model = fit(data.prepared, year, f.history_years, synthetic=data.synthetic)
    series = published.series(ctx.table, "cla_31_march", old_la_code=ctx.la.old_la_code)
    pub = series[(series.index >= ctx.first_year) & (series.index <= year)]
    later = series[(series.index > year) & (series.index <= year + f.years_ahead)].dropna()
    child_years = [y for y in data.years if ctx.first_year <= y <= year]
    child = pd.Series(
        [float((snapshot(data.prepared, y)["state"] >= 0).sum()) for y in child_years], index=child_years, dtype=float
    )
    return Outlook(
        year=year,
        horizon=f.years_ahead,
        interval=f.interval,
        simulations=f.simulations,
        la_name=ctx.la.la_name,
        model=model,
        projection=project(model, f.years_ahead),
        sim=simulate(model, f.years_ahead, n=f.simulations, seed=f.seed, interval=f.interval),
        ets=ets_forecast(pub, f.years_ahead, f.interval),
        backtest=backtest(
            data.prepared, pub, year, history_years=f.history_years, n=f.simulations, seed=f.seed, interval=f.interval
        ),
        published=pub,
        later=later,
        child_history=child,
    )


# --------------------------------------------------------------------------- counts for the page


def _safe(value) -> int | str:
    """A whole number of children for the page, or :data:`SUPPRESSED` if it is 1 to 5."""
    v = int(round(float(value)))
    return SUPPRESSED if disclosure.is_small([v])[0] else v


def _num(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not pd.isna(value)


def _fmt(value) -> str:
    """A count for a sentence: "1,234", or the reason there is none."""
    return f"{value:,.0f}" if _num(value) else str(value)


def flows_counts(o: Outlook) -> pd.DataFrame:
    """Children by age band: looked after at the start, entries and exits over the years learned from.

    Rows: the age bands and :data:`ALL_AGES`. Columns: children looked after
    on 31 March of the paper's year; entries (counted in the age band they
    were in on the later 31 March); left to permanence and left another way
    (counted in the age band they were in on the earlier 31 March), each summed
    over the pairs of years learned from. Not suppressed.
    """
    m = o.model
    s = m.n_states
    band = np.array([st[0] for st in m.states], dtype=object)
    span = f"{m.learned_from[0][0]} to {m.learned_from[-1][1]}"
    cols = {
        f"Looked after 31 March {m.base_year}": m.start,
        f"Came into care ({span})": m.entry_counts,
        f"Left to permanence ({span})": m.transitions[:, s],
        f"Left another way ({span})": m.transitions[:, s + 1],
    }
    rows = {b: [float(v[band == b].sum()) for v in cols.values()] for b in AGE_BANDS}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(cols))
    out.loc[ALL_AGES] = out.sum(axis=0)
    return out


def flows_table(o: Outlook) -> disclosure.Suppressed:
    """:func:`flows_counts` after disclosure control (the age bands add up to all ages)."""
    return disclosure.suppress(flows_counts(o), total_row=ALL_AGES)


def projection_counts(o: Outlook) -> pd.DataFrame:
    """Children by age band and by placement category: actual at the paper's year, then projected (rounded).

    Rows: the age bands, the placement categories and :data:`ALL_CHILDREN`;
    columns: the paper's year (actual, child-level) and each forecast year
    (the model's expected number, rounded to whole children). Not suppressed.
    """
    p = o.projection.assign(children=o.projection["children"].round())
    by_band = p.pivot_table(index="age_band", columns="year", values="children", aggfunc="sum").reindex(list(AGE_BANDS))
    by_cat = p.pivot_table(index="category", columns="year", values="children", aggfunc="sum").reindex(list(CATEGORIES))
    total = o.projection.groupby("year")["children"].sum().round()
    out = pd.concat([by_band, by_cat, total.to_frame(ALL_CHILDREN).T]).fillna(0.0)
    out.columns = [f"{y} (actual)" if y == o.year else f"{y} (projected)" for y in out.columns]
    return out


def projection_table(o: Outlook) -> disclosure.Suppressed:
    """:func:`projection_counts` after disclosure control (age bands and categories each add up to the total)."""
    counts = projection_counts(o)
    sums = [("rows", [*AGE_BANDS, ALL_CHILDREN]), ("rows", [*CATEGORIES, ALL_CHILDREN])]
    return disclosure.suppress(counts, sums=sums)


# --------------------------------------------------------------------------- findings and key figures


def _at(frame: pd.DataFrame, year: int) -> pd.Series | None:
    rows = frame[frame["year"] == year]
    return None if rows.empty else rows.iloc[0]


def headline(o: Outlook, year: int | None = None) -> dict:
    """The stock-and-flow forecast for one year (default: three years on), as page-safe whole numbers."""
    year = o.year3 if year is None else year
    row = _at(o.sim, year)
    return {"year": year, "mean": _safe(row["mean"]), "lower": _safe(row["lower"]), "upper": _safe(row["upper"])}


def _ets_at(o: Outlook, year: int) -> dict:
    row = _at(o.ets.forecast, year) if o.ets.fitted else None
    if row is None:
        return {"mean": NOT_AVAILABLE, "lower": NOT_AVAILABLE, "upper": NOT_AVAILABLE}
    return {"mean": int(round(row["mean"])), "lower": int(round(row["lower"])), "upper": int(round(row["upper"]))}


def _later_inside(o: Outlook, frame: pd.DataFrame) -> tuple[int, int]:
    years = [y for y in o.later.index if _at(frame, y) is not None]
    if not years:
        return 0, 0
    rows = frame.set_index("year").loc[years]
    return inside(rows["lower"], rows["upper"], o.later.loc[years]), len(years)


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first} to {last}"


def _how_many(n) -> str:
    """ "12 children", or "Between 1 and 5 children" when the count is suppressed."""
    v = _safe(n)
    return "Between 1 and 5 children" if v == SUPPRESSED else f"{v:,} {'child' if v == 1 else 'children'}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _about(h: dict, pct: str = "", *, bold: bool = False) -> str:
    """ "about **731** children (between 659 and 803, a 95% prediction interval)", or a note that it is small."""
    if not all(_num(h[k]) for k in ("mean", "lower", "upper")):
        return "a handful of children (fewer than 6 or too close to it to show: small numbers are suppressed)"
    mean = f"**{h['mean']:,}**" if bold else f"{h['mean']:,}"
    what = f", a {pct} prediction interval" if pct else ""
    return f"about {mean} children (between {h['lower']:,} and {h['upper']:,}{what})"


def findings(o: Outlook) -> list[str]:
    """The chapter's findings, each a plain-English sentence generated from the numbers."""
    pct = f"{o.interval * 100:.0f}%"
    h = headline(o)
    end = headline(o, o.year + o.horizon)
    start = _safe(o.model.start.sum())
    data_word = "SYNTHETIC child-level data" if o.synthetic else "child-level data"
    out = []
    if _num(h["mean"]) and _num(start):
        diff = h["mean"] - start
        change = (
            f", {abs(diff):,.0f} {'more' if diff > 0 else 'fewer'} than the {start:,} on 31 March {o.year}"
            if diff
            else f", the same as on 31 March {o.year}"
        )
    else:
        change = f" (the number on 31 March {o.year} is {_fmt(start)})"
    out.append(
        f"If the patterns of {o.learned} continue, {_about(h, pct, bold=True)} will be looked after on 31 March "
        f"{h['year']}{change}; by 31 March {end['year']}, {_about(end, pct)}. This is the stock-and-flow model, "
        f"from {data_word}."
    )
    fl = flows_table(o)
    shown = fl.values.loc[ALL_AGES]
    k = len(o.model.learned_from)
    cols = list(fl.values.columns)
    if not fl.mask.loc[ALL_AGES].any():
        entries, perm, other = shown[cols[1]] / k, shown[cols[2]] / k, shown[cols[3]] / k
        steps = np.diff(o.projection.groupby("year")["children"].sum().to_numpy())
        if len(steps) and (steps > 0).all():
            path = "rise" + (
                ", more slowly each year, as more children in care means more leaving"
                if (np.diff(steps) < 0).all()
                else " each year"
            )
        elif len(steps) and (steps < 0).all():
            path = "fall" + (", more slowly each year" if (np.diff(steps) > 0).all() else " each year")
        else:
            path = "change little overall"
        balance = (
            "more children came in than left"
            if entries > perm + other
            else "fewer children came in than left"
            if entries < perm + other
            else "as many children came in as left"
        )
        out.append(
            f"Over those {k} year{'s' if k != 1 else ''}, each year about {entries:,.0f} children came into care "
            f"(and were still looked after on the next 31 March), {perm:,.0f} left to adoption, special "
            f"guardianship, a child arrangements order or home, and {other:,.0f} left another way (including at "
            f"18): {balance}, and if that continues the expected number will {path} ({data_word})."
        )
    e = _ets_at(o, o.year3)
    span = f"{o.published.index.min()} to {o.published.index.max()}" if len(o.published) else "no years"
    if o.ets.fitted:
        out.append(
            f"A damped trend fitted to DfE's published numbers for {o.la_name} ({span}) gives about "
            f"**{_fmt(e['mean'])}** for 31 March {o.year3} (between {_fmt(e['lower'])} and {_fmt(e['upper'])}). "
            + " ".join(o.ets.notes)
        )
    else:
        out.append(
            f"No trend could be fitted to DfE's published numbers for {o.la_name} ({span}). " + " ".join(o.ets.notes)
        )
    bt = o.backtest
    tested = f"fitted to data up to 31 March {bt.cut_year} and asked for {_years(bt.years[0], bt.years[-1])}"
    parts = []
    if bt.mape_markov is not None:
        parts.append(
            f"the stock-and-flow model was out by {bt.mape_markov:.0f}% on average, and the actual number "
            f"fell inside its interval in {bt.inside_markov} of {_plural(len(bt.markov), 'year')}"
        )
    else:
        parts.append("the stock-and-flow model could not be tested")
    if bt.mape_ets is not None:
        parts.append(
            f"the published trend was out by {bt.mape_ets:.0f}% (inside its interval in "
            f"{bt.inside_ets} of {_plural(len(bt.ets), 'year')})"
        )
    else:
        parts.append("the published trend could not be tested (too few published years before the cut)")
    out.append(f"Tested on the past ({tested}), " + "; ".join(parts) + ".")
    if len(o.later):
        listed = ", ".join(f"{v:,.0f} in {y}" for y, v in o.later.items())
        km, nm = _later_inside(o, o.sim)
        ke, ne = _later_inside(o, o.ets.forecast) if o.ets.fitted else (0, 0)
        trend = f", and inside the trend's in {ke} of {ne}" if ne else ""
        out.append(
            f"What happened next: after the paper, DfE published {listed}. These fell inside the stock-and-flow "
            f"model's interval in {km} of {_plural(nm, 'year')}{trend}. They were not known when the paper was "
            "written."
        )
    else:
        out.append(
            f"DfE figures for the years after {o.year} are not yet in the published data this report uses, "
            "so the forecast cannot yet be checked against what happened."
        )
    if o.model.unknown_age:
        out.append(
            f"{_how_many(o.model.unknown_age)} looked after on 31 March {o.year} had no date of birth in "
            "the data, so no age band, and are left out of the model."
        )
    return out


def findings_markdown(o: Outlook) -> str:
    """The findings as a Markdown bullet list."""
    return "\n".join(f"- {line}" for line in findings(o))


def key_figures(o: Outlook) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`.

    Child-level counts are whole children, or the text "suppressed"; figures
    that could not be worked out are the text "not available".
    """
    h = headline(o)
    e = _ets_at(o, o.year3)
    bt = o.backtest
    data_word = "SYNTHETIC child-level data" if o.synthetic else "child-level data"
    pct = f"{o.interval * 100:.0f}%"
    later3 = o.later.get(o.year3)
    rnd = lambda v: round(v, 1) if v is not None else NOT_AVAILABLE  # noqa: E731
    return [
        {
            "name": "forecast_year_3",
            "value": o.year3,
            "unit": "year",
            "label": "The year the three-year forecasts are for (31 March)",
        },
        {
            "name": "forecast_cla_base",
            "value": _safe(o.model.start.sum()),
            "unit": "children",
            "label": f"Children of known age looked after on 31 March {o.year}, where the forecast starts ({data_word})",
        },
        {
            "name": "forecast_cla_in_3_years",
            "value": h["mean"],
            "unit": "children",
            "label": f"Stock-and-flow forecast of children looked after on 31 March {o.year3}: mean of the simulated "
            f"futures ({data_word})",
        },
        {
            "name": "forecast_cla_in_3_years_lower",
            "value": h["lower"],
            "unit": "children",
            "label": f"Lower end of the {pct} prediction interval of that forecast",
        },
        {
            "name": "forecast_cla_in_3_years_upper",
            "value": h["upper"],
            "unit": "children",
            "label": f"Upper end of the {pct} prediction interval of that forecast",
        },
        {
            "name": "forecast_ets_in_3_years",
            "value": e["mean"],
            "unit": "children",
            "label": f"Damped-trend (exponential smoothing) forecast of children looked after on 31 March {o.year3}, "
            "from DfE's published numbers",
        },
        {
            "name": "forecast_ets_in_3_years_lower",
            "value": e["lower"],
            "unit": "children",
            "label": f"Lower end of the {pct} prediction interval of the damped-trend forecast",
        },
        {
            "name": "forecast_ets_in_3_years_upper",
            "value": e["upper"],
            "unit": "children",
            "label": f"Upper end of the {pct} prediction interval of the damped-trend forecast",
        },
        {
            "name": "forecast_history_years",
            "value": len(o.model.learned_from),
            "unit": "years",
            "label": f"Years of moves (31 March to 31 March) the stock-and-flow model learned from ({o.learned})",
        },
        {
            "name": "forecast_backtest_mape_markov",
            "value": rnd(bt.mape_markov),
            "unit": "percent",
            "label": f"Back test: mean absolute percentage error of the stock-and-flow model fitted to data up to "
            f"{bt.cut_year} and forecasting {bt.years[0]}-{bt.years[-1]} ({data_word})",
        },
        {
            "name": "forecast_backtest_mape_ets",
            "value": rnd(bt.mape_ets),
            "unit": "percent",
            "label": f"Back test: mean absolute percentage error of the damped trend fitted to published numbers up "
            f"to {bt.cut_year} and forecasting {bt.years[0]}-{bt.years[-1]}",
        },
        {
            "name": "forecast_later_actual_year_3",
            "value": NOT_AVAILABLE if later3 is None else int(later3),
            "unit": "children",
            "label": f"Children looked after on 31 March {o.year3} as DfE later published it (after the paper)",
        },
    ]


def unknown_age_note(o: Outlook) -> str:
    """How many children the model leaves out for unknown age (a sentence)."""
    n = o.model.unknown_age
    if n == 0:
        return f"Every child looked after on 31 March {o.year} has a date of birth, so none is left out."
    return (
        f"{_how_many(n)} looked after on 31 March {o.year} had no date of birth, so no age band: they are "
        "left out of the model, and the forecast is short by about that many."
    )


# --------------------------------------------------------------------------- charts and tables


def _band(fig: go.Figure, x, lower, upper, colour: str, name: str, group: str) -> None:
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    fig.add_trace(
        go.Scatter(
            x=list(x) + list(x)[::-1],
            y=list(upper) + list(lower)[::-1],
            fill="toself",
            fillcolor=f"rgba({rgb[0]},{rgb[1]},{rgb[2]},0.18)",
            line={"width": 0},
            mode="lines",
            name=name,
            legendgroup=group,
            hoverinfo="skip",
        )
    )


def fan_table(o: Outlook) -> pd.DataFrame:
    """The table behind the forecast chart: one row per year, history and both forecasts (whole children)."""
    first = int(min(o.published.index.min() if len(o.published) else o.year, o.year))
    years = range(first, o.year + o.horizon + 1)
    sim = o.sim.set_index("year")
    ets = o.ets.forecast.set_index("year") if o.ets.fitted else pd.DataFrame(columns=["mean", "lower", "upper"])
    child = disclosure.suppress(o.child_history.round().to_frame("n")).table()["n"]

    def val(frame, y, col, skip_base=False):
        if y not in frame.index or (skip_base and y == o.year):
            return "–"
        v = _safe(frame.loc[y, col])
        return disclosure.MARKER if v == SUPPRESSED else f"{v:,}"

    rows = []
    for y in years:
        rows.append(
            {
                "Year": str(y),
                "Published by DfE": f"{o.published[y]:,.0f}"
                if y in o.published.index and pd.notna(o.published[y])
                else "–",
                "Child-level data": child.get(y, "–"),
                "Stock-and-flow forecast": val(sim, y, "mean", True),
                "Its low end": val(sim, y, "lower", True),
                "Its high end": val(sim, y, "upper", True),
                "Trend forecast": val(ets, y, "mean"),
                "Trend low end": val(ets, y, "lower"),
                "Trend high end": val(ets, y, "upper"),
                "Published after the paper": f"{o.later[y]:,.0f}" if y in o.later.index else "–",
            }
        )
    return pd.DataFrame(rows)


def fan_chart(o: Outlook) -> dict:
    """The forecast chart: published history, both forecasts with their intervals, later published numbers."""
    pct = f"{o.interval * 100:.0f}%"
    fig = go.Figure()
    sim = o.sim
    _band(
        fig,
        sim["year"],
        sim["lower"].round(),
        sim["upper"].round(),
        _SERIES["markov"],
        f"Stock-and-flow: {pct} interval",
        "markov",
    )
    if o.ets.fitted:
        ets = pd.concat(
            [
                pd.DataFrame(
                    {
                        "year": [o.year],
                        "mean": [o.published.get(o.year, np.nan)],
                        "lower": [o.published.get(o.year, np.nan)],
                        "upper": [o.published.get(o.year, np.nan)],
                    }
                ),
                o.ets.forecast,
            ]
        )
        _band(
            fig,
            ets["year"],
            ets["lower"].round(),
            ets["upper"].round(),
            _SERIES["ets"],
            f"Trend: {pct} interval",
            "ets",
        )
        fig.add_trace(
            go.Scatter(
                x=ets["year"],
                y=ets["mean"].round(),
                name="Trend in published numbers (forecast)",
                mode="lines",
                line={"color": _SERIES["ets"], "dash": "dash", "width": 2},
                legendgroup="ets",
                hovertemplate="Trend %{x}: %{y:,.0f}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=sim["year"],
            y=sim["mean"].round(),
            name="Stock-and-flow model (forecast)",
            mode="lines+markers",
            line={"color": _SERIES["markov"], "width": 3},
            legendgroup="markov",
            hovertemplate="Stock-and-flow %{x}: %{y:,.0f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(o.published.index),
            y=o.published.to_numpy(),
            name="Published by DfE (to the paper)",
            mode="lines+markers",
            line={"color": _SERIES["published"], "width": 4},
            hovertemplate="Published %{x}: %{y:,.0f}<extra></extra>",
        )
    )
    if len(o.later):
        fig.add_trace(
            go.Scatter(
                x=list(o.later.index),
                y=o.later.to_numpy(),
                name="Published after the paper",
                mode="lines+markers",
                line={"color": _SERIES["later"], "dash": "dot", "width": 2},
                marker={"symbol": "diamond", "size": 9},
                hovertemplate="Published later %{x}: %{y:,.0f}<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="Children looked after at 31 March", x_title="Year (31 March)")
    fig.update_xaxes(dtick=1)
    fig.add_vline(x=o.year, line={"color": "#7F7F7F", "dash": "dot", "width": 1})
    h = headline(o)
    e = _ets_at(o, o.year3)
    trend = f"; the published trend says about {_fmt(e['mean'])}" if o.ets.fitted else ""
    title = f"{_about(h)[0].upper()}{_about(h)[1:]} are expected to be looked after on 31 March {o.year3}{trend}"
    later = (
        f" Diamonds on a dotted line are DfE's numbers for {_years(int(o.later.index[0]), int(o.later.index[-1]))},"
        " published after the paper was written."
        if len(o.later)
        else ""
    )
    caption = (
        f"Children looked after by {o.la_name} at 31 March: DfE's published numbers up to the paper's year "
        f"({o.year}, dotted vertical line), the stock-and-flow model's forecast from the {CHILD_LEVEL} (mean of "
        f"{o.simulations:,} simulated futures, with a {pct} prediction interval) and a damped trend fitted to the "
        f"published numbers, with its {pct} interval.{later} Forecasts are rounded to whole children. {o.source}"
    )
    alt = (
        f"Line chart of children looked after at 31 March, {int(fan_table(o)['Year'].iloc[0])} to "
        f"{o.year + o.horizon}, with the published numbers to {o.year} and two forecasts with shaded intervals "
        f"after it. {title}."
    )
    return {"fig": fig, "name": "forecast-fan", "title": title, "caption": caption, "alt": alt, "table": fan_table(o)}


def flows_chart(o: Outlook) -> dict:
    """Entries and exits by age band over the years learned from (suppressed counts; a gap where suppressed)."""
    sup = flows_table(o)
    cols = list(sup.values.columns)
    names = {cols[1]: "Came into care", cols[2]: "Left to permanence", cols[3]: "Left another way"}
    colours = {cols[1]: charts.COLOURS["la"], cols[2]: charts.COLOURS["neighbours"], cols[3]: charts.COLOURS["region"]}
    fig = go.Figure()
    for col in cols[1:]:
        fig.add_trace(
            go.Bar(
                x=list(AGE_BANDS),
                y=sup.values.loc[list(AGE_BANDS), col].to_numpy(),
                name=names[col],
                marker_color=colours[col],
                hovertemplate=f"{names[col]}, aged %{{x}}: %{{y:,.0f}}<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="Children", x_title="Age band at 31 March")
    fig.update_layout(barmode="group")
    vals = sup.values.loc[list(AGE_BANDS)]

    def most(col: str) -> str:
        # a suppressed count is at most 5, so a shown count above 5 is the largest for sure
        shown = vals[col].dropna()
        if shown.empty or shown.max() <= disclosure.HIGH:
            return "(too few to say)"
        return f"aged {shown.idxmax()}"

    title = (
        f"The largest group of children coming into care were {most(cols[1])}; of those leaving to "
        f"permanence, {most(cols[2])}; of those leaving another way, {most(cols[3])}"
    )
    table = sup.table().reset_index().rename(columns={"index": "Age band"})
    k = len(o.model.learned_from)
    return {
        "fig": fig,
        "name": "forecast-flows",
        "title": title,
        "caption": (
            f"Children coming into and leaving care by age band, added up over the {k} year"
            f"{'s' if k != 1 else ''} the model learned from ({o.learned}). Entries are children looked "
            "after on a 31 March who were not the 31 March before, by their age band then; exits are "
            "children looked after on a 31 March who were not the next, by their age band when they were. "
            "Children who came and went between two 31 Marches are not counted."
            f"{' Where a count is suppressed (c) its bar is left out.' if sup.mask.to_numpy().any() else ''} "
            f"{o.source}"
        ),
        "alt": (
            f"Grouped bar chart of children coming into care, leaving to permanence and leaving another way, "
            f"for each age band. {title}."
        ),
        "table": table,
    }


def projection_display(o: Outlook) -> dict:
    """The projected numbers by age band and placement category, for :func:`analysis.report.charts.show_table`."""
    sup = projection_table(o)
    table = sup.table().reset_index().rename(columns={"index": "Group"})
    labels = {
        **{b: f"Aged {b}" for b in AGE_BANDS},
        **{c: LABELS.get(c, c) for c in CATEGORIES},
        ALL_CHILDREN: "All children",
    }
    table["Group"] = table["Group"].map(labels)
    return {
        "table": table,
        "caption": (
            f"Children looked after at 31 March by age band and by placement, {o.year} (actual) and "
            f"expected in each later year by the stock-and-flow model (rounded to whole children; "
            f"counts of 1 to 5 and counts that would reveal them shown as c) {o.tag}"
        ),
    }


def backtest_display(o: Outlook) -> dict:
    """The back test as a table for :func:`analysis.report.charts.show_table`."""
    bt = o.backtest
    rows = []
    for label, frame, what in (("Stock-and-flow model", bt.markov, CHILD_LEVEL), ("Published trend", bt.ets, "DfE")):
        if frame.empty:
            rows.append(
                {
                    "Model": label,
                    "Year": "–",
                    "Actual": "–",
                    "Forecast": "not tested",
                    "Low end": "–",
                    "High end": "–",
                    "Inside the interval": "–",
                    "Error (%)": "–",
                }
            )
            continue
        for r in frame.itertuples(index=False):
            vals = [_safe(v) for v in (r.actual, r.mean, r.lower, r.upper)]
            show = [disclosure.MARKER if v == SUPPRESSED else f"{v:,}" for v in vals]
            err = abs(r.mean - r.actual) / r.actual * 100 if r.actual > 0 else np.nan
            rows.append(
                {
                    "Model": label,
                    "Year": str(int(r.year)),
                    "Actual": show[0],
                    "Forecast": show[1],
                    "Low end": show[2],
                    "High end": show[3],
                    "Inside the interval": "yes" if r.lower <= r.actual <= r.upper else "no",
                    "Error (%)": f"{err:.0f}",
                }
            )
    return {
        "table": pd.DataFrame(rows),
        "caption": (
            f"Back test: both models fitted to what was known at 31 March {bt.cut_year} and asked for "
            f"{_years(bt.years[0], bt.years[-1])}. Actual numbers are children looked after at 31 March "
            f"in the {CHILD_LEVEL} (stock-and-flow model) and as DfE published them (trend) {o.tag}"
        ),
    }


def backtest_note(o: Outlook) -> str:
    """Why a back test is weak or missing, as Markdown (empty when there is nothing to say)."""
    return " ".join(o.backtest.notes)


def method_markdown(o: Outlook) -> str:
    """How the forecast was made, with this run's numbers, as Markdown."""
    m = o.model
    k = len(m.learned_from)
    seen = int((m.transitions.sum(axis=1) > 0).sum())
    pct = f"{o.interval * 100:.0f}%"
    return (
        f"The stock-and-flow model sorts the children looked after on each 31 March into {m.n_states} groups: "
        f"{len(AGE_BANDS)} age bands times {len(CATEGORIES)} kinds of placement. From the {k} year"
        f"{'s' if k != 1 else ''} of moves from {o.learned} it learns, for each group, the chance that a child is "
        "still looked after a year later and in which group, has left to permanence, or has left another way; "
        f"{seen} of the {m.n_states} groups had children in them, and a group that had none borrows the chances of "
        "its age band. It also learns how many children join each group in a year. Starting from the children "
        f"looked after on 31 March {o.year}, it then runs {o.simulations:,} simulated futures for {o.horizon} "
        "years: in each, the chances and the number of new children are themselves drawn at random around what "
        "was learned (more widely where they rest on few children), and then each child's year is drawn at "
        f"random. The forecast is the average of those futures, and the {pct} prediction interval the range "
        f"that holds the middle {pct} of them. The random draws start from a fixed seed (the paper file's "
        "forecast.seed), so the same data always give the same numbers."
    )
