"""The placements chapter's words: key figures, findings, chart titles and the IFA gap in a sentence.

Everything is generated from the chapter's result (:class:`.compute.Placements`), and every number is
formatted through :mod:`analysis.report.text`. Published (real) figures say so; child-level ones are
marked with :data:`analysis.report.text.CHILD_LEVEL` and whether they are SYNTHETIC.
"""

from __future__ import annotations

from analysis.chapters.placements.compute import Gap, Placements, latest_with_data, published_value, share
from analysis.report import disclosure, text
from analysis.report.categories import ALL_FOSTER, COHORT, DISTANCE, LONG_TERM, MOVES
from analysis.report.text import CHILD_LEVEL, NO_CHILDREN, SUPPRESSED

#: The two foster providers the paper compares.
_IFA, _INHOUSE = "IFA fostering", "in-house fostering"


def key_value(value, digits: int = 1):
    """A share as a key figure: rounded, or the text saying why there is none."""
    return round(float(value), digits) if text.is_number(value) else value


def published_title(res: Placements, group: str) -> str:
    """The title of a published chart (``group`` as in :data:`.compute.PUBLISHED_CHARTS`): what it shows."""
    ctx, pub = res.ctx, res.pub
    la, y = ctx.la.la_name, ctx.year

    def pct(value):
        return text.pct(value, 1)

    def v(ind, area="la", yr=y):
        return published_value(pub, ind, yr, area)

    if group == "providers":
        return (
            f"At 31 March {y}, {pct(v('private_voluntary'))} of {la}'s children in care were placed with "
            f"private or voluntary providers (England {pct(v('private_voluntary', 'england'))}, neighbours' "
            f"average {pct(v('private_voluntary', 'neighbours'))}) and {pct(v('own_provision'))} in the "
            f"council's own provision (England {pct(v('own_provision', 'england'))})"
        )
    if group == "fostering_distance":
        return (
            f"At 31 March {y}, {pct(v('foster'))} of {la}'s children in care were in foster placements "
            f"(England {pct(v('foster', 'england'))}); {pct(v('over_20_miles'))} were placed more than 20 "
            f"miles from home (England {pct(v('over_20_miles', 'england'))})"
        )
    parts = []
    for ind, what in (
        ("three_plus", "had three or more placements in the year"),
        ("long_term", "of long-term under-16s had been in the same placement for two years or more"),
    ):
        yr, after = latest_with_data(pub, ind, y)
        if yr is None:
            parts.append(f"no published figure for how many children {what}")
            continue
        when = f"{yr}, published after the paper" if after else str(yr)
        parts.append(f"{pct(v(ind, 'la', yr))} {what} in {when} (England {pct(v(ind, 'england', yr))})")
    return f"{la}: " + "; ".join(parts)


def compare(a_label: str, a, b_label: str, b, predicate: str) -> str:
    """A generated comparison: "A are more often <predicate> than B (x% against y%)".

    Parameters
    ----------
    a_label, b_label : str
        Plural subjects ("IFA foster placements", "in-house ones").
    a, b : float or str
        Percentages, or :data:`SUPPRESSED` / :data:`NO_CHILDREN`.
    predicate : str
        What is compared, to follow "are" ("placed more than 20 miles from home").

    Returns
    -------
    str
        One sentence without a full stop. Where one figure is missing it gives
        the other and says why ("suppressed to protect small numbers", or that
        there are none); where both are, it says neither can be shown.
    """
    why = {SUPPRESSED: "suppressed to protect small numbers", NO_CHILDREN: "not available: there are none"}
    if text.is_number(a) and text.is_number(b):
        ra, rb = round(a), round(b)
        if ra == rb:
            return f"{a_label} are {predicate} as often as {b_label} ({text.pct(a)} against {text.pct(b)})"
        word = "more often" if ra > rb else "less often"
        return f"{a_label} are {word} {predicate} than {b_label} ({text.pct(a)} against {text.pct(b)})"
    if text.is_number(a) or text.is_number(b):
        (known_label, known), (other_label, other) = (
            ((a_label, a), (b_label, b)) if text.is_number(a) else ((b_label, b), (a_label, a))
        )
        return (
            f"{text.pct(known)} of {known_label} are {predicate}; the figure for {other_label} is "
            f"{why.get(other, other)}"
        )
    return f"How often {a_label} and {b_label} are {predicate} cannot be shown ({why.get(a, a)})"


