"""Paths real returns take outside the periods of care: short breaks, previous permanence, flawed home postcodes.

* **Short breaks.** Disabled children (category of need N2) looked after under
  an agreed series of short breaks: LS V3 (each break recorded as its own
  episode, RNE S, a few nights) or V4 (one episode for each year's
  agreement). DfE leaves them out of every count, and so does the episode
  model (:func:`analysis.sources.ssda903.episodes.prepare`). As DfE's rules
  require (214, 398, 420), a short break has no postcodes and no URN.
* **Previous permanence** of new children (:data:`.params.PREVIOUS_PERMANENCE`):
  a few were adopted, or under a special guardianship or child arrangements
  order, before they came into this authority's care. (A child who comes back
  after an order made here carries that order: :mod:`.returns`.)
* **Home postcodes** missing or not a full postcode (an outward code only), as
  in a few real returns (:data:`.params.POSTCODE_FLAWS`); the distance from
  home is then not known. UASC have no home postcode in any case. Placement
  postcodes are always given: DfE's rule 169 needs them for every episode but
  short breaks.
* **Late episodes** (:data:`.params.LATE_EPISODES`): a year's return that
  misses a child who started in its last weeks, or records a placement's
  provider wrongly, and the next year's return that adds or corrects it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.sources.ssda903.synth import params as P
from analysis.sources.ssda903.synth.flows import _YEAR, _birthdays, _Population, _year_end, _year_start
from analysis.sources.ssda903.synth.targets import Targets


def short_break_children(pop: _Population, rng: np.random.Generator, tg: Targets, scale: float) -> list[dict]:
    """Add the children on short breaks to ``pop`` (no periods of care); return each one's series.

    About :data:`.params.SHORT_BREAK_PER_100` children per 100 looked after are on a series at any
    time; a series lasts two to six years and ends by the child's 18th birthday.
    """
    first, last = tg.years[0], tg.years[-1]
    mean_stock = float(np.mean([tg.cla[y] for y in tg.years])) * scale
    per_year = mean_stock * P.SHORT_BREAK_PER_100 / 100 / 4.0  # a series lasts four years on average
    n = int(rng.poisson(per_year * len(tg.years)))
    start = rng.integers(_year_start(first) - 2 * 365, _year_end(last) - 30, n)
    age = rng.uniform(5.0, 15.5, n)
    dob = start - (age * _YEAR).astype(np.int64)
    length = (rng.uniform(2.0, 6.0, n) * _YEAR).astype(np.int64)
    end = np.minimum(start + length, _birthdays(dob, 18) - 1)
    v4 = rng.random(n) < P.SHORT_BREAK_V4_SHARE
    kids = pop.add_children(rng, dob, np.zeros(n, dtype=bool))
    return [
        {"child": int(c), "start": int(s), "end": int(e), "v4": bool(v)} for c, s, e, v in zip(kids, start, end, v4)
    ]


def _breaks(rng: np.random.Generator, series: dict, data_end: int) -> list[tuple[int, int]]:
    """The (DECOM, DEC) of each episode of a series: one per break (V3) or per year's agreement (V4)."""
    s, e = series["start"], series["end"]
    out = []
    if series["v4"]:
        while s < e and s <= data_end:
            stop = min(s + 364, e)
            out.append((s, stop))
            s = stop + 1 + int(rng.integers(0, 30))
        return out
    day = s
    while day < e and day <= data_end:
        nights = int(rng.integers(1, 4))
        out.append((day, day + nights))
        day += nights + int(rng.integers(21, 60))  # about one break a month
    return out


def short_break_episodes(
    rng: np.random.Generator, series: list[dict], ids: list[str], homes: list[str], data_end: int
) -> pd.DataFrame:
    """Episode rows (as :func:`.care._episodes` makes them, plus ``_child``) for every short break."""
    rows = []
    for sr in series:
        code = "V4" if sr["v4"] else "V3"
        place, provider = ("U6", "PR1") if rng.random() < 0.4 else ("K2", "PR1" if rng.random() < 0.5 else "PR4")
        for decom, dec in _breaks(rng, sr, data_end):
            rows.append(
                [ids[sr["child"]], decom, "S", code, "N2", place, provider, "", "", ""]
                + [-1, dec if dec < data_end else -1, "E8" if dec < data_end else "", "", sr["child"]]
            )
    columns = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "HOME_POST", "PL_POST", "URN"]
    return pd.DataFrame(rows, columns=[*columns, "_period", "DEC", "REC", "REASON_PLACE_CHANGE", "_child"])


