"""The placements chapter's charts (plotly, in the house style of :mod:`analysis.report.charts`).

Each function takes the chapter's result and returns the keyword arguments of
:func:`analysis.report.charts.show`: the figure, a title stating the finding, a caption, alt text
and the table behind it. Charts from child-level data plot a suppressed value as a gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.chapters.placements.compute import INDICATORS, PUBLISHED_CHARTS, Placements, share
from analysis.chapters.placements.tables import (
    DISTANCE_KEYS,
    STABILITY_KEYS,
    distance_display,
    mix_display,
    new_placements_display,
    published_table,
    row_label,
    spend_display,
    stability_display,
    stock_keys,
)
from analysis.chapters.placements.text import compare, gap_title, published_title
from analysis.report import charts, disclosure, text
from analysis.report.categories import (
    ALL_CHILDREN,
    ALL_FOSTER,
    CATEGORIES,
    COHORT,
    COLOURS,
    DISTANCE,
    FOSTERING,
    LOCALITY,
    LONG_TERM,
    MOVES,
    NEW_POPULATION,
    SPEND_POPULATION,
    STOCK_POPULATION,
)


def _plot(value) -> float:
    """A share for a chart: the number, or NaN (a gap) when suppressed or there are no children."""
    return float(value) if text.is_number(value) else np.nan


def _gaps_note(pub: pd.DataFrame, indicators, la: str) -> str:
    """The caption's note of the years with no published figure for the authority ("" if none)."""
    missing = [
        f"{INDICATORS[ind].label.lower()} in {text.year_runs(ys)}"
        for ind in indicators
        if (ys := [int(y) for y, v in pub.loc[ind, "la"].items() if pd.isna(v)])
    ]
    if not missing:
        return ""
    return (
        f" {la} has no published figure (not published, suppressed or not collected) for "
        f"{'; '.join(missing)}, so its line has gaps."
    )


def published_chart(res: Placements, group: str) -> dict:
    """A small-multiples trend chart of published indicators (one panel each), for :func:`analysis.report.charts.show`.

    ``group`` is one of :data:`.compute.PUBLISHED_CHARTS`.
    """
    ctx, pub = res.ctx, res.pub
    indicators = PUBLISHED_CHARTS[group]
    la = ctx.la.la_name
    fig = make_subplots(
        rows=len(indicators),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.09,
        subplot_titles=[INDICATORS[i].label for i in indicators],
    )
    series = [
        ("la", la, charts.COLOURS["la"], "solid", 4),
        ("england", "England", charts.COLOURS["england"], "dash", 2),
        ("region", ctx.la.region_name, charts.COLOURS["region"], "dot", 2),
        ("neighbours", "Neighbours' average", charts.COLOURS["neighbours"], "dashdot", 2),
    ]
    for i, ind in enumerate(indicators, 1):
        frame = pub.loc[ind]
        for col, label, colour, dash, width in series:
            fig.add_trace(
                go.Scatter(
                    x=list(frame.index),
                    y=frame[col],
                    name=label,
                    mode="lines+markers",
                    legendgroup=label,
                    showlegend=i == 1,
                    line={"color": colour, "dash": dash, "width": width},
                    hovertemplate=f"{label}<br>%{{x}}: %{{y:.1f}}%<extra></extra>",
                ),
                row=i,
                col=1,
            )
    charts.base_layout(fig, y_title="", x_title="")
    fig.update_layout(
        height=250 * len(indicators) + 130, margin={"l": 60, "r": 20, "t": 40, "b": 60}, legend={"y": -0.08}
    )
    fig.update_yaxes(title_text="%", rangemode="tozero")
    fig.update_xaxes(dtick=1)
    fig.add_vline(x=ctx.year, line={"color": "#7F7F7F", "dash": "dot", "width": 1})
    years = pub.loc[indicators[0]].index
    first, last = int(min(years)), int(max(years))
    gaps = _gaps_note(pub, indicators, la)
    return {
        "fig": fig,
        "name": f"published-{group}",
        "title": published_title(res, group),
        "caption": (
            f"Percentage of children looked after at 31 March, {first} to {last}; the dotted vertical line marks the "
            f"paper's year ({ctx.year}), and later years were published after the paper was written. Shares are "
            "computed from DfE's published counts over the children looked after in the same release; the "
            "stability figures are DfE's own percentages from 2018 and computed from its counts before (the "
            "long-term measure needs a cohort DfE first published for 2018). Neighbours' average is the simple mean "
            f"of the {ctx.neighbour_label}' shares.{gaps} Source: DfE, Children looked after in England including "
            "adoptions (real, published figures)."
        ),
        "alt": (
            f"{len(indicators)} line charts, {first} to {last}, of {', '.join(INDICATORS[i].label.lower() for i in indicators)}"
            f" for {la}, England, {ctx.la.region_name} and the neighbours' average. {published_title(res, group)}."
        ),
        "table": published_table(pub, indicators),
        "table_formats": dict.fromkeys(
            ("Authority (%)", "England (%)", "Region (%)", "Neighbours' average (%)"), ".1f"
        ),
    }


