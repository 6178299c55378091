"""Periods of care, placements, legal statuses and episodes of the synthetic authority."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.ssda903.synth import params as P
from analysis.sources.ssda903.synth.flows import _band_of, _birthdays, _Population, _year_end
from analysis.sources.ssda903.synth.targets import (
    _BASE_WEIGHTS,
    _CIN,
    _MOVE_RATE,
    _PUBLISHED_GROUP,
    _REASON_PLACE_CHANGE,
    AGE_BANDS,
    CATS,
    Targets,
)

# --------------------------------------------------------------------------- dates as days since 1970


def _day(d: dt.date) -> int:
    """Days since 1970 of a date."""
    return (d - dt.date(1970, 1, 1)).days


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
    """Placement spells of every period, as parallel lists (the category is drawn later, for all at once)."""

    period: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)  # exclusive; _HORIZON while open
    band: list[int] = field(default_factory=list)
    forced: list[int] = field(default_factory=list)  # category index, or -1 to draw
    u_cat: list[float] = field(default_factory=list)
    u_prov: list[float] = field(default_factory=list)
    u_stay: list[float] = field(default_factory=list)  # below STAY_IN_CATEGORY: same category as the last
    parents_ok: list[bool] = field(default_factory=list)  # placed with parents needs a care order
    foster_only: list[bool] = field(default_factory=list)  # the placement before an adoptive one is fostering


@dataclass
class _Plan:
    """Per-period extras: legal-status changes, adoption dates, the final spell's special code."""

    ls: list[tuple[int, str]]
    adoption: dict | None = None


def _first_legal_status(d: _Draws, route: str, group: str) -> str:
    """Legal status on entry, by route into care."""
    if route == "uasc":
        return "V2"
    if route == "remand":
        return "J1"
    if route == "s20":
        return d.pick(("V2", "L1"), (95, 5))
    if group in ("adoption", "special guardianship"):
        return d.pick(("C1", "L2"), (88, 12))
    return d.pick(("C1", "L2", "L1"), (80, 12, 8))


def _legal_statuses(d: _Draws, route: str, group: str, start: int, stop: int, adoption: dict | None) -> list:
    """The period's legal statuses as (day, LS), sorted: entry, police/EPO to a care order, C1 to C2, E1."""
    first_ls = _first_legal_status(d, route, group)
    ls = [(start, first_ls)]

    def change(at: int, code: str) -> None:
        if ls[-1][0] < at < stop and ls[-1][1] != code:
            ls.append((at, code))

    if first_ls in ("L1", "L2"):  # police protection lasts at most 72 hours, an EPO at most 8 days
        after = "V2" if route == "s20" else "C1"
        change(start + (d.int(1, 3) if first_ls == "L1" else d.int(2, 8)), after)
    if ls[-1][1] == "V2" and group == "adoption" and not (adoption and adoption["consent"]):
        change(start + d.int(20, 90), "C1")
    order = adoption["order"] if adoption else None
    if any(code == "C1" for _, code in ls):
        c1 = next(at for at, code in ls if code == "C1")
        full = c1 + d.int(120, 330)
        if order is None or full < order:
            change(full, "C2")
    if order is not None and order < stop:
        # the placement order stands from its date until the adoption order
        ls = [x for x in sorted(ls) if x[0] < order] + [(order, "E1")]
    return sorted(ls)


def _adoption_plan(d: _Draws, start: int, end: int) -> dict:
    """Dates of an adoption ending on ``end``: decision, placement order, match, placement; and its path.

    Paths (:data:`.params.ADOPTION`): adopted by the foster carers; by parental consent (no placement
    order); matched before the placement order; an earlier adoptive placement that broke down; the AD1 or
    Placed for Adoption row missing from the return.
    """
    a = P.ADOPTION
    span = end - start
    placed = end - min(d.int(150, 480), int(span * 0.55))  # placed with adopters ~10 months before the order
    consent = d.u() < a["consent"]
    foster_carer = d.u() < a["foster_carer"]
    early_match = not consent and d.u() < a["match_before_order"]
    match = max(placed - d.int(7, 45), start + 40)
    order = max(match - d.int(20, 200), start + 30)
    decided = max(order - d.int(14, 90), start + 14)
    if early_match and placed - match > 6:  # matched first; the court's authority follows within weeks
        order = min(match + d.int(5, 40), placed - 1)
        decided = max(min(decided, match - d.int(20, 90)), start + 14)
    breakdown = None
    if not foster_carer and d.u() < a["breakdown"]:
        first = (decided if consent else order) + d.int(10, 60)
        broke = first + d.int(30, 200)
        if broke < placed - 30:
            breakdown = (first, broke)
    return {
        "decided": decided,
        "order": None if consent else order,
        "match": min(match, placed),
        "placed": placed,
        "foster_carer": foster_carer,
        "consent": consent,
        "breakdown": breakdown,
        "missing_ad1": d.u() < a["missing_ad1"],
        "missing_placed": d.u() < a["missing_placed"],
    }


