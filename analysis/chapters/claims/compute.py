"""The claims' numbers: each claim's verdict rule (pure ``check_<slug>``), the inputs gathered for a paper, the result.

See the package docstring (:mod:`analysis.chapters.claims`) for the verdicts and the tests behind them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.methods import stats
from analysis.paper import Costs
from analysis.report import text
from analysis.report.context import Context

SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
CANNOT_TELL = "cannot tell from this data"

#: Verdicts, in the order the summary counts them.
VERDICTS = (SUPPORTED, NOT_SUPPORTED, CANNOT_TELL)

#: Significance level of every test.
ALPHA = 0.05

#: The confidence level of the tests, as printed: "95%".
LEVEL = text.confidence(ALPHA)

#: Claims in the order the paper makes them: slug -> (paragraph, the paper's words with {la} for the authority).
CLAIMS: dict[str, tuple[str, str]] = {
    "numbers_higher": (
        "1.1, 2.1",
        "Numbers of children in care in {la} are significantly higher than the average of "
        "other (comparable) local authorities.",
    ),
    "foster_share": ("1.2", "Overall, {la} does well on the proportion of children in care placed with foster carers."),
    "too_many_agency": (
        "1.2",
        "Too many children are placed with foster carers provided by independent fostering agencies (IFAs).",
    ),
    "agency_further": (
        "1.2, 2.3",
        "Agency carers often live further away, so children may experience more disruption.",
    ),
    "agency_costly": (
        "1.2",
        "Agency carers are considerably more costly in unit placement costs than the council's own in-house carers.",
    ),
    "permanence_slow": (
        "2.2",
        "Children in care are not progressing to permanent outcomes (adoption, special "
        "guardianship, return home) as quickly as they might.",
    ),
    "recruitment_improved": (
        "2.3",
        "Recruitment of foster carers in the current year has been significantly "
        "improved compared with previous years.",
    ),
}

#: The chapter (a name in :data:`analysis.chapters.REGISTRY`) with the detail behind each claim.
CHAPTER_OF = {
    "numbers_higher": "care_numbers",
    "foster_share": "placements",
    "too_many_agency": "placements",
    "agency_further": "placements",
    "agency_costly": "placements",
    "permanence_slow": "permanence",
    "recruitment_improved": "recruitment",
}


@dataclass(frozen=True)
class Claim:
    """One claim of the paper and its check.

    Attributes
    ----------
    slug : str
        Short name; the key figure is ``claim_<slug>_verdict``.
    paragraph : str
        The paper's paragraph(s).
    text : str
        The claim, in the paper's words (the authority named).
    measure : str
        What is measured, in plain English.
    value : str
        The authority's value, formatted.
    comparators : str
        What it is compared with, formatted.
    test : str
        The test applied and its result.
    verdict : str
        One of :data:`VERDICTS`.
    reason : str
        One plain-English sentence saying why.
    """

    slug: str
    paragraph: str
    text: str
    measure: str
    value: str
    comparators: str
    test: str
    verdict: str
    reason: str


def _claim(slug: str, la: str, **fields) -> Claim:
    paragraph, text = CLAIMS[slug]
    return Claim(slug=slug, paragraph=paragraph, text=text.format(la=la), **fields)


def _missing(*values) -> bool:
    """True when any value is not a number (missing, NaN or suppressed as ``None``)."""
    return not all(text.is_number(v) for v in values)


def share_direction(count: float, total: float, reference_pct: float) -> tuple[str, float]:
    """Whether ``count / total`` is significantly higher or lower than ``reference_pct`` (exact binomial at :data:`ALPHA`).

    Returns
    -------
    (direction, p)
        ``"higher"``, ``"lower"`` or ``"in line"``, and the two-sided p-value.
    """
    k, n = int(round(count)), int(round(total))
    if n <= 0:
        raise ValueError("a share needs a positive total")
    p = stats.binomial_p(k, n, reference_pct / 100.0)
    if p >= ALPHA:
        return "in line", p
    return ("higher" if k / n > reference_pct / 100.0 else "lower"), p


def rate_direction(count: float, exposure: float, reference_rate: float, per: int) -> tuple[str, str]:
    """Whether a rate is outside the funnel plot's inner Poisson limits around ``reference_rate``.

    The inner limits are at 1 - :data:`ALPHA` (95%, the first of :data:`analysis.methods.stats.LIMITS`).

    Returns
    -------
    (direction, position)
        ``"higher"``, ``"lower"`` or ``"in line"``, and the funnel position (:data:`analysis.methods.stats.POSITIONS`).
    """
    position = stats.funnel_position(count, exposure, reference_rate, per)
    if position.startswith("above"):
        return "higher", position
    if position.startswith("below"):
        return "lower", position
    return "in line", position


_WORDS = {"higher": "significantly higher than", "lower": "significantly lower than", "in line": "in line with"}


# --------------------------------------------------------------------------- the seven checks (pure)


def check_numbers_higher(
    la: str, year: int, count: float, population: float, la_rate: float, england_rate: float, neighbours_rate: float
) -> Claim:
    """Claim 1.1: children looked after per 10,000 significantly higher than comparable authorities.

    Supported when the authority's rate is above the Poisson limit (at :data:`ALPHA`) around
    its statistical neighbours' average or around England's rate; otherwise not
    supported. Cannot tell when a figure is not published.
    """
    measure = f"Children looked after per 10,000 children aged under 18, 31 March {year} (DfE)"
    if _missing(count, population, england_rate, neighbours_rate):
        return _claim(
            "numbers_higher",
            la,
            measure=measure,
            value="not published",
            comparators="not published",
            test=f"funnel plot position ({LEVEL} Poisson limits)",
            verdict=CANNOT_TELL,
            reason=f"DfE's figures for {year} are not all published.",
        )
    d_n, pos_n = rate_direction(count, population, neighbours_rate, stats.PER)
    d_e, pos_e = rate_direction(count, population, england_rate, stats.PER)
    verdict = SUPPORTED if "higher" in (d_n, d_e) else NOT_SUPPORTED
    reason = (
        f"Allowing for its child population, the rate is {_WORDS[d_n]} the neighbours' average and "
        f"{_WORDS[d_e]} England's."
    )
    return _claim(
        "numbers_higher",
        la,
        measure=measure,
        value=f"{la_rate:.0f} per 10,000",
        comparators=f"neighbours' average {neighbours_rate:.1f}; England {england_rate:.0f}",
        test=f"funnel plot, {LEVEL} Poisson limits: {pos_n} around the neighbours' average, {pos_e} around England's",
        verdict=verdict,
        reason=reason,
    )


def _share_check(slug: str, la: str, year: int, measure: str, count, total, england_pct, neighbours_pct) -> Claim:
    """The two published-share claims: supported when the share is significantly higher than England's or
    the neighbours' average (exact binomial at :data:`ALPHA`) and significantly lower than neither."""
    if _missing(count, total, england_pct, neighbours_pct) or not total:
        return _claim(
            slug,
            la,
            measure=measure,
            value="not published",
            comparators="not published",
            test="exact binomial test",
            verdict=CANNOT_TELL,
            reason=f"DfE's figures for {year} are not all published.",
        )
    value = text.pct(100.0 * count / total, 1)
    d_e, p_e = share_direction(count, total, england_pct)
    d_n, p_n = share_direction(count, total, neighbours_pct)
    ok = "higher" in (d_e, d_n) and "lower" not in (d_e, d_n)
    return _claim(
        slug,
        la,
        measure=measure,
        value=value,
        comparators=f"England {text.pct(england_pct, 1)}; neighbours' average {text.pct(neighbours_pct, 1)}",
        test=(
            f"exact binomial test, {LEVEL}: {_WORDS[d_e]} England ({text.p_value(p_e)}), {_WORDS[d_n]} the "
            f"neighbours' average ({text.p_value(p_n)})"
        ),
        verdict=SUPPORTED if ok else NOT_SUPPORTED,
        reason=f"The share ({value}) is {_WORDS[d_e]} England's and {_WORDS[d_n]} the neighbours' average.",
    )


