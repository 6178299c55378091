"""The permanence chapter's charts (plotly, in the house style of :mod:`analysis.report.charts`).

Each public function takes the chapter's result and returns the keyword arguments of
:func:`analysis.report.charts.show`: the figure, a title stating the finding, a caption, alt text
and the table behind it. Curves stop where fewer than
:data:`analysis.methods.survival.MIN_AT_RISK` children remain at risk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from analysis.chapters.permanence import marks as K
from analysis.chapters.permanence import release as R
from analysis.chapters.permanence.adoption import SCORECARD_LABELS, THRESHOLDS, WAITING_TOTAL
from analysis.chapters.permanence.cohort import ALPHA, OTHER_EXIT, ROUTES, Curve, final_incidence
from analysis.chapters.permanence.compute import (
    CEASED_SHOWN,
    IN_MODEL,
    REACHED,
    Permanence,
    area_share,
    la_share,
    published_year,
)
from analysis.chapters.permanence.model import Model
from analysis.chapters.permanence.tables import group_table, reading_table
from analysis.chapters.permanence.text import data_word, percent, trend_words, waiting_words
from analysis.methods import survival as S
from analysis.report import charts, disclosure, text
from analysis.report.text import SUPPRESSED

#: The confidence level of the chapter's intervals, as the page writes it ("95%").
CONFIDENCE = text.confidence(ALPHA)

ROUTE_COLOURS = {
    "any permanence": "#1a1a1a",
    "adoption": "#0060A8",
    "special guardianship": "#009E73",
    "child arrangements order": "#CC79A7",
    "return home": "#D55E00",
    OTHER_EXIT: "#A8A8A8",
}


SYNTHETIC_SOURCE = "Source: SYNTHETIC SSDA903 returns (no real children), through the report's episode model."


REAL_SOURCE = "Source: the authority's SSDA903 returns, through the report's episode model."


def _month(days: float) -> float:
    return days / S.DAYS_PER_MONTH


def _source(res: Permanence) -> str:
    return SYNTHETIC_SOURCE if res.synthetic else REAL_SOURCE


def _reached_trace(cv: Curve, colour: str, name: str, *, dash: str = "solid", width: int = 3) -> go.Scatter:
    c = cv.curve
    return go.Scatter(
        x=[_month(t) for t in c["time"]],
        y=100 * (1 - c["estimate"]),
        mode="lines",
        line_shape="hv",
        name=name,
        line={"color": colour, "dash": dash, "width": width},
        hovertemplate=f"{name}<br>%{{x:.0f}} months: %{{y:.0f}}% reached permanence<extra></extra>",
    )


def _curve_note() -> str:
    return "Each curve stops where fewer than 6 children remain at risk, so no curve rests on a handful of children."


def permanence_chart(res: Permanence) -> dict:
    """Any permanence (Kaplan–Meier, with its confidence band) and the four routes (cumulative incidence)."""
    c, cv, routes = res.cohort, res.curve, res.routes
    fig = go.Figure()
    cur = cv.curve
    x = [_month(t) for t in cur["time"]]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=100 * (1 - cur["lower"]),
            mode="lines",
            line_shape="hv",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=100 * (1 - cur["upper"]),
            mode="lines",
            line_shape="hv",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(26,26,26,0.15)",
            name=f"{CONFIDENCE} confidence band",
            hoverinfo="skip",
        )
    )
    fig.add_trace(_reached_trace(cv, ROUTE_COLOURS["any permanence"], "Any permanence"))
    for r in ROUTES:
        rc = routes[routes["cause"] == r]
        fig.add_trace(
            go.Scatter(
                x=[_month(t) for t in rc["time"]],
                y=100 * rc["estimate"],
                mode="lines",
                line_shape="hv",
                name=r.capitalize(),
                line={"color": ROUTE_COLOURS[r], "width": 2, "dash": "dot" if r != "adoption" else "dash"},
                hovertemplate=f"{r.capitalize()}<br>%{{x:.0f}} months: %{{y:.0f}}%<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="Children reaching permanence (%)", x_title="Months since entering care")
    fig.update_yaxes(range=[0, 100])
    s12, s24 = cv.share[12][0], cv.share[24][0]
    top = max(ROUTES, key=lambda r: final_incidence(routes, r))
    title = (
        f"{percent(s12)} of children reached permanence within 12 months of entering care and {percent(s24)} within "
        f"24 months; {top} was the most common route ({data_word(res)} data)"
    )
    sup, row, col = res.released.included
    n_words = R.words(sup, row, col, "a small number (suppressed) of")
    table = reading_table(cv, routes, R.cell(sup, row, col) if R.hidden(sup, row, col) else cv.n)
    return {
        "fig": fig,
        "name": "time-to-permanence",
        "title": title,
        "caption": (
            f"Share of the {n_words} periods of care that began between {text.long_date(c.data_start)} and "
            f"{text.long_date(c.data_end)} that had reached permanence, by months since entry. The black line is any "
            f"permanence (Kaplan–Meier, with its {CONFIDENCE} confidence band; children still in care on "
            f"{text.long_date(c.data_end)} are censored, children who left care another way count as not reaching it). "
            "The coloured lines split it by route (Aalen–Johansen cumulative incidence, every other way of leaving "
            f"care competing). {_curve_note()} {_source(res)}"
        ),
        "alt": (
            f"Step chart of the share of children reaching permanence by months since entering care. Any "
            f"permanence reaches {percent(s12)} at 12 months and {percent(s24)} at 24 months. By route, {top} is the "
            f"largest, reaching {percent(final_incidence(routes, top))} by the end of the curve."
        ),
        "table": table,
        "table_marks": K.reading(res.year, table),
    }


def _group_chart(
    res: Permanence,
    curves: list[Curve],
    *,
    name: str,
    label: str,
    title: str,
    caption: str,
    alt: str,
    palette: list[str],
    released=None,
    columns: tuple = ("n", "p"),
) -> dict:
    fig = go.Figure()
    shown = [cv for cv in curves if cv.shown]
    for i, cv in enumerate(shown):
        fig.add_trace(_reached_trace(cv, palette[i % len(palette)], cv.label, width=2))
    charts.base_layout(fig, y_title="Children reaching permanence (%)", x_title="Months since entering care")
    fig.update_yaxes(range=[0, 100])
    return {
        "fig": fig,
        "name": name,
        "title": title,
        "caption": caption + f" {_curve_note()} {_source(res)}",
        "alt": alt,
        "table": group_table(curves, label, released, columns),
        "table_marks": K.groups(res.year),
    }


AGE_PALETTE = ["#0060A8", "#009E73", "#E69F00", "#D55E00", "#CC79A7"]


def cohort_chart(res: Permanence) -> dict:
    """Time to permanence by year of entry."""
    curves, test = res.by_year, res.year_test
    word, a, b = trend_words(curves, 12)
    if a is None:
        title = f"Entry cohorts {word} ({data_word(res)} data)"
    else:
        title = (
            f"The share reaching permanence within 12 months {word} from {percent(a.share[12][0])} for children "
            f"entering care in {a.label} to {percent(b.share[12][0])} for those entering in {b.label} "
            f"({data_word(res)} data)"
        )
    chi2, df, p = test
    return _group_chart(
        res,
        curves,
        name="permanence-by-entry-year",
        label="Year of entry (ending 31 March)",
        title=title,
        caption=(
            f"Any permanence by months since entry, one line per year of entry (collection year ending "
            f"31 March), Kaplan–Meier as in the chart above. Log-rank test of no difference between the "
            f"years: chi-squared {chi2:.1f} on {df} degrees of freedom, p {text.p_value(p, prefix='')}. Later cohorts are "
            "followed for less time, so their lines are shorter."
        ),
        alt=(
            f"Step chart with one line per year of entry showing the share of children reaching permanence by "
            f"months since entry. The 12-month share {word}"
            + (f" from {percent(a.share[12][0])} ({a.label}) to {percent(b.share[12][0])} ({b.label})." if a else ".")
        ),
        palette=sample_colorscale("Viridis", [0.85 * i / max(len(curves) - 1, 1) for i in range(len(curves))]),
        released=res.released.outcomes,
        columns=("all outcomes", REACHED),
    )


def age_chart(res: Permanence) -> dict:
    """Time to permanence by age at entry."""
    curves, test = res.by_age, res.age_test
    shown = [cv for cv in curves if cv.shown and not pd.isna(cv.share[24][0])]
    if shown:
        best = max(shown, key=lambda cv: cv.share[24][0])
        worst = min(shown, key=lambda cv: cv.share[24][0])
        title = (
            f"Children who entered care aged {best.label} were the most likely to reach permanence within 24 "
            f"months ({percent(best.share[24][0])}); those aged {worst.label} the least "
            f"({percent(worst.share[24][0])}) ({data_word(res)} data)"
        )
    else:
        title = f"Too few children in each age band to compare ({data_word(res)} data)"
    chi2, df, p = test
    return _group_chart(
        res,
        curves,
        name="permanence-by-age",
        label="Age at entry",
        title=title,
        caption=(
            f"Any permanence by months since entry, one line per age band at entry (DfE's bands). Log-rank "
            f"test of no difference between the bands: chi-squared {chi2:.1f} on {df} degrees of freedom, "
            f"p {text.p_value(p, prefix='')}. Children whose date of birth is unknown are left out."
        ),
        alt="Step chart with one line per age band at entry showing the share reaching permanence over time. "
        + title
        + ".",
        palette=AGE_PALETTE,
        released=res.released.ages,
        columns=("periods", REACHED),
    )


def scorecard_chart(res: Permanence) -> dict:
    """A1, A2 and A10 three-year averages against their thresholds, for every window the returns cover."""
    sc, year = res.scorecard, res.year
    fig = go.Figure()
    colours = {"A1": "#0060A8", "A10": "#009E73", "A2": "#D55E00"}
    for m in ("A1", "A10", "A2"):
        r = sc[sc["measure"] == m]
        fig.add_trace(
            go.Scatter(
                x=r["year"],
                y=r["days"],
                mode="lines+markers",
                name=SCORECARD_LABELS[m],
                line={"color": colours[m], "width": 3},
                hovertemplate=f"{m}<br>%{{x}}: %{{y:.0f}} days<extra></extra>",
            )
        )
    for value, label, colour in (
        (426, "A1 and A10 threshold: 426 days", "#0060A8"),
        (121, "A2 threshold: 121 days", "#D55E00"),
    ):
        fig.add_hline(
            y=value,
            line={"color": colour, "dash": "dash", "width": 1.5},
            annotation_text=label,
            annotation_position="top left",
        )
    charts.base_layout(fig, y_title="Average days (three-year average)", x_title="Three years ending 31 March")
    fig.update_xaxes(dtick=1)
    fig.update_layout(legend={"y": -0.25})
    windows = sc.drop_duplicates("year")
    for y in windows.loc[~windows["complete"].astype(bool), "year"]:
        fig.add_vrect(x0=y - 0.4, x1=y + 0.4, fillcolor="#D9D9D9", opacity=0.5, line_width=0, layer="below")
        fig.add_annotation(x=y, y=1, yref="paper", text="incomplete", showarrow=False, yanchor="bottom")
    now = sc[sc["year"] == year].set_index("measure")
    title = f"In the three years to March {year}: {_scorecard_words(now)} ({data_word(res)} data)"
    table = _scorecard_table(sc)
    return {
        "fig": fig,
        "name": "adoption-scorecard",
        "title": title,
        "caption": (
            "Adoption scorecard measures as three-year averages (mean days, rounded to the day) for children adopted "
            "in the three years ending 31 March, against DfE's thresholds (426 days for A1, also used for A10; "
            "121 days for A2). A2 counts zero days for a child matched before the court's authority. Records with "
            "inconsistent dates, and children whose entry to care is before the first return, are left out (see "
            "the table of exclusions). A window is shown only when entry to care is observed for at least 95% of "
            "the children adopted in it; a shaded window marked incomplete has no average, because the children "
            "missing from it, already in care when the returns begin, are those who waited longest. Averages of "
            f"1 to 5 children are not shown. {_source(res)}"
        ),
        "alt": (
            "Line chart of the A1, A10 and A2 three-year averages by the year the three years end, with dashed "
            "threshold lines at 426 and 121 days. " + title + "."
        ),
        "table": table,
        "table_formats": {"Average days": ",.0f", "Threshold (days)": ",.0f"},
        "table_marks": K.scorecard(res.year, table),
    }


def _scorecard_words(now: pd.DataFrame) -> str:
    """A1, A2 and A10 of one window in words: days against the threshold, or why there are none."""
    if len(now) and not bool(now["complete"].iloc[0]):
        return f"A1, A2 and A10 {now['status'].iloc[0]}"
    parts = []
    for m in ("A1", "A2", "A10"):
        d = now.loc[m, "days"] if m in now.index else np.nan
        if pd.isna(d):
            parts.append(f"{m} {SUPPRESSED if m in now.index and now.loc[m, 'children'] > 0 else 'not available'}")
        else:
            parts.append(
                f"{m} {d:,.0f} days ({'within' if d <= THRESHOLDS[m] else 'over'} the {THRESHOLDS[m]}-day threshold)"
            )
    return "; ".join(parts)


def _scorecard_table(sc: pd.DataFrame) -> pd.DataFrame:
    """The table behind the scorecard chart: every window and measure, with whether the window is complete."""
    table = sc.assign(
        Measure=sc["measure"].map(SCORECARD_LABELS),
        Children=sc["children_shown"].to_numpy(),
        Met=[("–" if pd.isna(x) else ("yes" if x else "no")) for x in sc["met"]],
        Window=["complete" if c else s for c, s in zip(sc["complete"], sc["status"])],
    ).rename(
        columns={
            "year": "Three years ending",
            "days": "Average days",
            "threshold": "Threshold (days)",
            "Met": "Within threshold",
        }
    )
    return table[
        [
            "Three years ending",
            "Measure",
            "Window",
            "Children",
            "Average days",
            "Threshold (days)",
            "Within threshold",
        ]
    ]


def stages_chart(res: Permanence) -> dict:
    """Timeline of the adoption process: median months from entry to each stage, one bar per stage."""
    st, year = res.stages, res.year
    shown = st[(st["stage"] != "entry")].dropna(subset=["median_days"])
    fig = go.Figure(
        go.Bar(
            y=shown["label"],
            x=[_month(d) for d in shown["median_days"]],
            orientation="h",
            marker_color=charts.COLOURS["la"],
            text=[f"{d:,.0f} days" for d in shown["median_days"]],
            textposition="outside",
            cliponaxis=False,
            customdata=shown["median_days"],
            hovertemplate="%{y}<br>median %{customdata:,.0f} days (%{x:.1f} months) after entry<extra></extra>",
        )
    )
    charts.base_layout(fig, y_title="", x_title="Median months from entering care")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=340, margin={"l": 300, "r": 80}, showlegend=False)
    last = shown[shown["stage"] == "adopted"]
    now = res.scorecard[res.scorecard["year"] == year]
    if len(now) and not bool(now["complete"].iloc[0]):
        title = (
            f"The stages cannot be shown for the three years to March {year}: {now['status'].iloc[0]} "
            f"({data_word(res)} data)"
        )
    elif len(last):
        title = (
            f"For children adopted in the three years to March {year}, half had an adoption order within "
            f"{last['median_days'].iloc[0]:,.0f} days of entering care; half had moved in with their adoptive "
            f"family within {_value(shown, 'placed'):,.0f} days ({data_word(res)} data)"
        )
    else:
        title = f"Too few children were adopted in the three years to March {year} to show the stages"
    table = pd.DataFrame(
        {
            "Stage": st["label"],
            "Children with this date": st["children_shown"].to_numpy(),
            "Median days from entry": st["median_days"],
            "Median months from entry": st["median_days"] / S.DAYS_PER_MONTH,
            "Mean days from entry": st["mean_days"],
        }
    )
    return {
        "fig": fig,
        "name": "adoption-stages",
        "title": title,
        "caption": (
            f"Median time from entering care to each stage of the adoption process, for the children adopted in the "
            f"three years ending 31 March {year} who are in A1. Placement order: the first legal status E1 (or "
            "freeing order D1) in the period; match: AD1's date of matching; moved in: the first placement for "
            "adoption (A3-A6) with the family who adopted; adoption order: the end of the period. Medians are "
            f"taken stage by stage, over the children with that date (a stage of 1 to 5 children is not shown). "
            f"{_source(res)}"
        ),
        "alt": (
            "Horizontal bar chart of the median months from entering care to the placement order, the match, "
            "moving in with the adoptive family and the adoption order. " + title + "."
        ),
        "table": table,
        "table_marks": K.stages(res.year, table, "Entered care"),
        "table_formats": {
            "Median days from entry": ",.0f",
            "Median months from entry": ".1f",
            "Mean days from entry": ",.0f",
        },
    }


def _value(st: pd.DataFrame, stage: str) -> float:
    r = st[st["stage"] == stage]["median_days"]
    return float(r.iloc[0]) if len(r) else float("nan")


def england_chart(res: Permanence) -> dict:
    """England's published average days between adoption stages, beside the authority's (child-level) means."""
    ctx, eng = res.ctx, res.england
    t = eng.table
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=t["label"],
            x=t["england_days"],
            orientation="h",
            name=f"England {eng.year} (DfE)",
            marker_color=charts.COLOURS["england"],
            hovertemplate="England: %{x:,.0f} days<extra></extra>",
        )
    )
    la = t.dropna(subset=["la_mean_days"])
    fig.add_trace(
        go.Bar(
            y=la["label"],
            x=la["la_mean_days"],
            orientation="h",
            name=f"{ctx.la.la_name} ({data_word(res)})",
            marker_color=charts.COLOURS["la"],
            hovertemplate=f"{ctx.la.la_name}: %{{x:,.0f}} days<extra></extra>",
        )
    )
    charts.base_layout(fig, y_title="", x_title="Average days")
    fig.update_layout(barmode="group", height=480, margin={"l": 330})
    fig.update_yaxes(autorange="reversed")
    when = (
        f"{eng.year}, the first year DfE published them (after this paper's year, {ctx.year})"
        if eng.after_paper
        else f"{eng.year}"
    )
    total = t[t["stage"] == "adoption_months_care_to_adoption"]
    eng_total = float(total["england_days"].iloc[0]) if len(total) else np.nan
    title = (
        f"In England, children adopted in {when} waited on average {eng_total:,.0f} days "
        f"({eng_total / S.DAYS_PER_MONTH:.0f} months) from entering care to adoption"
    )
    table = pd.DataFrame(
        {
            "Stage": t["label"],
            "England: months (DfE)": t["england_months"],
            "England: days (months x 30.44)": t["england_days"],
            f"{ctx.la.la_name}: children": t["la_children_shown"].to_numpy(),
            f"{ctx.la.la_name}: mean days": t["la_mean_days"],
        }
    )
    la_year = eng.year if eng.year is not None and not eng.after_paper else ctx.year
    return {
        "fig": fig,
        "name": "adoption-timeliness-england",
        "title": title,
        "caption": (
            f"England: DfE's average time between the stages of adoption for children adopted in the year ending "
            f"31 March {eng.year}, published in years and months, converted to days at 30.44 days a month "
            f"(so accurate to about a month). {ctx.la.la_name}: mean days for its children adopted in the year "
            f"ending 31 March {la_year} ({data_word(res)} data; hidden for 1 to 5 children, and all hidden when "
            "entry to care is observed for fewer than 95% of that year's adopted children). The decision is "
            "AD1's date of the decision that the child should be placed for adoption. Sources: DfE, Children "
            "looked after in England including adoptions (national adoption timeliness); " + _source(res)
        ),
        "alt": (
            f"Horizontal bar chart of the average days between adoption stages: England {eng.year} beside "
            f"{ctx.la.la_name}. England's average from entering care to adoption is {eng_total:,.0f} days."
        ),
        "table": table,
        "table_marks": K.england(la_year),
        "table_formats": {
            "England: months (DfE)": ".0f",
            "England: days (months x 30.44)": ",.0f",
            f"{ctx.la.la_name}: mean days": ",.0f",
        },
    }


def waiting_chart(res: Permanence) -> dict:
    """Children waiting with a placement order at each 31 March (suppressed years not drawn)."""
    trend, w = res.waiting_trend, res.waiting
    sup = disclosure.suppress(trend[["children"]])
    values = sup.values["children"].copy()
    shown = sup.table()["children"].copy()
    # the paper's 31 March is the total of the table of waits: its one released version
    now = trend["year"] == w.date.year
    values[now] = w.released.values.loc[WAITING_TOTAL, "Children"]
    shown[now] = R.cell(w.released, WAITING_TOTAL, "Children")
    fig = go.Figure(
        go.Bar(
            x=trend["year"],
            y=values,
            marker_color=charts.COLOURS["la"],
            text=shown,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="31 March %{x}: %{y:,.0f} children<extra></extra>",
        )
    )
    hidden = [y for y, v in zip(trend["year"], shown) if v == disclosure.MARKER]
    charts.suppressed_crosses(fig, hidden, ["Children waiting"] * len(hidden))
    charts.base_layout(fig, y_title="Children waiting", x_title="31 March")
    fig.update_layout(showlegend=bool(hidden))
    fig.update_xaxes(dtick=1)
    words = waiting_words(w)
    title = f"At {text.long_date(w.date)}, {words} ({data_word(res)} data)"
    table = pd.DataFrame(
        {
            "31 March": trend["year"],
            "Children waiting": shown.to_numpy(),
            "Median days waited so far": trend["median_days"],
        }
    )
    return {
        "fig": fig,
        "name": "children-waiting",
        "title": title,
        "caption": (
            "Children looked after on 31 March whose legal status was a placement order (E1) or freeing order (D1) "
            "and who were not in a placement for adoption (A3-A6). The wait runs from the first such order in "
            "their current period of care; for a period that began before the first return it may be longer than "
            "shown. Years with 1 to 5 children are shown as c with a grey cross labelled Suppressed instead of a bar; a "
            "median of 1 to 5 children is not shown either. "
            f"{_source(res)}"
        ),
        "alt": "Bar chart of the number of children waiting for adoption at 31 March each year. " + title + ".",
        "table": table,
        "table_formats": {"Median days waited so far": ",.0f"},
        "table_marks": K.waiting_trend(res.year),
    }


def _cox_table(m: Model, released=None) -> pd.DataFrame:
    """The table behind the forest plot: each term's counts (suppressed), hazard ratio and interval.

    The trend term's counts are the model's size: read from the cohort's released table (``released``:
    :class:`.compute.CohortRelease`); an age band's counts are hidden wherever the released table of age
    bands hides for that band."""
    counts = disclosure.suppress(m.terms[["n", "events"]]).table()
    if released is not None:
        for i, r in m.terms.iterrows():
            if r["variable"] == "Entry year":
                counts.loc[i, "n"] = R.cell(released.model, IN_MODEL, "periods")
                counts.loc[i, "events"] = R.cell(released.model, IN_MODEL, REACHED)
            elif r["variable"] == "Age at entry" and r["level"] in released.ages.values.index:
                for col, rel_col in (("n", "periods"), ("events", REACHED)):
                    if R.hidden(released.ages, r["level"], rel_col):
                        counts.loc[i, col] = disclosure.MARKER
    return pd.DataFrame(
        {
            "Factor": m.terms["variable"],
            "Level": m.terms["level"],
            "Compared with": m.terms["reference"],
            "Periods": counts["n"].to_numpy(),
            "Reached permanence": counts["events"].to_numpy(),
            "Hazard ratio": m.terms["hr"],
            f"{CONFIDENCE} CI from": m.terms["lower"],
            f"{CONFIDENCE} CI to": m.terms["upper"],
            "p": m.terms["p"],
        }
    )


def cox_chart(res: Permanence) -> dict:
    """Forest plot of the hazard ratios."""
    m = res.model
    t = m.terms.iloc[::-1]
    short = {
        "Age at entry": "Age",
        "Category of need": "Need",
        "Legal status at entry": "Legal status",
        "First placement": "First placement",
        "Entry year": "Entry year",
    }
    labels = [f"{short.get(v, v)}: {lv}" for v, lv in zip(t["variable"], t["level"])]
    fig = go.Figure(
        go.Scatter(
            x=t["hr"],
            y=labels,
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": t["upper"] - t["hr"],
                "arrayminus": t["hr"] - t["lower"],
                "color": "#404040",
                "thickness": 1.5,
            },
            marker={"size": 10, "color": charts.COLOURS["la"]},
            customdata=np.stack([t["lower"], t["upper"]], axis=1),
            hovertemplate="%{y}<br>hazard ratio %{x:.2f} (%{customdata[0]:.2f} to %{customdata[1]:.2f})<extra></extra>",
        )
    )
    fig.add_vline(x=1, line={"color": "#404040", "dash": "dash"})
    charts.base_layout(fig, y_title="", x_title="Hazard ratio (log scale): above 1 = permanence sooner")
    ticks = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[f"{v:g}" for v in ticks])
    fig.update_layout(height=max(360, 30 * len(t) + 140), margin={"l": 300}, showlegend=False)
    fig.update_yaxes(rangemode="normal")
    sig = m.terms[(m.terms["lower"] > 1) | (m.terms["upper"] < 1)]
    if len(sig):
        strongest = sig.iloc[(np.abs(np.log(sig["hr"]))).argmax()]
        title = (
            f"The strongest predictor of the pace of permanence is {strongest['variable'].lower()}: "
            f"{strongest['who']} reached it at {strongest['hr']:.2f} times the rate of {strongest['who_ref']} "
            f"({data_word(res)} data)"
        )
    else:
        title = f"No factor in the model clearly changes the pace of permanence ({data_word(res)} data)"
    table = _cox_table(m, res.released)
    marks = K.cox(res.year, table, "Age at entry", "Entry year")
    model_n = R.words(res.released.model, IN_MODEL, "periods", "a small number (suppressed) of")
    model_events = R.words(res.released.model, IN_MODEL, REACHED, "a small number (suppressed)")
    return {
        "fig": fig,
        "name": "permanence-cox",
        "title": title,
        "caption": (
            f"Hazard ratios from a Cox proportional-hazards model of time to permanence ({model_n} periods of care, "
            f"{model_events} reaching permanence), each adjusted for the others, with {CONFIDENCE} confidence intervals "
            "(cluster-robust by child). Above 1: permanence comes sooner than for the comparison group; below 1: "
            f"later. Children who left care another way count as not reaching permanence. {_source(res)}"
        ),
        "alt": (
            "Forest plot of hazard ratios with confidence intervals for age at entry, category of need, legal "
            "status at entry, first placement and year of entry. " + title + "."
        ),
        "table": table,
        "table_marks": marks,
        "table_formats": {
            "Hazard ratio": ".2f",
            f"{CONFIDENCE} CI from": ".2f",
            f"{CONFIDENCE} CI to": ".2f",
            "p": ".3f",
        },
    }


def ceased_chart(res: Permanence) -> dict:
    """Published share of leavers adopted, on special guardianship, and returned home: LA, England, region, neighbours."""
    ctx, shares = res.ctx, res.shares
    la = ctx.la.la_name
    fig = make_subplots(rows=1, cols=3, subplot_titles=[r.capitalize() for r in CEASED_SHOWN], shared_yaxes=True)
    styles = [
        (la, charts.COLOURS["la"], "solid", 4),
        ("England", charts.COLOURS["england"], "dash", 2),
        (ctx.la.region_name, charts.COLOURS["region"], "dot", 2),
        ("Neighbours' average", charts.COLOURS["neighbours"], "dashdot", 2),
    ]
    for col, route in enumerate(CEASED_SHOWN, start=1):
        for area, colour, dash, width in styles:
            r = shares[(shares["route"] == route) & (shares["area"] == area)]
            fig.add_trace(
                go.Scatter(
                    x=r["year"],
                    y=r["share"],
                    name=area,
                    legendgroup=area,
                    showlegend=col == 1,
                    mode="lines+markers",
                    line={"color": colour, "dash": dash, "width": width},
                    hovertemplate=f"{area}<br>%{{x}}: %{{y:.0f}}% of children leaving care<extra></extra>",
                ),
                row=1,
                col=col,
            )
    charts.base_layout(fig, y_title="Share of children leaving care (%)", x_title="")
    fig.update_yaxes(title_text="", col=2)
    fig.update_yaxes(title_text="", col=3)
    fig.update_xaxes(dtick=2)
    fig.update_layout(height=480, margin={"t": 60})
    year = published_year(shares)
    parts = []
    for route in CEASED_SHOWN:
        v, e = la_share(ctx, shares, route, year), area_share(shares, route, "England", year)
        word = {
            "adoption": "adopted",
            "special guardianship": "left on a special guardianship order",
            "return home": "returned home",
        }[route]
        parts.append(
            f"{word}: {SUPPRESSED} by DfE (England {e:.0f}%)" if pd.isna(v) else f"{v:.0f}% {word} (England {e:.0f}%)"
        )
    latest = "" if year == ctx.year else " (the latest year DfE has published)"
    title = f"Of the children who left {la}'s care in the year to March {year}{latest}: " + "; ".join(parts)
    wide = shares.pivot_table(index=["year", "route"], columns="area", values="share", dropna=False).reset_index()
    wide = wide[["year", "route", la, "England", ctx.la.region_name, "Neighbours' average"]]
    nb = shares[shares["area"] == "Neighbours' average"].set_index(["year", "route"])["neighbours_with_data"]
    wide["Neighbours with data"] = [int(nb.get((y, r), 0)) for y, r in zip(wide["year"], wide["route"])]
    cnt = shares[shares["area"] == la].set_index(["year", "route"])
    wide[f"{la}: children"] = [cnt["count"].get((y, r), np.nan) for y, r in zip(wide["year"], wide["route"])]
    wide[f"{la}: all leaving care"] = [cnt["ceased"].get((y, r), np.nan) for y, r in zip(wide["year"], wide["route"])]
    wide = wide.rename(columns={"year": "Year", "route": "Route"})
    fmts = dict.fromkeys((la, "England", ctx.la.region_name, "Neighbours' average"), ".1f")
    fmts |= {f"{la}: children": ",.0f", f"{la}: all leaving care": ",.0f"}
    return {
        "fig": fig,
        "name": "ceased-by-reason",
        "title": title,
        "caption": (
            "Children who ceased to be looked after during the year ending 31 March by reason, as a share of all who "
            "ceased, for adoption, special guardianship orders and a return home to parents or others with parental "
            "responsibility. The authority's count is DfE's; where DfE suppressed it (or a part of it), no share is "
            f"shown. Neighbours' average is the simple mean of the shares of the {ctx.neighbour_label} with figures. "
            "Source: DfE, Children looked after in England including adoptions (published, real figures)."
        ),
        "alt": (
            "Three line charts of the share of children leaving care who were adopted, left on a special "
            f"guardianship order or returned home, {ctx.first_year} to {ctx.year}, for {la}, England, "
            f"{ctx.la.region_name} and the neighbours' average. " + title + "."
        ),
        "table": wide,
        "table_formats": fmts,
    }
