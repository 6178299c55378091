"""The recruitment chapter's prose: which year, the findings and the key figures, generated from the numbers."""

from __future__ import annotations

from analysis.chapters.recruitment.compute import ALL_DEREGISTRATIONS_FROM, Recruitment, neighbour_values
from analysis.report import text
from analysis.report.text import NOT_PUBLISHED

#: Below this many (Ofsted-rounded) in the denominator a rate is flagged as resting on small numbers.
SMALL = 50

#: Ofsted rounds every figure to the nearest 5: two figures this close may not differ at all.
ROUNDING = 5


# --------------------------------------------------------------------------- which year


def year_note(res: Recruitment) -> str:
    """One plain-English paragraph on which Ofsted year the chapter uses, and why."""
    ctx, cy, y, years = res.ctx, res.current_year, res.year, res.years
    meeting = f"{ctx.paper.meeting_date.day} {ctx.paper.meeting_date:%B %Y}"
    if not years:
        return f"This report's data holds no Ofsted fostering figures, so the recruitment figures are {NOT_PUBLISHED}."
    shown = f"{text.period(years[0])} to {text.period(years[-1])}" if len(years) > 1 else text.period(years[0])
    if y is None:
        return (
            f"The committee met on {meeting}, in the financial year {text.period(cy)}. Ofsted's figures on council "
            f"fostering services are not available for {text.period(cy)} or any earlier year in this report's data: "
            f"they start in {text.period(years[0])}. The figures shown ({shown}) were published after the paper and "
            "are marked as such."
        )
    if y == cy:
        return (
            f"The committee met on {meeting}, during {text.period(cy)}: the year the paper calls the current year. "
            f"The figures are Ofsted's for that year (1 April {y - 1} to 31 March {y}). The year had not ended "
            "when the committee met, so these are the outturn figures the paper could not yet see; Ofsted "
            f"published them after the meeting. Every Ofsted year in the data ({shown}) is shown, with "
            f"{text.period(y)} highlighted."
        )
    return (
        f"The committee met on {meeting}, in {text.period(cy)}. Ofsted's figures for {text.period(cy)} are not in "
        f"this report's data; the latest Ofsted year it holds is {text.period(y)} (1 April {y - 1} to 31 March {y}), "
        f"{text.plural(cy - y, 'year')} before the paper's current year, and that is the year "
        f"analysed here. Every Ofsted year in the data ({shown}) is shown, with {text.period(y)} highlighted."
    )


# --------------------------------------------------------------------------- small phrases


def _small(den, what: str) -> str:
    """A sentence of caution when a rate's denominator is small (else "")."""
    if text.is_number(den) and den < SMALL:
        return f" That rests on only {den:,.0f} {what}, each figure rounded to the nearest 5: treat it with caution."
    return ""


def _region(res: Recruitment) -> str:
    """The region's name for "in ...": "the East of England", "London"."""
    name = res.ctx.la.region_name
    return name if name in ("London", "Yorkshire and The Humber") or name.startswith("Inner") else f"the {name}"


def _range_sentence(res: Recruitment, year: int, indicator: str) -> str:
    """Where the neighbours' own rates run from and to, naming the authorities."""
    v = neighbour_values(res, indicator, year)
    if len(v) < 2:
        return ""
    names = dict(zip(res.ctx.neighbour_codes, res.ctx.neighbour_names))
    return (
        f"Among the neighbours it runs from {v.min():.1f} ({names[v.idxmin()]}) to {v.max():.1f} "
        f"({names[v.idxmax()]}): services count initial enquiries differently, so the comparison is rough."
    )


def _change(a, b) -> str:
    """How b compares with a, allowing for Ofsted's rounding of each to the nearest 5."""
    if not (text.is_number(a) and text.is_number(b)):
        return "cannot be compared (not published)"
    if abs(b - a) <= ROUNDING:
        return "about the same (the difference is within Ofsted's rounding)"
    return "more" if b > a else "fewer"


# --------------------------------------------------------------------------- the findings