def check_foster_share(
    la: str, year: int, count: float, total: float, england_pct: float, neighbours_pct: float
) -> Claim:
    """Claim 1.2: the authority does well on the share of children placed with foster carers.

    Supported when the share is significantly higher than England's or the
    neighbours' average and significantly lower than neither; not supported
    otherwise (in line with both is not "doing well").
    """
    return _share_check(
        "foster_share",
        la,
        year,
        f"Share of children looked after at 31 March {year} in foster placements (DfE)",
        count,
        total,
        england_pct,
        neighbours_pct,
    )


def check_too_many_agency(
    la: str, year: int, count: float, total: float, england_pct: float, neighbours_pct: float
) -> Claim:
    """Claim 1.2: too many children placed with agency (IFA) carers.

    DfE does not publish foster placements by provider for each authority, so
    the test uses the published share of children placed with private or
    voluntary providers (IFAs, and also private children's homes). Supported
    when it is significantly higher than England's or the neighbours' average
    and lower than neither.
    """
    return _share_check(
        "too_many_agency",
        la,
        year,
        f"Share of children looked after at 31 March {year} placed with private or voluntary "
        "providers (IFAs and private children's homes; DfE)",
        count,
        total,
        england_pct,
        neighbours_pct,
    )


def check_agency_further(
    la: str,
    year: int,
    ifa_far,
    ifa_total,
    inhouse_far,
    inhouse_total,
    *,
    synthetic: bool,
    published_pct: float | None = None,
    england_pct: float | None = None,
) -> Claim:
    """Claim 1.2: agency (IFA) carers live further away than in-house carers.

    Needs child-level data: the share of children with IFA carers placed more
    than 20 miles from home against the share with in-house carers (of all
    children with those carers at 31 March, as the placements chapter's key
    figures), Fisher's exact test. Supported when the IFA share is significantly
    higher; not supported otherwise. Cannot tell when the child-level data are
    SYNTHETIC, a count is suppressed (``None``) or a group has no children.
    The published share of all children placed over 20 miles (real) is quoted
    as context in the comparators.
    """
    measure = f"Children with IFA vs in-house foster carers placed more than 20 miles from home, 31 March {year}"
    context = ""
    if not _missing(published_pct, england_pct):
        context = (
            f"; all placements (DfE, real): {text.pct(published_pct, 1)} against England's {text.pct(england_pct, 1)}"
        )
    if _missing(ifa_far, ifa_total, inhouse_far, inhouse_total) or not ifa_total or not inhouse_total:
        return _claim(
            "agency_further",
            la,
            measure=measure,
            value="suppressed or no children",
            comparators="in-house carers" + context,
            test=f"Fisher's exact test, {LEVEL}",
            verdict=CANNOT_TELL,
            reason="Too few children (or distances not recorded) to compare IFA and in-house placements.",
        )
    ifa, own = 100.0 * ifa_far / ifa_total, 100.0 * inhouse_far / inhouse_total
    p = stats.fisher_p(ifa_far, ifa_total, inhouse_far, inhouse_total)
    higher = p < ALPHA and ifa > own
    words = "significantly more often" if higher else ("significantly less often" if p < ALPHA else "about as often")
    test = (
        f"Fisher's exact test, {LEVEL}: IFA placements are over 20 miles {words} than in-house ones ({text.p_value(p)})"
    )
    if synthetic:
        return _claim(
            "agency_further",
            la,
            measure=measure,
            value=f"IFA {text.pct(ifa)} (SYNTHETIC)",
            comparators=f"in-house {text.pct(own)} (SYNTHETIC){context}",
            test=test,
            verdict=CANNOT_TELL,
            reason="Published figures do not split distance by provider, and the child-level data loaded are "
            "SYNTHETIC; run the report on the council's own SSDA903 returns to test this.",
        )
    return _claim(
        "agency_further",
        la,
        measure=measure,
        value=f"IFA {text.pct(ifa)}",
        comparators=f"in-house {text.pct(own)}{context}",
        test=test,
        verdict=SUPPORTED if higher else NOT_SUPPORTED,
        reason=f"Children with IFA carers are placed over 20 miles from home {words} than children with "
        "the council's own carers.",
    )


