"""Periods of care: entries, re-entries and exits drawn from hazards, calibrated to the published counts.

Each collection year, in order:

1. **Re-entries.** Children who left care by a route they can come back from
   (:data:`.params.REENTRY_RECS`) return at the hazard of
   :data:`.params.REENTRY_HAZARD` (by how they left and how long ago), each a
   new period of care.
2. **New starters** make up the published number of children starting:
   unaccompanied asylum-seeking children (mostly 15-17) and other children
   whose ages bring the year's starters to the published ages.
3. **Same-year returns.** The published counts are of children, not periods:
   a child who starts, goes home and comes back within the year is one
   starter. Just enough such children are made each year that the children
   looked after at 31 March, starting and ceasing all match what DfE
   published (where the published three do not add up otherwise).
4. **Exits.** Children reaching 18 leave on their birthday through the
   care-leaver codes. Every other child's exit is drawn from cause-specific
   hazards by time in care, age and route (:data:`.params.EXIT_KNOTS`): each
   child's exit time is where a unit-exponential draw meets the cumulative
   hazard; the year's overall hazard level is set so exactly the number of
   children leave that makes the stock at 31 March the published figure, and
   each cause's level (a few rounds of proportional fitting) so the reasons
   match the published shares, and each age band's level (the band a child
   would be in on 31 March) so the ages of the children still looked after
   then come near that year's published ages. The totals stay exact: the
   levels only choose which children leave.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analysis.sources.ssda903.synth import params as P
from analysis.sources.ssda903.synth.targets import _BAND_RANGES, AGE_BANDS, REASON_GROUPS, Targets

_YEAR = 365.25
_STEP = 14  # days per step of the hazard grid


def _day(y: int, m: int, d: int) -> int:
    """Days since 1970 of a date."""
    return int((np.datetime64(f"{y:04d}-{m:02d}-{d:02d}") - np.datetime64("1970-01-01")).astype(int))


def _year_start(y: int) -> int:
    """1 April before collection year ``y`` ends (days since 1970)."""
    return _day(y - 1, 4, 1)


def _year_end(y: int) -> int:
    """31 March ending collection year ``y`` (days since 1970)."""
    return _day(y, 3, 31)


def _birthdays(dob: np.ndarray, years: int) -> np.ndarray:
    """The ``years``-th birthday of each date of birth (days since 1970); 29 February -> 1 March."""
    d = np.asarray(dob).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = d - month.astype("datetime64[D]")  # day of the month, from 0
    return ((month + 12 * years).astype("datetime64[D]") + offset).astype(np.int64)


def _band_of(age: np.ndarray) -> np.ndarray:
    """Index into AGE_BANDS for ages in years."""
    return np.searchsorted(np.array([1, 5, 10, 16]), age, side="right")


@dataclass
class _Population:
    """Children and their periods of care, as parallel lists (days since 1970)."""

    dob: list[int] = field(default_factory=list)
    sex: list[str] = field(default_factory=list)
    uasc: list[bool] = field(default_factory=list)
    p_child: list[int] = field(default_factory=list)
    p_start: list[int] = field(default_factory=list)
    p_end: list[int] = field(default_factory=list)  # -1 while open
    p_group: list[str] = field(default_factory=list)
    p_route: list[str] = field(default_factory=list)
    p_rec: list[str] = field(default_factory=list)  # REC of the period's end ("" while open, or drawn later)
    p_prev: list[int] = field(default_factory=list)  # the child's previous period, -1 if none
    p_same_year: list[bool] = field(default_factory=list)  # a same-year return (the first period or the second)
    years: dict[int, dict] = field(default_factory=dict)  # what each year's simulation did

    def add_children(self, rng: np.random.Generator, dob: np.ndarray, uasc: np.ndarray) -> np.ndarray:
        """Append children (sex drawn: UASC are mostly boys); return their indices."""
        base, n = len(self.dob), len(dob)
        male = rng.random(n) < np.where(uasc, 0.9, 0.55)
        self.dob += [int(x) for x in dob]
        self.sex += np.where(male, "M", "F").tolist()
        self.uasc += [bool(x) for x in uasc]
        return np.arange(base, base + n)

    def add_periods(self, children: np.ndarray, start: np.ndarray, route: np.ndarray, prev: np.ndarray) -> np.ndarray:
        """Append open periods; return their indices."""
        base, n = len(self.p_child), len(children)
        self.p_child += [int(x) for x in children]
        self.p_start += [int(x) for x in start]
        self.p_end += [-1] * n
        self.p_group += [""] * n
        self.p_route += [str(x) for x in route]
        self.p_rec += [""] * n
        self.p_prev += [int(x) for x in prev]
        self.p_same_year += [False] * n
        return np.arange(base, base + n)

    def close(self, periods: np.ndarray, end: np.ndarray, group: np.ndarray, rec: np.ndarray) -> None:
        """Close periods on ``end`` for reason group ``group`` with REC ``rec``."""
        for p, e, g, r in zip(periods, end, group, rec):
            self.p_end[int(p)], self.p_group[int(p)], self.p_rec[int(p)] = int(e), str(g), str(r)


def _draw_ages(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """Ages in years: ``counts[b]`` children in each band of AGE_BANDS (in band order)."""
    bands = np.repeat(np.arange(len(AGE_BANDS)), counts)
    lo = np.array([_BAND_RANGES[b][0] for b in AGE_BANDS])[bands]
    hi = np.minimum(np.array([_BAND_RANGES[b][1] for b in AGE_BANDS])[bands], 17.9)
    age = rng.uniform(lo, hi)
    newborn = (bands == 0) & (rng.random(len(bands)) < 0.45)  # many babies come into care in their first weeks
    age[newborn] = rng.uniform(0, 0.08, int(newborn.sum()))
    return age


def _band_counts(shares: dict[str, float], n: int) -> np.ndarray:
    """``n`` split over AGE_BANDS in proportion to ``shares`` (largest remainders)."""
    w = np.array([shares[b] for b in AGE_BANDS], dtype=float)
    exact = w / w.sum() * n
    out = np.floor(exact).astype(np.int64)
    out[np.argsort(-(exact - out), kind="stable")[: n - int(out.sum())]] += 1
    return out


def _routes(rng: np.random.Generator, age: np.ndarray, uasc: np.ndarray) -> np.ndarray:
    """Route into care (:data:`.params.ROUTES`) by age at entry; UASC are "uasc"."""
    table = np.array([P.ROUTE_SHARES[b] for b in AGE_BANDS])
    cdf = np.cumsum(table, axis=1)
    cdf /= cdf[:, -1:]
    pick = (rng.random(len(age))[:, None] > cdf[_band_of(age)]).sum(axis=1)
    return np.where(uasc, "uasc", np.array(P.ROUTES[:3], dtype=object)[np.minimum(pick, 2)]).astype(object)


# --------------------------------------------------------------------------- hazards on a grid of days


@dataclass
class _Grid:
    """A year cut into steps of :data:`_STEP` days, and each row's days at risk in each step."""

    start: np.ndarray  # first day of each step
    mid: np.ndarray
    exposure: np.ndarray  # rows x steps: days at risk
    lo: np.ndarray  # each row's first day at risk

    @classmethod
    def of(cls, ys: int, ye: int, lo: np.ndarray, hi: np.ndarray) -> _Grid:
        """The grid of the year ``ys``..``ye`` for rows at risk from ``lo`` to ``hi`` (inclusive)."""
        start = np.arange(ys, ye + 1, _STEP)
        end = np.minimum(start + _STEP - 1, ye)
        exposure = np.minimum(hi[:, None], end[None, :]) - np.maximum(lo[:, None], start[None, :]) + 1
        return cls(start, (start + end) / 2.0, np.clip(exposure, 0, None).astype(float), lo)

    def day_at(self, sel: np.ndarray, cum: np.ndarray, step_h: np.ndarray, target: np.ndarray) -> np.ndarray:
        """The day each row ``sel`` reaches cumulative hazard ``target`` (``cum`` and ``step_h``: its rows')."""
        j = np.minimum((cum < target[:, None]).sum(axis=1), cum.shape[1] - 1)
        rows = np.arange(len(target))
        h = np.maximum(step_h[rows, j], 1e-12)
        frac = np.clip((target - (cum[rows, j] - step_h[rows, j])) / h, 0.0, 0.999)
        first = np.maximum(self.start[j], self.lo[sel])
        return (first + np.floor(frac * self.exposure[sel, j])).astype(np.int64)