def gap_sentence(res: Placements) -> str:
    """The IFA gap in plain English (generated from the numbers), without a full stop."""
    gap, costs = res.gap, res.costs
    inh, ifa = costs.in_house_fostering.weekly, costs.ifa_fostering.weekly
    at = (
        f"at the paper file's unit costs ({text.pounds(inh)} a week with the council's own carers, "
        f"{text.pounds(ifa)} with an agency; £ at {gap.price_year} prices)"
    )
    if not text.is_number(gap.value):
        return f"The cost of the IFA gap in {text.period(gap.year)} cannot be shown: IFA placements: {gap.value}"
    more = "more" if gap.value >= 0 else "less"
    rng = (
        f"{text.money(gap.low)} to {text.money(gap.high)}"
        if gap.low >= 0
        else f"from a saving of {text.money(-gap.low)} to {text.money(gap.high)}"
    )
    return (
        f"{at[0].upper()}{at[1:]}, the {gap.ifa_days:,} days children spent with IFA carers in "
        f"{text.period(gap.year)} cost about {text.money(abs(gap.value))} {more} than the same days with "
        f"in-house carers would have ({rng} if unit costs are {gap.sensitivity:.0%} higher or lower)"
    )


def gap_title(gap: Gap) -> str:
    """The IFA gap in one short sentence (a chart title)."""
    if not text.is_number(gap.value):
        return f"The cost of the IFA gap in {text.period(gap.year)} cannot be shown: IFA placements: {gap.value}"
    more = "more" if gap.value >= 0 else "less"
    return (
        f"In {text.period(gap.year)}, IFA foster placements cost about {text.money(abs(gap.value))} {more} than "
        f"the same days with in-house carers would have (range {text.money(gap.low)} to {text.money(gap.high)})"
    )


# --------------------------------------------------------------------------- key figures


def _published_figures(res: Placements) -> list[dict]:
    """The key figures that are DfE's published (real) shares for the paper's year."""
    la, y = res.ctx.la.la_name, res.ctx.year
    rows = (
        ("foster_share", "foster", "la", f"{la}'s", "who were in foster placements"),
        ("placed_over_20_miles_share", "over_20_miles", "la", f"{la}'s", "placed more than 20 miles from home"),
        ("private_voluntary_share", "private_voluntary", "la", f"{la}'s", "placed with private or voluntary providers"),
        (
            "england_private_voluntary_share",
            "private_voluntary",
            "england",
            "England's",
            "placed with private or voluntary providers",
        ),
    )
    return [
        {
            "name": name,
            "value": key_value(published_value(res.pub, ind, y, area)),
            "unit": "percent",
            "digits": 1,
            "label": f"Share of {whose} children looked after at 31 March {y} {what} (DfE published, real)",
        }
        for name, ind, area, whose, what in rows
    ]


def _child_level_figures(res: Placements) -> list[dict]:
    """The key figures that are shares from the child-level data (suppressed ones as text)."""
    h, stock = res.histories, res.stock
    cy, child = h.year, f"child-level data, {h.tag}"
    rows = (
        (
            "inhouse_share_of_fostering",
            ((_INHOUSE, cy), (ALL_FOSTER, cy)),
            f"Share of foster placements at 31 March {cy} with the council's own carers",
        ),
        (
            "ifa_share_of_fostering",
            ((_IFA, cy), (ALL_FOSTER, cy)),
            f"Share of foster placements at 31 March {cy} with independent fostering agency carers",
        ),
        (
            "ifa_over_20_miles_share",
            ((_IFA, DISTANCE[1]), (_IFA, cy)),
            f"Share of children with IFA foster carers at 31 March {cy} placed more than 20 miles from home",
        ),
        (
            "inhouse_over_20_miles_share",
            ((_INHOUSE, DISTANCE[1]), (_INHOUSE, cy)),
            f"Share of children with in-house foster carers at 31 March {cy} placed more than 20 miles from home",
        ),
    )
    return [
        {
            "name": name,
            "value": key_value(share(stock, *cells), 0),
            "unit": "percent",
            "digits": 0,
            "label": f"{what} ({child})",
        }
        for name, cells, what in rows
    ]