def check_agency_costly(la: str, costs: Costs) -> Claim:
    """Claim 1.2: agency carers cost more per week than in-house carers.

    Uses the paper file's weekly unit costs. Supported when the IFA cost is
    higher even at the ends of the sensitivity range (IFA cost lowered and
    in-house cost raised by ``costs.sensitivity``); not supported when it is
    not; cannot tell when either figure is an assumption rather than a cited
    source.
    """
    ifa, own, s = costs.ifa_fostering, costs.in_house_fostering, costs.sensitivity
    measure = f"Weekly unit cost of a foster placement, pounds at {costs.price_year} prices (paper file)"
    value = f"IFA {text.pounds(ifa.weekly)} a week"
    comparators = f"in-house {text.pounds(own.weekly)} a week"
    low_ifa, high_own = ifa.weekly * (1 - s), own.weekly * (1 + s)
    test = (
        f"IFA cost above in-house cost even with IFA {text.share(s)} lower and in-house {text.share(s)} higher "
        f"({text.pounds(low_ifa)} against {text.pounds(high_own)})"
    )
    assumed = [c for c in (ifa, own) if c.source.lower().startswith("assumption")]
    if assumed:
        return _claim(
            "agency_costly",
            la,
            measure=measure,
            value=value,
            comparators=comparators,
            test=test,
            verdict=CANNOT_TELL,
            reason="At least one of the two unit costs in the paper file is an assumption, not a cited figure.",
        )
    ok = low_ifa > high_own
    ratio = ifa.weekly / own.weekly if own.weekly else float("inf")
    reason = (
        f"An IFA placement costs {ratio:.1f} times an in-house one at the paper file's unit costs, and more even "
        "at the ends of the sensitivity range (like-for-like, the gap is narrower: agency fees include support "
        "the council pays for separately)."
        if ok
        else "At the ends of the sensitivity range an IFA placement is not clearly more costly than an in-house one."
    )
    return _claim(
        "agency_costly",
        la,
        measure=measure,
        value=value,
        comparators=comparators,
        test=test,
        verdict=SUPPORTED if ok else NOT_SUPPORTED,
        reason=reason,
    )


