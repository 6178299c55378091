"""Periods of care, placements, legal statuses and episodes of the synthetic authority."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.ssda903.synth.targets import (
    _BAND_RANGES,
    _BASE_WEIGHTS,
    _CIN,
    _MOVE_RATE,
    _PLACE_REACH,
    _PUBLISHED_GROUP,
    _REASON_PLACE_CHANGE,
    AGE_BANDS,
    CATS,
    REASON_GROUPS,
    Targets,
)

# --------------------------------------------------------------------------- dates as days since 1970


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _year_start(y: int) -> int:
    return _day(dt.date(y - 1, 4, 1))


def _year_end(y: int) -> int:
    return _day(dt.date(y, 3, 31))


def _birthdays(dob: np.ndarray, years: int) -> np.ndarray:
    """The ``years``-th birthday of each date of birth (days since 1970); 29 February -> 1 March."""
    d = np.asarray(dob).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = d - month.astype("datetime64[D]")  # day of the month, from 0
    return ((month + 12 * years).astype("datetime64[D]") + offset).astype(np.int64)


def _band_of(age: np.ndarray) -> np.ndarray:
    """Index into AGE_BANDS for ages in years."""
    return np.searchsorted(np.array([1, 5, 10, 16]), age, side="right")


class _Draws:
    """Uniform random numbers dispensed one at a time from a pre-drawn buffer (fast in Python loops)."""

    def __init__(self, rng: np.random.Generator, size: int = 1 << 16):
        self.rng, self.size = rng, size
        self.buf = rng.random(size).tolist()
        self.i = 0

    def u(self) -> float:
        if self.i >= self.size:
            self.buf = self.rng.random(self.size).tolist()
            self.i = 0
        self.i += 1
        return self.buf[self.i - 1]

    def int(self, lo: int, hi: int) -> int:
        """A whole number from lo to hi inclusive."""
        return lo + int(self.u() * (hi - lo + 1)) if hi > lo else lo

    def poisson(self, lam: float) -> int:
        """A Poisson draw by inversion (small means only)."""
        k, p = 0, np.exp(-lam)
        total, u = p, self.u()
        while u > total and k < 50:
            k += 1
            p *= lam / k
            total += p
        return k

    def pick(self, options, weights) -> object:
        total = sum(weights)
        x = self.u() * total
        for opt, w in zip(options, weights):
            x -= w
            if x < 0:
                return opt
        return options[-1]


# --------------------------------------------------------------------------- periods of care


@dataclass
class _Population:
    """Children and their periods of care, as parallel arrays (days since 1970)."""

    dob: list[int] = field(default_factory=list)
    sex: list[str] = field(default_factory=list)
    uasc: list[bool] = field(default_factory=list)
    p_child: list[int] = field(default_factory=list)
    p_start: list[int] = field(default_factory=list)
    p_end: list[int] = field(default_factory=list)  # -1 while open
    p_group: list[str] = field(default_factory=list)


def _draw_ages(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    bands = rng.choice(len(AGE_BANDS), size=n, p=np.array([shares[b] for b in AGE_BANDS]) / sum(shares.values()))
    lo = np.array([_BAND_RANGES[b][0] for b in AGE_BANDS])[bands]
    hi = np.minimum(np.array([_BAND_RANGES[b][1] for b in AGE_BANDS])[bands], 17.9)
    age = rng.uniform(lo, hi)
    newborn = (bands == 0) & (rng.random(n) < 0.45)  # many babies come into care in their first weeks
    age[newborn] = rng.uniform(0, 0.08, newborn.sum())
    return age


def _simulate_periods(tg: Targets, rng: np.random.Generator, scale: float) -> _Population:
    pop = _Population()
    years = tg.years
    first = years[0]

    def add(dob: np.ndarray, start: np.ndarray, uasc: np.ndarray) -> np.ndarray:
        base = len(pop.dob)
        n = len(dob)
        male = rng.random(n) < np.where(uasc, 0.9, 0.55)
        pop.dob += dob.tolist()
        pop.sex += np.where(male, "M", "F").tolist()
        pop.uasc += uasc.tolist()
        pbase = len(pop.p_child)
        pop.p_child += list(range(base, base + n))
        pop.p_start += start.tolist()
        pop.p_end += [-1] * n
        pop.p_group += [""] * n
        return np.arange(pbase, pbase + n)

    # the stock on 1 April before the first year
    s0 = _year_start(first)
    n0 = max(int(round((tg.cla[first] - tg.started[first] + tg.ceased[first]) * scale)), 0)
    age0 = _draw_ages(rng, tg.stock_ages, n0)
    dob0 = s0 - np.maximum((age0 * 365.25).astype(np.int64), 2)  # born before care began
    in_care = np.minimum((rng.exponential(2.2, n0) * 365.25).astype(np.int64), s0 - dob0 - 1)
    uasc0 = (age0 >= 14) & (rng.random(n0) < tg.uasc_share * 1.5)
    open_p = add(dob0, s0 - np.maximum(in_care, 1), uasc0)

    for y in years:
        ys, ye = _year_start(y), _year_end(y)
        n = int(round(tg.started[y] * scale))
        start = rng.integers(ys, ye + 1, n)
        age = _draw_ages(rng, tg.start_ages[y], n)
        dob = start - (age * 365.25).astype(np.int64)
        uasc = (age >= 14) & (rng.random(n) < tg.uasc_share * 2.5)
        open_p = np.concatenate([open_p, add(dob, start, uasc)])
        n_exits = max(len(open_p) - int(round(tg.cla[y] * scale)), 0)
        open_p = _exits(pop, rng, open_p, n_exits, tg.reasons[y], ys, ye)
    return pop


_MIN_STAY = {
    "adoption": 300,
    "special guardianship": 180,
    "child arrangements order": 60,
    "return home": 7,
    "independent living": 1,
    "other": 1,
}


def _exits(
    pop: _Population, rng, open_p: np.ndarray, n_exits: int, shares: dict[str, float], ys: int, ye: int
) -> np.ndarray:
    """Close ``n_exits`` of the open periods during the year, by reason; return those still open."""
    child = np.asarray(pop.p_child)[open_p]
    dob = np.asarray(pop.dob)[child]
    start = np.asarray(pop.p_start)[open_p]
    uasc = np.asarray(pop.uasc)[child]
    b18 = _birthdays(dob, 18)
    quotas = {g: shares[g] * n_exits for g in REASON_GROUPS}
    closed = np.zeros(len(open_p), dtype=bool)
    end = np.full(len(open_p), -1, dtype=np.int64)
    group = np.full(len(open_p), "", dtype=object)

    # children who turn 18 this year leave on their birthday
    ageing = b18 <= ye
    il_share = quotas["independent living"] / max(quotas["independent living"] + quotas["other"], 1e-9)
    to_il = rng.random(len(open_p)) < il_share
    closed |= ageing
    end[ageing] = np.maximum(b18[ageing], start[ageing] + 1)
    group[ageing & to_il] = "independent living"
    group[ageing & ~to_il] = "other"
    quotas["independent living"] = max(quotas["independent living"] - (ageing & to_il).sum(), 0)
    quotas["other"] = max(quotas["other"] - (ageing & ~to_il).sum(), 0)

    remaining = n_exits - int(ageing.sum())
    if remaining > 0:
        total_q = sum(quotas.values()) or 1.0
        need = {g: int(round(quotas[g] / total_q * remaining)) for g in REASON_GROUPS}
        need["return home"] += remaining - sum(need.values())
        u = rng.random(len(open_p))
        for g in REASON_GROUPS:
            k = need[g]
            if k <= 0:
                continue
            lo = np.maximum(ys, start + _MIN_STAY[g])
            hi = np.minimum(ye, b18 - 1)
            ok = (lo <= hi) & ~closed
            date = lo + (u * (hi - lo + 1)).astype(np.int64)
            age = (date - dob) / 365.25
            in_care = (date - start) / 365.25
            if g == "adoption":
                w = np.where(age < 4, 3.0, np.where(age < 7, 0.7, 0.0))
            elif g == "special guardianship":
                w = np.where(age < 8, 1.5, np.where(age < 14, 0.6, 0.0))
            elif g == "child arrangements order":
                w = np.where(age < 15, 1.0, 0.0)
            elif g == "return home":
                w = (1.0 + 2.0 * (in_care < 0.5)) * np.where(age < 10, 1.5, 1.0)
            elif g == "independent living":
                w = np.where(age < 16, 0.0, np.where(age < 17, 0.4, 3.0))
            else:
                w = 0.5 + 0.3 * (age >= 16)
            if g in ("adoption", "special guardianship", "child arrangements order", "return home"):
                w = np.where(uasc, 0.0, w)
            w = np.where(ok, w, 0.0).astype(float)
            cand = np.flatnonzero(w > 0)
            if not len(cand):
                continue
            picked = rng.choice(cand, size=min(k, len(cand)), replace=False, p=w[cand] / w[cand].sum())
            closed[picked] = True
            end[picked] = date[picked]
            group[picked] = g
    for i in np.flatnonzero(closed):
        pidx = int(open_p[i])
        pop.p_end[pidx] = int(end[i])
        pop.p_group[pidx] = str(group[i])
    return open_p[~closed]


# --------------------------------------------------------------------------- placements, legal status, episodes

_URN_FREE = {"P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}
_PROVIDERS = {
    "inhouse": (("PR1",), (1,)),
    "otherla": (("PR2",), (1,)),
    "ifa": (("PR4", "PR5"), (75, 25)),
    "kinship": (("PR1", "PR2"), (92, 8)),
    "residential": (("PR4", "PR1", "PR5"), (70, 20, 10)),
    "independent": (("PR4", "PR1", "PR5"), (55, 25, 20)),
    "parents": (("PR0",), (1,)),
    "adoption": (("PR1", "PR2", "PR5"), (65, 15, 20)),
}
_HORIZON = 10**9  # "still open"


@dataclass
class _Spells:
    period: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)  # exclusive; _HORIZON while open
    band: list[int] = field(default_factory=list)
    forced: list[int] = field(default_factory=list)  # category index, or -1 to draw
    u_cat: list[float] = field(default_factory=list)
    u_prov: list[float] = field(default_factory=list)
    parents_ok: list[bool] = field(default_factory=list)  # placed with parents needs a care order
    foster_only: list[bool] = field(default_factory=list)  # the placement before an adoptive one is fostering


@dataclass
class _Plan:
    """Per-period extras: legal-status changes, adoption dates, the final spell's special code."""

    ls: list[tuple[int, str]]
    adoption: dict | None = None


