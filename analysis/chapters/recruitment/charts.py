"""The recruitment chapter's charts, each with a title that states the finding for the year analysed.

Every chart function takes the :class:`~analysis.chapters.recruitment.compute.Recruitment`
result and returns the keyword arguments of :func:`analysis.report.charts.show`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.chapters.recruitment.compute import FUNNEL, INDICATORS, PER_HOUSEHOLD, Recruitment
from analysis.chapters.recruitment.tables import areas, comparison_table, formats, year_label
from analysis.report import charts, text
from analysis.report.text import NOT_PUBLISHED

#: Source line for captions.
SOURCE = (
    "Source: Ofsted, Fostering in England: data on local authority fostering services (real, published "
    "figures, rounded to the nearest 5 by Ofsted)."
)

#: What a bar's label reads when Ofsted did not publish the figure.
NOT_PUBLISHED_SHORT = "n/p"

#: Names of the funnel chart's stages (indicator names of :data:`FUNNEL`).
STAGE_NAMES = {
    "fostering_initial_enquiries": "Initial enquiries",
    "fostering_applications": "Applications received (2018-19 on)",
    "fostering_applications_concluded_or_in_progress": "Applications handled (2017-18)",
    "approvals_mainstream": "Approved: mainstream",
    "fostering_approvals_family_friends": "Approved: family and friends",
    "fostering_deregistrations": "Deregistered",
}

#: The indicators in the table behind the capacity chart.
CAPACITY_TABLE = (
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
)


def _bar_text(values, digits: int = 0) -> list[str]:
    """Labels on bars: the figure, or "n/p" where it was not published."""
    return [text.number(v, digits, missing=NOT_PUBLISHED_SHORT) for v in values]


# --------------------------------------------------------------------------- the funnel


def funnel_title(res: Recruitment) -> str:
    """The funnel chart's title, stating the finding for the year analysed."""
    y, la = res.year, res.ctx.la.la_name
    if y is None:
        return f"Ofsted's figures on {la}'s own foster carers are {NOT_PUBLISHED} for {text.period(res.current_year)}"
    v = lambda i: res.value(i, y)  # noqa: E731
    return (
        f"In {text.period(y)}, {la}'s fostering service had "
        f"{text.count(v('fostering_initial_enquiries'), 'initial enquiries')}"
        f" and approved {text.count(v('fostering_approvals'), 'households')} ({text.number(v('approvals_mainstream'))} "
        f"mainstream, {text.number(v('fostering_approvals_family_friends'))} family and friends); "
        f"{text.count(v('fostering_deregistrations'), 'households')} were deregistered"
    )


