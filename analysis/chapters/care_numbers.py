"""Chapter "Care numbers in context": how many children the authority looks after.

All figures are DfE's published ones (children looked after at 31 March,
starting and ceasing during the year, rates per 10,000 children aged 0 to 17).
The notebook makes one call, :func:`compute`, which returns a
:class:`CareNumbers` holding the trend, the flows and the funnel plot; every
page function (:func:`key_figures`, :func:`findings_markdown`,
:func:`trend_chart`, :func:`flows_chart`, :func:`funnel_chart`) takes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.methods import stats
from analysis.report import charts, text
from analysis.report.context import Context

LA_LEVEL = "Local authority"

_FLOW = {
    "cla_31_march": "Looked after at 31 March",
    "cla_started": "Started to be looked after",
    "cla_ceased": "Ceased to be looked after",
}


def _level(table: pd.DataFrame, level: str, measure: str) -> pd.DataFrame:
    return table[(table["geographic_level"] == level) & (table["measure"] == measure)]


def _la_values(ctx: Context, measure: str, code: str) -> pd.Series:
    rows = _level(ctx.table, LA_LEVEL, measure)
    rows = rows[rows["old_la_code"] == code]
    return rows.set_index("year")["value"].astype(float)


def _rates(table: pd.DataFrame, level: str, count_measure: str) -> pd.DataFrame:
    """Rates per 10,000 for every area at ``level``: DfE's published rate, else count / ONS population.

    DfE did not publish rates in every release (none for 2013, none for
    started and ceased before 2015); there the rate is computed the way DfE
    computes it, from the count and the 0-17 population DfE used that year, or
    where DfE published none (2013) ONS's current mid-year estimate. Columns: key
    (old LA code or region code, or "E92000001"), year, rate, computed (bool).
    """
    key = {"Local authority": "old_la_code", "Regional": "region_code", "National": "geographic_level"}[level]

    def values(measure: str) -> pd.Series:
        rows = _level(table, level, measure).dropna(subset=["value"])
        return rows.set_index([key, "year"])["value"].astype(float)

    published = values(f"{count_measure}_rate")
    population = values("population_0_17_dfe").combine_first(values("population_0_17_ons"))
    computed = stats.rate(values(count_measure), population.reindex(values(count_measure).index))
    computed = pd.Series(np.round(computed), index=values(count_measure).index).dropna()
    out = pd.DataFrame({"rate": published.combine_first(computed)})
    out["computed"] = ~out.index.isin(published.index)
    out.index = out.index.set_names(["key", "year"])
    return out.reset_index()


def _rate_series(ctx: Context, level: str, count_measure: str, key: str) -> tuple[pd.Series, list[int]]:
    """One area's rate by year, and the years where it was computed rather than published."""
    rows = _rates(ctx.table, level, count_measure)
    rows = rows[rows["key"] == key].set_index("year")
    return rows["rate"], sorted(int(y) for y in rows.index[rows["computed"]])


def _neighbour_mean(ctx: Context, count_measure: str) -> tuple[pd.Series, pd.Series]:
    rows = _rates(ctx.table, LA_LEVEL, count_measure)
    rows = rows[rows["key"].isin(ctx.neighbour_codes)]
    grouped = rows.groupby("year")["rate"]
    return grouped.mean().astype(float), grouped.count()


def trend(ctx: Context) -> pd.DataFrame:
    """Children looked after at 31 March, each year from ``first_year`` to the paper's year.

    Columns: year; the authority's count and rate; England's, the region's and
    the neighbours' average rate; how many neighbours had a published rate.
    """
    years = pd.Index(range(ctx.first_year, ctx.year + 1), name="year")
    mean, n = _neighbour_mean(ctx, "cla_31_march")
    la_rate, computed = _rate_series(ctx, LA_LEVEL, "cla_31_march", ctx.la.old_la_code)
    out = pd.DataFrame(
        {
            "la_count": _la_values(ctx, "cla_31_march", ctx.la.old_la_code),
            "la_rate": la_rate,
            "england_rate": _rate_series(ctx, "National", "cla_31_march", "National")[0],
            "region_rate": _rate_series(ctx, "Regional", "cla_31_march", ctx.la.region_code)[0],
            "neighbour_mean_rate": mean,
            "neighbours_with_data": n,
        }
    ).reindex(years)
    out["neighbours_with_data"] = out["neighbours_with_data"].fillna(0).astype(int)
    out["rate_computed"] = out.index.isin(computed)
    return out.reset_index()