def _plan_period(  # long: one draw sequence; splitting would hide the order of random draws
    d: _Draws, pop: _Population, p: int, spells: _Spells, data_end: int
) -> _Plan:
    """Draw one period's legal statuses, adoption dates and placement spells (spells go to ``spells``)."""
    child = pop.p_child[p]
    dob, start, end, group = pop.dob[child], pop.p_start[p], pop.p_end[p], pop.p_group[p]
    uasc = pop.uasc[child]
    stop = end if end >= 0 else _HORIZON
    age0 = (start - dob) / 365.25

    # legal status
    if uasc:
        first_ls = "V2"
    elif group in ("adoption", "special guardianship"):
        first_ls = d.pick(("C1", "V2", "L2"), (75, 15, 10))
    elif age0 >= 14 and d.u() < 0.04:
        first_ls = "J1"
    elif age0 >= 16:
        first_ls = d.pick(("V2", "C1", "L1"), (75, 20, 5))
    else:
        first_ls = d.pick(("C1", "V2", "L2", "L1"), (45, 42, 8, 5))
    ls = [(start, first_ls)]

    def change(at: int, code: str) -> None:
        if ls[-1][0] < at < stop and ls[-1][1] != code:
            ls.append((at, code))

    if first_ls in ("L1", "L2"):  # police protection lasts at most 72 hours, an EPO at most 8 days
        change(
            start + (d.int(1, 3) if first_ls == "L1" else d.int(2, 8)),
            "C1" if d.u() < 0.7 or group == "adoption" else "V2",
        )
    if first_ls == "V2" and group == "adoption":
        change(start + d.int(20, 90), "C1")

    adoption = None
    final_forced = -1
    final_start = None
    if group == "adoption" and end >= 0:
        span = end - start
        placed = end - min(d.int(150, 480), int(span * 0.55))  # placed with adopters ~10 months before the order
        match = max(placed - d.int(7, 45), start + 40)
        order = max(match - d.int(20, 200), start + 30)
        decided = max(order - d.int(14, 90), start + 14)
        foster_carer = d.u() < 0.15
        adoption = {
            "decided": decided,
            "order": order,
            "match": min(match, placed),
            "placed": placed,
            "foster_carer": foster_carer,
        }
        final_forced, final_start = CATS.index("adoption"), placed
    elif group == "special guardianship" and end >= 0 and d.u() < 0.6:
        final_forced, final_start = CATS.index("kinship"), start + int((end - start) * d.u() * 0.5)
    elif group == "independent living" and end >= 0 and (end - dob) / 365.25 >= 16.3:
        final_forced = CATS.index("independent")
        final_start = max(start + 1, end - d.int(60, 400), _birthdays(np.array([dob]), 16)[0])
    elif group == "return home" and end >= 0 and d.u() < 0.25 and end - start > 60:
        final_forced, final_start = CATS.index("parents"), end - d.int(30, min(180, end - start - 1))
    elif group == "" and d.u() < 0.03 and not uasc and age0 < 10:
        # waiting for adoption at the end of the data, or a decision later reversed
        order = start + d.int(200, 500)
        if order < _HORIZON // 2:
            adoption = {
                "decided": order - d.int(14, 90),
                "order": order,
                "match": None,
                "placed": None,
                "foster_carer": False,
            }

    # interim -> full care order; placement order for adoption
    if any(code == "C1" for _, code in ls):
        c1 = next(at for at, code in ls if code == "C1")
        full = c1 + d.int(120, 330)
        if adoption is None or full < adoption["order"]:
            change(full, "C2")
    if adoption is not None and adoption["order"] < stop:
        # the placement order stands from its date until the adoption order
        ls = [x for x in sorted(ls) if x[0] < adoption["order"]] + [(adoption["order"], "E1")]

    # placement spells
    # moves fall within the period and before the end of the data (a period still open has no end date)
    last = final_start if final_start is not None else min(stop, data_end)
    duration = (last - start) / 365.25
    band0 = int(_band_of(np.array([age0]))[0])
    rate = _MOVE_RATE[AGE_BANDS[band0]]
    # most moves happen in the first two years; after that placements are long-term and move rarely
    moves = min(d.poisson(max(rate * min(duration, 2.0) + 0.08 * max(duration - 2.0, 0.0), 0.0)), 10)
    # moves come mostly early in a period: long placements settle (u squared skews the dates early)
    points = sorted({start + 7 + int(d.u() ** 2 * max(last - start - 14, 1)) for _ in range(moves)} - {start})
    starts = [start] + [pt for pt in points if start < pt < last - 7]
    if final_start is not None and final_start > starts[-1]:
        starts.append(final_start)
    ls_sorted = sorted(ls)

    def ls_on(day: int) -> str:
        code = ls_sorted[0][1]
        for at, c in ls_sorted:
            if at <= day:
                code = c
        return code

    if final_forced == CATS.index("parents") and ls_on(final_start) not in ("C1", "C2"):
        final_forced = -1
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else stop
        spells.period.append(p)
        spells.start.append(s)
        spells.end.append(e)
        spells.band.append(int(_band_of(np.array([(s - dob) / 365.25]))[0]))
        is_final = final_start is not None and i == len(starts) - 1
        spells.forced.append(final_forced if is_final else -1)
        spells.u_cat.append(d.u())
        spells.u_prov.append(d.u())
        spells.parents_ok.append(ls_on(s) in ("C1", "C2"))
        spells.foster_only.append(final_forced == CATS.index("adoption") and i == len(starts) - 2)
    return _Plan(ls=ls_sorted, adoption=adoption)