def flawed_homes(rng: np.random.Generator, homes: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    """Home postcodes with a few blank and a few cut to the outward code (``CB4 1AB`` -> ``CB4``); and the
    children flawed, by kind (``home_postcode_blank``, ``home_postcode_invalid``)."""
    f = P.POSTCODE_FLAWS
    u = rng.random(len(homes))
    out, flawed = [], {"home_postcode_blank": [], "home_postcode_invalid": []}
    for child, (home, x) in enumerate(zip(homes, u)):
        if home and x < f["home_blank"]:
            out.append("")
            flawed["home_postcode_blank"].append(child)
        elif home and x < f["home_blank"] + f["home_invalid"]:
            out.append(home.replace(" ", "")[:-3])  # the inward code is always the last three characters
            flawed["home_postcode_invalid"].append(child)
        else:
            out.append(home)
    return out, flawed


@dataclass
class LateEpisodes:
    """Episodes a later year's return adds or corrects (:data:`.params.LATE_EPISODES`).

    ``missing``: year -> children left out of that year's return (they started in its last weeks; the
    next year's return has them). ``wrong_provider``: year -> rows of the episodes table whose
    PLACE_PROVIDER that year's return gives wrongly (the next year's gives it right).
    """

    missing: dict[int, set[int]] = field(default_factory=dict)
    wrong_provider: dict[int, set[int]] = field(default_factory=dict)


def late_episodes(rng: np.random.Generator, ep: pd.DataFrame, pop: _Population, years: list[int]) -> LateEpisodes:
    """Draw the late episodes of every year but the last (``ep``: every episode, days since 1970)."""
    f = P.LATE_EPISODES
    late = LateEpisodes()
    period = ep["_period"].to_numpy()
    first_period = np.zeros(len(ep), dtype=bool)
    known = period >= 0  # short breaks have no period
    first_period[known] = np.asarray(pop.p_prev, dtype=np.int64)[period[known]] < 0
    decom, dec, child = ep["DECOM"].to_numpy(), ep["DEC"].to_numpy(), ep["_child"].to_numpy()
    agency = np.isin(ep["PLACE_PROVIDER"].to_numpy(), ("PR4", "PR5"))
    # a placement's first episode (so no earlier episode of the same placement, RNE L, disagrees with it)
    new_placement = np.isin(ep["RNE"].to_numpy(), ("S", "P", "B"))
    for y in years[:-1]:
        ys, ye = _year_start(y), _year_end(y)
        open_at_end = (decom <= ye) & ((dec < 0) | (dec > ye))
        starts = np.flatnonzero(
            first_period & (ep["RNE"].to_numpy() == "S") & (decom >= ye - f["start_days"]) & open_at_end
        )
        missing = child[starts[rng.random(len(starts)) < f["start"]]]
        late.missing[y] = set(missing.tolist())
        rows = np.flatnonzero(known & agency & new_placement & open_at_end & (decom >= ys))
        rows = rows[~np.isin(child[rows], missing)]
        late.wrong_provider[y] = set(ep.index[rows[rng.random(len(rows)) < f["provider"]]].tolist())
    return late


#: A few English authorities' codes (LA_PERM) for permanence arranged elsewhere, all in DfE's list (rule 633).
_OTHER_LAS = ("874", "881", "919", "926", "935", "822", "823", "925", "202", "209", "330", "350")


def _date_perm(rng: np.random.Generator, day: int, start: int) -> str:
    """DATE_PERM of a new child's previous permanence: dd/mm/YYYY, or known only to the month or the year
    (when even the last day it could be is before ``start``, the day the child came into care here)."""
    when = pd.Timestamp(int(day), unit="D")
    text, begun = when.strftime("%d/%m/%Y"), pd.Timestamp(int(start), unit="D")
    u = rng.random()
    month_only, year_only = P.PREVIOUS_PERMANENCE_PARTIAL_DATE
    if u < year_only and pd.Timestamp(when.year, 12, 31) < begun:
        return "ZZ/ZZ/" + text[-4:]
    if year_only <= u < year_only + month_only and when + pd.offsets.MonthEnd(0) < begun:
        return "ZZ" + text[2:]
    return text


def previous_permanence(pop: _Population, rng: np.random.Generator, own_la: str) -> dict[int, tuple[str, str, str]]:
    """New children who had a permanence option before they came into care here: child -> (PREV_PERM, LA_PERM,
    DATE_PERM), drawn per child in order (:data:`.params.PREVIOUS_PERMANENCE`; every other child is Z1)."""
    first = {}
    for period, child in enumerate(pop.p_child):
        first.setdefault(child, period)
    codes, rates = zip(*P.PREVIOUS_PERMANENCE.items())
    cdf = np.cumsum(rates)
    where, weights = zip(*P.PREVIOUS_PERMANENCE_WHERE)
    out: dict[int, tuple[str, str, str]] = {}
    for child in range(len(pop.dob)):
        u = rng.random()
        period = first.get(child)
        if period is None or pop.uasc[child]:
            continue
        start, dob = pop.p_start[period], pop.dob[child]
        if start - dob < 2 * _YEAR or u >= cdf[-1]:
            continue
        code = codes[int(np.searchsorted(cdf, u, side="right"))]
        if code == "P4":
            out[child] = (code, "999", "ZZ/ZZ/ZZZZ")
            continue
        at = rng.choice(len(where), p=np.asarray(weights) / sum(weights))
        la = {"own": own_la, "other": _OTHER_LAS[int(rng.integers(0, len(_OTHER_LAS)))]}.get(where[at], where[at])
        # an adoption order at 1 to 7, an order elsewhere any time from six months old to two months before
        lo, hi = (dob + 365, dob + 7 * 365) if code == "P1" else (dob + 182, start - 60)
        out[child] = (code, la, _date_perm(rng, int(rng.integers(lo, max(min(hi, start - 60), lo + 1))), start))
    return out