def _forced_spells(d: _Draws, pop: _Population, p: int, adoption: dict | None) -> list[tuple[int, int]]:
    """Placements the period's route fixes, as (day, category index or -1 for fostering): adoptive ones,
    the special guardian's, independent living, home on trial before a return home."""
    child = pop.p_child[p]
    dob, start, end, group = pop.dob[child], pop.p_start[p], pop.p_end[p], pop.p_group[p]
    if end < 0:
        return []
    if group == "adoption" and adoption:
        out = [(adoption["placed"], CATS.index("adoption"))]
        if adoption["breakdown"]:
            first, broke = adoption["breakdown"]
            out = [(first, CATS.index("adoption")), (broke, -1), *out]
        return out
    if group == "special guardianship" and d.u() < 0.6:
        return [(start + int((end - start) * d.u() * 0.5), CATS.index("kinship"))]
    if group == "independent living" and (end - dob) / 365.25 >= 16.3:
        return [
            (max(start + 1, end - d.int(60, 400), int(_birthdays(np.array([dob]), 16)[0])), CATS.index("independent"))
        ]
    if group == "return home" and d.u() < 0.25 and end - start > 60:
        return [(end - d.int(30, min(180, end - start - 1)), CATS.index("parents"))]
    return []


def _waiting_adoption(d: _Draws, pop: _Population, p: int) -> dict | None:
    """An adoption decision for a child still in care at the end of the data (or one later reversed)."""
    child = pop.p_child[p]
    start = pop.p_start[p]
    young = (start - pop.dob[child]) / 365.25 < 10
    if pop.p_group[p] != "" or not young or pop.p_route[p] != "court" or d.u() >= 0.03:
        return None
    order = start + d.int(200, 500)
    return {
        "decided": order - d.int(14, 90),
        "order": order,
        "match": None,
        "placed": None,
        "foster_carer": False,
        "consent": False,
        "breakdown": None,
        "missing_ad1": False,
        "missing_placed": d.u() < P.ADOPTION["missing_placed"],
    }


def _plan_period(d: _Draws, pop: _Population, p: int, spells: _Spells, data_end: int) -> _Plan:
    """Draw one period's legal statuses, adoption dates and placement spells (spells go to ``spells``)."""
    child = pop.p_child[p]
    dob, start, end, group = pop.dob[child], pop.p_start[p], pop.p_end[p], pop.p_group[p]
    stop = end if end >= 0 else _HORIZON
    age0 = (start - dob) / 365.25
    adoption = _adoption_plan(d, start, end) if group == "adoption" and end >= 0 else _waiting_adoption(d, pop, p)
    ls = _legal_statuses(d, pop.p_route[p], group, start, stop, adoption)
    forced = [(at, c) for at, c in _forced_spells(d, pop, p, adoption) if start < at < stop]

    def ls_on(day: int) -> str:
        code = ls[0][1]
        for at, c in ls:
            if at <= day:
                code = c
        return code

    if forced and forced[-1][1] == CATS.index("parents") and ls_on(forced[-1][0]) not in ("C1", "C2"):
        forced = []
    # moves fall within the period, before the first fixed placement and the end of the data
    last = forced[0][0] if forced else min(stop, data_end)
    duration = (last - start) / 365.25
    rate = _MOVE_RATE[AGE_BANDS[int(_band_of(np.array([age0]))[0])]]
    # most moves happen in the first two years; after that placements are long-term and move rarely
    moves = min(d.poisson(max(rate * min(duration, 2.0) + 0.08 * max(duration - 2.0, 0.0), 0.0)), 10)
    # moves come mostly early in a period: long placements settle (u squared skews the dates early)
    points = sorted({start + 7 + int(d.u() ** 2 * max(last - start - 14, 1)) for _ in range(moves)} - {start})
    starts = [start] + [pt for pt in points if start < pt < last - 7]
    fixed = {at: c for at, c in forced if at > starts[-1]}
    starts += sorted(fixed)
    adoptive = CATS.index("adoption")
    for i, s in enumerate(starts):
        nxt = starts[i + 1] if i + 1 < len(starts) else None
        spells.period.append(p)
        spells.start.append(s)
        spells.end.append(nxt if nxt is not None else stop)
        spells.band.append(int(_band_of(np.array([(s - dob) / 365.25]))[0]))
        spells.forced.append(fixed.get(s, -1) if i else -1)
        spells.u_cat.append(d.u())
        spells.u_prov.append(d.u())
        spells.u_stay.append(d.u())
        spells.parents_ok.append(ls_on(s) in ("C1", "C2"))
        spells.foster_only.append((nxt is not None and fixed.get(nxt) == adoptive) or (s in fixed and fixed[s] == -1))
    return _Plan(ls=ls, adoption=adoption)