def check_permanence_slow(
    la: str,
    years: list[int],
    exits: float,
    looked_after: float,
    england_rate: float,
    neighbours_rate: float,
    *,
    paper_year: int | None = None,
) -> Claim:
    """Claim 2.2: children are not progressing to permanence as quickly as they might.

    Published measure: children who left care during the year to adoption, a
    special guardianship order, a child arrangements order or a return home,
    per 100 children looked after at 31 March, pooled over ``years`` (up to the
    last three years to the paper's year in which DfE published all four
    routes for the authority). By Little's law the time children spend in care
    before permanence is inversely proportional to this ratio, so a
    significantly lower ratio than comparators means slower progress.
    Supported when it is below the Poisson limit (at :data:`ALPHA`) around England's or the
    neighbours' average and above neither; not supported otherwise; cannot tell
    when no year has all four routes published.
    """
    last = paper_year or (max(years) if years else 0)
    if not years or _missing(exits, looked_after, england_rate, neighbours_rate) or not looked_after:
        return _claim(
            "permanence_slow",
            la,
            measure="Children leaving care to adoption, special guardianship, a child arrangements order or "
            "home, per 100 looked after at 31 March (DfE)",
            value="not published",
            comparators="not published",
            test=f"Poisson limits ({LEVEL})",
            verdict=CANNOT_TELL,
            reason=f"DfE did not publish all four routes out of care for {la} in the three years to {last}.",
        )
    measure = (
        f"Children leaving care to adoption, special guardianship, a child arrangements order or home in "
        f"{text.periods(years)}, per 100 looked after at 31 March (DfE)"
    )
    d_e, pos_e = rate_direction(exits, looked_after, england_rate, 100)
    d_n, pos_n = rate_direction(exits, looked_after, neighbours_rate, 100)
    value = f"{100.0 * exits / looked_after:.1f} per 100"
    ok = "lower" in (d_e, d_n) and "higher" not in (d_e, d_n)
    note = ""
    missing = [y for y in range(last - 2, last + 1) if y not in years]
    if missing:
        note = (
            f" DfE's figures for {la}'s routes out of care in {text.periods(missing)} are not published or are "
            f"suppressed, so the test uses {text.periods(years)}."
        )
    reason = (
        f"Children leave care to a permanent home at a rate {_WORDS[d_e]} England's and {_WORDS[d_n]} the "
        f"neighbours' average.{note}"
    )
    return _claim(
        "permanence_slow",
        la,
        measure=measure,
        value=value,
        comparators=f"England {england_rate:.1f}; neighbours' average {neighbours_rate:.1f}",
        test=f"Poisson limits, {LEVEL}: {pos_e} around England's ratio, {pos_n} around the neighbours' average",
        verdict=SUPPORTED if ok else NOT_SUPPORTED,
        reason=reason,
    )