def _opening(res: Recruitment) -> tuple[str, int]:
    """The first finding (which Ofsted year, and why), and the year the findings describe."""
    la, y, cy, years = res.ctx.la.la_name, res.year, res.current_year, res.years
    if y is None:
        return (
            f"Ofsted's figures on {la}'s own fostering service are not available for {text.period(cy)}, the "
            f"paper's current year, or any earlier year in this report's data; the figures below "
            f"({text.period(years[0])} onwards) were published after the paper."
        ), years[0]
    if y == cy:
        return (
            f"The figures are Ofsted's for {text.period(y)}, the year the paper calls the current year; it had not "
            "ended when the committee met, so Ofsted published them after the paper."
        ), y
    return (
        f"The latest Ofsted year in this report's data is {text.period(y)}, not the paper's current year "
        f"({text.period(cy)}); the figures below are for {text.period(y)}."
    ), y


def _stages(res: Recruitment, yr: int) -> str:
    """Enquiries, approvals and deregistrations in ``yr``."""
    v = lambda i: res.value(i, yr)  # noqa: E731
    late = " (published after the paper)" if res.year is None else ""
    return (
        f"In {text.period(yr)}{late}, {res.ctx.la.la_name}'s own fostering service had "
        f"{text.count(v('fostering_initial_enquiries'), 'initial enquiries')} from prospective foster households "
        f"and approved {text.count(v('fostering_approvals'), 'households')} "
        f"({text.count(v('approvals_mainstream'), 'mainstream carers')} and "
        f"{text.count(v('fostering_approvals_family_friends'), 'family and friends carers')}); "
        f"{text.count(v('fostering_deregistrations'), 'households')} were deregistered"
        + (
            " (mainstream households only: Ofsted counted no others before 2018-19)"
            if yr < ALL_DEREGISTRATIONS_FROM
            else ""
        )
        + "."
    )


def _conversion(res: Recruitment, yr: int) -> str:
    """Households approved per 100 initial enquiries, all and mainstream, against the comparators."""
    v = lambda i, a="la": res.value(i, yr, a)  # noqa: E731
    r = lambda i, a="la": text.number(v(i, a), 1)  # noqa: E731
    return (
        (
            f"That is {r('conversion_rate')} households approved for every 100 initial enquiries, against "
            if text.is_number(v("conversion_rate"))
            else f"How many households it approved for every 100 initial enquiries is {NOT_PUBLISHED}; it was "
        )
        + f"{r('conversion_rate', 'england')} in England, {r('conversion_rate', 'region')} in "
        f"{_region(res)} and {r('conversion_rate', 'neighbours')} on average among its statistical "
        f"neighbours. Counting mainstream carers only, it is {r('conversion_rate_mainstream')}, against "
        f"{r('conversion_rate_mainstream', 'england')} in England and "
        f"{r('conversion_rate_mainstream', 'neighbours')} among the neighbours. "
        + _range_sentence(res, yr, "conversion_rate_mainstream")
    )


def _applications(res: Recruitment, yr: int) -> list[str]:
    """Applications per 100 enquiries and approvals per 100 applications, where Ofsted published them."""
    v = lambda i, a="la": res.value(i, yr, a)  # noqa: E731
    r = lambda i, a="la", d=1: text.number(v(i, a), d)  # noqa: E731
    if text.is_number(v("applications_per_100_enquiries")):
        return [
            f"{r('applications_per_100_enquiries')} applications were received for every 100 enquiries "
            f"(England {r('applications_per_100_enquiries', 'england')}), and "
            f"{r('approved_per_100_applications', d=0)} of every 100 applications received were approved "
            f"within the year (England {r('approved_per_100_applications', 'england', 0)})."
            + _small(v("fostering_applications"), "applications")
        ]
    if text.is_number(v("approved_per_100_applications_handled")):
        return [
            f"Of the {text.number(v('fostering_applications_concluded_or_in_progress'))} applications Ofsted "
            f"records as concluded or in progress, {r('approved_per_100_applications_handled', d=0)} in 100 were "
            f"approved as mainstream carers (England "
            f"{r('approved_per_100_applications_handled', 'england', 0)}); Ofsted did not publish how "
            "many applications were received that year."
            + _small(v("fostering_applications_concluded_or_in_progress"), "applications")
        ]
    return []