# --------------------------------------------------------------------------- child-level charts


def _suppressed_note(any_hidden: bool) -> str:
    return (
        " Where a count is suppressed (c in the table) the chart shows a grey cross labelled "
        "'Suppressed' in place of its bar."
        if any_hidden
        else ""
    )


def _share_of(sup, rows, cols, den_row=None, den_col=None) -> pd.DataFrame:
    """Shares for many cells: each (row, col) over (den_row or row, den_col or col)."""
    return pd.DataFrame(
        {c: [share(sup, (r, c), (den_row or r, den_col or c)) for r in rows] for c in cols}, index=list(rows)
    )


def suppressed_share(shares: pd.DataFrame) -> list[float]:
    """Per column, 100 less the shown shares when any is suppressed (NaN when none is, or none is shown).

    The suppressed categories together are what the shown ones leave of the
    whole, which the table's shown total and cells give away anyway, so drawing
    them as one segment reveals no hidden count and lets each bar reach 100%.
    """
    out = []
    for col in shares.columns:
        values = [v for v in shares[col] if text.is_number(v)]
        hidden = any(v == text.SUPPRESSED for v in shares[col])
        out.append(max(100.0 - sum(values), 0.0) if hidden and values else np.nan)
    return out


def _suppressed_markers(fig: go.Figure, shares: pd.DataFrame, years) -> None:
    """One legend entry of grey crosses on the axis where a line's share is suppressed (none drawn if none is)."""
    points = [(str(y), row_label(cat)) for cat in shares.index for y in years if shares.loc[cat, y] == text.SUPPRESSED]
    charts.suppressed_crosses(fig, [x for x, _ in points], [name for _, name in points])


def mix_chart(res: Placements) -> dict:
    """Placement mix at 31 March by year, as 100% stacked bars; suppressed categories drawn as one grey segment."""
    h, sup = res.histories, res.stock
    y = h.year
    shares = _share_of(sup, CATEGORIES, h.years, den_row=ALL_CHILDREN)
    fig = go.Figure()
    for cat in CATEGORIES:
        fig.add_trace(
            go.Bar(
                x=[str(v) for v in h.years],
                y=[_plot(v) for v in shares.loc[cat]],
                name=row_label(cat),
                marker_color=COLOURS[cat],
                hovertemplate=f"{row_label(cat)}<br>%{{x}}: %{{y:.0f}}%<extra></extra>",
            )
        )
    charts.suppressed_segment(
        fig, [str(v) for v in h.years], suppressed_share(shares), "Suppressed categories together<br>%{x}: %{y:.0f}%"
    )
    charts.base_layout(fig, y_title="% of children looked after at 31 March", x_title="31 March")
    fig.update_layout(barmode="stack", height=520, legend={"y": -0.15})
    foster = share(sup, (ALL_FOSTER, y), (ALL_CHILDREN, y))
    ifa = share(sup, ("IFA fostering", y), (ALL_CHILDREN, y))
    title = (
        f"{text.source_phrase(h.synthetic)}, at 31 March {y} {text.pct(foster)} of children looked after were in "
        "foster placements, and "
        f"{text.pct(ifa)} of all children were with independent fostering agency carers"
    )
    hidden = bool(sup.mask.loc[list(CATEGORIES), list(h.years)].to_numpy().any())
    return {
        "fig": fig,
        "name": "placement-mix",
        "title": title,
        "caption": (
            f"Children looked after at 31 March by type of placement, {h.years[0]} to {y}, as a percentage "
            f"of all children looked after that day."
            + (
                " Categories suppressed in a year (c in the table) are drawn together as one grey, hatched "
                "'suppressed' segment, so that every bar reaches 100%."
                if hidden
                else ""
            )
            + f" {h.source}"
        ),
        "alt": (
            f"Stacked bar chart, one bar per year from {h.years[0]} to {y}, of the share of children looked after "
            f"in each type of placement. {title}."
        ),
        "table": mix_display(h, sup),
        "table_marks": {"population": STOCK_POPULATION, "keys": {str(v): str(v) for v in h.years}},
    }