def flows(ctx: Context) -> pd.DataFrame:
    """Children starting and ceasing to be looked after each year, count and rate, with England's rates."""
    years = pd.Index(range(ctx.first_year, ctx.year + 1), name="year")
    out = pd.DataFrame(
        {
            "started": _la_values(ctx, "cla_started", ctx.la.old_la_code),
            "started_rate": _rate_series(ctx, LA_LEVEL, "cla_started", ctx.la.old_la_code)[0],
            "ceased": _la_values(ctx, "cla_ceased", ctx.la.old_la_code),
            "ceased_rate": _rate_series(ctx, LA_LEVEL, "cla_ceased", ctx.la.old_la_code)[0],
            "england_started_rate": _rate_series(ctx, "National", "cla_started", "National")[0],
            "england_ceased_rate": _rate_series(ctx, "National", "cla_ceased", "National")[0],
        }
    ).reindex(years)
    computed = set(_rate_series(ctx, LA_LEVEL, "cla_started", ctx.la.old_la_code)[1])
    out["rate_computed"] = out.index.isin(sorted(computed))
    return out.reset_index()


@dataclass(frozen=True)
class Funnel:
    """Everything behind the funnel plot for one year."""

    year: int
    points: pd.DataFrame  # one row per authority: old_la_code, la_name, count, population, rate, group
    target_rate: float  # England's rate, per 10,000, unrounded
    limits: pd.DataFrame  # population and the four limits, as rates
    la_position: str  # against England
    neighbour_target_rate: float
    la_position_vs_neighbours: str
    overdispersion: stats.Overdispersion


def _label(level: float) -> str:
    """A control limit's level as printed: 0.95 -> "95%", 0.998 -> "99.8%"."""
    return text.confidence(1 - level)


def _population(ctx: Context, year: int) -> pd.DataFrame:
    """The 0-17 population per authority DfE used for ``year`` (ONS's estimate where DfE's is not published)."""
    dfe = _level(ctx.table, LA_LEVEL, "population_0_17_dfe")
    ons = _level(ctx.table, LA_LEVEL, "population_0_17_ons")
    dfe = dfe[dfe["year"] == year].set_index("old_la_code")["value"]
    ons = ons[ons["year"] == year].set_index("old_la_code")["value"]
    return dfe.combine_first(ons).astype(float)