def _cost_figures(res: Placements) -> list[dict]:
    """The key figures about cost: the paper file's unit costs and the IFA gap with its range."""
    costs, gap = res.costs, res.gap
    child = f"child-level data, {res.histories.tag}"
    money_at = f"£ at {costs.price_year} prices"
    s = f"{gap.sensitivity:.0%}"

    def money(v):
        return round(v) if text.is_number(v) else v

    return [
        {
            "name": "inhouse_weekly_cost",
            "value": costs.in_house_fostering.weekly,
            "unit": "pounds",
            "label": f"Weekly unit cost of an in-house foster placement (paper file; {costs.in_house_fostering.year} figure)",
        },
        {
            "name": "ifa_weekly_cost",
            "value": costs.ifa_fostering.weekly,
            "unit": "pounds",
            "label": f"Weekly unit cost of an IFA foster placement (paper file; {costs.ifa_fostering.year} figure)",
        },
        {
            "name": "cost_price_year",
            "value": costs.price_year,
            "unit": "year",
            "label": "Price year money is stated in (paper file)",
        },
        {
            "name": "cost_sensitivity_pct",
            "value": round(costs.sensitivity * 100, 1),
            "unit": "percent",
            "label": "Sensitivity range applied to unit costs, plus or minus (paper file)",
        },
        {
            "name": "annual_cost_of_ifa_gap",
            "value": money(gap.value),
            "unit": "pounds",
            "label": f"Extra cost in {text.period(gap.year)} of IFA foster placement days over the same days with "
            f"in-house carers ({money_at}; {child})",
        },
        {
            "name": "annual_cost_of_ifa_gap_low",
            "value": money(gap.low),
            "unit": "pounds",
            "label": f"Low end of the IFA gap: IFA cost {s} lower, in-house {s} higher ({money_at}; {child})",
        },
        {
            "name": "annual_cost_of_ifa_gap_high",
            "value": money(gap.high),
            "unit": "pounds",
            "label": f"High end of the IFA gap: IFA cost {s} higher, in-house {s} lower ({money_at}; {child})",
        },
    ]