def _piecewise(t: np.ndarray, knots, rates) -> np.ndarray:
    """A step function of ``t``: ``rates[i]`` before ``knots[i]``, the last rate after the last knot."""
    return np.asarray(rates, dtype=float)[np.searchsorted(np.asarray(knots, dtype=float), t, side="right")]


def _cause_rates(t: np.ndarray, age: np.ndarray, age0: np.ndarray, route: np.ndarray) -> dict[str, np.ndarray]:
    """Exit hazard of each reason group (per year) at time in care ``t`` and age ``age`` (rows x steps)."""
    court, s20 = route == "court", route == "s20"
    remand, uasc = route == "remand", route == "uasc"
    young = age < 15
    k = P.EXIT_KNOTS
    home = _piecewise(t, *k["return home"]) * np.select([court, s20, remand], [0.6, 1.6, 0.3], 0.0)
    home *= np.where(age < 10, 1.2, 1.0)
    adopt = _piecewise(t, *k["adoption"]) * (court & (age0 < 5) & (age < 8)) * np.where(age0 < 1, 1.6, 1.0)
    sgo = _piecewise(t, *k["special guardianship"]) * young * np.select([court, s20], [1.0, 0.3], 0.0)
    cao = _piecewise(t, *k["child arrangements order"]) * young * (court | s20)
    indep = np.where(age < 16, 0.0, np.where(age < 17, 0.15, 0.6)) * ~remand
    other = np.where(uasc, 0.03, 0.06 + 0.06 * (age >= 16)) + remand * np.where(t < 0.3, 4.0, 1.0)
    return {
        "adoption": adopt,
        "special guardianship": sgo,
        "child arrangements order": cao,
        "return home": home,
        "independent living": indep,
        "other": other,
    }