def funnel(ctx: Context, year: int | None = None) -> Funnel:
    """Rates of every authority for ``year`` against their child population, with Poisson control limits.

    The target is England's rate (all authorities' children looked after over
    their child population). Authorities without a published count or a
    population are left out.
    """
    year = ctx.year if year is None else year
    counts = _level(ctx.table, LA_LEVEL, "cla_31_march")
    counts = counts[counts["year"] == year].dropna(subset=["value"]).set_index("old_la_code")
    pts = pd.DataFrame({"la_name": counts["la_name"], "count": counts["value"].astype(float)})
    pts["population"] = _population(ctx, year).reindex(pts.index)
    pts = pts.dropna(subset=["population"])
    pts = pts[pts["population"] > 0]
    pts["rate"] = stats.rate(pts["count"].to_numpy(), pts["population"].to_numpy())
    pts["group"] = np.where(
        pts.index == ctx.la.old_la_code,
        ctx.la.la_name,
        np.where(pts.index.isin(ctx.neighbour_codes), "Neighbour", "Other authority"),
    )
    target = float(pts["count"].sum() / pts["population"].sum() * stats.PER)

    grid = np.unique(np.geomspace(max(pts["population"].min() * 0.8, 500), pts["population"].max() * 1.1, 200).round())
    limits = pd.DataFrame({"population": grid})
    for level in stats.LIMITS:
        lower, upper = stats.control_limits(target, grid, level)
        limits[f"lower_{_label(level)}"] = lower
        limits[f"upper_{_label(level)}"] = upper

    me = pts.loc[ctx.la.old_la_code]
    neighbours = pts[pts["group"] == "Neighbour"]
    neighbour_target = float(neighbours["rate"].mean()) if len(neighbours) else float("nan")
    return Funnel(
        year=year,
        points=pts.reset_index(),
        target_rate=target,
        limits=limits,
        la_position=stats.funnel_position(me["count"], me["population"], target),
        neighbour_target_rate=neighbour_target,
        la_position_vs_neighbours=(
            stats.funnel_position(me["count"], me["population"], neighbour_target)
            if len(neighbours)
            else "no neighbour data"
        ),
        overdispersion=stats.overdispersion(pts["count"], pts["population"], target),
    )


@dataclass(frozen=True)
class CareNumbers:
    """Everything the chapter shows for a paper: what :func:`compute` returns and every page function takes.

    Attributes
    ----------
    ctx : analysis.report.context.Context
        The paper joined to the published data.
    trend : pandas.DataFrame
        :func:`trend`: children looked after at 31 March, each year.
    flows : pandas.DataFrame
        :func:`flows`: children starting and ceasing to be looked after, each year.
    funnel : Funnel
        :func:`funnel` for the paper's year.
    """

    ctx: Context
    trend: pd.DataFrame
    flows: pd.DataFrame
    funnel: Funnel


def compute(ctx: Context) -> CareNumbers:
    """The chapter's one call: the trend, the flows and the funnel plot for a paper."""
    return CareNumbers(ctx=ctx, trend=trend(ctx), flows=flows(ctx), funnel=funnel(ctx))


# ---------------------------------------------------------------------------
# Plain-English findings, generated from the numbers
# ---------------------------------------------------------------------------


def _compare_words(position: str) -> str:
    """Plain words for a funnel position (:data:`analysis.methods.stats.POSITIONS`), to put before "England's"."""
    at = f"(at the {_label(min(stats.LIMITS))} level)"
    words = (
        "significantly higher than",
        f"higher than {at}",
        "not significantly different from",
        f"lower than {at}",
        "significantly lower than",
    )
    return dict(zip(stats.POSITIONS, words)).get(position, "not comparable with")


def _change_words(first: float, last: float) -> str:
    if pd.isna(first) or pd.isna(last):
        return "changed (not all years are published)"
    if last > first:
        return "rose"
    if last < first:
        return "fell"
    return "was unchanged"


def findings(res: CareNumbers) -> list[str]:
    """Plain-English findings for the chapter, each one sentence, generated from the numbers."""
    ctx, tr, fn = res.ctx, res.trend, res.funnel
    la = ctx.la.la_name
    first, last = tr.iloc[0], tr.iloc[-1]
    out = [
        f"At 31 March {ctx.year}, {la} looked after {last.la_count:,.0f} children, "
        f"{last.la_rate:.0f} per 10,000 children aged under 18."
    ]
    out.append(
        f"The rate {_change_words(first.la_rate, last.la_rate)} from {first.la_rate:.0f} in {int(first.year)} "
        f"to {last.la_rate:.0f} in {int(last.year)}; England's went from {first.england_rate:.0f} to "
        f"{last.england_rate:.0f}."
    )
    out.append(
        f"Allowing for the size of its child population, {la}'s rate is {_compare_words(fn.la_position)} "
        f"England's ({fn.la_position} on the funnel plot)."
    )
    if not pd.isna(fn.neighbour_target_rate):
        out.append(
            f"Against the average of its {ctx.neighbour_label} ({fn.neighbour_target_rate:.0f} per 10,000), "
            f"{la}'s rate is {_compare_words(fn.la_position_vs_neighbours)} that average."
        )
    if fn.overdispersion.overdispersed:
        out.append(
            f"Rates vary between authorities far more than chance alone would make them "
            f"(overdispersion factor {fn.overdispersion.phi:.0f}), so many authorities sit outside the "
            "limits: being outside them says an authority differs, not why."
        )
    return out