def key_figures(res: Placements) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`.

    ``foster_share`` and ``placed_over_20_miles_share`` are DfE's published
    (real) figures for the paper's year; the shares of fostering by provider,
    the distances by provider and the cost of the IFA gap come from the
    child-level data (SYNTHETIC by default; the label says which). A
    suppressed value is glued as the text "suppressed", a share of nobody as
    "no children", a missing published figure as "not published".
    """
    return [*_published_figures(res), *_child_level_figures(res), *_cost_figures(res)]


# --------------------------------------------------------------------------- findings


def _published_findings(res: Placements) -> list[str]:
    """The findings from DfE's published (real) figures."""
    la, y, pct = res.ctx.la.la_name, res.ctx.year, text.pct

    def pv(ind, area="la"):
        return published_value(res.pub, ind, y, area)

    return [
        f"At 31 March {y}, {pct(pv('foster'))} of {la}'s children in care were in foster placements, against "
        f"{pct(pv('foster', 'england'))} in England and {pct(pv('foster', 'neighbours'))} on average among its "
        "statistical neighbours (DfE, published).",
        f"{pct(pv('private_voluntary'))} were placed with private or voluntary providers (agencies and private "
        f"children's homes), against {pct(pv('private_voluntary', 'england'))} in England and "
        f"{pct(pv('private_voluntary', 'neighbours'))} among its neighbours; {pct(pv('own_provision'))} were in the "
        f"council's own provision, against {pct(pv('own_provision', 'england'))} in England (DfE, published).",
        f"{pct(pv('over_20_miles'))} were placed more than 20 miles from home, against "
        f"{pct(pv('over_20_miles', 'england'))} in England, and {pct(pv('outside_la'))} outside the authority's "
        f"boundary, against {pct(pv('outside_la', 'england'))} in England (DfE, published).",
    ]


def _mix_findings(res: Placements, mark: str) -> list[str]:
    """Who provides the foster placements at 31 March, and the new ones made in the year."""
    stock, new, cy, pct = res.stock, res.new, res.histories.year, text.pct
    ifa_f = share(stock, (_IFA, cy), (ALL_FOSTER, cy))
    inh_f = share(stock, (_INHOUSE, cy), (ALL_FOSTER, cy))
    n_new = new.table().loc[ALL_FOSTER, cy]
    ifa_n = share(new, (_IFA, cy), (ALL_FOSTER, cy))
    inh_n = share(new, (_INHOUSE, cy), (ALL_FOSTER, cy))
    how_many = "the new foster placements" if n_new == disclosure.MARKER else f"the {n_new} new foster placements"
    return [
        f"Of children in foster placements at 31 March {cy}, {pct(ifa_f)} were with independent fostering "
        f"agency carers and {pct(inh_f)} with the council's own{mark}.",
        f"Of {how_many} made in {text.period(cy)}, {pct(ifa_n)} went to IFA carers and "
        f"{pct(inh_n)} to the council's own{mark}.",
    ]


def _comparison_findings(res: Placements, mark: str) -> list[str]:
    """IFA against in-house carers on distance and the two stability measures."""
    stock, cy = res.stock, res.histories.year
    comparisons = (
        ("IFA foster placements", "in-house ones", (DISTANCE[1], cy), "over 20 miles from home"),
        (
            "children with IFA carers",
            "children with in-house carers",
            (MOVES[0], cy),
            f"on at least their third placement of {text.period(cy)}",
        ),
        (
            "long-term under-16s with IFA carers",
            "those with in-house carers",
            (LONG_TERM[0], COHORT),
            "in the same placement for two years or more",
        ),
    )
    out = []
    for a_label, b_label, (num, den), predicate in comparisons:
        a = share(stock, (_IFA, num), (_IFA, den))
        b = share(stock, (_INHOUSE, num), (_INHOUSE, den))
        out.append(_sentence(compare(a_label, a, b_label, b, predicate), mark))
    return out


def findings(res: Placements) -> list[str]:
    """The chapter's findings, one sentence each, generated from the numbers.

    Published (real) findings come first, then child-level ones, each marked
    with where it comes from.
    """
    mark = f" ({CHILD_LEVEL}, {res.histories.tag})"
    return [
        *_published_findings(res),
        *_mix_findings(res, mark),
        *_comparison_findings(res, mark),
        gap_sentence(res) + mark + ".",
        "Whether IFA carers are 'less well known' to the council than its own carers is not recorded in "
        "either data source, so this report cannot test that part of the claim.",
    ]


def _sentence(words: str, mark: str = "") -> str:
    """Capitalise the first letter and end with the source mark and a full stop."""
    return f"{words[0].upper()}{words[1:]}{mark}."


def findings_markdown(res: Placements) -> str:
    """:func:`findings` as a Markdown bullet list (glued into the chapter's opening)."""
    return "\n".join(f"- {s}" for s in findings(res))


def years_note(res: Placements) -> str:
    """Which years the child-level figures cover, and whether that reaches the paper's year."""
    h, year = res.histories, res.ctx.year
    span = f"{h.years[0]} to {h.year}" if len(h.years) > 1 else str(h.year)
    note = f"The child-level figures cover 31 March {span} ({h.tag} data)."
    if h.year != year:
        note += f" The returns do not reach the paper's year, {year}."
    return note
