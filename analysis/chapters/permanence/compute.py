"""The permanence chapter's one result (:class:`Permanence`, from :func:`compute`) and the published
(real) reasons for leaving care.

The child-level parts are worked out in :mod:`.cohort` (time to permanence), :mod:`.adoption`
(scorecard, stages, children waiting) and :mod:`.model` (what predicts delay); :func:`compute`
calls each once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.chapters.permanence.adoption import (
    EnglandTimeliness,
    Waiting,
    adoption_records,
    england_timeliness,
    scorecard,
    scorecard_exclusions,
    scorecard_years,
    stages,
    waiting,
    waiting_trend,
)
from analysis.chapters.permanence.cohort import (
    Cohort,
    Curve,
    Exclusions,
    age_curves,
    cohort,
    entry_year_curves,
    logrank_by,
    permanence_curve,
    route_incidence,
)
from analysis.chapters.permanence.model import Model, model
from analysis.chapters.permanence.timeliness import Timeliness, adoption_timeliness
from analysis.report.context import Context
from analysis.report.text import NOT_PUBLISHED, SUPPRESSED
from analysis.sources.ssda903.context import ChildData

CEASED_MEASURES = {
    "adoption": "ceased_adopted",
    "special guardianship": "ceased_sgo",
    "return home": "ceased_returned_home",
    "child arrangements order": "ceased_cao",
}


CEASED_SHOWN = ("adoption", "special guardianship", "return home")


def ceased_shares(ctx: Context) -> pd.DataFrame:
    """Share of children leaving care by each route, published (real), every year to the paper's year.

    Share = published count for the reason / published children ceasing, the
    same release (so a DfE-suppressed count gives no share). Areas: the
    authority, England, its region and the simple mean of its neighbours'
    shares (with the number of neighbours that have one).

    Returns
    -------
    pandas.DataFrame
        year, route, area, share (percent), count, ceased, neighbours_with_data.
    """
    t = ctx.table
    years = range(ctx.first_year, ctx.year + 1)
    rows = []

    def values(measure, level, key_col=None, key=None):
        r = t[(t["measure"] == measure) & (t["geographic_level"] == level)]
        if key_col is not None:
            r = r[r[key_col] == key] if not isinstance(key, (list, tuple)) else r[r[key_col].isin(key)]
        return r

    for route, measure in CEASED_MEASURES.items():
        for area, level, key_col, key in (
            (ctx.la.la_name, "Local authority", "old_la_code", ctx.la.old_la_code),
            ("England", "National", None, None),
            (ctx.la.region_name, "Regional", "region_code", ctx.la.region_code),
        ):
            num = values(measure, level, key_col, key).set_index("year")["value"]
            den = values("cla_ceased", level, key_col, key).set_index("year")["value"]
            for y in years:
                n, d = num.get(y, np.nan), den.get(y, np.nan)
                rows.append(
                    {
                        "year": y,
                        "route": route,
                        "area": area,
                        "count": n,
                        "ceased": d,
                        "share": 100 * n / d if pd.notna(n) and pd.notna(d) and d > 0 else np.nan,
                        "neighbours_with_data": np.nan,
                    }
                )
        num = values(measure, "Local authority", "old_la_code", list(ctx.neighbour_codes))
        den = values("cla_ceased", "Local authority", "old_la_code", list(ctx.neighbour_codes))
        both = num.merge(den, on=["old_la_code", "year"], suffixes=("_n", "_d")).dropna(subset=["value_n", "value_d"])
        both = both[both["value_d"] > 0]
        both["share"] = 100 * both["value_n"] / both["value_d"]
        by = both.groupby("year")["share"]
        for y in years:
            rows.append(
                {
                    "year": y,
                    "route": route,
                    "area": "Neighbours' average",
                    "count": np.nan,
                    "ceased": np.nan,
                    "share": float(by.mean().get(y, np.nan)),
                    "neighbours_with_data": float(by.count().get(y, 0)),
                }
            )
    out = pd.DataFrame(rows)
    return out[out["year"].isin(sorted(set(out.dropna(subset=["share"])["year"])))].reset_index(drop=True)


def la_share(ctx: Context, shares: pd.DataFrame, route: str, year: int | None = None) -> float:
    """The authority's published share of leavers by ``route`` in ``year`` (default the paper's; NaN if none)."""
    year = ctx.year if year is None else year
    r = shares[(shares["route"] == route) & (shares["area"] == ctx.la.la_name) & (shares["year"] == year)]
    return float(r["share"].iloc[0]) if len(r) else float("nan")


def published_year(shares: pd.DataFrame) -> int | None:
    """The latest year with any published share (DfE publishes reasons for leaving a year or more late)."""
    years = shares.loc[shares["share"].notna(), "year"]
    return int(years.max()) if len(years) else None


def share_value(ctx: Context, shares: pd.DataFrame, route: str, year: int | None = None) -> float | str:
    """The authority's share in ``year``, rounded to 0.1, or why there is none: "suppressed" (DfE suppressed
    the count or a part of it) or "not published" (no figures for that year in data/)."""
    year = ctx.year if year is None else year
    if year not in set(shares["year"]):
        return NOT_PUBLISHED
    v = la_share(ctx, shares, route, year)
    return SUPPRESSED if pd.isna(v) else round(v, 1)


def area_share(shares: pd.DataFrame, route: str, area: str, year: int) -> float:
    """The published share of leavers by ``route`` for one area (a name, "England" or "Neighbours' average"; NaN if none)."""
    r = shares[(shares["route"] == route) & (shares["area"] == area) & (shares["year"] == year)]
    return float(r["share"].iloc[0]) if len(r) else float("nan")


# --------------------------------------------------------------------------- the chapter's one result


@dataclass(frozen=True)
class Permanence:
    """Everything the permanence page shows, worked out once (from :func:`compute`).

    ``synthetic`` says whether the child-level data are the SYNTHETIC authority's; ``year_test`` and
    ``age_test`` are the log-rank tests (chi-squared, degrees of freedom, p) across years of entry and
    age bands; ``scorecard`` holds every three-year window the returns cover (an incomplete one, whose
    children's entry to care is observed for fewer than 95%, without averages), ``waiting_trend`` the
    children waiting at each 31 March; ``timeliness`` is the evidence for the hypothesis (A1 against
    England's published average, A2, time to special guardianship).
    """

    ctx: Context
    synthetic: bool
    cohort: Cohort
    curve: Curve
    routes: pd.DataFrame
    by_year: list[Curve]
    by_age: list[Curve]
    year_test: tuple[float, int, float]
    age_test: tuple[float, int, float]
    records: pd.DataFrame
    scorecard: pd.DataFrame
    scorecard_exclusions: Exclusions
    stages: pd.DataFrame
    england: EnglandTimeliness
    waiting: Waiting
    waiting_trend: pd.DataFrame
    model: Model
    shares: pd.DataFrame
    timeliness: Timeliness

    @property
    def year(self) -> int:
        """The paper's year (collection year ending 31 March)."""
        return self.ctx.year


def compute(ctx: Context, data: ChildData) -> Permanence:
    """The permanence chapter for a paper: the one call its notebook makes.

    Parameters
    ----------
    ctx : analysis.report.context.Context
    data : analysis.sources.ssda903.context.ChildData
        From :func:`analysis.sources.ssda903.context.load` (returns up to the paper's year).
    """
    year = ctx.year
    c = cohort(data, year)
    records = adoption_records(data)
    return Permanence(
        ctx=ctx,
        synthetic=bool(data.synthetic),
        cohort=c,
        curve=permanence_curve(c.frame),
        routes=route_incidence(c),
        by_year=entry_year_curves(c),
        by_age=age_curves(c),
        year_test=logrank_by(c, "entry_year"),
        age_test=logrank_by(c, "age_band"),
        records=records,
        scorecard=scorecard(records, scorecard_years(records, data, year)),
        scorecard_exclusions=scorecard_exclusions(records, year),
        stages=stages(records, year),
        england=england_timeliness(ctx, records),
        waiting=waiting(data, year),
        waiting_trend=waiting_trend(data, year),
        model=model(c),
        shares=ceased_shares(ctx),
        timeliness=adoption_timeliness(ctx, data, records),
    )