def headline(res: CareNumbers) -> str:
    """One sentence that states the chapter's main finding (used as a chart title and in the summary)."""
    ctx, fn = res.ctx, res.funnel
    last = res.trend.iloc[-1]
    return (
        f"{ctx.la.la_name}'s rate of children in care ({last.la_rate:.0f} per 10,000) is "
        f"{_compare_words(fn.la_position)} England's ({last.england_rate:.0f}) in {ctx.year}"
    )


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------


def _computed_note(tab: pd.DataFrame) -> str:
    years = [int(y) for y in tab.loc[tab["rate_computed"].astype(bool), "year"]]
    if not years:
        return ""
    listed = ", ".join(str(y) for y in years)
    return (
        f"DfE did not publish a rate for {listed}: there the rate is computed the way DfE computes it, "
        "from the published count and the population of children aged 0 to 17 DfE used that year (for 2013, "
        "ONS's current estimate, revised since 2013). "
    )


def trend_chart(res: CareNumbers) -> dict:
    """The trend chart and its title, caption, alt text and table (for :func:`analysis.report.charts.show`)."""
    ctx, tr = res.ctx, res.trend
    la = ctx.la.la_name
    fig = go.Figure()
    series = [
        ("la_rate", la, charts.COLOURS["la"], "solid", 4),
        ("england_rate", "England", charts.COLOURS["england"], "dash", 2),
        ("region_rate", ctx.la.region_name, charts.COLOURS["region"], "dot", 2),
        ("neighbour_mean_rate", "Neighbours' average", charts.COLOURS["neighbours"], "dashdot", 2),
    ]
    for col, label, colour, dash, width in series:
        if tr[col].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=tr["year"],
                    y=tr[col],
                    name=label,
                    mode="lines+markers",
                    line={"color": colour, "dash": dash, "width": width},
                    hovertemplate=f"{label}<br>%{{x}}: %{{y:.0f}} per 10,000<extra></extra>",
                )
            )
    charts.base_layout(fig, y_title="Children looked after per 10,000 under-18s", x_title="Year (31 March)")
    fig.update_xaxes(dtick=1)
    first, last = tr.iloc[0], tr.iloc[-1]
    title = (
        f"{la}'s rate of children in care {_change_words(first.la_rate, last.la_rate)} from "
        f"{first.la_rate:.0f} to {last.la_rate:.0f} per 10,000 between {int(first.year)} and {int(last.year)}; "
        f"England's was {last.england_rate:.0f} in {int(last.year)}"
    )
    table = tr.rename(
        columns={
            "year": "Year",
            "la_count": f"{la}: children looked after",
            "la_rate": f"{la}: rate",
            "england_rate": "England: rate",
            "region_rate": f"{ctx.la.region_name}: rate",
            "neighbour_mean_rate": "Neighbours' average rate",
            "neighbours_with_data": "Neighbours with data",
            "rate_computed": "Rate computed, not published",
        }
    )
    table["Rate computed, not published"] = table["Rate computed, not published"].map({True: "yes", False: "no"})
    return {
        "fig": fig,
        "name": "cla-rate-trend",
        "title": title,
        "caption": (
            f"Children looked after at 31 March per 10,000 children aged under 18, {int(first.year)} to "
            f"{int(last.year)}. Neighbours' average is the simple mean of the rates of the {ctx.neighbour_label}. "
            f"{_computed_note(tr)}"
            "Source: DfE, Children looked after in England including adoptions (latest release of each year); "
            "ONS mid-year population estimates."
        ),
        "alt": (
            f"Line chart of the rate of children looked after per 10,000 from {int(first.year)} to {int(last.year)}. "
            f"{la} goes from {first.la_rate:.0f} to {last.la_rate:.0f}; England from {first.england_rate:.0f} to "
            f"{last.england_rate:.0f}; {ctx.la.region_name} from {first.region_rate:.0f} to {last.region_rate:.0f}."
        ),
        "table": table,
        "table_formats": {c: ",.0f" for c in table.columns if c.endswith(("rate", "looked after"))}
        | {"Neighbours' average rate": ".1f"},
    }


