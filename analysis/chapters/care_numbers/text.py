"""Care numbers: the plain-English findings and the key figures, generated from the numbers."""

from __future__ import annotations

import pandas as pd

from analysis.chapters.care_numbers.compute import CareNumbers, level_label
from analysis.methods import stats
from analysis.report import text
from analysis.report.context import Context


def compare_words(position: str) -> str:
    """Plain words for a funnel position (:data:`analysis.methods.stats.POSITIONS`), to put before "England's"."""
    at = f"(at the {level_label(min(stats.LIMITS))} level)"
    words = (
        "significantly higher than",
        f"higher than {at}",
        "not significantly different from",
        f"lower than {at}",
        "significantly lower than",
    )
    return dict(zip(stats.POSITIONS, words)).get(position, "not comparable with")


def change_words(first: float, last: float) -> str:
    if pd.isna(first) or pd.isna(last):
        return "changed (not all years are published)"
    if last > first:
        return "rose"
    if last < first:
        return "fell"
    return "was unchanged"


def change_sentence(res: CareNumbers) -> str:
    """The rate's change over three years against the neighbours' average, and whether it is significantly faster."""
    ch, la = res.change, res.ctx.la.la_name
    if ch.test is None or pd.isna(ch.la_change_pct) or pd.isna(ch.neighbour_change_pct):
        return f"The change in {la}'s rate from {ch.first} to {ch.last} cannot be compared: a year is not published."
    faster = ch.test.p < res.ctx.alpha
    return (
        f"From {ch.first} to {ch.last} {la}'s rate changed by {text.change_pct(ch.la_change_pct)}, against "
        f"{text.change_pct(ch.neighbour_change_pct)} for its neighbours' average: "
        + ("significantly faster" if faster else "not significantly faster")
        + f" once the spread between authorities' changes is allowed for ({text.p_value(ch.test.p)}, one-sided)."
    )


def findings(res: CareNumbers) -> list[str]:
    """Plain-English findings for the chapter, each one sentence, generated from the numbers."""
    ctx, tr, fn = res.ctx, res.trend, res.funnel
    la = ctx.la.la_name
    first, last = tr.iloc[0], tr.iloc[-1]
    out = [
        f"At 31 March {ctx.year}, {la} looked after {last.la_count:,.0f} children, "
        f"{text.rate(last.la_rate)} per 10,000 children aged under 18."
    ]
    out.append(
        f"The rate {change_words(first.la_rate, last.la_rate)} from {text.rate(first.la_rate)} in "
        f"{int(first.year)} to {text.rate(last.la_rate)} in {int(last.year)}; England's went from "
        f"{text.rate(first.england_rate)} to {text.rate(last.england_rate)}."
    )
    out.append(change_sentence(res))
    limits = f"{fn.limits_name} limits"
    out.append(
        f"Allowing for the size of its child population, {la}'s rate is {compare_words(fn.la_position)} "
        f"England's ({fn.la_position} on the funnel plot's {limits})."
    )
    if not pd.isna(fn.neighbour_target_rate):
        out.append(
            f"Against the average of its {ctx.neighbour_label} ({text.rate(fn.neighbour_target_rate, 1)} per "
            f"10,000), {la}'s rate is {compare_words(fn.la_position_vs_neighbours)} that average."
        )
    if fn.adjusted:
        plain = int((fn.points["position_poisson"] != "within limits").sum())
        out.append(
            f"Rates vary between authorities far more than chance alone would make them (overdispersion factor "
            f"{fn.overdispersion.phi:.0f}): {plain} of {len(fn.points)} authorities lie outside the plain Poisson "
            f"{level_label(min(stats.LIMITS))} limits, so the limits are widened for the spread between authorities "
            f"(Spiegelhalter's random-effects method), leaving {fn.outside()} outside."
        )
    return out