def _size(res: Recruitment, yr: int) -> str:
    """Approvals and deregistrations per 100 approved households, against England and the neighbours."""
    v = lambda i, a="la": res.value(i, yr, a)  # noqa: E731
    r = lambda i, a="la": text.number(v(i, a))  # noqa: E731
    if not text.is_number(v("approvals_per_100_households")):
        return (
            f"Its approvals for the size of its service (per 100 approved households at 31 March {yr}) "
            f"are {NOT_PUBLISHED}; England's net change was {r('net_change_per_100_households', 'england')}"
            " per 100."
        )
    return (
        f"For the size of its service ({text.number(v('fostering_households'))} approved households at 31 March "
        f"{yr}), the council approved {r('approvals_per_100_households')} and deregistered "
        f"{r('deregistrations_per_100_households')} households per 100, a net change of "
        f"{r('net_change_per_100_households')} per 100"
        + (" (mainstream households)" if yr < ALL_DEREGISTRATIONS_FROM else "")
        + " against "
        f"{r('net_change_per_100_households', 'england')} in England and "
        f"{r('net_change_per_100_households', 'neighbours')} among its neighbours."
    )


def _capacity(res: Recruitment, yr: int) -> str:
    """Approved and filled places at 31 March, and the places not filled split into vacant and not available."""
    v = lambda i, a="la": res.value(i, yr, a)  # noqa: E731
    n = lambda i: text.number(v(i))  # noqa: E731
    if not text.is_number(v("unfilled_places")):
        return (
            f"At 31 March {yr} its approved places ({n('fostering_places')}) and filled places "
            f"({n('fostering_filled_places')}) cannot both be given, so its spare in-house capacity is "
            f"{NOT_PUBLISHED}; in England {text.pct(v('filled_places_pct', 'england'))} of places were filled."
        )
    return (
        f"At 31 March {yr} its carers were approved for {n('fostering_places')} places and "
        f"{n('fostering_filled_places')} were filled ({text.pct(v('filled_places_pct'))}, against "
        f"{text.pct(v('filled_places_pct', 'england'))} in England and "
        f"{text.pct(v('filled_places_pct', 'neighbours'))} among its neighbours). In plain terms, "
        f"{n('unfilled_places')} approved places were empty that "
        + (
            f"day: {n('fostering_vacant_places')} were vacant and free to use, and "
            f"{n('fostering_places_not_available')} were not available (carers on a break, places kept "
            "for brothers and sisters). The vacant places are the spare in-house capacity the council could "
            "use at once, before recruiting anyone."
            if text.is_number(v("fostering_vacant_places")) and text.is_number(v("fostering_places_not_available"))
            else "day; some will not have been usable (carers on a break, places kept for brothers and "
            "sisters), so that is the most spare in-house capacity the council had, not what it could "
            "count on."
        )
    )


def _two_years(res: Recruitment, yr: int) -> list[str]:
    """The year described against the next Ofsted year (else the one before): approvals and households."""
    later, earlier = [y for y in res.years if y > yr], [y for y in res.years if y < yr]
    if not (later or earlier):
        return []
    first, second = (yr, later[0]) if later else (earlier[-1], yr)
    v = lambda i, y: res.value(i, y)  # noqa: E731
    a, b = v("fostering_approvals", first), v("fostering_approvals", second)
    ch = _change(a, b)
    ch_text = ch if ch.startswith(("about", "cannot")) else f"{abs(b - a):,.0f} {ch}"
    after = ", after the paper," if second > res.current_year else ""
    out = [
        f"In {text.period(second)}{after} the council approved {text.count(b, 'households')} "
        f"({text.count(v('fostering_initial_enquiries', second), 'enquiries')}), against {text.number(a)} "
        f"({text.count(v('fostering_initial_enquiries', first), 'enquiries')}) in {text.period(first)}: "
        f"approvals were {ch_text}."
    ]
    h0, h1, net = v("fostering_households", first), v("fostering_households", second), v("net_change", second)
    if text.is_number(h0) and text.is_number(h1) and text.is_number(net):
        gap = abs((h1 - h0) - net)
        why = (
            "within what Ofsted's rounding of the four figures can explain"
            if gap <= 4 * ROUNDING / 2
            else "more than Ofsted's rounding can explain; the data do not say why (households that change type "
            "or are approved and deregistered in the same year are possible reasons)"
        )
        out.append(
            f"Approved households went from {text.number(h0)} at 31 March {first} to {text.number(h1)} at 31 March "
            f"{second}, while {text.period(second)}'s approvals less deregistrations come to {text.number(net)}: "
            f"the gap is {why}."
        )
    return out