def flows_chart(res: CareNumbers) -> dict:
    """Starting and ceasing rates chart, with title, caption, alt text and table."""
    ctx, fl = res.ctx, res.flows
    la = ctx.la.la_name
    fig = go.Figure()
    for col, label, colour, dash in (
        ("started_rate", f"{la}: started", charts.COLOURS["la"], "solid"),
        ("ceased_rate", f"{la}: ceased", charts.COLOURS["region"], "solid"),
        ("england_started_rate", "England: started", charts.COLOURS["la"], "dot"),
        ("england_ceased_rate", "England: ceased", charts.COLOURS["region"], "dot"),
    ):
        if fl[col].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=fl["year"],
                    y=fl[col],
                    name=label,
                    mode="lines+markers",
                    line={"color": colour, "dash": dash, "width": 3 if label.startswith(la) else 2},
                    hovertemplate=f"{label}<br>%{{x}}: %{{y:.0f}} per 10,000<extra></extra>",
                )
            )
    charts.base_layout(fig, y_title="Children per 10,000 under-18s", x_title="Year ending 31 March")
    fig.update_xaxes(dtick=1)
    known = fl.dropna(subset=["started", "ceased"])
    gap = (known["started"] - known["ceased"]).sum()
    span = f"{int(known['year'].min())} to {int(known['year'].max())}" if len(known) else "the years shown"
    more = "more" if gap >= 0 else "fewer"
    title = (
        f"From {span}, {abs(gap):,.0f} {more} children started to be looked after in {la} than ceased, "
        f"so the number in care {'grew' if gap > 0 else 'shrank' if gap < 0 else 'held steady'}"
    )
    table = fl.rename(
        columns={
            "year": "Year",
            "started": "Started",
            "started_rate": "Started: rate",
            "ceased": "Ceased",
            "ceased_rate": "Ceased: rate",
            "england_started_rate": "England started: rate",
            "england_ceased_rate": "England ceased: rate",
            "rate_computed": "Rate computed, not published",
        }
    )
    table["Rate computed, not published"] = table["Rate computed, not published"].map({True: "yes", False: "no"})
    return {
        "fig": fig,
        "name": "cla-flows",
        "title": title,
        "caption": (
            "Children starting and ceasing to be looked after during each year ending 31 March, per 10,000 "
            f"children aged under 18. {_computed_note(fl)}"
            "Source: DfE, Children looked after in England including adoptions; ONS mid-year population estimates."
        ),
        "alt": (
            f"Line chart of the rates at which children started and ceased to be looked after in {la} and England, "
            f"{span}. Over the period {abs(gap):,.0f} {more} children started than ceased."
        ),
        "table": table,
        "table_formats": {c: ",.0f" for c in table.columns if c.startswith(("Started", "Ceased", "England"))},
    }


#: How each control limit is drawn on the funnel plot: colour (a key of :data:`analysis.report.charts.COLOURS`) and dash.
_LIMIT_STYLE = dict(zip(stats.LIMITS, (("limit95", "dash"), ("limit998", "dot"))))