def _year_of(day: np.ndarray) -> np.ndarray:
    """Collection year (ending 31 March) of days since 1970."""
    d = np.asarray(day).astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(int) + 1970
    month = (d.astype("datetime64[M]").astype(int) % 12) + 1
    return np.where(month >= 4, y + 1, y)


def _assign(spells: _Spells, mult: np.ndarray, years: list[int]) -> np.ndarray:
    """Category of every spell: forced, or drawn from a transition model.

    The first placement of a period is drawn by inverse CDF from the age weights x the year's
    multipliers; each later one keeps the last one's category with the chance
    :data:`.params.STAY_IN_CATEGORY` (when allowed), else is drawn afresh the same way. Spells are
    taken a position within the period at a time, so the model is vectorised across periods.
    """
    base = np.array([_BASE_WEIGHTS[b] for b in AGE_BANDS], dtype=float)  # band x cat
    band = np.asarray(spells.band)
    yidx = np.clip(_year_of(np.asarray(spells.start)) - years[0], 0, len(years) - 1)
    w = base[band] * mult[yidx]
    w[~np.asarray(spells.parents_ok, dtype=bool), CATS.index("parents")] = 0.0
    foster_only = np.asarray(spells.foster_only, dtype=bool)
    not_foster = [CATS.index(c) for c in ("residential", "independent", "parents", "adoption")]
    w[np.ix_(foster_only, not_foster)] = 0.0
    cdf = np.cumsum(w, axis=1)
    cdf /= np.maximum(cdf[:, -1:], 1e-300)
    fresh = np.minimum((np.asarray(spells.u_cat)[:, None] > cdf).sum(axis=1), len(CATS) - 1)
    forced = np.asarray(spells.forced)
    cat = np.where(forced >= 0, forced, fresh)
    period = np.asarray(spells.period)
    first = np.ones(len(period), dtype=bool)
    first[1:] = period[1:] != period[:-1]
    position = np.arange(len(period)) - np.maximum.accumulate(np.where(first, np.arange(len(period)), 0))
    stay_p = np.array([P.STAY_IN_CATEGORY[b] for b in AGE_BANDS])[band]
    stays = np.asarray(spells.u_stay) < stay_p
    for k in range(1, int(position.max()) + 1 if len(position) else 0):
        at = np.flatnonzero((position == k) & (forced < 0) & stays)
        prev = cat[at - 1]
        ok = w[at, prev] > 0
        cat[at[ok]] = prev[ok]
    return cat


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
    d: _Draws, name: str, spell_start: int, spell_end: int, period_start: int, age: float, adoption: dict | None
) -> str:
    """The PLACE code of a placement of internal category ``name`` (code lists change by year)."""
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
    consent = bool(adoption and adoption["consent"])
    if adoption and adoption["foster_carer"]:
        return "A3" if consent else "A5"
    return "A4" if consent else "A6"


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
    reach = "home" if provider == "PR1" else d.pick(("home", "near", "far"), P.PLACE_REACH[name])
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


_TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
_TEMP_CODES = [c for c, *_ in P.TEMPORARY_CODES]
_TEMP_WEIGHTS = [w for _, w, *_ in P.TEMPORARY_CODES]
_TEMP_DAYS = {c: (lo, hi) for c, _, lo, hi in P.TEMPORARY_CODES}
_LONG_TERM = {"U6": "U4", "U3": "U1"}


def _spell_placement(d: _Draws, ctx: dict, i: int, previous: dict | None) -> dict:
    """The placement of spell ``i``: code, provider, postcode, URN; adoptive placements by the foster carers
    continue the foster placement (same provider and postcode, RNE T/U)."""
    sp, child, adoption = ctx["spells"], ctx["child"], ctx["adoption"]
    name = CATS[ctx["cat"][i]]
    s, e = sp.start[i], sp.end[i]
    age = (s - ctx["pop"].dob[child]) / 365.25
    fostered = previous is not None and previous["place"].startswith("U")
    if adoption and adoption["foster_carer"] and not fostered and CATS[ctx["cat"][i]] == "adoption":
        adoption["foster_carer"] = False  # the placement before was not fostering: new adopters (AD1 too)
    place = _place_code(d, name, s, e, ctx["start"], age, adoption)
    provider = "PR3" if place in ("R2", "R5") else str(ctx["prov"][i])  # NHS / custody: other public provision
    same = bool(adoption and adoption["foster_carer"] and place in ("A3", "A5"))
    post = _placement_postcode(d, name, provider, place, ctx["home"], ctx["places"])
    if same:
        provider, post = previous["provider"], previous["post"]
    urn = _urn(d, place, provider, ctx["la_code"], e)
    return {"at": s, "place": place, "provider": provider, "post": post, "cat": name, "urn": urn, "same_carer": same}


