"""Chapter "Foster carer recruitment": Ofsted's figures on the council's own fostering service.

The committee paper asks members to back more recruitment of the council's own
("in-house") foster carers, and says recruitment "in the current year has been
significantly improved compared with previous years". This module sets out
what Ofsted's *Fostering in England* data on local-authority fostering
services shows about that service, against England, the authority's region
and the mean of its statistical neighbours:

* the **recruitment funnel**: initial enquiries from prospective fostering
  households, applications, households approved (mainstream and family and
  friends), households deregistered and the net change;
* **conversion rates**: households approved per 100 initial enquiries (the
  headline), applications per 100 enquiries and approvals per 100
  applications where Ofsted published them, and flows per 100 approved
  households so that authorities of different sizes compare;
* **in-house capacity**: approved places against filled places at 31 March,
  and the places not filled split into vacant (free to use) and not available.

The figures are real and published, read from the committed table
(``fostering_*`` measures, see ``data/README.md``): year 2018 is Ofsted's
2017-18 (1 April 2017 to 31 March 2018), 2019 is 2018-19. They cover the
council's own fostering service only: independent fostering agencies (IFAs)
report to Ofsted for themselves, not by the authority that places children
with them. Ofsted rounds every figure to the nearest 5 and shows ``..`` where
it suppressed one; a value that is missing or suppressed is NaN here and
"not published" on the page (:data:`NOT_PUBLISHED`). Nothing is imputed.

Which year
----------
The paper's "current year" is the financial year (to 31 March) containing its
meeting date (:func:`current_year`). The chapter analyses the latest Ofsted
year at or before it (:func:`chosen_year`), shows every Ofsted year in the
data, and says plainly when the chosen year is not the current one or when
there is none.

Breaks in Ofsted's series
-------------------------
* Applications: 2017-18 publishes only "total applications concluded or in
  progress at 31 March" (every application handled in the year, including
  those received earlier); 2018-19 publishes applications *received* in the
  year and how many of those were approved in the same year. The two are kept
  apart (:data:`INDICATORS`), never compared.
* Approvals: 2017-18's total households approved is the sum of mainstream
  approvals and family-and-friends approvals (made by ``analysis.sources.refresh``);
  mainstream approvals are the total less family and friends in both years.
* Deregistrations: before 2018-19 Ofsted counted mainstream households only,
  so the net change for 2017-18 is mainstream approvals less deregistrations
  (:data:`ALL_DEREGISTRATIONS_FROM`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.report import charts
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

#: Source line for captions.
SOURCE = (
    "Source: Ofsted, Fostering in England: data on local authority fostering services (real, published "
    "figures, rounded to the nearest 5 by Ofsted)."
)

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


# --------------------------------------------------------------------------- small helpers


def period(year: int | None) -> str:
    """Ofsted's year as text: 2018 -> "2017-18" (the year ending 31 March 2018); None -> "not published"."""
    if year is None:
        return NOT_PUBLISHED
    return f"{year - 1}-{year % 100:02d}"


def _is_number(value) -> bool:
    return not isinstance(value, str) and value is not None and not pd.isna(value)


def _n(value) -> str:
    """A count for a sentence: "525", or "not published"."""
    return f"{value:,.0f}" if _is_number(value) else NOT_PUBLISHED


def _count(value, noun: str) -> str:
    """A count with its noun: "525 initial enquiries", or "initial enquiries (not published)"."""
    return f"{value:,.0f} {noun}" if _is_number(value) else f"{noun} ({NOT_PUBLISHED})"


def _r(value, digits: int = 1) -> str:
    """A rate for a sentence: "6.7", or "not published"."""
    return f"{value:.{digits}f}" if _is_number(value) else NOT_PUBLISHED


def _p(value) -> str:
    """A percentage for a sentence: "63%", or "not published"."""
    return f"{value:.0f}%" if _is_number(value) else NOT_PUBLISHED


def key_value(value, digits: int = 1):
    """A key-figure value: rounded, or :data:`NOT_PUBLISHED` when there is none."""
    if not _is_number(value):
        return NOT_PUBLISHED
    return round(float(value), digits) if digits else int(round(float(value)))


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


def year_note(ctx: Context) -> str:
    """One plain-English paragraph on which Ofsted year the chapter uses, and why."""
    cy, y, years = current_year(ctx), chosen_year(ctx), ofsted_years(ctx)
    meeting = f"{ctx.paper.meeting_date.day} {ctx.paper.meeting_date:%B %Y}"
    shown = f"{period(years[0])} to {period(years[-1])}" if len(years) > 1 else period(years[0]) if years else ""
    if not years:
        return f"This report's data holds no Ofsted fostering figures, so the recruitment figures are {NOT_PUBLISHED}."
    if y is None:
        return (
            f"The committee met on {meeting}, in the financial year {period(cy)}. Ofsted's figures on council "
            f"fostering services are not available for {period(cy)} or any earlier year in this report's data: "
            f"they start in {period(years[0])}. The figures shown ({shown}) were published after the paper and "
            "are marked as such."
        )
    if y == cy:
        return (
            f"The committee met on {meeting}, during {period(cy)}: the year the paper calls the current year. "
            f"The figures are Ofsted's for that year (1 April {y - 1} to 31 March {y}). The year had not ended "
            "when the committee met, so these are the outturn figures the paper could not yet see; Ofsted "
            f"published them after the meeting. Every Ofsted year in the data ({shown}) is shown, with "
            f"{period(y)} highlighted."
        )
    return (
        f"The committee met on {meeting}, in {period(cy)}. Ofsted's figures for {period(cy)} are not in this "
        f"report's data; the latest Ofsted year it holds is {period(y)} (1 April {y - 1} to 31 March {y}), "
        f"{cy - y} year{'s' if cy - y != 1 else ''} before the paper's current year, and that is the year "
        f"analysed here. Every Ofsted year in the data ({shown}) is shown, with {period(y)} highlighted."
    )


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


