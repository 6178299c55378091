"""The forecast chapter's charts (plotly, in the house style of :mod:`analysis.report.charts`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.chapters.forecast.compute import AGE_BANDS, CHILD_LEVEL, Outlook, ets_at, headline
from analysis.chapters.forecast.tables import fan_table, flows_marks, flows_table, history_marks
from analysis.chapters.forecast.text import about
from analysis.report import charts, disclosure, text

#: Colours of the chart's series (house palette).
_SERIES = {
    "published": charts.COLOURS["la"],
    "markov": charts.COLOURS["neighbours"],
    "ets": charts.COLOURS["region"],
    "later": charts.COLOURS["england"],
}


def _band(fig: go.Figure, x, lower, upper, colour: str, name: str, group: str) -> None:
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    fig.add_trace(
        go.Scatter(
            x=list(x) + list(x)[::-1],
            y=list(upper) + list(lower)[::-1],
            fill="toself",
            fillcolor=f"rgba({rgb[0]},{rgb[1]},{rgb[2]},0.18)",
            line={"width": 0},
            mode="lines",
            name=name,
            legendgroup=group,
            hoverinfo="skip",
        )
    )


def _add_trend(fig: go.Figure, o: Outlook) -> None:
    """The trend's band and line, starting from the published number of the paper's year."""
    base = o.published.get(o.year, np.nan)
    ets = pd.concat(
        [pd.DataFrame({"year": [o.year], "mean": [base], "lower": [base], "upper": [base]}), o.ets.forecast]
    )
    _band(
        fig,
        ets["year"],
        ets["lower"].round(),
        ets["upper"].round(),
        _SERIES["ets"],
        f"Trend: {o.level} interval",
        "ets",
    )
    fig.add_trace(
        go.Scatter(
            x=ets["year"],
            y=ets["mean"].round(),
            name="Trend in published numbers (forecast)",
            mode="lines",
            line={"color": _SERIES["ets"], "dash": "dash", "width": 2},
            legendgroup="ets",
            hovertemplate="Trend %{x}: %{y:,.0f}<extra></extra>",
        )
    )


def _add_history(fig: go.Figure, o: Outlook) -> None:
    """The published numbers up to the paper, and those published after it."""
    fig.add_trace(
        go.Scatter(
            x=list(o.published.index),
            y=o.published.to_numpy(),
            name="Published by DfE (to the paper)",
            mode="lines+markers",
            line={"color": _SERIES["published"], "width": 4},
            hovertemplate="Published %{x}: %{y:,.0f}<extra></extra>",
        )
    )
    if len(o.later):
        fig.add_trace(
            go.Scatter(
                x=list(o.later.index),
                y=o.later.to_numpy(),
                name="Published after the paper",
                mode="lines+markers",
                line={"color": _SERIES["later"], "dash": "dot", "width": 2},
                marker={"symbol": "diamond", "size": 9},
                hovertemplate="Published later %{x}: %{y:,.0f}<extra></extra>",
            )
        )


def fan_figure(o: Outlook) -> go.Figure:
    """The forecast chart's figure: both forecasts with their intervals and the published numbers."""
    fig = go.Figure()
    sim = o.sim
    _band(
        fig,
        sim["year"],
        sim["lower"].round(),
        sim["upper"].round(),
        _SERIES["markov"],
        f"Stock-and-flow: {o.level} interval",
        "markov",
    )
    if o.ets.fitted:
        _add_trend(fig, o)
    fig.add_trace(
        go.Scatter(
            x=sim["year"],
            y=sim["mean"].round(),
            name="Stock-and-flow model (forecast)",
            mode="lines+markers",
            line={"color": _SERIES["markov"], "width": 3},
            legendgroup="markov",
            hovertemplate="Stock-and-flow %{x}: %{y:,.0f}<extra></extra>",
        )
    )
    _add_history(fig, o)
    charts.base_layout(fig, y_title="Children looked after at 31 March", x_title="Year (31 March)")
    fig.update_xaxes(dtick=1)
    fig.add_vline(x=o.year, line={"color": "#7F7F7F", "dash": "dot", "width": 1})
    return fig