def fostering_chart(res: Placements) -> dict:
    """Foster placements at 31 March by provider, as shares of all foster placements by year."""
    h, sup = res.histories, res.stock
    y, y0 = h.year, h.years[0]
    shares = _share_of(sup, FOSTERING, h.years, den_row=ALL_FOSTER)
    fig = go.Figure()
    for cat in FOSTERING:
        fig.add_trace(
            go.Scatter(
                x=[str(v) for v in h.years],
                y=[_plot(v) for v in shares.loc[cat]],
                name=row_label(cat),
                mode="lines+markers",
                line={"color": COLOURS[cat], "width": 3},
                hovertemplate=f"{row_label(cat)}<br>%{{x}}: %{{y:.0f}}%<extra></extra>",
            )
        )
    _suppressed_markers(fig, shares, h.years)
    charts.base_layout(fig, y_title="% of children in foster placements", x_title="31 March")
    ifa, inh = shares.loc["IFA fostering", y], shares.loc["in-house fostering", y]
    ifa0 = shares.loc["IFA fostering", y0]
    since = f" ({text.pct(ifa0)} in {y0})" if len(h.years) > 1 else ""
    title = (
        f"{text.source_phrase(h.synthetic)}, at 31 March {y} IFA carers looked after {text.pct(ifa)} of children "
        f"in foster placements{since}; the "
        f"council's own carers {text.pct(inh)}"
    )
    hidden = bool(sup.mask.loc[[*FOSTERING, ALL_FOSTER], list(h.years)].to_numpy().any())
    return {
        "fig": fig,
        "name": "fostering-by-provider",
        "title": title,
        "caption": (
            "Children in foster placements at 31 March by who provides the carers: the council's own (PR1), "
            "another council (PR2), an independent fostering agency (private or voluntary, PR4/PR5), or family "
            "and friends (kinship, U1-U3), as a percentage of all four."
            + (
                " A year whose share is suppressed (c in the table) has a grey cross on the axis instead of a point, "
                "named in the legend."
                if hidden
                else ""
            )
            + f" {h.source}"
        ),
        "alt": f"Line chart of the shares of foster placements by provider, {y0} to {y}. {title}.",
        "table": mix_display(h, sup, fostering=True),
        "table_marks": {"population": STOCK_POPULATION, "keys": {str(v): str(v) for v in h.years}},
    }


def new_placements_chart(res: Placements) -> dict:
    """New foster placements each year by provider, as stacked bars of counts (suppressed ones as one segment)."""
    h, sup = res.histories, res.new
    y = h.year
    fig = go.Figure()
    for cat in FOSTERING:
        fig.add_trace(
            go.Bar(
                x=[str(v) for v in h.years],
                y=[float(sup.values.loc[cat, v]) for v in h.years],
                name=row_label(cat),
                marker_color=COLOURS[cat],
                hovertemplate=f"{row_label(cat)}<br>%{{x}}: %{{y:,.0f}} placements<extra></extra>",
            )
        )
    hidden_total = []
    for v in h.years:
        parts = [sup.values.loc[cat, v] for cat in FOSTERING if not sup.mask.loc[cat, v]]
        any_hidden = bool(sup.mask.loc[list(FOSTERING), v].any())
        total_shown = not sup.mask.loc[ALL_FOSTER, v]
        # the hidden providers together are the shown total less the shown ones: no hidden count is revealed
        hidden_total.append(float(sup.values.loc[ALL_FOSTER, v] - sum(parts)) if any_hidden and total_shown else np.nan)
    charts.suppressed_segment(
        fig, [str(v) for v in h.years], hidden_total, "Suppressed providers together<br>%{x}: %{y:,.0f} placements"
    )
    charts.base_layout(fig, y_title="New foster placements in the year", x_title="Year ending 31 March")
    fig.update_layout(barmode="stack")
    total = sup.table().loc[ALL_FOSTER, y]
    ifa = share(sup, ("IFA fostering", y), (ALL_FOSTER, y))
    inh = share(sup, ("in-house fostering", y), (ALL_FOSTER, y))
    title = (
        f"Of the {total} new foster placements made in {text.period(y)}, {text.pct(ifa)} were with IFA carers and "
        f"{text.pct(inh)} with the council's own"
    )
    if total == disclosure.MARKER:
        title = f"New foster placements in {text.period(y)}: too few to publish"
    hidden = bool(sup.mask.loc[list(FOSTERING), list(h.years)].to_numpy().any())
    return {
        "fig": fig,
        "name": "new-foster-placements",
        "title": title,
        "caption": (
            "Foster placements starting during each year ending 31 March, by who provides the carers. Every "
            "placement that starts counts, so a child who moves twice counts twice; a move to a different "
            "placement with the same carers (RNE T or U) counts too."
            + (
                " Providers whose counts are suppressed (c in the table) are drawn together as one grey hatched "
                "segment labelled 'Suppressed', so each bar reaches the year's total."
                if hidden
                else ""
            )
            + f" {h.source}"
        ),
        "alt": f"Stacked bar chart of new foster placements per year by provider, {h.years[0]} to {y}. {title}.",
        "table": new_placements_display(h, sup),
        "table_marks": {"population": NEW_POPULATION, "keys": {str(v): str(v) for v in h.years}},
    }


