"""The annual stock-and-flow (Markov) model of children looked after: fit, project, simulate.

Each child looked after on 31 March is in one **state**: an age band
(DfE's, :data:`analysis.sources.ssda903.episodes.AGE_BANDS`) and a placement
category (:data:`analysis.sources.ssda903.spec.PLACEMENT_CATEGORIES`). From one
31 March to the next a child either is still looked after, in some state, or
has left care, to **permanence** or **another way**; children who were not
looked after on the first 31 March but are on the second are **entries**.

:func:`fit` learns those probabilities and entry numbers from the episode
model's ``prepared`` table; :func:`project` gives the expected number of
children in each state in later years; :func:`simulate` adds chance and
parameter uncertainty for a prediction interval; :func:`with_faster_permanence`
is the "time to permanence cut" scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import InputError
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
    band = _age_band(on["age"])
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


def _age_band(age) -> np.ndarray:
    """DfE's age band of each whole-year age, :data:`analysis.sources.ssda903.episodes.AGE_UNKNOWN` where NA.

    The same rule as :func:`analysis.report.categories.age_band` (a method may
    not import the report layer).
    """
    a = pd.to_numeric(pd.Series(age), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(a), E.AGE_UNKNOWN, dtype=object)
    for band, (lo, hi) in E.AGE_BANDS.items():
        out[(a >= lo) & ((a <= hi) if hi is not None else np.isfinite(a))] = band
    return out


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


def _first_years(years: list[int], base_year: int, history_years: int) -> list[int]:
    """The first 31 March of each pair of snapshots to learn from, after checking the returns cover them."""
    if int(history_years) < 1:
        raise InputError(f"forecast.history_years: must be a whole number from 1 to 10 (got {history_years})")
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
    return firsts


def _count_moves(prepared: pd.DataFrame, firsts: list[int], base_year: int):
    """Moves (S, S + 2), entries (S,) and the snapshots, counted over the pairs ``(t, t + 1)`` for t in ``firsts``."""
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
    return trans, entry, snaps


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
    firsts = _first_years(_data_years(prepared), int(base_year), history_years)
    base_year = int(base_year)
    trans, entry, snaps = _count_moves(prepared, firsts, base_year)
    s = len(STATES)
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


def check_interval(interval: float) -> float:
    """``interval`` as a float, checked to be above 0 and below 1 (:class:`InputError` if not)."""
    try:
        interval = float(interval)
    except (TypeError, ValueError):
        raise InputError(f"interval: must be a number above 0 and below 1 (got {interval!r})") from None
    if not (0 < interval < 1):
        raise InputError(f"interval: must be a number above 0 and below 1 (got {interval!r})")
    return interval


def _draw_parameters(model: Model, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each future's rows of probabilities (n, S, S + 2) and entry rates (n, S); see :func:`simulate`."""
    s = model.n_states
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
    return probs, rate


def _run_futures(model: Model, probs: np.ndarray, rate: np.ndarray, years: int, rng: np.random.Generator):
    """Total children in each future (rows) and year (columns, base year first): multinomial moves, Poisson entries."""
    n, s = rate.shape
    counts = np.broadcast_to(np.rint(model.start).astype(np.int64), (n, s)).copy()
    totals = np.zeros((n, years + 1))
    totals[:, 0] = counts.sum(axis=1)
    for year in range(1, years + 1):
        nxt = rng.poisson(rate)
        for i in np.flatnonzero(counts.any(axis=0)):
            nxt += rng.multinomial(counts[:, i], probs[:, i, :])[:, :s]
        counts = nxt
        totals[:, year] = counts.sum(axis=1)
    return totals


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
    interval = check_interval(interval)
    if int(years) < 0:
        raise InputError(f"years: must be 0 or more (got {years})")
    if int(n) < 1:
        raise InputError(f"simulations: must be 1 or more (got {n})")
    n, years = int(n), int(years)
    rng = np.random.default_rng(int(seed))
    probs, rate = _draw_parameters(model, n, rng)
    totals = _run_futures(model, probs, rate, years, rng)
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