def check_recruitment_improved(la: str, current_year: int, current, previous_year: int, previous) -> Claim:
    """Claim 2.3: foster carer recruitment in the current year significantly improved on previous years.

    Ofsted's approvals of fostering households by the council's own fostering
    service in the paper's current year against the year before, compared as
    two Poisson counts (conditional binomial test at :data:`ALPHA`). Supported when the
    current year's approvals are significantly higher; not supported
    otherwise; cannot tell when either year is not in the data.
    """
    measure = "Fostering households approved by the council's own fostering service in the year (Ofsted)"
    if _missing(current, previous):
        have = [text.period(y) for y, v in ((current_year, current), (previous_year, previous)) if not _missing(v)]
        missing = [text.period(y) for y, v in ((current_year, current), (previous_year, previous)) if _missing(v)]
        return _claim(
            "recruitment_improved",
            la,
            measure=measure,
            value=f"{current:,.0f} in {text.period(current_year)}" if not _missing(current) else "not in the data",
            comparators=(
                f"{previous:,.0f} in {text.period(previous_year)}"
                if not _missing(previous)
                else f"{text.period(previous_year)}: not in the data"
            ),
            test=f"conditional binomial test of two counts, {LEVEL}",
            verdict=CANNOT_TELL,
            reason=(
                f"Ofsted's local-authority figures in the data cover {', '.join(have) or 'no year'}; "
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not available, so the "
                "change cannot be measured."
            ),
        )
    a, b = int(round(current)), int(round(previous))
    p = stats.poisson_counts_p(a, b)
    up = a > b and p < ALPHA
    words = (
        "significantly more than"
        if up
        else ("significantly fewer than" if (a < b and p < ALPHA) else "not significantly different from")
    )
    return _claim(
        "recruitment_improved",
        la,
        measure=measure,
        value=f"{a:,} in {text.period(current_year)}",
        comparators=f"{b:,} in {text.period(previous_year)}",
        test=f"conditional binomial test of two counts, {LEVEL}: {words} ({text.p_value(p)}); Ofsted rounds to 5",
        verdict=SUPPORTED if up else NOT_SUPPORTED,
        reason=f"Approvals in {text.period(current_year)} were {words} in {text.period(previous_year)}.",
    )


