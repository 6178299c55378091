"""Care numbers: the trend, flows and funnel charts, each with title, caption, alt text and table."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.chapters.care_numbers.compute import CareNumbers, Funnel, level_label
from analysis.chapters.care_numbers.text import change_words, compare_words
from analysis.methods import stats
from analysis.report import charts, text


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
        f"{la}'s rate of children in care {change_words(first.la_rate, last.la_rate)} from "
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


def _limit_traces(fig: go.Figure, lim: pd.DataFrame, prefix: str, name: str, width: float, opacity: float) -> None:
    """Draw one set of limits (``prefix`` "" for plain Poisson, "adj_" for overdispersion-adjusted)."""
    for level in stats.LIMITS:
        colour, dash = _LIMIT_STYLE[level]
        label = level_label(level)
        for side in ("lower", "upper"):
            fig.add_trace(
                go.Scatter(
                    x=lim["population"],
                    y=lim[f"{prefix}{side}_{label}"],
                    mode="lines",
                    line={"color": charts.COLOURS[colour], "dash": dash, "width": width},
                    opacity=opacity,
                    name=f"{label} {name}",
                    legendgroup=f"{prefix}{label}",
                    showlegend=side == "upper",
                    hoverinfo="skip",
                )
            )


def _funnel_figure(fn: Funnel, la: str) -> go.Figure:
    """The funnel plot: the adjusted limits (when they apply), the plain Poisson ones lighter, England, the points."""
    pts, lim = fn.points, fn.limits
    fig = go.Figure()
    if fn.adjusted:
        _limit_traces(fig, lim, "", "Poisson limits (chance alone)", 1.0, 0.45)
        _limit_traces(fig, lim, "adj_", "limits allowing for overdispersion", 2.0, 1.0)
    else:
        _limit_traces(fig, lim, "", "Poisson limits", 1.5, 1.0)
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
    """The table behind the funnel plot: every authority with its positions, highest rate first."""
    columns = {
        "old_la_code": "LA code",
        "la_name": "Local authority",
        "count": "Children looked after",
        "population": "Children aged 0-17",
        "rate": "Rate per 10,000 (count / population)",
        "group": "Group",
        "position": f"Position ({fn.limits_name} limits)",
    }
    if fn.adjusted:
        columns["position_poisson"] = "Position (Poisson limits)"
    return fn.points[list(columns)].rename(columns=columns).sort_values(columns["rate"], ascending=False)


def funnel_chart(res: CareNumbers) -> dict:
    """The funnel plot, with title, caption, alt text and table."""
    fn, la = res.funnel, res.ctx.la.la_name
    last = res.trend.iloc[-1]
    title = (
        f"Allowing for population size and the spread between authorities, {la}'s rate "
        f"({text.rate(last.la_rate)} per 10,000) is {compare_words(fn.la_position)} England's "
        f"({text.rate(last.england_rate)}) in {fn.year}"
        if fn.adjusted
        else f"Allowing for population size, {la}'s rate ({text.rate(last.la_rate)} per 10,000) is "
        f"{compare_words(fn.la_position)} England's ({text.rate(last.england_rate)}) in {fn.year}"
    )
    levels = text.series_text([level_label(level) for level in stats.LIMITS])
    if fn.adjusted:
        limits = (
            f"The bold curves are {levels} limits allowing for overdispersion: rates vary between authorities far "
            f"more than chance alone (overdispersion factor {fn.overdispersion.phi:.0f}), so the limits are widened "
            "by the spread between authorities (Spiegelhalter's random-effects method). The faint curves are the "
            "plain Poisson limits of chance alone. Positions and verdicts use the bold ones."
        )
    else:
        limits = f"The curves are {levels} Poisson control limits; positions and verdicts use them."
    return {
        "fig": _funnel_figure(fn, la),
        "name": "cla-funnel",
        "title": title,
        "caption": (
            f"Each point is a local authority at 31 March {fn.year}: its rate of children looked after against its "
            f"population aged 0 to 17. The horizontal line is England's rate ({fn.target_rate:.1f} per 10,000 "
            f"before DfE's rounding). {limits} Source: DfE children looked after (published); population as used "
            "by DfE (ONS mid-year estimates)."
        ),
        "alt": (
            f"Funnel plot of {len(fn.points)} local authorities' rates of children looked after in {fn.year} against "
            f"child population. {la} is at {text.rate(last.la_rate)} per 10,000, {fn.la_position} of the "
            f"{fn.limits_name} limits; England's rate is {text.rate(last.england_rate)}. {fn.outside()} authorities "
            f"lie outside the {fn.limits_name} {level_label(min(stats.LIMITS))} limits."
        ),
        "table": _funnel_table(fn),
        "table_formats": {
            "Children looked after": ",.0f",
            "Children aged 0-17": ",.0f",
            "Rate per 10,000 (count / population)": ".1f",
        },
    }