def _year_of(day: np.ndarray) -> np.ndarray:
    """Collection year (ending 31 March) of days since 1970."""
    d = np.asarray(day).astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(int) + 1970
    month = (d.astype("datetime64[M]").astype(int) % 12) + 1
    return np.where(month >= 4, y + 1, y)


def _assign(spells: _Spells, mult: np.ndarray, years: list[int]) -> np.ndarray:
    """Category of every spell: forced, or drawn by inverse CDF from age weights x year multipliers."""
    base = np.array([_BASE_WEIGHTS[b] for b in AGE_BANDS], dtype=float)  # band x cat
    band = np.asarray(spells.band)
    yidx = np.clip(_year_of(np.asarray(spells.start)) - years[0], 0, len(years) - 1)
    w = base[band] * mult[yidx]
    w[~np.asarray(spells.parents_ok, dtype=bool), CATS.index("parents")] = 0.0
    foster_only = np.asarray(spells.foster_only, dtype=bool)
    w[np.ix_(foster_only, [CATS.index(c) for c in ("residential", "independent", "parents", "adoption")])] = 0.0
    cdf = np.cumsum(w, axis=1)
    cdf /= cdf[:, -1:]
    cat = (np.asarray(spells.u_cat)[:, None] > cdf).sum(axis=1)
    forced = np.asarray(spells.forced)
    return np.where(forced >= 0, forced, np.minimum(cat, len(CATS) - 1))