# --------------------------------------------------------------------------- gathering the inputs for a paper


def _value(table: pd.DataFrame, code: str | None, measure: str, year: int, level: str = "Local authority") -> float:
    rows = table[(table["measure"] == measure) & (table["year"] == year) & (table["geographic_level"] == level)]
    if code is not None:
        rows = rows[rows["old_la_code"] == code]
    return float(rows["value"].iloc[0]) if len(rows) and not pd.isna(rows["value"].iloc[0]) else float("nan")


#: The published exits that count as permanence.
PERMANENCE_EXITS = ("ceased_adopted", "ceased_sgo", "ceased_cao", "ceased_returned_home")


def permanence_ratio(
    table: pd.DataFrame, code: str | None, year: int, level: str = "Local authority"
) -> tuple[float, float]:
    """(exits to permanence in the year, children looked after at 31 March) for one area; NaN where not published."""
    exits = [_value(table, code, m, year, level) for m in PERMANENCE_EXITS]
    total = float(sum(exits)) if not any(math.isnan(e) for e in exits) else float("nan")
    return total, _value(table, code, "cla_31_march", year, level)


def pooled_permanence(
    table: pd.DataFrame, code: str | None, years: list[int], level: str = "Local authority"
) -> tuple[float, float]:
    """:func:`permanence_ratio` summed over ``years`` (NaN if any year is not published)."""
    pairs = [permanence_ratio(table, code, y, level) for y in years]
    if not pairs or any(math.isnan(e) or math.isnan(n) for e, n in pairs):
        return float("nan"), float("nan")
    return float(sum(e for e, _ in pairs)), float(sum(n for _, n in pairs))


def permanence_years(table: pd.DataFrame, code: str, year: int, window: int = 3) -> list[int]:
    """The years of the ``window`` to ``year`` in which DfE published all four permanence routes for the authority."""
    return [y for y in range(year - window + 1, year + 1) if not math.isnan(permanence_ratio(table, code, y)[0])]


def _neighbours_ratio(ctx: Context, years: list[int]) -> float:
    ratios = []
    for code in ctx.neighbour_codes:
        e, n = pooled_permanence(ctx.table, code, years)
        if not math.isnan(e) and n > 0:
            ratios.append(100.0 * e / n)
    return float(np.mean(ratios)) if ratios else float("nan")


def _numbers_claim(ctx: Context) -> Claim:
    """Claim 1.1 from the care numbers chapter's funnel plot."""
    from analysis.chapters import care_numbers as cn

    fn = cn.funnel(ctx)
    me = fn.points.set_index("old_la_code").loc[ctx.la.old_la_code]
    return check_numbers_higher(
        ctx.la.la_name, ctx.year, me["count"], me["population"], me["rate"], fn.target_rate, fn.neighbour_target_rate
    )


def _share_claims(ctx: Context, pub) -> list[Claim]:
    """Claims 1.2 on the foster and private or voluntary shares, from the placements chapter's published shares."""
    from analysis.chapters import placements as pl

    la, y = ctx.la.la_name, ctx.year
    total = _value(ctx.table, ctx.la.old_la_code, "cla_31_march", y)

    def share_inputs(indicator: str) -> tuple[float, float, float, float]:
        v = [pl.published_value(pub, indicator, y, area) for area in ("la", "england", "neighbours")]
        v = [float("nan") if isinstance(x, str) else x for x in v]
        return v[0] / 100.0 * total, total, v[1], v[2]

    return [
        check_foster_share(la, y, *share_inputs("foster")),
        check_too_many_agency(la, y, *share_inputs("private_voluntary")),
    ]