# --------------------------------------------------------------------------- tables and charts


def _areas(ctx: Context) -> list[tuple[str, str, str]]:
    """(column, label, colour) of each compared area."""
    return [
        ("la", ctx.la.la_name, charts.COLOURS["la"]),
        ("england", "England", charts.COLOURS["england"]),
        ("region", ctx.la.region_name, charts.COLOURS["region"]),
        ("neighbours", "Neighbours' average", charts.COLOURS["neighbours"]),
    ]


def _year_label(ctx: Context, year: int) -> str:
    y = chosen_year(ctx)
    tags = []
    if year == y:
        tags.append("year analysed")
    if year > current_year(ctx) or y is None:
        tags.append("published after the paper")
    return period(year) + (f" ({', '.join(tags)})" if tags else "")


def comparison_table(ctx: Context, summ: pd.DataFrame, indicators) -> pd.DataFrame:
    """A display table: one row per indicator and year, one column per area."""
    rows = summ.loc[[i for i in indicators if i in summ.index.get_level_values("indicator")]].reset_index()
    out = pd.DataFrame(
        {
            "Year": rows["year"].map(lambda y: _year_label(ctx, int(y))),
            "Measure": rows["indicator"].map(lambda k: INDICATORS[k].label),
        }
    )
    for col, label, _ in _areas(ctx):
        out[label] = rows[col].to_numpy()
    out["Neighbours with data"] = rows["neighbours_with_data"].to_numpy()
    return out


def _formats(ctx: Context, digits: int) -> dict[str, str]:
    return {label: f",.{digits}f" for _, label, _ in _areas(ctx)}


def funnel_title(ctx: Context, summ: pd.DataFrame) -> str:
    """The funnel chart's title, stating the finding for the year analysed."""
    y, la = chosen_year(ctx), ctx.la.la_name
    if y is None:
        return f"Ofsted's figures on {la}'s own foster carers are {NOT_PUBLISHED} for {period(current_year(ctx))}"
    v = lambda i: value(summ, i, y)  # noqa: E731
    return (
        f"In {period(y)}, {la}'s fostering service had {_count(v('fostering_initial_enquiries'), 'initial enquiries')}"
        f" and approved {_count(v('fostering_approvals'), 'households')} ({_n(v('approvals_mainstream'))} "
        f"mainstream, {_n(v('fostering_approvals_family_friends'))} family and friends); "
        f"{_count(v('fostering_deregistrations'), 'households')} were deregistered"
    )