def _providers(spells: _Spells, cat: np.ndarray) -> np.ndarray:
    out = np.empty(len(cat), dtype=object)
    u = np.asarray(spells.u_prov)
    for k, name in enumerate(CATS):
        codes, weights = _PROVIDERS[name]
        cdf = np.cumsum(weights) / sum(weights)
        sel = cat == k
        out[sel] = np.asarray(codes, dtype=object)[np.minimum((u[sel, None] > cdf).sum(axis=1), len(codes) - 1)]
    return out


def _observed(pop: _Population, spells: _Spells, cat: np.ndarray, prov: np.ndarray, years: list[int]):
    """Placement-group and provider shares among children looked after at 31 March, by year."""
    start, end = np.asarray(spells.start), np.asarray(spells.end)
    out_pl, out_pr = {}, {}
    groups = np.array([_PUBLISHED_GROUP[c] for c in CATS], dtype=object)[cat]
    prov_group = np.select(
        [prov == "PR1", prov == "PR2", np.isin(prov, ["PR4", "PR5"]), prov == "PR0"],
        ["own", "other_la", "private_voluntary", "parents"],
        "other",
    )
    for y in years:
        day = _year_end(y)
        on = (start <= day) & (end > day)
        n = on.sum()
        if not n:
            continue
        out_pl[y] = {g: float((groups[on] == g).sum() / n) for g in ("foster", "parents", "adoption", "residential")}
        out_pr[y] = {
            g: float((prov_group[on] == g).sum() / n) for g in ("own", "other_la", "private_voluntary", "parents")
        }
    return out_pl, out_pr