def _within_spell(d: _Draws, pl: dict, end: int) -> list[dict]:
    """Changes inside a placement: a short-term foster placement becoming long-term with the same carers
    (U6 -> U4, U3 -> U1; RNE T), and a temporary placement (T0-T4) and the return to the same carers."""
    out = []
    length = min(end, _HORIZON // 2) - pl["at"]
    if pl["place"] in _LONG_TERM and length > 400 and d.u() < P.BECOMES_LONG_TERM:
        at = pl["at"] + d.int(270, 450)
        if at < end - 30:
            out.append({**pl, "at": at, "place": _LONG_TERM[pl["place"]], "same_carer": True, "rpc": "PLACE"})
    if pl["cat"] in ("inhouse", "otherla", "ifa", "kinship") and length >= 60 and d.u() < P.TEMPORARY_PLACEMENT:
        code = d.pick(_TEMP_CODES, _TEMP_WEIGHTS)
        lo, hi = _TEMP_DAYS[code]
        at = pl["at"] + d.int(14, length - hi - 14)
        if all(abs(at - x["at"]) > hi + 7 for x in out):
            back = at + d.int(lo, hi)
            cur = max((x for x in out if x["at"] < at), key=lambda x: x["at"], default=pl)
            # DfE's rule 226: no reason for the change into a temporary placement, nor for the one out of it
            temp = {**cur, "at": at, "place": code, "provider": "", "urn": "", "same_carer": False, "rpc": "-"}
            out += [temp, {**cur, "at": back, "same_carer": False, "rpc": "-"}]
    return sorted(out, key=lambda x: x["at"])


def _after_temporary(placements: list[dict], ls: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """``ls`` with each change made during a temporary placement (T0-T4) moved to the day after the child
    returns: DfE's rules want the temporary placement to start with RNE P or B (380) and the return to be
    RNE P to the same placement (383), so the change cannot be recorded inside it nor with the return."""
    spans = [(a["at"], b["at"]) for a, b in pairwise(placements) if a["place"] in _TEMPORARY and b["at"] > a["at"]]
    out = []
    for at, code in ls:
        back = next((end for begin, end in spans if begin < at <= end), None)
        out.append((back + 1 if back is not None else at, code))
    return sorted(dict(out).items())


def _period_rows(ctx: dict, placements: list[dict], ls: list[tuple[int, str]], cin: str, p: int) -> list[list]:
    """Episode rows of one period: a new one at every change of placement or legal status, with its RNE."""
    rows = []
    ls = _after_temporary(placements, ls)
    changes = sorted({pt["at"] for pt in placements} | {at for at, _ in ls})
    ls_at = dict(ls)
    pl_at = {pt["at"]: pt for pt in placements}
    cur_ls, cur_pl = None, None
    pending = None  # a legal status made during an A3/A5 placement, recorded with the next placement
    for j, at in enumerate(changes):
        new_pl = at in pl_at
        code = ls_at.get(at, pending)
        new_ls = code is not None and (cur_ls is None or code != cur_ls)
        if not new_pl and cur_pl is not None and cur_pl["place"] in ("A3", "A5", *_TEMPORARY):
            # DfE's rules 217 and 380: an A3/A5 episode starts with RNE S, T or U and a temporary one with
            # P or B, so no legal-status-only (L) episode within either: a new status during an A3/A5
            # placement is recorded with the next placement, which then changes both (RNE B or U); one
            # during a temporary placement has been moved to the day after it (_after_temporary)
            pending = ls_at.get(at, pending)
            continue
        if new_pl:
            cur_pl = pl_at[at]
        if code is not None:
            cur_ls = code
        pending = None
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
        post = cur_pl["post"]
        rows.append(
            [ctx["id"], at, rne, cur_ls, cin, cur_pl["place"], cur_pl["provider"], ctx["home"], post, cur_pl["urn"]]
            + [p, cur_pl.get("rpc", "") if new_pl else ""]
        )
    return rows


_EPISODE_FRAME = [
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
    "_rpc",
]


def _episodes(
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
    cin_codes, cin_w = zip(*_CIN)
    final_recs: list[str] = []
    for p, plan in enumerate(plans):
        child = pop.p_child[p]
        ctx = {
            "spells": spells,
            "cat": cat,
            "prov": prov,
            "pop": pop,
            "child": child,
            "start": pop.p_start[p],
            "adoption": plan.adoption,
            "home": homes[child],
            "places": places,
            "la_code": tg.la.old_la_code,
            "id": ids[child],
            "data_end": _year_end(tg.years[-1]) + 1,
        }
        cin = "N8" if pop.uasc[child] else d.pick(cin_codes, cin_w)
        placements: list[dict] = []
        for i in by_period[p]:
            pl = _spell_placement(d, ctx, i, placements[-1] if placements else None)
            placements += [pl, *_within_spell(d, pl, min(spells.end[i], ctx["data_end"]))]
        rows += _period_rows(ctx, placements, plan.ls, cin, p)
        final_recs.append(_final_rec(d, pop, p, placements[-1]["cat"]))
    return _finish_episodes(d, pop, pd.DataFrame(rows, columns=_EPISODE_FRAME), final_recs)


def _finish_episodes(d: _Draws, pop: _Population, ep: pd.DataFrame, final_recs: list[str]) -> pd.DataFrame:
    """End dates (the next episode's start, or the period's end), REC and the reason for each placement change."""
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
    rpc_codes, rpc_w = zip(*_REASON_PLACE_CHANGE)
    given = ep["_rpc"].shift(-1).fillna("").to_numpy()
    picked = [given[i] or d.pick(rpc_codes, rpc_w) for i in idx]
    ep.loc[idx, "REASON_PLACE_CHANGE"] = ["" if code == "-" else code for code in picked]
    return ep.drop(columns="_rpc")


def _final_rec(d: _Draws, pop: _Population, p: int, last_category: str) -> str:
    """REC of a period's last episode: as drawn at the exit, except special guardianship, whose code says
    whether the guardians were the foster carers (so depends on the last placement)."""
    group = pop.p_group[p]
    if pop.p_end[p] < 0:
        return ""
    if group == "special guardianship":
        # E45/E46 are orders to the former foster carers, so the last placement must be fostering
        if last_category == "kinship":
            return d.pick(("E45", "E47"), (80, 20))
        if last_category in ("inhouse", "otherla", "ifa"):
            return d.pick(("E46", "E48"), (60, 40))
        return d.pick(("E47", "E48"), (85, 15))
    return pop.p_rec[p] or "E8"


# --------------------------------------------------------------------------- the returns