def _claim(res: Recruitment) -> str:
    """The paper's claim that recruitment improved, and whether Ofsted's figures can test it."""
    y, cy, years = res.year, res.current_year, res.years
    claim = "The paper says recruitment in its current year was significantly better than in previous years."
    earlier = [yr for yr in years if y is not None and yr < y]
    if y is not None and y == cy and earlier:
        a, b = res.value("fostering_approvals", earlier[-1]), res.value("fostering_approvals", y)
        return (
            f"{claim} Ofsted's figures give {text.number(b)} households approved in {text.period(y)} against "
            f"{text.number(a)} in {text.period(earlier[-1])}: {_change(a, b)}."
        )
    if y is not None and y == cy:
        return f"{claim} This report's Ofsted data starts in {text.period(years[0])}, so it cannot test that claim."
    return (
        f"{claim} This report's Ofsted data does not cover {text.period(cy)}, so it cannot test that claim "
        "for the paper's current year."
    )


def findings(res: Recruitment) -> list[str]:
    """The chapter's findings, one sentence (or two) each, generated from the numbers."""
    if not res.years:
        return [f"Ofsted's figures on council fostering services are {NOT_PUBLISHED} in this report's data."]
    opening, yr = _opening(res)
    return [
        opening,
        _stages(res, yr),
        _conversion(res, yr),
        *_applications(res, yr),
        _size(res, yr),
        _capacity(res, yr),
        *_two_years(res, yr),
        _claim(res),
    ]


def findings_markdown(res: Recruitment) -> str:
    """:func:`findings` as a Markdown bullet list (glued into the chapter's opening)."""
    return "\n".join(f"- {s}" for s in findings(res))


# --------------------------------------------------------------------------- key figures


def key_value(value, digits: int = 1):
    """A key-figure value: rounded, or :data:`NOT_PUBLISHED` when there is none."""
    if not text.is_number(value):
        return NOT_PUBLISHED
    return round(float(value), digits) if digits else int(round(float(value)))


#: Counts for the key figures: (name, indicator, label). Labels may use {la}, {when}, {src} and {src_dereg}.
KEY_COUNTS = (
    (
        "recruitment_initial_enquiries",
        "fostering_initial_enquiries",
        "Initial enquiries from prospective fostering households to {la}'s own service, {when} ({src})",
    ),
    (
        "recruitment_approvals",
        "fostering_approvals",
        "Households approved by {la}'s own fostering service, {when}, mainstream and family and friends ({src})",
    ),
    (
        "recruitment_approvals_mainstream",
        "approvals_mainstream",
        "Mainstream households approved by {la}'s own fostering service, {when} ({src})",
    ),
    (
        "recruitment_approvals_family_friends",
        "fostering_approvals_family_friends",
        "Family and friends households approved by {la}, {when} ({src})",
    ),
    (
        "recruitment_deregistrations",
        "fostering_deregistrations",
        "Households deregistered by {la}'s own fostering service, {when} ({src_dereg})",
    ),
    (
        "recruitment_households",
        "fostering_households",
        "Approved fostering households of {la}'s own service at 31 March, {when} ({src})",
    ),
    (
        "recruitment_places",
        "fostering_places",
        "Approved foster places with {la}'s own carers at 31 March, {when} ({src})",
    ),
    (
        "recruitment_filled_places",
        "fostering_filled_places",
        "Filled foster places with {la}'s own carers at 31 March, {when} ({src})",
    ),
    (
        "recruitment_unfilled_places",
        "unfilled_places",
        "Approved places with {la}'s own carers not filled at 31 March, {when}: the most spare capacity ({src})",
    ),
    (
        "recruitment_vacant_places",
        "fostering_vacant_places",
        "Vacant places (free to use) with {la}'s own carers at 31 March, {when} ({src})",
    ),
    (
        "recruitment_places_not_available",
        "fostering_places_not_available",
        "Places with {la}'s own carers not available at 31 March (e.g. carer on a break), {when} ({src})",
    ),
)