def _funnel_figure(fn: Funnel, la: str) -> go.Figure:
    """The funnel plot itself: the control limits, England's rate and a point per authority."""
    pts, lim = fn.points, fn.limits
    fig = go.Figure()
    for level in stats.LIMITS:
        colour, dash = _LIMIT_STYLE[level]
        label = _label(level)
        for side in ("lower", "upper"):
            fig.add_trace(
                go.Scatter(
                    x=lim["population"],
                    y=lim[f"{side}_{label}"],
                    mode="lines",
                    line={"color": charts.COLOURS[colour], "dash": dash, "width": 1.5},
                    name=f"{label} limits",
                    legendgroup=label,
                    showlegend=side == "upper",
                    hoverinfo="skip",
                )
            )
    fig.add_hline(y=fn.target_rate, line={"color": charts.COLOURS["england"], "width": 1.5})
    for group, colour, size, symbol in (
        ("Other authority", charts.COLOURS["other"], 7, "circle"),
        ("Neighbour", charts.COLOURS["neighbours"], 10, "diamond"),
        (la, charts.COLOURS["la"], 16, "star"),
    ):
        sub = pts[pts["group"] == group]
        fig.add_trace(
            go.Scatter(
                x=sub["population"],
                y=sub["rate"],
                mode="markers",
                name=group if group != "Neighbour" else "Statistical neighbour",
                marker={"color": colour, "size": size, "symbol": symbol, "line": {"color": "#1a1a1a", "width": 0.5}},
                text=sub["la_name"],
                hovertemplate="%{text}<br>population %{x:,.0f}<br>%{y:.1f} per 10,000<extra></extra>",
            )
        )
    charts.base_layout(
        fig, y_title="Children looked after per 10,000 under-18s", x_title="Children aged 0 to 17 (log scale)"
    )
    fig.update_xaxes(type="log")
    return fig


def _funnel_table(fn: Funnel) -> pd.DataFrame:
    """The table behind the funnel plot: every authority with its position, highest rate first."""
    pts = fn.points
    return (
        pts.assign(
            Position=[stats.funnel_position(c, p, fn.target_rate) for c, p in zip(pts["count"], pts["population"])]
        )
        .rename(
            columns={
                "old_la_code": "LA code",
                "la_name": "Local authority",
                "count": "Children looked after",
                "population": "Children aged 0-17",
                "rate": "Rate per 10,000",
                "group": "Group",
            }
        )
        .sort_values("Rate per 10,000", ascending=False)
    )


def funnel_chart(res: CareNumbers) -> dict:
    """The funnel plot, with title, caption, alt text and table."""
    fn, la = res.funnel, res.ctx.la.la_name
    pts = fn.points
    me_rate = float(pts.loc[pts["group"] == la, "rate"].iloc[0])
    title = (
        f"Allowing for population size, {la}'s rate ({me_rate:.1f} per 10,000) is "
        f"{_compare_words(fn.la_position)} England's ({fn.target_rate:.1f}) in {fn.year}"
    )
    table = _funnel_table(fn)
    n_out = int((table["Position"] != "within limits").sum())
    levels = text.series_text([_label(level) for level in stats.LIMITS])
    return {
        "fig": _funnel_figure(fn, la),
        "name": "cla-funnel",
        "title": title,
        "caption": (
            f"Each point is a local authority at 31 March {fn.year}: its rate of children looked after against its "
            f"population aged 0 to 17. The horizontal line is England's rate ({fn.target_rate:.1f} per 10,000); the "
            f"curves are {levels} Poisson control limits around it. Source: DfE children looked after; "
            "population as used by DfE (ONS mid-year estimates)."
        ),
        "alt": (
            f"Funnel plot of {len(pts)} local authorities' rates of children looked after in {fn.year} against child "
            f"population. {la} is at {me_rate:.1f} per 10,000, "
            f"{fn.la_position}; England's rate is {fn.target_rate:.1f}. {n_out} authorities lie outside the "
            f"{_label(min(stats.LIMITS))} limits."
        ),
        "table": table,
        "table_formats": {"Children looked after": ",.0f", "Children aged 0-17": ",.0f", "Rate per 10,000": ".1f"},
    }