def headline(res: CareNumbers) -> str:
    """One sentence that states the chapter's main finding (used as a chart title and in the summary)."""
    ctx, fn = res.ctx, res.funnel
    last = res.trend.iloc[-1]
    return (
        f"{ctx.la.la_name}'s rate of children in care ({last.la_rate:.0f} per 10,000) is "
        f"{compare_words(fn.la_position)} England's ({last.england_rate:.0f}) in {ctx.year}"
    )


def key_figures(res: CareNumbers) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`."""
    return [*_level_figures(res), *_funnel_figures(res), *_change_figures(res)]


def _level_figures(res: CareNumbers) -> list[dict]:
    """The authority's, England's, the region's and the neighbours' rates in the paper's year."""
    ctx = res.ctx
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
    ]


def _funnel_figures(res: CareNumbers) -> list[dict]:
    """Where the authority sits on the funnel plot, the limits used and the overdispersion behind them."""
    ctx, fn, year = res.ctx, res.funnel, res.ctx.year
    return [
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
            "value": compare_words(fn.la_position),
            "unit": "text",
            "label": f"Plain-English reading of {ctx.la.la_name}'s funnel position against England, {year}",
        },
        {
            "name": "funnel_verdict_vs_neighbours",
            "value": compare_words(fn.la_position_vs_neighbours),
            "unit": "text",
            "label": f"Plain-English reading of {ctx.la.la_name}'s position against its neighbours' average, {year}",
        },
        {
            "name": "funnel_position_poisson",
            "value": fn.la_position_poisson,
            "unit": "position",
            "label": f"Where {ctx.la.la_name}'s rate sits against England's on plain Poisson limits, {year}",
        },
        {
            "name": "funnel_inner_level",
            "value": level_label(min(stats.LIMITS)),
            "unit": "text",
            "label": "The inner control limits' level, which the positions and verdicts test at",
        },
        {
            "name": "funnel_limits",
            "value": fn.limits_name,
            "unit": "text",
            "label": "The funnel limits the positions and verdicts use (overdispersion-adjusted when significant)",
        },
        {
            "name": "overdispersion_factor",
            "value": round(fn.overdispersion.phi, 1),
            "unit": "ratio",
            "label": f"Spiegelhalter overdispersion factor of authorities' rates around England's, {year} "
            "(10% winsorised, consistency-corrected)",
        },
        {
            "name": "overdispersion_tau",
            "value": round(fn.overdispersion.tau, 5),
            "unit": "ratio",
            "label": f"Between-authority standard deviation of the square root of the rate per child, {year} "
            "(DerSimonian-Laird)",
        },
        {
            "name": "las_in_funnel",
            "value": len(fn.points),
            "unit": "authorities",
            "label": f"Authorities on the funnel plot (published count and population), {year}",
        },
        {
            "name": "las_outside_95_limits",
            "value": fn.outside(),
            "unit": "authorities",
            "label": f"Authorities outside the funnel's {level_label(min(stats.LIMITS))} limits ({fn.limits_name}), {year}",
        },
        {
            "name": "las_outside_95_poisson_limits",
            "value": int((fn.points["position_poisson"] != "within limits").sum()),
            "unit": "authorities",
            "label": f"Authorities outside the plain Poisson {level_label(min(stats.LIMITS))} limits, {year}",
        },
    ]


def _change_figures(res: CareNumbers) -> list[dict]:
    """The rate's change over three years against the neighbours' average."""
    ctx = res.ctx
    return [
        {
            "name": "cla_rate_change_3y_pct",
            "value": round(float(res.change.la_change_pct), 1),
            "unit": "percent",
            "label": f"Change in {ctx.la.la_name}'s published rate, 31 March {res.change.first} to {res.change.last}",
        },
        {
            "name": "neighbour_rate_change_3y_pct",
            "value": round(float(res.change.neighbour_change_pct), 1),
            "unit": "percent",
            "label": f"Change in the neighbours' average published rate, {res.change.first} to {res.change.last}",
        },
        {
            "name": "cla_change_sentence",
            "value": change_sentence(res),
            "unit": "text",
            "label": "The rate's three-year change against the neighbours' average, in one sentence",
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