#: Rates for the key figures: (name, indicator, area, label); labels may use {la}, {when}, {region}, {neighbours}.
KEY_RATES = (
    (
        "recruitment_filled_places_pct",
        "filled_places_pct",
        "la",
        "Filled places as a percentage of approved places, {la}'s own carers, 31 March, {when}",
    ),
    (
        "recruitment_filled_places_pct_england",
        "filled_places_pct",
        "england",
        "Filled places as a percentage of approved places, England's council carers, {when}",
    ),
    (
        "recruitment_conversion_rate",
        "conversion_rate",
        "la",
        "Households approved per 100 initial enquiries, {la}'s own fostering service, {when}",
    ),
    (
        "recruitment_conversion_rate_england",
        "conversion_rate",
        "england",
        "Households approved per 100 initial enquiries, all English council fostering services, {when}",
    ),
    (
        "recruitment_conversion_rate_region",
        "conversion_rate",
        "region",
        "Households approved per 100 initial enquiries, {region} council services, {when}",
    ),
    (
        "recruitment_conversion_rate_neighbours",
        "conversion_rate",
        "neighbours",
        "Households approved per 100 initial enquiries, mean of the rates of the {neighbours}, {when}",
    ),
    (
        "recruitment_conversion_rate_mainstream",
        "conversion_rate_mainstream",
        "la",
        "Mainstream households approved per 100 initial enquiries, {la}, {when}",
    ),
    (
        "recruitment_conversion_rate_mainstream_england",
        "conversion_rate_mainstream",
        "england",
        "Mainstream households approved per 100 initial enquiries, England, {when}",
    ),
    (
        "recruitment_approvals_per_100_households",
        "approvals_per_100_households",
        "la",
        "Households approved per 100 approved households, {la}, {when}",
    ),
    (
        "recruitment_deregistrations_per_100_households",
        "deregistrations_per_100_households",
        "la",
        "Households deregistered per 100 approved households, {la}, {when}",
    ),
)


def key_figures(res: Recruitment) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`.

    All are for the year analysed (:attr:`Recruitment.year`); a value Ofsted
    did not publish (or a year with no Ofsted figures) is the text
    :data:`NOT_PUBLISHED`. Counts are Ofsted's, rounded to the nearest 5;
    rates are computed from them.
    """
    ctx, y = res.ctx, res.year
    src = "Ofsted, rounded to 5"
    words = {
        "la": ctx.la.la_name,
        "when": text.period(y) if y is not None else f"{text.period(res.current_year)} (no Ofsted figures)",
        "src": src,
        "src_dereg": src
        + ("; mainstream only before 2018-19" if y is not None and y < ALL_DEREGISTRATIONS_FROM else ""),
        "region": ctx.la.region_name,
        "neighbours": ctx.neighbour_label,
    }
    key = ("conversion_rate", y)
    n_neighbours = res.summary.loc[key, "neighbours_with_data"] if y is not None and key in res.summary.index else None
    return [
        {
            "name": "recruitment_year",
            "value": text.period(y) if y is not None else NOT_PUBLISHED,
            "unit": "text",
            "label": "Ofsted year (1 April to 31 March) the recruitment chapter analyses",
        },
        {
            "name": "recruitment_current_year",
            "value": text.period(res.current_year),
            "unit": "text",
            "label": "The paper's current year: the financial year containing its meeting date",
        },
        *(
            {
                "name": name,
                "value": key_value(res.value(ind, y), 0),
                "unit": "count",
                "label": label.format(**words),
            }
            for name, ind, label in KEY_COUNTS
        ),
        *(
            {
                "name": name,
                "value": key_value(res.value(ind, y, area), 1),
                "unit": "percent",
                "label": label.format(**words),
            }
            for name, ind, area, label in KEY_RATES
        ),
        {
            "name": "recruitment_neighbours_with_data",
            "value": int(n_neighbours) if n_neighbours is not None else 0,
            "unit": "authorities",
            "label": f"Statistical neighbours with a published conversion rate, {words['when']}",
        },
    ]