# --------------------------------------------------------------------------- one year


def _reentries(
    pop: _Population, rng: np.random.Generator, pool: dict[int, int], ys: int, ye: int, cap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Children of ``pool`` (child -> last period) who come back into care this year: children, days, previous periods."""
    if not pool or cap <= 0:
        return (np.zeros(0, dtype=np.int64),) * 3
    kids = np.array(sorted(pool), dtype=np.int64)
    prev = np.array([pool[c] for c in kids], dtype=np.int64)
    end = np.asarray(pop.p_end, dtype=np.int64)[prev]
    dob = np.asarray(pop.dob, dtype=np.int64)[kids]
    group = np.asarray(pop.p_group, dtype=object)[prev]
    lo = np.maximum(ys, end + 7)
    hi = np.minimum(ye, dob + int(P.REENTRY_MAX_AGE * _YEAR))
    grid = _Grid.of(ys, ye, lo, hi)
    since = (grid.mid[None, :] - end[:, None]) / _YEAR
    rate = np.zeros_like(since)
    for g, hazard in P.REENTRY_HAZARD.items():
        sel = group == g
        rate[sel] = _piecewise(since[sel], P.REENTRY_BANDS, hazard)
    step_h = rate * grid.exposure / _YEAR
    cum = np.cumsum(step_h, axis=1)
    total = cum[:, -1]
    p = 1.0 - np.exp(-total)
    u, v = rng.random(len(kids)), rng.random(len(kids))
    hit = np.flatnonzero(u < p)
    if len(hit) > cap:
        hit = np.sort(rng.choice(hit, size=cap, replace=False))
    target = -np.log1p(-v[hit] * p[hit])  # the cumulative hazard at the return, given one this year
    days = grid.day_at(hit, cum[hit], step_h[hit], target)
    return kids[hit], days, prev[hit]


def _new_starters(
    pop: _Population, rng: np.random.Generator, tg: Targets, y: int, n: int, n_uasc: int, re_age: np.ndarray, scale
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """New children starting in year ``y``: ``n_uasc`` UASC and the rest with ages topping up the published bands.

    Returns the children, their start days and ages.
    """
    ys, ye = _year_start(y), _year_end(y)
    older = rng.random(n_uasc) < P.UASC_OLDER_SHARE
    uasc_age = np.where(older, rng.uniform(15.0, 17.6, n_uasc), rng.uniform(12.0, 15.0, n_uasc))
    want = _band_counts(tg.start_ages[y], n + len(re_age))
    have = np.bincount(_band_of(np.concatenate([uasc_age, re_age])), minlength=len(AGE_BANDS))
    rest = n - n_uasc
    room = np.clip(want - have, 0, None).astype(float)
    counts = _band_counts(dict(zip(AGE_BANDS, room if room.sum() else want)), rest) if rest > 0 else room * 0
    age = np.concatenate([uasc_age, _draw_ages(rng, counts.astype(np.int64))])
    start = rng.integers(ys, ye + 1, len(age))
    dob = start - (age * _YEAR).astype(np.int64)
    uasc = np.arange(len(age)) < n_uasc
    kids = pop.add_children(rng, dob, uasc)
    return kids, start, age


def _same_year_returns(
    pop: _Population, rng: np.random.Generator, starters: np.ndarray, k: int, ye: int
) -> tuple[np.ndarray, np.ndarray]:
    """Make ``k`` of this year's starters go home and come back before 31 March: (first periods, second periods)."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    start = np.asarray(pop.p_start, dtype=np.int64)[starters]
    child = np.asarray(pop.p_child, dtype=np.int64)[starters]
    dob = np.asarray(pop.dob, dtype=np.int64)[child]
    ok = (start <= ye - 60) & (_birthdays(dob, 18) > ye + 30) & ~np.asarray(pop.uasc, dtype=bool)[child]
    cand = starters[ok]
    first = np.sort(rng.choice(cand, size=min(k, len(cand)), replace=False)) if len(cand) else cand
    s = np.asarray(pop.p_start, dtype=np.int64)[first]
    end = s + 2 + (rng.random(len(first)) * np.minimum(40, ye - s - 50)).astype(np.int64)
    back = end + 7 + (rng.random(len(first)) * (ye - end - 7)).astype(np.int64)
    recs = np.where(rng.random(len(first)) < 0.85, "E4A", "E4B")
    pop.close(first, end, np.full(len(first), "return home"), recs)
    route = np.asarray(pop.p_route, dtype=object)[first]
    second = pop.add_periods(np.asarray(pop.p_child, dtype=np.int64)[first], back, route, first)
    for p in (*first, *second):
        pop.p_same_year[int(p)] = True
    return first, second


def _at_18(pop: _Population, rng: np.random.Generator, periods: np.ndarray, il_share: float) -> np.ndarray:
    """Close periods of children turning 18 on the birthday, through the care-leaver codes; return the groups."""
    child = np.asarray(pop.p_child, dtype=np.int64)[periods]
    start = np.asarray(pop.p_start, dtype=np.int64)[periods]
    end = np.maximum(_birthdays(np.asarray(pop.dob, dtype=np.int64)[child], 18), start + 1)
    to_il = rng.random(len(periods)) < il_share
    u = rng.random(len(periods))
    rec = np.where(to_il, np.where(u < 0.8, "E5", "E6"), np.where(u < 0.8, "E17", np.where(u < 0.87, "E7", "E8")))
    group = np.where(to_il, "independent living", "other")
    pop.close(periods, end, group, rec)
    return group


def _exit_recs(rng: np.random.Generator, group: np.ndarray, route: np.ndarray) -> np.ndarray:
    """REC of hazard exits before 18 by reason group (special guardianship is chosen with the last placement)."""
    u = rng.random(len(group))
    other = np.select(
        [route == "remand", route == "uasc", u < 0.35, u < 0.75, u < 0.9, u < 0.95],
        [
            np.where(u < 0.85, "E14", "E8"),
            np.where(u < 0.5, "E8", np.where(u < 0.8, "E3", "E15")),
            "E13",
            "E8",
            "E3",
            "E9",
        ],
        "E16",
    )
    return np.select(
        [
            group == "adoption",
            group == "child arrangements order",
            group == "return home",
            group == "independent living",
            group == "other",
        ],
        [
            np.where(u < 0.35, "E11", "E12"),
            "E41",
            np.where(u < 0.85, "E4A", "E4B"),
            np.where(u < 0.8, "E5", "E6"),
            other,
        ],
        "",
    )


@dataclass
class _AtRisk:
    """The periods at risk of a hazard exit this year, and their hazards on the year's grid."""

    periods: np.ndarray
    grid: _Grid
    rates: dict[str, np.ndarray]  # reason group -> rows x steps (per year)
    draw: np.ndarray  # unit-exponential draws
    band_end: np.ndarray  # each row's age band (index into AGE_BANDS) on 31 March, were it to stay

    @classmethod
    def of(cls, pop: _Population, rng: np.random.Generator, periods: np.ndarray, ys: int, ye: int) -> _AtRisk:
        """Hazards of ``periods`` from 1 April (or the day after they started) to 31 March."""
        start = np.asarray(pop.p_start, dtype=np.int64)[periods]
        child = np.asarray(pop.p_child, dtype=np.int64)[periods]
        dob = np.asarray(pop.dob, dtype=np.int64)[child]
        grid = _Grid.of(ys, ye, np.maximum(ys, start + 1), np.full(len(periods), ye))
        t = np.clip((grid.mid[None, :] - start[:, None]) / _YEAR, 0.0, None)
        age = (grid.mid[None, :] - dob[:, None]) / _YEAR
        age0 = ((start - dob) / _YEAR)[:, None]
        route = np.asarray(pop.p_route, dtype=object)[periods][:, None]
        rates = _cause_rates(t, age, age0, route)
        return cls(periods, grid, rates, rng.exponential(1.0, len(periods)), _band_of((ye - dob) / _YEAR))

    def select(
        self, n: int, level: dict[str, float], age_level: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``n`` rows whose exits come first at cause levels ``level`` (and, for each age band a child
        would be in on 31 March, ``age_level``): rows, exit days, reason probabilities."""
        total = sum(level[g] * r for g, r in self.rates.items())
        if age_level is not None:
            total = total * age_level[self.band_end][:, None]
        step_h = total * self.grid.exposure / _YEAR
        cum = np.cumsum(step_h, axis=1)
        ratio = np.where(cum[:, -1] > 0, self.draw / np.maximum(cum[:, -1], 1e-300), np.inf)
        n = min(n, int(np.isfinite(ratio).sum()))
        rows = np.sort(np.argsort(ratio, kind="stable")[:n])
        if not n:
            return rows, rows, np.zeros((0, len(self.rates)))
        theta = ratio[rows].max()  # the year's hazard level: exactly these rows leave by 31 March
        days = self.grid.day_at(rows, cum[rows], step_h[rows], self.draw[rows] / theta)
        j = np.clip((days - self.grid.start[0]) // _STEP, 0, len(self.grid.start) - 1)
        probs = np.stack([level[g] * self.rates[g][rows, j] for g in REASON_GROUPS], axis=1)
        probs /= np.maximum(probs.sum(axis=1, keepdims=True), 1e-300)
        return rows, days, probs


_AGE_STEP = (0.7, 1.4)  # the most an age band's level moves in one round of fitting


@dataclass
class _Levels:
    """The hazard levels fitted each year (and carried to the next as its start): each cause's, so the
    reasons match the published quotas, and each age band's, so the ages at 31 March match the published
    shares (``ages``: the target shares, and the stock's counts by band that are not at risk)."""

    cause: dict[str, float]
    age: np.ndarray
    ages: tuple[np.ndarray, np.ndarray] | None = None

    def fit(self, risk: _AtRisk, n: int, quota: dict[str, float], rounds: int = 15) -> None:
        """A few rounds of proportional fitting of both kinds of level (the exits stay exactly ``n``)."""
        for _ in range(rounds):
            rows, _days, probs = risk.select(n, self.cause, self.age)
            expected = probs.sum(axis=0)
            for gi, g in enumerate(REASON_GROUPS):
                step = ((quota[g] + 0.3) / (expected[gi] + 0.3)) ** 0.9
                self.cause[g] = float(np.clip(self.cause[g] * step, 1e-3, 1e3))
            if self.ages is None:
                continue
            target, fixed = self.ages
            staying = np.ones(len(risk.periods), dtype=bool)
            staying[rows] = False
            counts = np.bincount(risk.band_end[staying], minlength=len(AGE_BANDS)) + fixed
            share = counts / max(counts.sum(), 1)
            # a band with more children at 31 March than published: more of them leave
            self.age *= np.clip((share + 0.005) / (target + 0.005), _AGE_STEP[0], _AGE_STEP[1])
            np.clip(self.age, 0.05, 20.0, out=self.age)


def _hazard_exits(
    pop: _Population,
    rng: np.random.Generator,
    at_risk: np.ndarray,
    n: int,
    quota: dict[str, float],
    levels: _Levels,
    year: tuple[int, int],
) -> np.ndarray:
    """Close ``n`` of ``at_risk`` by hazard, with reasons near ``quota`` and the ages that stay near the
    published ones; return the periods closed.

    ``levels`` are refitted in place, starting from last year's; ``year`` is (1 April, 31 March) as days.
    """
    if n <= 0 or not len(at_risk):
        return np.zeros(0, dtype=np.int64)
    risk = _AtRisk.of(pop, rng, at_risk, *year)
    levels.fit(risk, n, quota)
    rows, days, probs = risk.select(n, levels.cause, levels.age)
    remaining = np.array([quota[g] for g in REASON_GROUPS], dtype=float)
    groups = np.empty(len(rows), dtype=object)
    for i in rng.permutation(len(rows)):  # reasons drawn in turn, weighted towards the quotas still open
        w = probs[i] * (np.clip(remaining, 0, None) + 0.25)
        gi = int(np.searchsorted(np.cumsum(w), rng.random() * w.sum(), side="right"))
        gi = min(gi, len(REASON_GROUPS) - 1)
        groups[i] = REASON_GROUPS[gi]
        remaining[gi] -= 1
    periods = at_risk[rows]
    route = np.asarray(pop.p_route, dtype=object)[periods]
    pop.close(periods, days, groups, _exit_recs(rng, groups, route))
    return periods


# --------------------------------------------------------------------------- the whole history


def _initial_stock(pop: _Population, rng: np.random.Generator, tg: Targets, scale: float) -> np.ndarray:
    """The children looked after on 1 April before the first year (back-calculated); their open periods."""
    first = tg.years[0]
    s0 = _year_start(first)
    n0 = max(int(round((tg.cla[first] - tg.started[first] + tg.ceased[first]) * scale)), 0)
    age0 = _draw_ages(rng, _band_counts(tg.stock_ages_in(first), n0))
    rng.shuffle(age0)
    dob0 = s0 - np.maximum((age0 * _YEAR).astype(np.int64), 2)  # born before care began
    in_care = np.minimum((rng.exponential(2.2, n0) * _YEAR).astype(np.int64), s0 - dob0 - 1)
    uasc0 = (age0 >= 15) & (rng.random(n0) < _uasc_stock_share(tg, first) * 3.0)
    kids = pop.add_children(rng, dob0, uasc0)
    start = s0 - np.maximum(in_care, 1)
    return pop.add_periods(kids, start, _routes(rng, (start - dob0) / _YEAR, uasc0), np.full(n0, -1))


def _uasc_stock_share(tg: Targets, y: int) -> float:
    """UASC as a share of children looked after at 31 March ``y`` (published, else the average)."""
    return float(tg.uasc.get(y, tg.uasc_share * tg.cla[y]) / tg.cla[y]) if tg.cla[y] else 0.0


def _one_year(
    pop: _Population, rng: np.random.Generator, tg: Targets, y: int, open_p: np.ndarray, state: dict
) -> np.ndarray:
    """Simulate collection year ``y`` from the periods open on 1 April; return those open on 31 March."""
    ys, ye, scale = _year_start(y), _year_end(y), state["scale"]
    n_start, stock = int(round(tg.started[y] * scale)), int(round(tg.cla[y] * scale))
    ceased, s0 = int(round(tg.ceased[y] * scale)), len(open_p)
    pool = state["pool"]
    re_kids, re_days, re_prev = _reentries(pop, rng, pool, ys, ye, cap=int(0.4 * n_start))
    for c in re_kids:
        del pool[int(c)]
    n_uasc = min(int(round(_uasc_stock_share(tg, y) * tg.cla[y] * scale * P.UASC_START_PER_STOCK)), n_start)
    n_uasc = min(n_uasc, n_start - len(re_kids))
    re_age = (re_days - np.asarray(pop.dob, dtype=np.int64)[re_kids]) / _YEAR
    kids, start, age = _new_starters(pop, rng, tg, y, n_start - len(re_kids), n_uasc, re_age, scale)
    all_kids = np.concatenate([re_kids, kids])
    all_start = np.concatenate([re_days, start])
    all_age = np.concatenate([re_age, age])
    uasc = np.asarray(pop.uasc, dtype=bool)[all_kids]
    prev = np.concatenate([re_prev, np.full(len(kids), -1)])
    starters = pop.add_periods(all_kids, all_start, _routes(rng, all_age, uasc), prev)
    # the published three figures add up only with a few children starting twice in the year
    k = max((stock - s0) - (n_start - ceased), 0)
    first, second = _same_year_returns(pop, rng, starters, k, ye)
    live = np.concatenate([open_p, np.setdiff1d(starters, first), second])
    child = np.asarray(pop.p_child, dtype=np.int64)[live]
    ageing = _birthdays(np.asarray(pop.dob, dtype=np.int64)[child], 18) <= ye
    shares = tg.reasons[y]
    total = len(live) + len(first) - stock
    quota = {g: shares[g] * total for g in REASON_GROUPS}
    quota["return home"] -= len(first)
    il_share = quota["independent living"] / max(quota["independent living"] + quota["other"], 1e-9)
    for g in _at_18(pop, rng, live[ageing], il_share):
        quota[str(g)] -= 1
    quota = {g: max(q, 0.0) for g, q in quota.items()}
    at_risk = live[~ageing & ~np.isin(live, second)]
    n_exit = len(live) - int(ageing.sum()) - stock
    levels = state["levels"]
    kept = live[~ageing & np.isin(live, second)]  # in the stock at 31 March whatever the hazards
    kept_dob = np.asarray(pop.dob, dtype=np.int64)[np.asarray(pop.p_child, dtype=np.int64)[kept]]
    levels.ages = (
        np.array([tg.stock_ages_in(y)[b] for b in AGE_BANDS]),
        np.bincount(_band_of((ye - kept_dob) / _YEAR), minlength=len(AGE_BANDS)),
    )
    closed = _hazard_exits(pop, rng, at_risk, n_exit, quota, levels, (ys, ye))
    gone = np.concatenate([live[ageing], closed])
    for p in gone:
        if pop.p_rec[int(p)] in P.REENTRY_RECS or pop.p_group[int(p)] == "special guardianship":
            pool[pop.p_child[int(p)]] = int(p)
    pop.years[y] = {"reentries": len(re_kids), "uasc_starters": n_uasc, "same_year_returns": len(first)}
    return np.setdiff1d(live, gone)


def simulate(tg: Targets, rng: np.random.Generator, scale: float) -> _Population:
    """Every child's periods of care over ``tg.years`` (see the module docstring)."""
    pop = _Population()
    open_p = _initial_stock(pop, rng, tg, scale)
    state = {"scale": scale, "pool": {}, "levels": _Levels(dict.fromkeys(REASON_GROUPS, 1.0), np.ones(len(AGE_BANDS)))}
    for y in tg.years:
        open_p = _one_year(pop, rng, tg, y, open_p, state)
    return pop