def funnel_chart(ctx: Context, summ: pd.DataFrame) -> dict:
    """The authority's recruitment funnel, one bar per Ofsted year at each stage, for :func:`analysis.report.charts.show`."""
    la, years, y = ctx.la.la_name, ofsted_years(ctx), chosen_year(ctx)
    stages = [s for s in FUNNEL if summ.loc[s, "la"].notna().any() or summ.loc[s, "england"].notna().any()]
    names = {
        "fostering_initial_enquiries": "Initial enquiries",
        "fostering_applications": "Applications received (2018-19 on)",
        "fostering_applications_concluded_or_in_progress": "Applications handled (2017-18)",
        "approvals_mainstream": "Approved: mainstream",
        "fostering_approvals_family_friends": "Approved: family and friends",
        "fostering_deregistrations": "Deregistered",
    }
    fig = go.Figure()
    for yr in years:
        vals = [summ.loc[(s, yr), "la"] for s in stages]
        fig.add_trace(
            go.Bar(
                x=[names[s] for s in stages],
                y=vals,
                name=_year_label(ctx, yr),
                marker_color=charts.COLOURS["la"] if yr == y else charts.COLOURS["other"],
                text=[_n(v) if _is_number(v) else "n/p" for v in vals],
                textposition="outside",
                hovertemplate=f"{period(yr)}<br>%{{x}}: %{{y:,.0f}}<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="Households (rounded to 5)")
    fig.update_layout(barmode="group", height=480)
    missing = [
        f"{names[s].lower()} in {period(yr)}" for s in stages for yr in years if pd.isna(summ.loc[(s, yr), "la"])
    ]
    gaps = f" Not published for {la} (no bar, or n/p): {'; '.join(missing)}." if missing else ""
    table = comparison_table(ctx, summ, [*FUNNEL, "fostering_approvals", "net_change", "fostering_households"])
    return {
        "fig": fig,
        "name": "recruitment-funnel",
        "title": funnel_title(ctx, summ),
        "caption": (
            f"{la}'s own fostering service, each Ofsted year in the data (year ending 31 March): initial "
            "enquiries from prospective fostering households, applications, households approved "
            "(mainstream and family and friends) and households deregistered. Ofsted changed how it "
            "counts applications between 2017-18 (all applications concluded or in progress at 31 March) "
            "and 2018-19 (applications received in the year), so they are separate bars; deregistrations "
            f"before 2018-19 are of mainstream households only.{gaps} The table also gives England, the "
            f"region and the mean of the {ctx.neighbour_label}. {SOURCE}"
        ),
        "alt": (
            f"Grouped bar chart of {la}'s fostering recruitment stages, one bar per Ofsted year "
            f"({', '.join(period(v) for v in years)}). {funnel_title(ctx, summ)}."
        ),
        "table": table,
        "table_formats": _formats(ctx, 0),
    }


def conversion_title(ctx: Context, summ: pd.DataFrame) -> str:
    """The conversion chart's title, stating the finding for the year analysed."""
    y, la = chosen_year(ctx), ctx.la.la_name
    if y is None:
        return (
            f"{la}'s conversion of enquiries into approved foster households is {NOT_PUBLISHED} for "
            f"{period(current_year(ctx))}"
        )
    v = lambda i, a="la": value(summ, i, y, a)  # noqa: E731
    lead = (
        f"In {period(y)}, {la} approved {_r(v('conversion_rate'))} households for every 100 initial enquiries"
        if _is_number(v("conversion_rate"))
        else f"In {period(y)}, {la}'s households approved per 100 initial enquiries are {NOT_PUBLISHED}"
    )
    return (
        f"{lead} (England {_r(v('conversion_rate', 'england'))}, neighbours' average "
        f"{_r(v('conversion_rate', 'neighbours'))}); counting mainstream carers only, "
        f"{_r(v('conversion_rate_mainstream'))} (England {_r(v('conversion_rate_mainstream', 'england'))})"
    )


def _region(ctx: Context) -> str:
    """The region's name for "in ...": "the East of England", "London"."""
    name = ctx.la.region_name
    return name if name in ("London", "Yorkshire and The Humber") or name.startswith("Inner") else f"the {name}"


def _area_bars(ctx: Context, summ: pd.DataFrame, indicators, years, y_title: str, digits: int = 1) -> go.Figure:
    """Small multiples, one panel per indicator: x = year, one bar per area."""
    fig = make_subplots(
        rows=len(indicators),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[INDICATORS[i].label for i in indicators],
    )
    for row, ind in enumerate(indicators, 1):
        for col, label, colour in _areas(ctx):
            vals = [summ.loc[(ind, yr), col] for yr in years]
            fig.add_trace(
                go.Bar(
                    x=[_year_label(ctx, yr) for yr in years],
                    y=vals,
                    name=label,
                    marker_color=colour,
                    legendgroup=label,
                    showlegend=row == 1,
                    text=[_r(v, digits) if _is_number(v) else "n/p" for v in vals],
                    textposition="outside",
                    hovertemplate=f"{label}<br>%{{x}}: %{{y:.{digits}f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
    charts.base_layout(fig, y_title="")
    fig.update_layout(barmode="group", height=260 * len(indicators) + 140, legend={"y": -0.08})
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return fig


def conversion_chart(ctx: Context, summ: pd.DataFrame) -> dict:
    """Approvals per 100 initial enquiries (all and mainstream) for each area and year, for :func:`charts.show`."""
    years = ofsted_years(ctx)
    inds = ("conversion_rate", "conversion_rate_mainstream")
    fig = _area_bars(ctx, summ, inds, years, "Per 100 enquiries")
    title = conversion_title(ctx, summ)
    table = comparison_table(
        ctx,
        summ,
        [
            *inds,
            "applications_per_100_enquiries",
            "approved_per_100_applications",
            "approved_per_100_applications_handled",
        ],
    )
    return {
        "fig": fig,
        "name": "recruitment-conversion",
        "title": title,
        "caption": (
            "Households approved during the year for every 100 initial enquiries from prospective fostering "
            "households, all approvals and mainstream approvals only (family and friends carers are mostly "
            "approved to look after a child they already know, not recruited through enquiries). An "
            "approval in one year may come from an enquiry made the year before, so this is a ratio of two "
            "counts in the same year, not the share of each enquiry that ended in approval. Neighbours' "
            f"average is the mean of the rates of the {ctx.neighbour_label}. The table adds applications per "
            "100 enquiries and approvals per 100 applications where Ofsted published them (definitions "
            f"differ between 2017-18 and 2018-19). n/p: not published. {SOURCE}"
        ),
        "alt": (
            f"Two grouped bar charts, by Ofsted year, of households approved per 100 initial enquiries "
            f"(all approvals, then mainstream only) for {ctx.la.la_name}, England, {ctx.la.region_name} and the "
            f"neighbours' average. {title}."
        ),
        "table": table,
        "table_formats": _formats(ctx, 1),
    }


def per_household_title(ctx: Context, summ: pd.DataFrame) -> str:
    """The per-household chart's title, stating the finding for the year analysed."""
    y, la = chosen_year(ctx), ctx.la.la_name
    if y is None:
        return (
            f"{la}'s approvals and deregistrations per approved household are {NOT_PUBLISHED} for "
            f"{period(current_year(ctx))}"
        )
    v = lambda i, a="la": value(summ, i, y, a)  # noqa: E731
    net, net_e = v("net_change_per_100_households"), v("net_change_per_100_households", "england")
    if _is_number(net) and _is_number(net_e):
        lead = (
            f"In {period(y)}, {la}'s own pool of foster households {_direction(net)} while England's "
            f"{_direction(net_e)}"
        )
    else:
        lead = f"In {period(y)}, {la}'s net change in foster households was {NOT_PUBLISHED}"
    if not _is_number(v("approvals_per_100_households")):
        return f"{lead}; approvals per 100 approved households are {NOT_PUBLISHED}"
    return (
        f"{lead}: {_r(v('approvals_per_100_households'), 0)} approved and "
        f"{_r(v('deregistrations_per_100_households'), 0)} deregistered per 100 approved households "
        f"(England {_r(v('approvals_per_100_households', 'england'), 0)} and "
        f"{_r(v('deregistrations_per_100_households', 'england'), 0)})"
    )


def per_household_chart(ctx: Context, summ: pd.DataFrame) -> dict:
    """Approvals, deregistrations and net change per 100 approved households, each area and year."""
    years = ofsted_years(ctx)
    fig = _area_bars(ctx, summ, PER_HOUSEHOLD, years, "Per 100 households", digits=0)
    title = per_household_title(ctx, summ)
    return {
        "fig": fig,
        "name": "recruitment-per-household",
        "title": title,
        "caption": (
            "Households approved and deregistered during the year, and the difference, per 100 households "
            "approved at 31 March, so that services of different sizes compare. Before 2018-19 Ofsted "
            "counted deregistrations of mainstream households only, so the 2017-18 net change is mainstream "
            "approvals less deregistrations. Neighbours' average is the mean of the "
            f"rates of the {ctx.neighbour_label}. n/p: not published. {SOURCE}"
        ),
        "alt": (
            f"Three grouped bar charts, by Ofsted year, of approvals, deregistrations and net change per 100 "
            f"approved fostering households for {ctx.la.la_name}, England, {ctx.la.region_name} and the "
            f"neighbours' average. {title}."
        ),
        "table": comparison_table(ctx, summ, [*PER_HOUSEHOLD, "enquiries_per_100_households"]),
        "table_formats": _formats(ctx, 1),
    }


def capacity_title(ctx: Context, summ: pd.DataFrame) -> str:
    """The capacity chart's title, stating the finding for the year analysed."""
    y, la = chosen_year(ctx), ctx.la.la_name
    if y is None:
        return f"{la}'s approved and filled foster places are {NOT_PUBLISHED} for {period(current_year(ctx))}"
    v = lambda i, a="la": value(summ, i, y, a)  # noqa: E731
    if not (_is_number(v("fostering_places")) and _is_number(v("fostering_filled_places"))):
        return (
            f"At 31 March {y}, {la}'s approved places ({_n(v('fostering_places'))}) and filled places "
            f"({_n(v('fostering_filled_places'))}) cannot both be given, so its spare capacity is {NOT_PUBLISHED}"
        )
    vacant = (
        f", of which {_n(v('fostering_vacant_places'))} were free to use"
        if _is_number(v("fostering_vacant_places"))
        else ", not all of them usable"
    )
    return (
        f"At 31 March {y}, {la}'s own carers were approved for {_n(v('fostering_places'))} places and "
        f"{_n(v('fostering_filled_places'))} were filled ({_p(v('filled_places_pct'))}, England "
        f"{_p(v('filled_places_pct', 'england'))}): {_n(v('unfilled_places'))} approved places were empty "
        f"that day{vacant}"
    )


def capacity_chart(ctx: Context, summ: pd.DataFrame) -> dict:
    """Approved places split into filled and not filled (authority), and the filled share of each area."""
    la, years, y = ctx.la.la_name, ofsted_years(ctx), chosen_year(ctx)
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.45, 0.55],
        horizontal_spacing=0.12,
        subplot_titles=[f"{la}: approved places at 31 March", "Filled places, % of approved"],
    )
    xs = [_year_label(ctx, yr) for yr in years]
    for ind, name, colour in (
        ("fostering_places", "Approved", charts.COLOURS["other"]),
        ("fostering_filled_places", "Filled", charts.COLOURS["la"]),
    ):
        vals = [summ.loc[(ind, yr), "la"] for yr in years]
        fig.add_trace(
            go.Bar(
                x=xs,
                y=vals,
                name=f"{la}: {name.lower()} places",
                marker_color=colour,
                text=[_n(v) if _is_number(v) else "n/p" for v in vals],
                textposition="outside",
                hovertemplate=f"{name}<br>%{{x}}: %{{y:,.0f}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    for col, label, colour in _areas(ctx):
        vals = [summ.loc[("filled_places_pct", yr), col] for yr in years]
        fig.add_trace(
            go.Bar(
                x=xs,
                y=vals,
                name=f"{label}: % filled",
                marker_color=colour,
                text=[_r(v, 0) if _is_number(v) else "n/p" for v in vals],
                textposition="outside",
                hovertemplate=f"{label}<br>%{{x}}: %{{y:.0f}}%<extra></extra>",
            ),
            row=1,
            col=2,
        )
    charts.base_layout(fig, y_title="")
    fig.update_layout(barmode="group", height=520, legend={"y": -0.2})
    fig.update_yaxes(title_text="Places", row=1, col=1)
    fig.update_yaxes(title_text="%", row=1, col=2, range=[0, 115])
    title = capacity_title(ctx, summ)
    note = ""
    if y is not None and _is_number(value(summ, "unfilled_places", y)) and value(summ, "unfilled_places", y) < 0:
        note = " Filled places exceed approved places where households have exemptions to the usual limit."
    return {
        "fig": fig,
        "name": "recruitment-capacity",
        "title": title,
        "caption": (
            f"Left: {la}'s approved foster places at 31 March and how many of them were filled, by "
            "Ofsted year. Right: filled places as a percentage of approved places for the "
            "authority, England, its region and the neighbours' average. A place not filled is not "
            "necessarily free: Ofsted separates vacant places (free to use) from places not available (for "
            "example a carer taking a break, or a place kept for a brother or sister); the table gives "
            f"both.{note} {SOURCE}"
        ),
        "alt": (
            f"Left, side-by-side bars of {la}'s approved and filled foster places by Ofsted year; right, "
            f"grouped bars of the percentage of places filled for {la}, England, {ctx.la.region_name} and the "
            f"neighbours' average. {title}."
        ),
        "table": comparison_table(
            ctx,
            summ,
            [
                "fostering_households",
                "fostering_places",
                "fostering_filled_places",
                "unfilled_places",
                "fostering_vacant_places",
                "fostering_places_not_available",
                "filled_places_pct",
                "vacant_places_pct",
                "places_per_household",
                "fostering_children_placed",
            ],
        ),
        "table_formats": _formats(ctx, 1),
    }


# --------------------------------------------------------------------------- findings and key figures


def _direction(net_per_100: float) -> str:
    """Plain words for a net change per 100 households (within half a household per 100 counts as steady)."""
    if net_per_100 > 0.5:
        return f"grew (net +{net_per_100:.0f} per 100)"
    if net_per_100 < -0.5:
        return f"shrank (net {net_per_100:.0f} per 100)"
    return "held steady"


#: Below this many (Ofsted-rounded) in the denominator a rate is flagged as resting on small numbers.
SMALL = 50


def _small(den, what: str) -> str:
    """A sentence of caution when a rate's denominator is small (else "")."""
    if _is_number(den) and den < SMALL:
        return f" That rests on only {den:,.0f} {what}, each figure rounded to the nearest 5: treat it with caution."
    return ""


def neighbour_table(ctx: Context, year: int | None) -> pd.DataFrame:
    """Enquiries, approvals and conversion rates of the authority, its comparators and each neighbour in one year.

    Returns
    -------
    pandas.DataFrame
        One row per area (the authority, England, its region, then each
        statistical neighbour by name); counts as Ofsted published them,
        rates per 100 initial enquiries; NaN where not published. Empty when
        ``year`` is None.
    """
    cols = [
        "Area",
        "Initial enquiries",
        "Households approved",
        "Mainstream approved",
        "Approved per 100 enquiries",
        "Mainstream approved per 100 enquiries",
    ]
    if year is None:
        return pd.DataFrame(columns=cols)
    wide = _wide(ctx)
    inds = (
        "fostering_initial_enquiries",
        "fostering_approvals",
        "approvals_mainstream",
        "conversion_rate",
        "conversion_rate_mainstream",
    )
    vals = pd.DataFrame({i: indicator_values(wide, INDICATORS[i]) for i in inds})
    areas = [(ctx.la.old_la_code, ctx.la.la_name), ("England", "England"), (ctx.la.region_code, ctx.la.region_name)]
    areas += [(c, f"{n} (neighbour)") for c, n in zip(ctx.neighbour_codes, ctx.neighbour_names)]
    rows = []
    for key, name in areas:
        got = vals.loc[(key, year)] if (key, year) in vals.index else pd.Series(np.nan, index=list(inds))
        rows.append([name, *[got[i] for i in inds]])
    return pd.DataFrame(rows, columns=cols)


def neighbours_display(ctx: Context) -> dict:
    """:func:`neighbour_table` for the year analysed, with caption and formats, for :func:`analysis.report.charts.show_table`."""
    y = chosen_year(ctx)
    shown = y if y is not None else (ofsted_years(ctx) or [None])[0]
    late = "; published after the paper" if y is None and shown is not None else ""
    return {
        "table": neighbour_table(ctx, shown),
        "caption": (
            f"Initial enquiries and households approved in {period(shown)}{late}: {ctx.la.la_name}, "
            f"England, {ctx.la.region_name} and each of the {ctx.neighbour_label}. Mainstream approvals "
            "are all approvals less family and friends approvals. A dash is a figure Ofsted did not "
            "publish. Ofsted, Fostering in England (rounded to the nearest 5 by Ofsted)."
        ),
        "formats": {
            "Initial enquiries": ",.0f",
            "Households approved": ",.0f",
            "Mainstream approved": ",.0f",
            "Approved per 100 enquiries": ".1f",
            "Mainstream approved per 100 enquiries": ".1f",
        },
    }


def _range_sentence(ctx: Context, year: int, indicator: str) -> str:
    """Where the neighbours' own rates run from and to, naming the authorities."""
    wide = _wide(ctx)
    v = indicator_values(wide, INDICATORS[indicator])
    v = v[v.index.get_level_values("year") == year]
    v = v[v.index.get_level_values("key").isin(ctx.neighbour_codes)].dropna()
    if len(v) < 2:
        return ""
    names = dict(zip(ctx.neighbour_codes, ctx.neighbour_names))
    lo, hi = v.idxmin()[0], v.idxmax()[0]
    return (
        f"Among the neighbours it runs from {v.min():.1f} ({names[lo]}) to {v.max():.1f} ({names[hi]}): "
        "services count initial enquiries differently, so the comparison is rough."
    )


def _change(a, b) -> str:
    """How b compares with a, allowing for Ofsted's rounding of each to the nearest 5."""
    if not (_is_number(a) and _is_number(b)):
        return "cannot be compared (not published)"
    if abs(b - a) <= 5:
        return "about the same (the difference is within Ofsted's rounding)"
    return "more" if b > a else "fewer"


def findings(ctx: Context, summ: pd.DataFrame) -> list[str]:
    """The chapter's findings, one sentence (or two) each, generated from the numbers."""
    la, y, cy, years = ctx.la.la_name, chosen_year(ctx), current_year(ctx), ofsted_years(ctx)
    out = []
    if not years:
        return [f"Ofsted's figures on council fostering services are {NOT_PUBLISHED} in this report's data."]
    if y is None:
        out.append(
            f"Ofsted's figures on {la}'s own fostering service are not available for {period(cy)}, the "
            f"paper's current year, or any earlier year in this report's data; the figures below "
            f"({period(years[0])} onwards) were published after the paper."
        )
        y_show = years[0]
    elif y == cy:
        out.append(
            f"The figures are Ofsted's for {period(y)}, the year the paper calls the current year; it had not "
            "ended when the committee met, so Ofsted published them after the paper."
        )
        y_show = y
    else:
        out.append(
            f"The latest Ofsted year in this report's data is {period(y)}, not the paper's current year "
            f"({period(cy)}); the figures below are for {period(y)}."
        )
        y_show = y
    v = lambda i, a="la", yr=y_show: value(summ, i, yr, a)  # noqa: E731
    late = " (published after the paper)" if y is None else ""
    when = f"{period(y_show)}{late}"
    out.append(
        f"In {when}, {la}'s own fostering service had "
        f"{_count(v('fostering_initial_enquiries'), 'initial enquiries')} from prospective foster households "
        f"and approved {_count(v('fostering_approvals'), 'households')} "
        f"({_count(v('approvals_mainstream'), 'mainstream carers')} and "
        f"{_count(v('fostering_approvals_family_friends'), 'family and friends carers')}); "
        f"{_count(v('fostering_deregistrations'), 'households')} were deregistered"
        + (
            " (mainstream households only: Ofsted counted no others before 2018-19)"
            if y_show < ALL_DEREGISTRATIONS_FROM
            else ""
        )
        + "."
    )
    out.append(
        (
            f"That is {_r(v('conversion_rate'))} households approved for every 100 initial enquiries, against "
            if _is_number(v("conversion_rate"))
            else f"How many households it approved for every 100 initial enquiries is {NOT_PUBLISHED}; it was "
        )
        + f"{_r(v('conversion_rate', 'england'))} in England, {_r(v('conversion_rate', 'region'))} in "
        f"{_region(ctx)} and {_r(v('conversion_rate', 'neighbours'))} on average among its statistical "
        f"neighbours. Counting mainstream carers only, it is {_r(v('conversion_rate_mainstream'))}, against "
        f"{_r(v('conversion_rate_mainstream', 'england'))} in England and "
        f"{_r(v('conversion_rate_mainstream', 'neighbours'))} among the neighbours. "
        + _range_sentence(ctx, y_show, "conversion_rate_mainstream")
    )
    if _is_number(v("applications_per_100_enquiries")):
        out.append(
            f"{_r(v('applications_per_100_enquiries'))} applications were received for every 100 enquiries "
            f"(England {_r(v('applications_per_100_enquiries', 'england'))}), and "
            f"{_r(v('approved_per_100_applications'), 0)} of every 100 applications received were approved "
            f"within the year (England {_r(v('approved_per_100_applications', 'england'), 0)})."
            + _small(v("fostering_applications"), "applications")
        )
    elif _is_number(v("approved_per_100_applications_handled")):
        out.append(
            f"Of the {_n(v('fostering_applications_concluded_or_in_progress'))} applications Ofsted records "
            f"as concluded or in progress, {_r(v('approved_per_100_applications_handled'), 0)} in 100 were "
            f"approved as mainstream carers (England "
            f"{_r(v('approved_per_100_applications_handled', 'england'), 0)}); Ofsted did not publish how "
            "many applications were received that year."
            + _small(v("fostering_applications_concluded_or_in_progress"), "applications")
        )
    if not _is_number(v("approvals_per_100_households")):
        out.append(
            f"Its approvals for the size of its service (per 100 approved households at 31 March {y_show}) "
            f"are {NOT_PUBLISHED}; England's net change was {_r(v('net_change_per_100_households', 'england'), 0)}"
            " per 100."
        )
    else:
        out.append(
            f"For the size of its service ({_n(v('fostering_households'))} approved households at 31 March "
            f"{y_show}), the council approved {_r(v('approvals_per_100_households'), 0)} and deregistered "
            f"{_r(v('deregistrations_per_100_households'), 0)} households per 100, a net change of "
            f"{_r(v('net_change_per_100_households'), 0)} per 100"
            + (" (mainstream households)" if y_show < ALL_DEREGISTRATIONS_FROM else "")
            + " against "
            f"{_r(v('net_change_per_100_households', 'england'), 0)} in England and "
            f"{_r(v('net_change_per_100_households', 'neighbours'), 0)} among its neighbours."
        )
    if not _is_number(v("unfilled_places")):
        out.append(
            f"At 31 March {y_show} its approved places ({_n(v('fostering_places'))}) and filled places "
            f"({_n(v('fostering_filled_places'))}) cannot both be given, so its spare in-house capacity is "
            f"{NOT_PUBLISHED}; in England {_p(v('filled_places_pct', 'england'))} of places were filled."
        )
    else:
        out.append(
            f"At 31 March {y_show} its carers were approved for {_n(v('fostering_places'))} places and "
            f"{_n(v('fostering_filled_places'))} were filled ({_p(v('filled_places_pct'))}, against "
            f"{_p(v('filled_places_pct', 'england'))} in England and {_p(v('filled_places_pct', 'neighbours'))} "
            f"among its neighbours). In plain terms, {_n(v('unfilled_places'))} approved places were empty that "
            + (
                f"day: {_n(v('fostering_vacant_places'))} were vacant and free to use, and "
                f"{_n(v('fostering_places_not_available'))} were not available (carers on a break, places kept "
                "for brothers and sisters). The vacant places are the spare in-house capacity the council could "
                "use at once, before recruiting anyone."
                if _is_number(v("fostering_vacant_places")) and _is_number(v("fostering_places_not_available"))
                else "day; some will not have been usable (carers on a break, places kept for brothers and "
                "sisters), so that is the most spare in-house capacity the council had, not what it could "
                "count on."
            )
        )
    later, earlier = [yr for yr in years if yr > y_show], [yr for yr in years if yr < y_show]
    if later or earlier:
        first, second = (y_show, later[0]) if later else (earlier[-1], y_show)
        a, b = v("fostering_approvals", yr=first), v("fostering_approvals", yr=second)
        ch = _change(a, b)
        ch_text = ch if ch.startswith(("about", "cannot")) else f"{abs(b - a):,.0f} {ch}"
        after = ", after the paper," if second > cy else ""
        out.append(
            f"In {period(second)}{after} the council approved {_count(b, 'households')} "
            f"({_count(v('fostering_initial_enquiries', yr=second), 'enquiries')}), against {_n(a)} "
            f"({_count(v('fostering_initial_enquiries', yr=first), 'enquiries')}) in {period(first)}: "
            "approvals were "
            f"{ch_text}."
        )
        h0, h1, net = (
            v("fostering_households", yr=first),
            v("fostering_households", yr=second),
            v("net_change", yr=second),
        )
        if _is_number(h0) and _is_number(h1) and _is_number(net):
            gap = abs((h1 - h0) - net)
            why = (
                "within what Ofsted's rounding of the four figures can explain"
                if gap <= 4 * 2.5
                else "more than Ofsted's rounding can explain; the data do not say why (households that change type "
                "or are approved and deregistered in the same year are possible reasons)"
            )
            out.append(
                f"Approved households went from {_n(h0)} at 31 March {first} to {_n(h1)} at 31 March {second}, "
                f"while {period(second)}'s approvals less deregistrations come to {_n(net)}: the gap is "
                f"{why}."
            )
    claim = "The paper says recruitment in its current year was significantly better than in previous years."
    if y is not None and y == cy and earlier:
        a, b = v("fostering_approvals", yr=earlier[-1]), v("fostering_approvals")
        out.append(
            f"{claim} Ofsted's figures give {_n(b)} households approved in {period(y)} against {_n(a)} in "
            f"{period(earlier[-1])}: {_change(a, b)}."
        )
    elif y is not None and y == cy:
        out.append(f"{claim} This report's Ofsted data starts in {period(years[0])}, so it cannot test that claim.")
    else:
        out.append(
            f"{claim} This report's Ofsted data does not cover {period(cy)}, so it cannot test that claim "
            "for the paper's current year."
        )
    return out


def findings_markdown(ctx: Context, summ: pd.DataFrame) -> str:
    """:func:`findings` as a Markdown bullet list (glued into the chapter's opening)."""
    return "\n".join(f"- {s}" for s in findings(ctx, summ))


def key_figures(ctx: Context, summ: pd.DataFrame) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`.

    All are for :func:`chosen_year`; a value Ofsted did not publish (or a year
    with no Ofsted figures) is the text :data:`NOT_PUBLISHED`. Counts are
    Ofsted's, rounded to the nearest 5; rates are computed from them.
    """
    la, y = ctx.la.la_name, chosen_year(ctx)
    when = period(y) if y is not None else f"{period(current_year(ctx))} (no Ofsted figures)"
    src = "Ofsted, rounded to 5"
    v = lambda i, a="la": value(summ, i, y, a)  # noqa: E731
    count = lambda i, a="la": key_value(v(i, a), 0)  # noqa: E731
    rate = lambda i, a="la": key_value(v(i, a), 1)  # noqa: E731
    return [
        {
            "name": "recruitment_year",
            "value": period(y),
            "unit": "text",
            "label": "Ofsted year (1 April to 31 March) the recruitment chapter analyses",
        },
        {
            "name": "recruitment_current_year",
            "value": period(current_year(ctx)),
            "unit": "text",
            "label": "The paper's current year: the financial year containing its meeting date",
        },
        {
            "name": "recruitment_initial_enquiries",
            "value": count("fostering_initial_enquiries"),
            "unit": "count",
            "label": f"Initial enquiries from prospective fostering households to {la}'s own service, {when} ({src})",
        },
        {
            "name": "recruitment_approvals",
            "value": count("fostering_approvals"),
            "unit": "count",
            "label": f"Households approved by {la}'s own fostering service, {when}, mainstream and family and friends ({src})",
        },
        {
            "name": "recruitment_approvals_mainstream",
            "value": count("approvals_mainstream"),
            "unit": "count",
            "label": f"Mainstream households approved by {la}'s own fostering service, {when} ({src})",
        },
        {
            "name": "recruitment_approvals_family_friends",
            "value": count("fostering_approvals_family_friends"),
            "unit": "count",
            "label": f"Family and friends households approved by {la}, {when} ({src})",
        },
        {
            "name": "recruitment_deregistrations",
            "value": count("fostering_deregistrations"),
            "unit": "count",
            "label": f"Households deregistered by {la}'s own fostering service, {when} ({src}"
            + ("; mainstream only before 2018-19)" if y is not None and y < ALL_DEREGISTRATIONS_FROM else ")"),
        },
        {
            "name": "recruitment_households",
            "value": count("fostering_households"),
            "unit": "count",
            "label": f"Approved fostering households of {la}'s own service at 31 March, {when} ({src})",
        },
        {
            "name": "recruitment_places",
            "value": count("fostering_places"),
            "unit": "count",
            "label": f"Approved foster places with {la}'s own carers at 31 March, {when} ({src})",
        },
        {
            "name": "recruitment_filled_places",
            "value": count("fostering_filled_places"),
            "unit": "count",
            "label": f"Filled foster places with {la}'s own carers at 31 March, {when} ({src})",
        },
        {
            "name": "recruitment_unfilled_places",
            "value": count("unfilled_places"),
            "unit": "count",
            "label": f"Approved places with {la}'s own carers not filled at 31 March, {when}: the most spare capacity ({src})",
        },
        {
            "name": "recruitment_vacant_places",
            "value": count("fostering_vacant_places"),
            "unit": "count",
            "label": f"Vacant places (free to use) with {la}'s own carers at 31 March, {when} ({src})",
        },
        {
            "name": "recruitment_places_not_available",
            "value": count("fostering_places_not_available"),
            "unit": "count",
            "label": f"Places with {la}'s own carers not available at 31 March (e.g. carer on a break), {when} ({src})",
        },
        {
            "name": "recruitment_filled_places_pct",
            "value": rate("filled_places_pct"),
            "unit": "percent",
            "label": f"Filled places as a percentage of approved places, {la}'s own carers, 31 March, {when}",
        },
        {
            "name": "recruitment_filled_places_pct_england",
            "value": rate("filled_places_pct", "england"),
            "unit": "percent",
            "label": f"Filled places as a percentage of approved places, England's council carers, {when}",
        },
        {
            "name": "recruitment_conversion_rate",
            "value": rate("conversion_rate"),
            "unit": "percent",
            "label": f"Households approved per 100 initial enquiries, {la}'s own fostering service, {when}",
        },
        {
            "name": "recruitment_conversion_rate_england",
            "value": rate("conversion_rate", "england"),
            "unit": "percent",
            "label": f"Households approved per 100 initial enquiries, all English council fostering services, {when}",
        },
        {
            "name": "recruitment_conversion_rate_region",
            "value": rate("conversion_rate", "region"),
            "unit": "percent",
            "label": f"Households approved per 100 initial enquiries, {ctx.la.region_name} council services, {when}",
        },
        {
            "name": "recruitment_conversion_rate_neighbours",
            "value": rate("conversion_rate", "neighbours"),
            "unit": "percent",
            "label": f"Households approved per 100 initial enquiries, mean of the rates of the {ctx.neighbour_label}, {when}",
        },
        {
            "name": "recruitment_conversion_rate_mainstream",
            "value": rate("conversion_rate_mainstream"),
            "unit": "percent",
            "label": f"Mainstream households approved per 100 initial enquiries, {la}, {when}",
        },
        {
            "name": "recruitment_conversion_rate_mainstream_england",
            "value": rate("conversion_rate_mainstream", "england"),
            "unit": "percent",
            "label": f"Mainstream households approved per 100 initial enquiries, England, {when}",
        },
        {
            "name": "recruitment_approvals_per_100_households",
            "value": rate("approvals_per_100_households"),
            "unit": "percent",
            "label": f"Households approved per 100 approved households, {la}, {when}",
        },
        {
            "name": "recruitment_deregistrations_per_100_households",
            "value": rate("deregistrations_per_100_households"),
            "unit": "percent",
            "label": f"Households deregistered per 100 approved households, {la}, {when}",
        },
        {
            "name": "recruitment_neighbours_with_data",
            "value": int(summ.loc[("conversion_rate", y), "neighbours_with_data"])
            if y is not None and ("conversion_rate", y) in summ.index
            else 0,
            "unit": "authorities",
            "label": f"Statistical neighbours with a published conversion rate, {when}",
        },
    ]
