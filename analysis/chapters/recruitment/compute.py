"""The recruitment chapter's numbers: Ofsted's measures, the indicators built from them, the year analysed.

:func:`compute` is the chapter's one call; it returns a :class:`Recruitment`
that every page function takes. :func:`summary`, :func:`ofsted`,
:func:`current_year` and :func:`chosen_year` also serve the claims chapter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.report.context import Context, area_frame
from analysis.report.text import NOT_PUBLISHED
from analysis.sources import published

# --------------------------------------------------------------------------- conventions

#: The Ofsted measures in the published table (:data:`analysis.sources.published.MEASURES`), in funnel order.
MEASURES = tuple(m for m in published.MEASURES if m.startswith("fostering_"))

#: Areas compared, in page order, with their column in :func:`summary`.
AREAS = ("la", "england", "region", "neighbours")

#: First Ofsted year (year ending 31 March) whose deregistrations cover every household, not mainstream only.
ALL_DEREGISTRATIONS_FROM = 2019

_LA_LEVEL, _REGIONAL, _NATIONAL = "Local authority", "Regional", "National"


@dataclass(frozen=True)
class Indicator:
    """A count or rate built from Ofsted's published measures.

    ``value = (sum(plus) - sum(minus)) / den * scale`` (no division when
    ``den`` is None). The value is NaN when any part is not published, or the
    denominator is not positive. ``before`` optionally replaces ``plus`` and
    ``minus`` for years before ``ALL_DEREGISTRATIONS_FROM``.
    """

    label: str
    plus: tuple[str, ...]
    minus: tuple[str, ...] = ()
    den: str | None = None
    scale: float = 100.0
    rate: bool = False
    before: tuple[tuple[str, ...], tuple[str, ...]] | None = None


_M = "fostering_approvals_family_friends"

#: Every indicator of the chapter: Ofsted's counts as published, derived counts, then rates.
INDICATORS: dict[str, Indicator] = {
    "fostering_initial_enquiries": Indicator(
        "Initial enquiries from prospective fostering households", ("fostering_initial_enquiries",)
    ),
    "fostering_applications": Indicator("Applications received in the year (2018-19 on)", ("fostering_applications",)),
    "fostering_applications_concluded_or_in_progress": Indicator(
        "Applications concluded or in progress at 31 March (2017-18 only)",
        ("fostering_applications_concluded_or_in_progress",),
    ),
    "fostering_applications_approved": Indicator(
        "Applications approved (2017-18: all mainstream; 2018-19: of those received in the year)",
        ("fostering_applications_approved",),
    ),
    "fostering_approvals": Indicator("Households approved in the year", ("fostering_approvals",)),
    "approvals_mainstream": Indicator("Mainstream households approved", ("fostering_approvals",), (_M,)),
    "fostering_approvals_family_friends": Indicator("Family and friends households approved", (_M,)),
    "fostering_deregistrations": Indicator(
        "Households deregistered (2017-18: mainstream only)", ("fostering_deregistrations",)
    ),
    "net_change": Indicator(
        "Households approved less deregistered (2017-18: mainstream)",
        ("fostering_approvals",),
        ("fostering_deregistrations",),
        before=(("fostering_approvals",), (_M, "fostering_deregistrations")),
    ),
    "fostering_households": Indicator("Approved fostering households at 31 March", ("fostering_households",)),
    "fostering_places": Indicator("Approved foster places at 31 March", ("fostering_places",)),
    "fostering_filled_places": Indicator("Filled places at 31 March", ("fostering_filled_places",)),
    "unfilled_places": Indicator(
        "Approved places not filled at 31 March", ("fostering_places",), ("fostering_filled_places",)
    ),
    "fostering_vacant_places": Indicator("Vacant places at 31 March (free to use)", ("fostering_vacant_places",)),
    "fostering_places_not_available": Indicator(
        "Places not available at 31 March (e.g. carer on a break)", ("fostering_places_not_available",)
    ),
    "fostering_children_placed": Indicator("Children placed at 31 March", ("fostering_children_placed",)),
    # Rates.
    "conversion_rate": Indicator(
        "Households approved per 100 initial enquiries",
        ("fostering_approvals",),
        den="fostering_initial_enquiries",
        rate=True,
    ),
    "conversion_rate_mainstream": Indicator(
        "Mainstream households approved per 100 initial enquiries",
        ("fostering_approvals",),
        (_M,),
        den="fostering_initial_enquiries",
        rate=True,
    ),
    "applications_per_100_enquiries": Indicator(
        "Applications received per 100 initial enquiries (2018-19 on)",
        ("fostering_applications",),
        den="fostering_initial_enquiries",
        rate=True,
    ),
    "approved_per_100_applications": Indicator(
        "Applications received in the year and approved in it, per 100 (2018-19 on)",
        ("fostering_applications_approved",),
        den="fostering_applications",
        rate=True,
    ),
    "approved_per_100_applications_handled": Indicator(
        "Mainstream applications approved per 100 concluded or in progress (2017-18 only)",
        ("fostering_applications_approved",),
        den="fostering_applications_concluded_or_in_progress",
        rate=True,
    ),
    "enquiries_per_100_households": Indicator(
        "Initial enquiries per 100 approved households",
        ("fostering_initial_enquiries",),
        den="fostering_households",
        rate=True,
    ),
    "approvals_per_100_households": Indicator(
        "Households approved per 100 approved households",
        ("fostering_approvals",),
        den="fostering_households",
        rate=True,
    ),
    "deregistrations_per_100_households": Indicator(
        "Households deregistered per 100 approved households",
        ("fostering_deregistrations",),
        den="fostering_households",
        rate=True,
    ),
    "net_change_per_100_households": Indicator(
        "Net change per 100 approved households (2017-18: mainstream)",
        ("fostering_approvals",),
        ("fostering_deregistrations",),
        den="fostering_households",
        rate=True,
        before=(("fostering_approvals",), (_M, "fostering_deregistrations")),
    ),
    "places_per_household": Indicator(
        "Approved places per approved household",
        ("fostering_places",),
        den="fostering_households",
        scale=1.0,
        rate=True,
    ),
    "filled_places_pct": Indicator(
        "Filled places as a percentage of approved places",
        ("fostering_filled_places",),
        den="fostering_places",
        rate=True,
    ),
    "unfilled_places_pct": Indicator(
        "Approved places not filled, as a percentage",
        ("fostering_places",),
        ("fostering_filled_places",),
        den="fostering_places",
        rate=True,
    ),
    "vacant_places_pct": Indicator(
        "Vacant places as a percentage of approved places",
        ("fostering_vacant_places",),
        den="fostering_places",
        rate=True,
    ),
}

#: Stages of the funnel chart (indicator names), in order.
FUNNEL = (
    "fostering_initial_enquiries",
    "fostering_applications",
    "fostering_applications_concluded_or_in_progress",
    "approvals_mainstream",
    "fostering_approvals_family_friends",
    "fostering_deregistrations",
)

#: Rates compared across areas in the per-household chart.
PER_HOUSEHOLD = ("approvals_per_100_households", "deregistrations_per_100_households", "net_change_per_100_households")


# --------------------------------------------------------------------------- which year


def current_year(ctx: Context) -> int:
    """The Ofsted year (year ending 31 March) containing the paper's meeting date.

    A meeting on 9 January 2018 falls in the year ending 31 March 2018, so 2018
    (Ofsted's 2017-18); a meeting on 1 April 2018 falls in 2019.
    """
    d: dt.date = ctx.paper.meeting_date
    return d.year + 1 if d.month >= 4 else d.year


def ofsted_years(ctx: Context) -> list[int]:
    """Every year (ending 31 March) with Ofsted fostering figures in the data, in order."""
    t = ctx.table
    return sorted(int(y) for y in t.loc[t["measure"].isin(MEASURES), "year"].unique())


def chosen_year(ctx: Context) -> int | None:
    """The Ofsted year the chapter analyses.

    The paper's current year (:func:`current_year`) when it is in the data,
    else the latest earlier Ofsted year; None when no Ofsted year in the data
    is at or before it.
    """
    cy = current_year(ctx)
    earlier = [y for y in ofsted_years(ctx) if y <= cy]
    return max(earlier) if earlier else None


# --------------------------------------------------------------------------- the figures


def _wide(ctx: Context) -> pd.DataFrame:
    """Ofsted's measures for every area, one row per (key, year): key is an old LA code, region code or "England"."""
    t = ctx.table
    t = t[t["measure"].isin(MEASURES) & t["geographic_level"].isin([_LA_LEVEL, _REGIONAL, _NATIONAL])]
    key = np.where(
        t["geographic_level"] == _LA_LEVEL,
        t["old_la_code"].astype(object),
        np.where(t["geographic_level"] == _REGIONAL, t["region_code"].astype(object), "England"),
    )
    wide = t.assign(key=key).pivot_table(
        index=["key", "year"], columns="measure", values="value", aggfunc="first", dropna=False
    )
    return wide.reindex(columns=list(MEASURES)).astype(float)


def indicator_values(wide: pd.DataFrame, ind: Indicator) -> pd.Series:
    """One indicator for every row of a wide table of Ofsted measures (columns :data:`MEASURES`).

    Parameters
    ----------
    wide : pandas.DataFrame
        Indexed by (key, year), one column per measure, NaN where not published.
    ind : Indicator
        What to compute.

    Returns
    -------
    pandas.Series
        Same index; NaN where any part is missing or the denominator is not positive.
    """
    years = wide.index.get_level_values("year")

    def combine(plus, minus):
        cols = list(plus) + list(minus)
        parts = wide.reindex(columns=cols)
        total = parts[list(plus)].sum(axis=1, min_count=1) - (parts[list(minus)].sum(axis=1) if minus else 0)
        return total.where(parts.notna().all(axis=1))

    value = combine(ind.plus, ind.minus)
    if ind.before is not None:
        old = combine(*ind.before)
        value = value.where(years >= ALL_DEREGISTRATIONS_FROM, old)
    if ind.den is not None:
        den = wide.reindex(columns=[ind.den])[ind.den]
        value = value / den.where(den > 0) * ind.scale
    return value.astype(float)


def summary(ctx: Context) -> pd.DataFrame:
    """Every indicator for the authority, England, its region and its neighbours, every Ofsted year.

    Returns
    -------
    pandas.DataFrame
        Indexed by (indicator, year) with :data:`INDICATORS` in order and
        every year of :func:`ofsted_years`; columns ``la``, ``england``,
        ``region``, ``neighbours`` (the simple mean over the neighbours that
        have a value: for a rate, the mean of each neighbour's own rate) and
        ``neighbours_with_data`` (how many there are). NaN means not published.
    """
    wide = _wide(ctx)
    years = ofsted_years(ctx)
    frames = [
        area_frame(ctx, indicator_values(wide, ind), years).assign(indicator=name).reset_index()
        for name, ind in INDICATORS.items()
    ]
    if not frames or not years:
        return pd.DataFrame(
            columns=[*AREAS, "neighbours_with_data"], index=pd.MultiIndex.from_tuples([], names=["indicator", "year"])
        )
    return pd.concat(frames, ignore_index=True).set_index(["indicator", "year"])


def ofsted(ctx: Context) -> pd.DataFrame:
    """Ofsted's published fostering measures, long: the authority, England, its region and its neighbours' mean.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (int, year ending 31 March), ``area`` (``"la"``,
        ``"england"``, ``"region"``, ``"neighbours"``), ``measure`` (a
        ``fostering_*`` name of :data:`MEASURES`) and ``value`` (float; NaN
        when not published). ``neighbours`` is the mean over the neighbours
        with a value. One row per year, area and measure.
    """
    s = summary(ctx)
    s = s[s.index.get_level_values("indicator").isin(MEASURES)]
    long = (
        s[list(AREAS)]
        .rename_axis(columns="area")
        .stack(future_stack=True)
        .rename("value")
        .reset_index()
        .rename(columns={"indicator": "measure"})
    )
    long["year"] = long["year"].astype(int)
    long["value"] = long["value"].astype(float)
    return long.loc[:, ["year", "area", "measure", "value"]].reset_index(drop=True)


def value(summ: pd.DataFrame, indicator: str, year: int | None, area: str = "la"):
    """One figure from :func:`summary`: a float, or :data:`NOT_PUBLISHED` (also when ``year`` is None)."""
    key = (indicator, year)
    if year is None or key not in summ.index or pd.isna(summ.loc[key, area]):
        return NOT_PUBLISHED
    return float(summ.loc[key, area])


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Recruitment:
    """Everything the chapter shows for a paper: what :func:`compute` returns and every page function takes.

    Attributes
    ----------
    ctx : analysis.report.context.Context
        The paper joined to the published data.
    summary : pandas.DataFrame
        :func:`summary`: every indicator for each area and Ofsted year.
    wide : pandas.DataFrame
        Ofsted's measures for every area (the authority, England, regions and
        each neighbour), one row per (key, year): what :func:`indicator_values` reads.
    current_year : int
        :func:`current_year`: the paper's current year.
    year : int or None
        :func:`chosen_year`: the Ofsted year analysed (None when there is none).
    years : tuple of int
        :func:`ofsted_years`: every Ofsted year in the data.
    """

    ctx: Context
    summary: pd.DataFrame
    wide: pd.DataFrame
    current_year: int
    year: int | None
    years: tuple[int, ...]

    def value(self, indicator: str, year: int | None, area: str = "la"):
        """One figure of :attr:`summary` (:func:`value`): a float, or :data:`NOT_PUBLISHED`."""
        return value(self.summary, indicator, year, area)


def compute(ctx: Context) -> Recruitment:
    """The chapter's one call: Ofsted's figures and the indicators for a paper, and the year analysed."""
    return Recruitment(
        ctx=ctx,
        summary=summary(ctx),
        wide=_wide(ctx),
        current_year=current_year(ctx),
        year=chosen_year(ctx),
        years=tuple(ofsted_years(ctx)),
    )


def neighbour_values(res: Recruitment, indicator: str, year: int) -> pd.Series:
    """One indicator for each statistical neighbour with a value in ``year``, indexed by old LA code."""
    v = indicator_values(res.wide, INDICATORS[indicator])
    v = v[v.index.get_level_values("year") == year]
    v = v[v.index.get_level_values("key").isin(res.ctx.neighbour_codes)].dropna()
    return v.droplevel("year")
