"""The business case chapter's charts: children by scenario, the cumulative net position and the tornado."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.chapters.business_case.compute import CHILD_LEVEL, SCENARIOS, Results, children_counts
from analysis.chapters.business_case.tables import (
    children_display,
    children_marks,
    projections_population,
    tornado_display,
)
from analysis.chapters.business_case.text import payback_text
from analysis.report import charts, disclosure, text

_SCENARIO_COLOURS = {
    "baseline": charts.COLOURS["england"],
    "recruitment": charts.COLOURS["la"],
    "permanence": charts.COLOURS["neighbours"],
    "both": charts.COLOURS["region"],
}
_SCENARIO_DASH = {"baseline": "solid", "recruitment": "dash", "permanence": "solid", "both": "dot"}


def _source(res: Results) -> str:
    what = (
        "SYNTHETIC SSDA903 returns, a made-up history with no real children calibrated to the authority's "
        "published totals"
        if res.synthetic
        else "the authority's SSDA903 returns"
    )
    return (
        f"Source: projection from {CHILD_LEVEL} ({what}), with the paper file's unit costs and business-case "
        "parameters."
    )


def children_title(res: Results) -> str:
    """Chart title: how many fewer children faster permanence would mean by the end (generated)."""
    end = children_counts(res).loc[res.end_year]
    base, fast = end["baseline"], end["permanence"]
    if disclosure.is_small([base, fast]).any():
        return f"Children looked after at 31 March to {res.end_year} under each scenario"
    diff = base - fast
    if diff >= 1:
        what = f"about {text.number(diff)} fewer children looked after than the {text.number(base)} projected with no change"
    elif diff <= -1:
        what = f"about {text.number(-diff)} more children looked after than the {text.number(base)} projected with no change"
    else:
        what = f"about as many children looked after as the {text.number(base)} projected with no change"
    return (
        f"By 31 March {res.end_year}, faster permanence would mean {what}; recruiting in-house carers changes "
        "where children live, not how many"
    )


def children_chart(res: Results) -> dict:
    """Children looked after at 31 March by scenario, base year to the end of the horizon."""
    counts = children_counts(res)
    sup = disclosure.suppress(counts)
    fig = go.Figure()
    for key in SCENARIOS:
        values = sup.values[key]
        fig.add_trace(
            go.Scatter(
                x=[str(y) for y in counts.index],
                y=values.tolist(),
                name=SCENARIOS[key],
                mode="lines+markers",
                line={"color": _SCENARIO_COLOURS[key], "dash": _SCENARIO_DASH[key], "width": 3},
                hovertemplate=f"{SCENARIOS[key]}<br>31 March %{{x}}: %{{y:,.0f}}<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="Children looked after at 31 March")
    table, hidden = children_display(res)
    title = children_title(res)
    return {
        "fig": fig,
        "name": "business-case-children",
        "title": title,
        "caption": (
            f"Children looked after at 31 March, {res.base_year} (the last year of data) to {res.end_year}, "
            "projected under each scenario and rounded to whole children. Recruitment moves children from "
            "agency to in-house carers, so its line lies on the baseline and 'both together' lies on faster "
            f"permanence.{' Counts of 1 to 5 are suppressed.' if hidden else ''} {_source(res)}"
        ),
        "alt": (
            f"Line chart of projected children looked after at 31 March from {res.base_year} to {res.end_year} "
            f"under four scenarios. {title}."
        ),
        "table": table,
        "table_marks": children_marks(res, table),
    }


def net_title(res: Results) -> str:
    """Chart title: which scenario is furthest ahead at the end, and whether each pays back (generated)."""
    live = {k: s for k, s in res.scenarios.items() if k != "baseline"}
    best = max(live.values(), key=lambda s: s.money["cumulative"].iloc[-1])
    end = best.money["cumulative"].iloc[-1]
    if end <= 0:
        return (
            f"No scenario has saved more than it cost by {text.period(res.end_year)}: the best, "
            f"{best.label.lower()}, is {text.money(-end, signed=True)} behind"
        )
    return (
        f"{best.label} would be furthest ahead by {text.period(res.end_year)}, {text.money(end, signed=True)} better off than "
        f"no change after paying for itself {payback_text(best.payback, res.horizon)}"
    )


def net_chart(res: Results) -> dict:
    """Cumulative net position of each scenario against the baseline, from zero at the start."""
    years = [str(res.base_year)] + [str(y) for y in res.scenarios["baseline"].money.index]
    fig = go.Figure()
    table = pd.DataFrame({"Year (31 March)": years})
    for key, s in res.scenarios.items():
        if key == "baseline":
            continue
        values = [0.0] + s.money["cumulative"].round(0).tolist()
        fig.add_trace(
            go.Scatter(
                x=years,
                y=values,
                name=s.label,
                mode="lines+markers",
                line={"color": _SCENARIO_COLOURS[key], "dash": _SCENARIO_DASH[key], "width": 3},
                hovertemplate=f"{s.label}<br>31 March %{{x}}: £%{{y:,.0f}}<extra></extra>",
            )
        )
        table[f"{s.label}, cumulative net (£)"] = values
    fig.add_hline(y=0, line={"color": charts.COLOURS["limit998"], "width": 1})
    charts.base_layout(fig, y_title=f"Cumulative net position, £ ({res.costs.price_year} prices)")
    fig.update_yaxes(tickprefix="£", tickformat=",.0f", rangemode="normal")
    title = net_title(res)
    return {
        "fig": fig,
        "name": "business-case-net",
        "title": title,
        "caption": (
            f"Cumulative net position of each scenario against no change, from the start of "
            f"{text.period(res.base_year + 1)}: savings in placement costs minus the investment, added up year by "
            f"year, undiscounted, £ at {res.costs.price_year} prices. Above the line the scenario has saved more "
            f"than it cost. {_source(res)}"
        ),
        "alt": (
            f"Line chart of the cumulative net position of three scenarios from {res.base_year} to "
            f"{res.end_year}, with a line at zero. {title}."
        ),
        "table": table,
        "table_formats": {c: ",.0f" for c in table.columns if c.endswith("(£)")},
        "table_marks": {"population": projections_population(res)},
    }


def tornado_title(res: Results) -> str:
    """Chart title: the input that matters most, and whether NPV stays positive (generated)."""
    t = res.tornado
    base = float(t["npv_base"].iloc[0])
    lo = float(min(t["npv_low"].min(), t["npv_high"].min()))
    hi = float(max(t["npv_low"].max(), t["npv_high"].max()))
    top = t["label"].iloc[0]
    if lo > 0:
        sign = "stays positive whichever single input is changed"
    elif hi <= 0:
        sign = "stays negative whichever single input is changed"
    else:
        sign = "turns negative for some inputs"
    return (
        f"The net present value of both together ({text.money(base, signed=True)}) {sign}, from {text.money(lo, signed=True)} to "
        f"{text.money(hi, signed=True)}; the {top.lower()} matters most"
    )


def tornado_chart(res: Results) -> dict:
    """Tornado chart: NPV of both together with each input at its low and high value, biggest swing on top."""
    t = res.tornado
    base = float(t["npv_base"].iloc[0])
    labels = t["label"].tolist()
    fig = go.Figure()
    for col, name, colour in (
        ("npv_low", "Input at its low value", charts.COLOURS["region"]),
        ("npv_high", "Input at its high value", charts.COLOURS["la"]),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=(t[col] - base).tolist(),
                base=base,
                orientation="h",
                name=name,
                marker_color=colour,
                customdata=t[col].round(0).tolist(),
                hovertemplate="%{y}<br>NPV £%{customdata:,.0f}<extra>" + name + "</extra>",
            )
        )
    fig.add_vline(x=base, line={"color": charts.COLOURS["limit998"], "width": 1})
    charts.base_layout(
        fig, y_title="", x_title=f"Net present value of both together, £ ({res.costs.price_year} prices)"
    )
    fig.update_layout(barmode="overlay", height=140 + 36 * len(labels), margin={"l": 320, "r": 20, "t": 20, "b": 60})
    fig.update_xaxes(tickprefix="£", tickformat=",.0f")
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    title = tornado_title(res)
    table = tornado_display(res)
    return {
        "fig": fig,
        "name": "business-case-tornado",
        "title": title,
        "caption": (
            f"Net present value over {res.horizon} years of both scenarios together (discounted at "
            f"{text.share(res.business_case.discount_rate, 1)}, first year undiscounted) when one input at a time is "
            "set to its low or high value; the vertical line is the value with every input as in the paper file. "
            "Bars are sorted by swing, the largest at the top. How each range is set is in the table. "
            f"£ at {res.costs.price_year} prices. {_source(res)}"
        ),
        "alt": (
            f"Tornado chart: horizontal bars for {len(labels)} inputs showing the net present value of both "
            f"scenarios together at each input's low and high value. {title}."
        ),
        "table": table,
        "table_formats": {c: ",.0f" for c in table.columns if c.endswith("(£)")},
        "table_marks": {"population": projections_population(res)},
    }