def _category_bars(h, sup, measures, rows) -> go.Figure:
    fig = go.Figure()
    crosses: list[tuple[str, str]] = []
    for (col, den), name, colour in measures:
        shares = [share(sup, (r, col), (r, den)) for r in rows]
        vals = [_plot(v) for v in shares]
        crosses += [(row_label(r), name) for r, v in zip(rows, shares) if v == text.SUPPRESSED]
        fig.add_trace(
            go.Bar(
                y=[row_label(r) for r in rows],
                x=vals,
                name=name,
                orientation="h",
                marker_color=colour,
                hovertemplate=f"{name}<br>%{{y}}: %{{x:.0f}}%<extra></extra>",
            )
        )
    charts.suppressed_crosses(fig, [r for r, _ in crosses], [n for _, n in crosses], horizontal=True)
    charts.base_layout(fig, y_title="", x_title="% of children in that placement")
    fig.update_layout(barmode="group", height=120 + 55 * len(rows), margin={"l": 300, "r": 20, "t": 20, "b": 60})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    return fig


def _rows_note(h, sup, rows, cols) -> tuple[bool, list[str]]:
    hidden = bool(sup.mask.loc[rows, cols].to_numpy().any())
    empty = [row_label(r) for r in rows if not sup.mask.loc[r, h.year] and sup.values.loc[r, h.year] == 0]
    return hidden, empty


def _empty_note(empty: list[str]) -> str:
    return f" No children in: {', '.join(empty)} (no bar)." if empty else ""