def fan_title(o: Outlook) -> str:
    """The forecast chart's title: the stock-and-flow forecast three years on, and the trend's (generated)."""
    h = about(headline(o))
    e = ets_at(o, o.year3)
    trend = f"; the published trend says about {text.number(e['mean'])}" if o.ets.fitted else ""
    return f"{h[0].upper()}{h[1:]} are expected to be looked after on 31 March {o.year3}{trend}"


def fan_chart(o: Outlook) -> dict:
    """The forecast chart: published history, both forecasts with their intervals, later published numbers."""
    title = fan_title(o)
    table = fan_table(o)
    later = (
        f" Diamonds on a dotted line are DfE's numbers for "
        f"{text.year_span(int(o.later.index[0]), int(o.later.index[-1]))}, published after the paper was written."
        if len(o.later)
        else ""
    )
    caption = (
        f"Children looked after by {o.la_name} at 31 March: DfE's published numbers up to the paper's year "
        f"({o.year}, dotted vertical line), the stock-and-flow model's forecast from the {CHILD_LEVEL} (mean of "
        f"{text.number(o.simulations)} simulated futures, with a {o.level} prediction interval) and a damped trend "
        f"fitted to the published numbers, with its {o.level} interval.{later} Forecasts are rounded to whole "
        f"children. {o.source}"
    )
    alt = (
        f"Line chart of children looked after at 31 March, {int(table['Year'].iloc[0])} to "
        f"{o.year + o.horizon}, with the published numbers to {o.year} and two forecasts with shaded intervals "
        f"after it. {title}."
    )
    return {
        "fig": fan_figure(o),
        "name": "forecast-fan",
        "title": title,
        "caption": caption,
        "alt": alt,
        "table": table,
        "table_marks": history_marks(table, "Child-level data", table["Year"]),
    }


def flows_chart(o: Outlook) -> dict:
    """Entries and exits by age band over the years learned from (suppressed counts; a gap where suppressed)."""
    sup = flows_table(o)
    cols = list(sup.values.columns)
    names = {cols[1]: "Came into care", cols[2]: "Left to permanence", cols[3]: "Left another way"}
    colours = {cols[1]: charts.COLOURS["la"], cols[2]: charts.COLOURS["neighbours"], cols[3]: charts.COLOURS["region"]}
    fig = go.Figure()
    for col in cols[1:]:
        fig.add_trace(
            go.Bar(
                x=list(AGE_BANDS),
                y=sup.values.loc[list(AGE_BANDS), col].to_numpy(),
                name=names[col],
                marker_color=colours[col],
                hovertemplate=f"{names[col]}, aged %{{x}}: %{{y:,.0f}}<extra></extra>",
            )
        )
    hidden = [(band, names[col]) for col in cols[1:] for band in AGE_BANDS if sup.mask.loc[band, col]]
    charts.suppressed_crosses(fig, [b for b, _ in hidden], [n for _, n in hidden])
    charts.base_layout(fig, y_title="Children", x_title="Age band at 31 March")
    fig.update_layout(barmode="group")
    vals = sup.values.loc[list(AGE_BANDS)]

    def most(col: str) -> str:
        # a suppressed count is at most 5, so a shown count above 5 is the largest for sure
        shown = vals[col].dropna()
        if shown.empty or shown.max() <= disclosure.HIGH:
            return "(too few to say)"
        return f"aged {shown.idxmax()}"

    title = (
        f"The largest group of children coming into care were {most(cols[1])}; of those leaving to "
        f"permanence, {most(cols[2])}; of those leaving another way, {most(cols[3])}"
    )
    table = sup.table().reset_index().rename(columns={"index": "Age band"})
    k = len(o.model.learned_from)
    return {
        "fig": fig,
        "name": "forecast-flows",
        "title": title,
        "caption": (
            f"Children coming into and leaving care by age band, added up over the {text.plural(k, 'year')} the "
            f"model learned from ({o.learned}). Entries are children looked "
            "after on a 31 March who were not the 31 March before, by their age band then; exits are "
            "children looked after on a 31 March who were not the next, by their age band when they were. "
            "Children who came and went between two 31 Marches are not counted."
            f"{' Where a count is suppressed (c in the table) a grey cross labelled Suppressed stands in place of its bar.' if hidden else ''} "
            f"{o.source}"
        ),
        "alt": (
            f"Grouped bar chart of children coming into care, leaving to permanence and leaving another way, "
            f"for each age band. {title}."
        ),
        "table": table,
        "table_marks": flows_marks(o, table),
    }