def funnel_chart(res: Recruitment) -> dict:
    """The authority's recruitment funnel, one bar per Ofsted year at each stage, for :func:`analysis.report.charts.show`."""
    ctx, summ, years = res.ctx, res.summary, res.years
    la = ctx.la.la_name
    stages = [s for s in FUNNEL if summ.loc[s, "la"].notna().any() or summ.loc[s, "england"].notna().any()]
    fig = go.Figure()
    for yr in years:
        vals = [summ.loc[(s, yr), "la"] for s in stages]
        fig.add_trace(
            go.Bar(
                x=[STAGE_NAMES[s] for s in stages],
                y=vals,
                name=year_label(res, yr),
                marker_color=charts.COLOURS["la"] if yr == res.year else charts.COLOURS["other"],
                text=_bar_text(vals),
                textposition="outside",
                hovertemplate=f"{text.period(yr)}<br>%{{x}}: %{{y:,.0f}}<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="Households (rounded to 5)")
    fig.update_layout(barmode="group", height=480)
    missing = [
        f"{STAGE_NAMES[s].lower()} in {text.period(yr)}"
        for s in stages
        for yr in years
        if pd.isna(summ.loc[(s, yr), "la"])
    ]
    gaps = f" Not published for {la} (no bar, or n/p): {'; '.join(missing)}." if missing else ""
    table = comparison_table(res, [*FUNNEL, "fostering_approvals", "net_change", "fostering_households"])
    return {
        "fig": fig,
        "name": "recruitment-funnel",
        "title": funnel_title(res),
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
            f"({', '.join(text.period(v) for v in years)}). {funnel_title(res)}."
        ),
        "table": table,
        "table_formats": formats(res, 0),
    }


# --------------------------------------------------------------------------- conversion


def conversion_title(res: Recruitment) -> str:
    """The conversion chart's title, stating the finding for the year analysed."""
    y, la = res.year, res.ctx.la.la_name
    if y is None:
        return (
            f"{la}'s conversion of enquiries into approved foster households is {NOT_PUBLISHED} for "
            f"{text.period(res.current_year)}"
        )
    v = lambda i, a="la": text.number(res.value(i, y, a), 1)  # noqa: E731
    lead = (
        f"In {text.period(y)}, {la} approved {v('conversion_rate')} households for every 100 initial enquiries"
        if text.is_number(res.value("conversion_rate", y))
        else f"In {text.period(y)}, {la}'s households approved per 100 initial enquiries are {NOT_PUBLISHED}"
    )
    return (
        f"{lead} (England {v('conversion_rate', 'england')}, neighbours' average "
        f"{v('conversion_rate', 'neighbours')}); counting mainstream carers only, "
        f"{v('conversion_rate_mainstream')} (England {v('conversion_rate_mainstream', 'england')})"
    )


def _area_bars(res: Recruitment, indicators, y_title: str, digits: int = 1) -> go.Figure:
    """Small multiples, one panel per indicator: x = year, one bar per area."""
    summ, years = res.summary, res.years
    fig = make_subplots(
        rows=len(indicators),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[INDICATORS[i].label for i in indicators],
    )
    for row, ind in enumerate(indicators, 1):
        for col, label, colour in areas(res):
            vals = [summ.loc[(ind, yr), col] for yr in years]
            fig.add_trace(
                go.Bar(
                    x=[year_label(res, yr) for yr in years],
                    y=vals,
                    name=label,
                    marker_color=colour,
                    legendgroup=label,
                    showlegend=row == 1,
                    text=_bar_text(vals, digits),
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


def conversion_chart(res: Recruitment) -> dict:
    """Approvals per 100 initial enquiries (all and mainstream) for each area and year, for :func:`charts.show`."""
    ctx = res.ctx
    inds = ("conversion_rate", "conversion_rate_mainstream")
    title = conversion_title(res)
    table = comparison_table(
        res,
        [
            *inds,
            "applications_per_100_enquiries",
            "approved_per_100_applications",
            "approved_per_100_applications_handled",
        ],
    )
    return {
        "fig": _area_bars(res, inds, "Per 100 enquiries"),
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
        "table_formats": formats(res, 1),
    }


# --------------------------------------------------------------------------- for the size of the service


def _direction(net_per_100: float) -> str:
    """Plain words for a net change per 100 households (within half a household per 100 counts as steady)."""
    if net_per_100 > 0.5:
        return f"grew (net +{net_per_100:.0f} per 100)"
    if net_per_100 < -0.5:
        return f"shrank (net {net_per_100:.0f} per 100)"
    return "held steady"


def per_household_title(res: Recruitment) -> str:
    """The per-household chart's title, stating the finding for the year analysed."""
    y, la = res.year, res.ctx.la.la_name
    if y is None:
        return (
            f"{la}'s approvals and deregistrations per approved household are {NOT_PUBLISHED} for "
            f"{text.period(res.current_year)}"
        )
    v = lambda i, a="la": res.value(i, y, a)  # noqa: E731
    r = lambda i, a="la": text.number(v(i, a))  # noqa: E731
    net, net_e = v("net_change_per_100_households"), v("net_change_per_100_households", "england")
    if text.is_number(net) and text.is_number(net_e):
        lead = (
            f"In {text.period(y)}, {la}'s own pool of foster households {_direction(net)} while England's "
            f"{_direction(net_e)}"
        )
    else:
        lead = f"In {text.period(y)}, {la}'s net change in foster households was {NOT_PUBLISHED}"
    if not text.is_number(v("approvals_per_100_households")):
        return f"{lead}; approvals per 100 approved households are {NOT_PUBLISHED}"
    return (
        f"{lead}: {r('approvals_per_100_households')} approved and "
        f"{r('deregistrations_per_100_households')} deregistered per 100 approved households "
        f"(England {r('approvals_per_100_households', 'england')} and "
        f"{r('deregistrations_per_100_households', 'england')})"
    )


def per_household_chart(res: Recruitment) -> dict:
    """Approvals, deregistrations and net change per 100 approved households, each area and year."""
    ctx = res.ctx
    title = per_household_title(res)
    return {
        "fig": _area_bars(res, PER_HOUSEHOLD, "Per 100 households", digits=0),
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
        "table": comparison_table(res, [*PER_HOUSEHOLD, "enquiries_per_100_households"]),
        "table_formats": formats(res, 1),
    }


# --------------------------------------------------------------------------- capacity


def capacity_title(res: Recruitment) -> str:
    """The capacity chart's title, stating the finding for the year analysed."""
    y, la = res.year, res.ctx.la.la_name
    if y is None:
        return f"{la}'s approved and filled foster places are {NOT_PUBLISHED} for {text.period(res.current_year)}"
    v = lambda i, a="la": res.value(i, y, a)  # noqa: E731
    n = lambda i: text.number(v(i))  # noqa: E731
    if not (text.is_number(v("fostering_places")) and text.is_number(v("fostering_filled_places"))):
        return (
            f"At 31 March {y}, {la}'s approved places ({n('fostering_places')}) and filled places "
            f"({n('fostering_filled_places')}) cannot both be given, so its spare capacity is {NOT_PUBLISHED}"
        )
    vacant = (
        f", of which {n('fostering_vacant_places')} were free to use"
        if text.is_number(v("fostering_vacant_places"))
        else ", not all of them usable"
    )
    return (
        f"At 31 March {y}, {la}'s own carers were approved for {n('fostering_places')} places and "
        f"{n('fostering_filled_places')} were filled ({text.pct(v('filled_places_pct'))}, England "
        f"{text.pct(v('filled_places_pct', 'england'))}): {n('unfilled_places')} approved places were empty "
        f"that day{vacant}"
    )


def _capacity_figure(res: Recruitment) -> go.Figure:
    """Left, the authority's approved and filled places; right, the filled share of each area."""
    summ, years, la = res.summary, res.years, res.ctx.la.la_name
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.45, 0.55],
        horizontal_spacing=0.12,
        subplot_titles=[f"{la}: approved places at 31 March", "Filled places, % of approved"],
    )
    xs = [year_label(res, yr) for yr in years]
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
                text=_bar_text(vals),
                textposition="outside",
                hovertemplate=f"{name}<br>%{{x}}: %{{y:,.0f}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    for col, label, colour in areas(res):
        vals = [summ.loc[("filled_places_pct", yr), col] for yr in years]
        fig.add_trace(
            go.Bar(
                x=xs,
                y=vals,
                name=f"{label}: % filled",
                marker_color=colour,
                text=_bar_text(vals),
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
    return fig


def capacity_chart(res: Recruitment) -> dict:
    """Approved places split into filled and not filled (authority), and the filled share of each area."""
    ctx, y = res.ctx, res.year
    la = ctx.la.la_name
    title = capacity_title(res)
    note = ""
    unfilled = res.value("unfilled_places", y)
    if y is not None and text.is_number(unfilled) and unfilled < 0:
        note = " Filled places exceed approved places where households have exemptions to the usual limit."
    return {
        "fig": _capacity_figure(res),
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
        "table": comparison_table(res, CAPACITY_TABLE),
        "table_formats": formats(res, 1),
    }