def _distance_claim(ctx: Context, data, pub) -> Claim:
    """Claim 1.2 on distance: the placements chapter's stock table of child-level data (when given)."""
    from analysis.chapters import placements as pl

    la, y = ctx.la.la_name, ctx.year
    far = [pl.published_value(pub, "over_20_miles", y, a) for a in ("la", "england")]
    far = [None if isinstance(x, str) else x for x in far]
    if data is None:
        return check_agency_further(
            la, y, None, None, None, None, synthetic=False, published_pct=far[0], england_pct=far[1]
        )
    h = pl.histories(ctx, data)
    sup = pl.stock_table(h)

    def cell(row, col):
        return None if sup.mask.loc[row, col] else float(sup.values.loc[row, col])

    counts = {row: (cell(row, pl.DISTANCE[1]), cell(row, h.year)) for row in ("IFA fostering", "in-house fostering")}
    return check_agency_further(
        la,
        h.year,
        *counts["IFA fostering"],
        *counts["in-house fostering"],
        synthetic=h.synthetic,
        published_pct=far[0],
        england_pct=far[1],
    )


def _permanence_claim(ctx: Context) -> Claim:
    """Claim 2.2 from DfE's published routes out of care, pooled over the years published."""
    t, code, y = ctx.table, ctx.la.old_la_code, ctx.year
    years = permanence_years(t, code, y)
    exits, cla = pooled_permanence(t, code, years)
    e_exits, e_cla = pooled_permanence(t, None, years, "National")
    return check_permanence_slow(
        ctx.la.la_name,
        years,
        exits,
        cla,
        100.0 * e_exits / e_cla if e_cla else float("nan"),
        _neighbours_ratio(ctx, years),
        paper_year=y,
    )


def _recruitment_claim(ctx: Context) -> Claim:
    """Claim 2.3 from the recruitment chapter's Ofsted approvals in the paper's current year and the one before."""
    from analysis.chapters import recruitment as rc

    cur = rc.current_year(ctx)
    of = rc.ofsted(ctx)
    la_rows = of[(of["area"] == "la") & (of["measure"] == "fostering_approvals")].set_index("year")["value"]
    get = lambda yr: float(la_rows.get(yr, float("nan")))  # noqa: E731
    return check_recruitment_improved(ctx.la.la_name, cur, get(cur), cur - 1, get(cur - 1))


def check_all(ctx: Context, data=None) -> list[Claim]:
    """Every claim checked for a paper, in the paper's order.

    The inputs come from the other chapters' public results (one way to
    compute each number): the care numbers funnel, the placements chapter's
    published shares and stock table, the paper file's unit costs, DfE's
    routes out of care and the recruitment chapter's Ofsted figures.

    Parameters
    ----------
    ctx : analysis.report.context.Context
    data : analysis.sources.ssda903.context.ChildData, optional
        The paper's child-level data; without it the distance claim cannot be tested.
    """
    from analysis.chapters import placements as pl

    pub = pl.published_shares(ctx)
    return [
        _numbers_claim(ctx),
        *_share_claims(ctx, pub),
        _distance_claim(ctx, data, pub),
        check_agency_costly(ctx.la.la_name, ctx.paper.costs),
        _permanence_claim(ctx),
        _recruitment_claim(ctx),
    ]


@dataclass(frozen=True)
class Checked:
    """Every claim checked for one paper: what the chapter's page shows.

    Attributes
    ----------
    claims : tuple of Claim
        In the paper's order.
    la_name : str
        The authority.
    year : int
        The paper's year (ending 31 March).
    chapters : tuple of str, optional
        The paper's chapters: the claims link only to these (None links to every claim's chapter).
    """

    claims: tuple[Claim, ...]
    la_name: str
    year: int
    chapters: tuple[str, ...] | None = None


def compute(ctx: Context, data=None) -> Checked:
    """The chapter's one call: :func:`check_all` for a paper, with what the page functions need."""
    return Checked(
        claims=tuple(check_all(ctx, data)),
        la_name=ctx.la.la_name,
        year=ctx.year,
        chapters=tuple(ctx.paper.chapters),
    )