# ---------------------------------------------------------------------------
# Key figures and the findings block
# ---------------------------------------------------------------------------


def key_figures(res: CareNumbers) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`."""
    ctx, fn = res.ctx, res.funnel
    last = res.trend.iloc[-1]
    year = ctx.year
    return [
        {"name": "la_name", "value": ctx.la.la_name, "unit": "text", "label": "Local authority the paper is about"},
        {"name": "paper_year", "value": year, "unit": "year", "label": "Reporting year (year ending 31 March)"},
        {
            "name": "cla_count",
            "value": last.la_count,
            "unit": "children",
            "label": f"Children looked after by {ctx.la.la_name} at 31 March {year} (DfE)",
        },
        {
            "name": "cla_rate_per_10k",
            "value": last.la_rate,
            "unit": "per 10,000 children",
            "label": f"{ctx.la.la_name}'s rate of children looked after at 31 March {year} (DfE)",
        },
        {
            "name": "england_rate_per_10k",
            "value": last.england_rate,
            "unit": "per 10,000 children",
            "label": f"England's rate of children looked after at 31 March {year} (DfE)",
        },
        {
            "name": "region_rate_per_10k",
            "value": last.region_rate,
            "unit": "per 10,000 children",
            "label": f"{ctx.la.region_name}'s rate of children looked after at 31 March {year} (DfE)",
        },
        {
            "name": "neighbour_mean_rate_per_10k",
            "value": round(float(last.neighbour_mean_rate), 1),
            "unit": "per 10,000 children",
            "label": f"Average of the published rates of {ctx.la.la_name}'s {ctx.neighbour_label}, {year}",
        },
        {
            "name": "neighbours_with_data",
            "value": int(last.neighbours_with_data),
            "unit": "authorities",
            "label": f"Number of {ctx.neighbour_label} with a published rate in {year}",
        },
        {
            "name": "funnel_position",
            "value": fn.la_position,
            "unit": "position",
            "label": f"Where {ctx.la.la_name}'s rate sits on the funnel plot around England's rate, {year}",
        },
        {
            "name": "funnel_position_vs_neighbours",
            "value": fn.la_position_vs_neighbours,
            "unit": "position",
            "label": f"Where {ctx.la.la_name}'s rate sits against its neighbours' average, {year}",
        },
        {
            "name": "funnel_verdict",
            "value": _compare_words(fn.la_position),
            "unit": "text",
            "label": f"Plain-English reading of {ctx.la.la_name}'s funnel position against England, {year}",
        },
        {
            "name": "funnel_verdict_vs_neighbours",
            "value": _compare_words(fn.la_position_vs_neighbours),
            "unit": "text",
            "label": f"Plain-English reading of {ctx.la.la_name}'s position against its neighbours' average, {year}",
        },
        {
            "name": "overdispersion_factor",
            "value": round(fn.overdispersion.phi, 1),
            "unit": "ratio",
            "label": f"Spiegelhalter overdispersion factor of authorities' rates around England's, {year}",
        },
    ]


def release_note(ctx: Context) -> str:
    """Which DfE release the paper year's figures for the authority come from."""
    rows = ctx.table[
        (ctx.table["old_la_code"] == ctx.la.old_la_code)
        & (ctx.table["year"] == ctx.year)
        & (ctx.table["measure"] == "cla_31_march")
    ]
    if rows.empty:
        return ""
    return f"Figures for {ctx.year} are from the release: {rows['release'].iloc[0]}."


def findings_markdown(res: CareNumbers) -> str:
    """The findings as a Markdown bullet list (glued into the chapter's opening)."""
    lines = [f"- {sentence}" for sentence in findings(res)]
    note = release_note(res.ctx)
    if note:
        lines.append(f"- {note}")
    return "\n".join(lines)