def distance_chart(res: Placements) -> dict:
    """Share placed over 20 miles from home and outside the authority, by placement, at 31 March of the last year."""
    h, sup = res.histories, res.stock
    y = h.year
    rows = [*CATEGORIES, ALL_CHILDREN]
    fig = _category_bars(
        h,
        sup,
        [
            ((DISTANCE[1], y), "More than 20 miles from home", "#D55E00"),
            ((LOCALITY[1], y), "Outside the authority", "#0060A8"),
        ],
        rows,
    )
    ifa = share(sup, ("IFA fostering", DISTANCE[1]), ("IFA fostering", y))
    inh = share(sup, ("in-house fostering", DISTANCE[1]), ("in-house fostering", y))
    title = f"{text.source_phrase(h.synthetic)}, at 31 March {y} " + compare(
        "IFA foster placements", ifa, "in-house ones", inh, "over 20 miles from home"
    )
    hidden, empty = _rows_note(h, sup, rows, [y, DISTANCE[1], LOCALITY[1]])
    return {
        "fig": fig,
        "name": "distance-by-placement",
        "title": title,
        "caption": (
            f"Children looked after at 31 March {y} by type of placement: the percentage placed more than 20 "
            "miles from home and the percentage placed outside the authority's boundary. Distance is DfE's: "
            "the straight line between the home and placement postcodes (ONS postcode directory); where a "
            "postcode is missing or unknown the distance is 'not known' and counted in the total."
            f"{_empty_note(empty)}{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": (
            f"Horizontal bar chart of the share of children placed more than 20 miles from home and outside the "
            f"authority, for each type of placement, 31 March {y}. {title}."
        ),
        "table": distance_display(h, sup),
        "table_marks": {"population": STOCK_POPULATION, "keys": stock_keys(h.year, **DISTANCE_KEYS)},
    }


def stability_chart(res: Placements) -> dict:
    """Placement stability by current placement at 31 March of the last year (two DfE measures)."""
    h, sup = res.histories, res.stock
    y = h.year
    rows = [*CATEGORIES, ALL_CHILDREN]
    fig = _category_bars(
        h,
        sup,
        [
            ((MOVES[0], y), "3 or more placements in the year", "#D55E00"),
            ((LONG_TERM[0], COHORT), "Long-term: same placement 2+ years", "#009E73"),
        ],
        rows,
    )
    ifa = share(sup, ("IFA fostering", MOVES[0]), ("IFA fostering", y))
    inh = share(sup, ("in-house fostering", MOVES[0]), ("in-house fostering", y))
    title = f"{text.source_phrase(h.synthetic)}, at 31 March {y} " + compare(
        "children with IFA carers",
        ifa,
        "children with in-house carers",
        inh,
        f"on at least their third placement of {text.period(y)}",
    )
    hidden, empty = _rows_note(h, sup, rows, [y, MOVES[0], COHORT, LONG_TERM[0]])
    return {
        "fig": fig,
        "name": "stability-by-placement",
        "title": title,
        "caption": (
            f"Children looked after at 31 March {y} by their placement that day: the percentage who had three "
            f"or more placements during {text.period(y)} (DfE's short-term stability measure), and, of those under "
            "16 who had been in care for two and a half years or more, the percentage who had been in the same "
            "placement for at least two years (DfE's long-term measure). A child who moved into the placement "
            "during the year is counted under the placement they moved to."
            f"{_empty_note(empty)}{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": (f"Horizontal bar chart of two stability measures for each type of placement, 31 March {y}. {title}."),
        "table": stability_display(h, sup),
        "table_marks": {"population": STOCK_POPULATION, "keys": stock_keys(h.year, **STABILITY_KEYS)},
    }


def spend_chart(res: Placements) -> dict:
    """Annual spend by placement category (a grey cross for a suppressed one), titled with the IFA gap."""
    h, sp, gap = res.histories, res.spend, res.gap
    vals = [np.nan if sp.hidden[c] else float(sp.spend[c]) for c in CATEGORIES]
    fig = go.Figure(
        go.Bar(
            y=[row_label(c) for c in CATEGORIES],
            x=vals,
            orientation="h",
            marker_color=[COLOURS[c] for c in CATEGORIES],
            hovertemplate="%{y}<br>£%{x:,.0f}<extra></extra>",
        )
    )
    charts.base_layout(fig, y_title="", x_title=f"Annual spend, £ ({sp.price_year} prices)")
    hidden_rows = [row_label(c) for c in CATEGORIES if sp.hidden[c]]
    charts.suppressed_crosses(fig, hidden_rows, ["Annual spend"] * len(hidden_rows), horizontal=True)
    fig.update_layout(height=520, margin={"l": 300, "r": 20, "t": 20, "b": 60}, showlegend=bool(hidden_rows))
    fig.update_xaxes(tickprefix="£", tickformat=",.0f")
    fig.update_yaxes(autorange="reversed")
    hidden = bool(sp.hidden.any())
    title = gap_title(gap)
    return {
        "fig": fig,
        "name": "annual-spend",
        "title": title,
        "caption": (
            f"Estimated spend on placements in the financial year {text.period(sp.year)} (1 April to 31 March) by "
            "type of placement: the days children spent in each type of placement that year times the paper "
            f"file's weekly unit cost divided by 7, in £ at {sp.price_year} prices (unit costs as listed, not "
            "adjusted between their own year and the price year). Placements with no unit cost (with parents, "
            f"with adopters) show £0. See the assumptions page.{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": (
            f"Horizontal bar chart of estimated annual spend by type of placement in {text.period(sp.year)}. {title}."
        ),
        "table": spend_display(sp),
        "table_marks": {"population": SPEND_POPULATION},
    }