def _calibrate(tg: Targets, pop: _Population, spells: _Spells, rounds: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers (year x category) so the 31 March mix matches the published shares."""
    years = tg.years
    mult = np.ones((len(years), len(CATS)))
    idx = {c: i for i, c in enumerate(CATS)}
    for _ in range(rounds):
        cat = _assign(spells, mult, years)
        prov = _providers(spells, cat)
        obs_pl, obs_pr = _observed(pop, spells, cat, prov, years)
        for yi, y in enumerate(years):
            tp, op = tg.placement_shares.get(y), obs_pl.get(y)
            if tp and op:
                for g, cats in (
                    ("foster", ("inhouse", "otherla", "ifa", "kinship")),
                    ("parents", ("parents",)),
                    ("residential", ("residential", "independent")),
                ):
                    if op[g] > 0 and tp.get(g, 0) > 0:
                        for c in cats:
                            mult[yi, idx[c]] *= (tp[g] / op[g]) ** 1.0
            tr, orr = tg.provider_shares.get(y), obs_pr.get(y)
            if tr and orr:
                for g, c in (("own", "inhouse"), ("private_voluntary", "ifa"), ("other_la", "otherla")):
                    if orr[g] > 0 and tr.get(g, 0) > 0:
                        mult[yi, idx[c]] *= (tr[g] / orr[g]) ** 0.8
        mult = np.clip(mult, 0.02, 50)
    cat = _assign(spells, mult, years)
    return cat, _providers(spells, cat)


def _place_code(
    d: _Draws, name: str, spell_start: int, spell_end: int, period_start: int, age: float, fc_adoption: bool
) -> str:
    year = int(_year_of(np.array([spell_start]))[0])
    if name in ("inhouse", "otherla", "ifa"):
        if age < 2 and d.u() < 0.05:
            return "U5"
        long_term = spell_start - period_start > 365 and d.u() < 0.7
        return "U4" if long_term else "U6"
    if name == "kinship":
        return d.pick(("U3", "U1", "U2"), (60, 38, 2))
    if name == "residential":
        if age < 1:
            return "R3"
        if age < 8:
            return d.pick(("K2", "R1"), (90, 10))
        return d.pick(("K2", "S1", "K1", "R1", "R2"), (84, 5, 3, 5, 3))
    if name == "independent":
        if year >= 2025:
            return "K3"
        if spell_end >= _day(dt.date(2023, 10, 28)):  # P2 ended on 28 October 2023
            return "H5"
        return d.pick(("H5", "P2"), (75, 25))
    if name == "parents":
        return "P1"
    if fc_adoption:
        return d.pick(("A5", "A3"), (85, 15))
    return d.pick(("A6", "A4"), (90, 10))


@dataclass
class _Places:
    """Real postcodes to draw homes and placements from: in the authority, nearby, far away."""

    inside: list[str]
    near: list[str]
    far: list[str]


def _places(la_code: str, seed: int, size: int = 4000) -> _Places:
    """Postcode pools for an authority from the ONS postcode directory (see :mod:`analysis.sources.ssda903.geography`).

    "near" is another English upper-tier authority whose centre is 10-45 miles
    from the authority's, "far" 45-150 miles.
    """
    from analysis.sources.ssda903 import geography

    table = geography._postcodes(frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    ltla = table["laua"].astype(str)
    utla = ltla.map(geography._authorities())  # authorities DfE's 2021 lookup knows
    frame = pd.DataFrame(
        {
            "pcd": table["pcd"].astype(str).to_numpy(),
            "e": table["oseast1m"].to_numpy(),
            "n": table["osnrth1m"].to_numpy(),
            "utla": utla.to_numpy(),
        }
    )
    frame = frame[frame["utla"].notna() & frame["utla"].astype(str).str.startswith("E") & frame["e"].notna()]
    frame = frame.sort_values("pcd", kind="stable").reset_index(drop=True)
    centres = frame.groupby("utla")[["e", "n"]].mean()
    if la_code not in centres.index:
        raise InputError(f"--la: no postcodes found for {la_code} in the postcode directory")
    miles = np.hypot(centres["e"] - centres.loc[la_code, "e"], centres["n"] - centres.loc[la_code, "n"]) / 1609.3
    rng = np.random.default_rng([seed, 3])

    def pool(mask: pd.Series) -> list[str]:
        codes = frame.loc[mask.to_numpy(), "pcd"].to_numpy()
        return sorted(rng.choice(codes, size=min(size, len(codes)), replace=False).tolist()) if len(codes) else []

    near_las = miles[(miles > 10) & (miles <= 45)].index
    far_las = miles[(miles > 45) & (miles <= 150)].index
    places = _Places(
        inside=pool(frame["utla"] == la_code),
        near=pool(frame["utla"].isin(near_las)),
        far=pool(frame["utla"].isin(far_las)),
    )
    return places


def _placement_postcode(d: _Draws, name: str, provider: str, place: str, home: str, places: _Places) -> str:
    if place == "P1" and home:
        return home
    reach = "home" if provider == "PR1" else d.pick(("home", "near", "far"), _PLACE_REACH[name])
    pool = {"home": places.inside, "near": places.near, "far": places.far}[reach] or places.inside
    for _ in range(5):
        code = pool[d.int(0, len(pool) - 1)]
        if code != home:
            return code
    return code


def _urn(d: _Draws, place: str, provider: str, la_code: str, spell_end: int) -> str:
    if place in _URN_FREE or (place == "H5" and spell_end < _day(dt.date(2023, 10, 28))):
        return ""  # supported accommodation (H5) has needed an Ofsted URN only since 28 October 2023
    if place.startswith("U") and provider == "PR1":
        return f"SC{int(la_code) * 97 % 1_000_000:06d}"  # the authority's own fostering service
    pools = {"U": 12, "K": 40, "S": 6, "A": 5, "R": 4}
    n = pools.get(place[0], 8)
    return f"SC{(hash_int(place[0] + provider) + d.int(0, n - 1) * 7919) % 1_000_000:06d}"


def hash_int(text: str) -> int:
    """A stable small integer from text (Python's hash() is salted per process)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _episodes(  # long: one per-period draw sequence (CIN, placements, REC); splitting would hide the draw order
    d: _Draws,
    tg: Targets,
    pop: _Population,
    spells: _Spells,
    cat: np.ndarray,
    prov: np.ndarray,
    plans: list[_Plan],
    ids: list[str],
    homes: list[str],
    places: _Places,
) -> pd.DataFrame:
    """Every episode of every period (full history, end dates as they finally were)."""
    rows = []
    by_period: dict[int, list[int]] = {}
    for i, p in enumerate(spells.period):
        by_period.setdefault(p, []).append(i)
    la_code = tg.la.old_la_code
    cin_codes, cin_w = zip(*_CIN)
    rpc_codes, rpc_w = zip(*_REASON_PLACE_CHANGE)
    final_recs: list[str] = []
    for p, plan in enumerate(plans):
        child = pop.p_child[p]
        dob, start = pop.dob[child], pop.p_start[p]
        cin = "N8" if pop.uasc[child] else d.pick(cin_codes, cin_w)
        fc = bool(plan.adoption and plan.adoption["foster_carer"])
        sp = by_period[p]
        # placement at each spell start
        placements = []
        for i in sp:
            name = CATS[cat[i]]
            s = spells.start[i]
            place = _place_code(d, name, s, spells.end[i], start, (s - dob) / 365.25, fc)
            provider = "" if place in ("T0", "T1", "T2", "T3", "T4", "Z1") else str(prov[i])
            if place in ("R2", "R5"):
                provider = "PR3"  # NHS / custody: other public provision
            if place.startswith("A") and fc:
                # adopted by the foster carers: the adoptive placement continues the foster placement
                prev = placements[-1] if placements else None
                if prev is not None and prev["place"].startswith("U"):
                    provider = prev["provider"]
            post = _placement_postcode(d, name, provider, place, homes[child], places)
            placements.append(
                {
                    "at": s,
                    "place": place,
                    "provider": provider,
                    "post": post,
                    "cat": name,
                    "urn": _urn(d, place, provider, la_code, spells.end[i]),
                    "same_carer": place.startswith("A") and fc,
                }
            )
        changes = sorted({pt["at"] for pt in placements} | {at for at, _ in plan.ls})
        ls_at = dict(plan.ls)
        pl_at = {pt["at"]: pt for pt in placements}
        cur_ls, cur_pl = None, None
        home_post = homes[child]
        for j, at in enumerate(changes):
            new_pl = at in pl_at
            new_ls = at in ls_at and (cur_ls is None or ls_at[at] != cur_ls)
            if new_pl:
                cur_pl = pl_at[at]
            if at in ls_at:
                cur_ls = ls_at[at]
            if j == 0:
                rne = "S"
            elif new_pl and new_ls:
                rne = "U" if cur_pl["same_carer"] else "B"
            elif new_pl:
                rne = "T" if cur_pl["same_carer"] else "P"
            elif new_ls:
                rne = "L"
            else:
                continue
            rows.append(
                [
                    ids[child],
                    at,
                    rne,
                    cur_ls,
                    cin,
                    cur_pl["place"],
                    cur_pl["provider"],
                    home_post,
                    cur_pl["post"],
                    cur_pl["urn"],
                    p,
                ]
            )
        final_recs.append(_final_rec(d, pop, p, placements[-1]["cat"]))
    ep = pd.DataFrame(
        rows,
        columns=[
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "HOME_POST",
            "PL_POST",
            "URN",
            "_period",
        ],
    )
    ep = ep.sort_values(["_period", "DECOM"], kind="stable").reset_index(drop=True)
    nxt_same = ep["_period"].shift(-1) == ep["_period"]
    period_end = np.asarray(pop.p_end)[ep["_period"].to_numpy()]
    ep["DEC"] = np.where(nxt_same, ep["DECOM"].shift(-1).fillna(-1).astype(np.int64), period_end)
    final_rec = np.array(final_recs, dtype=object)
    ep["REC"] = np.where(nxt_same, "X1", np.where(ep["DEC"] >= 0, final_rec[ep["_period"].to_numpy()], ""))
    next_rne = ep["RNE"].shift(-1)
    placement_change = nxt_same & next_rne.isin(["P", "B", "T", "U"]) & (ep["DEC"] >= _day(dt.date(2015, 4, 1)))
    ep["REASON_PLACE_CHANGE"] = ""
    idx = np.flatnonzero(placement_change.to_numpy())
    ep.loc[idx, "REASON_PLACE_CHANGE"] = [d.pick(rpc_codes, rpc_w) for _ in idx]
    return ep


def _final_rec(d: _Draws, pop: _Population, p: int, last_category: str) -> str:
    group = pop.p_group[p]
    if pop.p_end[p] < 0:
        return ""
    if group == "adoption":
        return d.pick(("E11", "E12"), (35, 65))
    if group == "special guardianship":
        # E45/E46 are orders to the former foster carers, so the last placement must be fostering
        if last_category == "kinship":
            return d.pick(("E45", "E47"), (80, 20))
        if last_category in ("inhouse", "otherla", "ifa"):
            return d.pick(("E46", "E48"), (60, 40))
        return d.pick(("E47", "E48"), (85, 15))
    if group == "child arrangements order":
        return "E41"
    if group == "return home":
        return d.pick(("E4A", "E4B"), (85, 15))
    if group == "independent living":
        return d.pick(("E5", "E6"), (80, 20))
    child = pop.p_child[p]
    if pop.p_end[p] >= _birthdays(np.array([pop.dob[child]]), 18)[0]:
        return d.pick(("E17", "E8"), (55, 45))
    return d.pick(("E13", "E8", "E3", "E9", "E16"), (35, 40, 15, 5, 5))


# --------------------------------------------------------------------------- the returns
