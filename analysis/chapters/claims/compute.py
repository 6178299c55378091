"""The claims' numbers: each claim's verdict rule (pure ``check_<slug>``), the inputs gathered for a paper, the result.

See the package docstring (:mod:`analysis.chapters.claims`) for the verdicts and the tests behind them.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.chapters.claims.verdicts import (
    CANNOT_TELL,
    CONTRADICTED,
    IN_LINE,
    SUPPORTED,
    Claim,
    make_claim,
    missing,
)
from analysis.methods import stats
from analysis.paper import Costs
from analysis.report import text
from analysis.report.context import Context, neighbour_model_note

#: Significance level when a paper file does not set one (its ``significance_level`` 0.95).
DEFAULT_ALPHA = 0.05

_WORDS = {"higher": "significantly higher than", "lower": "significantly lower than", "in line": "in line with"}


def level(alpha: float) -> str:
    """The tests' confidence level as printed ("95%"), from the significance level ``alpha``."""
    return text.confidence(alpha)


def verdict(claimed: str, directions: list[str]) -> str:
    """The verdict from each comparator's direction (``"higher"``, ``"lower"``, ``"in line"``).

    ``claimed`` is the direction the paper claims. Supported when the value is
    significant in that direction against at least one comparator and in the
    opposite direction against none; contradicted when significant in the
    opposite direction against at least one and in the claimed direction
    against none; in line otherwise.
    """
    opposite = {"higher": "lower", "lower": "higher"}[claimed]
    if claimed in directions and opposite not in directions:
        return SUPPORTED
    if opposite in directions and claimed not in directions:
        return CONTRADICTED
    return IN_LINE


def direction(p_claimed: float, p_opposite: float, claimed: str, alpha: float) -> str:
    """``claimed``, its opposite or ``"in line"``: the p-values of two one-sided tests at ``alpha``, one each way."""
    if p_claimed < alpha:
        return claimed
    if p_opposite < alpha:
        return {"higher": "lower", "lower": "higher"}[claimed]
    return "in line"


def _alternatives(claimed: str) -> tuple[str, str]:
    return ("greater", "less") if claimed == "higher" else ("less", "greater")


def rate_direction(
    count: float, population: float, target: float, od, claimed: str, alpha: float, per: int = stats.PER
) -> tuple[str, stats.Test]:
    """Direction of a rate against ``target`` (one-sided tests at ``alpha``) and the test in the claimed direction."""
    alt, opp = _alternatives(claimed)
    t = stats.rate_test(count, population, target, od, alternative=alt, per=per)
    o = stats.rate_test(count, population, target, od, alternative=opp, per=per)
    return direction(t.p, o.p, claimed, alpha), t


def share_direction(
    successes: float, total: float, target_pct: float, od, claimed: str, alpha: float
) -> tuple[str, stats.Test]:
    """Direction of a share against ``target_pct`` (one-sided tests at ``alpha``) and the test in the claimed direction."""
    alt, opp = _alternatives(claimed)
    t = stats.share_test(successes, total, target_pct / 100.0, od, alternative=alt)
    o = stats.share_test(successes, total, target_pct / 100.0, od, alternative=opp)
    return direction(t.p, o.p, claimed, alpha), t


def _method(od) -> str:
    """The limits a test used, for the claims table."""
    if od is not None and od.overdispersed:
        return f"random-effects limits allowing for the spread between authorities (overdispersion factor {od.phi:.0f})"
    return "Poisson limits"


# --------------------------------------------------------------------------- the checks (pure)


def check_numbers_higher(
    la: str,
    year: int,
    count: float,
    population: float,
    la_rate: float,
    england_rate: float,
    neighbours_rate: float,
    od: stats.Overdispersion | None = None,
    alpha: float = DEFAULT_ALPHA,
) -> Claim:
    """Claim 1.1: children looked after per 10,000 significantly higher than comparable authorities.

    One-sided tests at ``alpha`` of the authority's rate against its statistical
    neighbours' average (the paper's comparator), with the random-effects
    limits when the rates are overdispersed (``od``), plain Poisson otherwise.
    England's rate is tested the same way and reported, but the verdict is the
    comparison the paper makes. Cannot tell when a figure is not published.
    """
    measure = f"Children looked after per 10,000 children aged under 18, 31 March {year} (DfE, published)"
    lv = level(alpha)
    if missing(count, population, england_rate, neighbours_rate):
        return make_claim(
            "numbers_higher",
            la,
            measure=measure,
            value="not published",
            comparators="not published",
            test=f"one-sided funnel-plot test, {lv}",
            verdict=CANNOT_TELL,
            reason=f"DfE's figures for {year} are not all published.",
        )
    d_n, t_n = rate_direction(count, population, neighbours_rate, od, "higher", alpha)
    d_e, t_e = rate_direction(count, population, england_rate, od, "higher", alpha)
    result = verdict("higher", [d_n])
    return make_claim(
        "numbers_higher",
        la,
        measure=measure,
        value=f"{text.rate(la_rate)} per 10,000",
        comparators=f"neighbours' average {text.rate(neighbours_rate, 1)}; England {text.rate(england_rate)}",
        test=(
            f"one-sided test at {lv} on the funnel plot's {_method(od)}: against the neighbours' average "
            f"{text.p_value(t_n.p)}, against England {text.p_value(t_e.p)}"
        ),
        verdict=result,
        reason=(
            f"Allowing for its child population and the spread between authorities, the rate is {_WORDS[d_n]} "
            f"the neighbours' average and {_WORDS[d_e]} England's."
        ),
    )


def check_numbers_rising(
    la: str,
    first: int,
    last: int,
    la_change_pct: float,
    neighbour_change_pct: float,
    test: stats.Test | None,
    opposite_p: float | None = None,
    alpha: float = DEFAULT_ALPHA,
) -> Claim:
    """Claim 1.1 read as a trend: the rate has risen faster than comparable authorities' over ``first`` to ``last``.

    ``test`` is the one-sided test of the authority's rate ratio against the
    neighbours' mean rate ratio allowing for overdispersion
    (:func:`analysis.chapters.care_numbers.change`); ``opposite_p`` the p-value
    of the other direction (``1 - test.p`` for a z-test). Cannot tell when a
    year is not published.
    """
    measure = f"Change in children looked after per 10,000, 31 March {first} to {last} (DfE, published)"
    lv = level(alpha)
    if test is None or missing(la_change_pct, neighbour_change_pct):
        return make_claim(
            "numbers_rising",
            la,
            measure=measure,
            value="not published",
            comparators="not published",
            test=f"one-sided test of rate ratios, {lv}",
            verdict=CANNOT_TELL,
            reason=f"DfE's figures for {first} and {last} are not all published for {la} and its neighbours.",
        )
    opposite_p = 1.0 - test.p if opposite_p is None else opposite_p
    d = direction(test.p, opposite_p, "higher", alpha)
    words = {
        "higher": "significantly faster than",
        "lower": "significantly slower than",
        "in line": "not significantly different from",
    }
    return make_claim(
        "numbers_rising",
        la,
        measure=measure,
        value=text.change_pct(la_change_pct),
        comparators=f"neighbours' average {text.change_pct(neighbour_change_pct)}",
        test=(
            f"one-sided test at {lv} of the rate ratio against the neighbours' mean rate ratio, allowing for the "
            f"spread between authorities' changes ({text.p_value(test.p)})"
        ),
        verdict=verdict("higher", [d]),
        reason=(
            f"From {first} to {last} the rate changed by {text.change_pct(la_change_pct)} against "
            f"{text.change_pct(neighbour_change_pct)} for the neighbours' average: {words[d]} theirs."
        ),
    )


def _share_check(
    slug: str,
    la: str,
    year: int,
    measure: str,
    count,
    total,
    england_pct,
    neighbours_pct,
    od: stats.Overdispersion | None,
    alpha: float,
    claimed: str,
) -> Claim:
    """The two published-share claims: one-sided tests at ``alpha`` against England's share and the neighbours'
    average, allowing for the spread between authorities (``od``); see :func:`verdict`."""
    lv = level(alpha)
    if missing(count, total, england_pct, neighbours_pct) or not total:
        return make_claim(
            slug,
            la,
            measure=measure,
            value="not published",
            comparators="not published",
            test=f"one-sided test of a share, {lv}",
            verdict=CANNOT_TELL,
            reason=f"DfE's figures for {year} are not all published.",
        )
    value = text.pct(100.0 * count / total, 1)
    d_e, t_e = share_direction(count, total, england_pct, od, claimed, alpha)
    d_n, t_n = share_direction(count, total, neighbours_pct, od, claimed, alpha)
    how = (
        f"z-test on the arcsine scale allowing for the spread between authorities (overdispersion factor {od.phi:.0f})"
        if od is not None and od.overdispersed
        else "exact binomial test"
    )
    return make_claim(
        slug,
        la,
        measure=measure,
        value=value,
        comparators=f"England {text.pct(england_pct, 1)}; neighbours' average {text.pct(neighbours_pct, 1)}",
        test=(
            f"one-sided {how}, {lv}: against England {text.p_value(t_e.p)}, against the neighbours' average "
            f"{text.p_value(t_n.p)}"
        ),
        verdict=verdict(claimed, [d_e, d_n]),
        reason=f"The share ({value}) is {_WORDS[d_e]} England's and {_WORDS[d_n]} the neighbours' average.",
    )


def check_foster_share(
    la: str,
    year: int,
    count: float,
    total: float,
    england_pct: float,
    neighbours_pct: float,
    od: stats.Overdispersion | None = None,
    alpha: float = DEFAULT_ALPHA,
) -> Claim:
    """Claim 1.2: the authority does well on the share of children placed with foster carers (claimed: higher)."""
    return _share_check(
        "foster_share",
        la,
        year,
        f"Share of children looked after at 31 March {year} in foster placements (DfE, published)",
        count,
        total,
        england_pct,
        neighbours_pct,
        od,
        alpha,
        "higher",
    )


def check_too_many_agency(
    la: str,
    year: int,
    count: float,
    total: float,
    england_pct: float,
    neighbours_pct: float,
    od: stats.Overdispersion | None = None,
    alpha: float = DEFAULT_ALPHA,
) -> Claim:
    """Claim 1.2: too many children placed with agency (IFA) carers (claimed: higher).

    DfE does not publish foster placements by provider for each authority, so
    the test uses the published share of children placed with private or
    voluntary providers (IFAs, and also private children's homes).
    """
    return _share_check(
        "too_many_agency",
        la,
        year,
        f"Share of children looked after at 31 March {year} placed with private or voluntary "
        "providers (IFAs and private children's homes; DfE, published)",
        count,
        total,
        england_pct,
        neighbours_pct,
        od,
        alpha,
        "higher",
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
    alpha: float = DEFAULT_ALPHA,
) -> Claim:
    """Claim 1.2: agency (IFA) carers live further away than in-house carers (claimed: higher share far away).

    Needs child-level data: the share of children with IFA carers placed more
    than 20 miles from home against the share with in-house carers (children
    with those carers at 31 March), one-sided Fisher's exact tests at ``alpha``.
    Cannot tell when the child-level data are SYNTHETIC, a count is suppressed
    (``None``) or a group has no children. The published share of all children
    placed over 20 miles (real) is quoted as context in the comparators.
    """
    measure = f"Children with IFA vs in-house foster carers placed more than 20 miles from home, 31 March {year}"
    lv = level(alpha)
    context = ""
    if not missing(published_pct, england_pct):
        context = (
            f"; all placements (DfE, published): {text.pct(published_pct, 1)} against England's "
            f"{text.pct(england_pct, 1)}"
        )
    if missing(ifa_far, ifa_total, inhouse_far, inhouse_total) or not ifa_total or not inhouse_total:
        return make_claim(
            "agency_further",
            la,
            measure=measure,
            value="suppressed or no children",
            comparators="in-house carers" + context,
            test=f"one-sided Fisher's exact test, {lv}",
            verdict=CANNOT_TELL,
            reason="Too few children (or distances not recorded) to compare IFA and in-house placements.",
        )
    ifa, own = 100.0 * ifa_far / ifa_total, 100.0 * inhouse_far / inhouse_total
    p_more = stats.fisher_p(ifa_far, ifa_total, inhouse_far, inhouse_total, alternative="greater")
    p_less = stats.fisher_p(ifa_far, ifa_total, inhouse_far, inhouse_total, alternative="less")
    d = direction(p_more, p_less, "higher", alpha)
    words = {"higher": "significantly more often", "lower": "significantly less often", "in line": "about as often"}
    test = (
        f"one-sided Fisher's exact test, {lv}: IFA placements are over 20 miles {words[d]} than in-house ones "
        f"({text.p_value(p_more)})"
    )
    if synthetic:
        return make_claim(
            "agency_further",
            la,
            measure=measure,
            value=f"IFA {text.pct(ifa)} (SYNTHETIC)",
            comparators=f"in-house {text.pct(own)} (SYNTHETIC){context}",
            test=test + " on SYNTHETIC data",
            verdict=CANNOT_TELL,
            reason="Published figures do not split distance by provider, and the child-level data loaded are "
            "SYNTHETIC; run the report on the council's own SSDA903 returns to test this.",
        )
    return make_claim(
        "agency_further",
        la,
        measure=measure + " (the council's SSDA903 returns)",
        value=f"IFA {text.pct(ifa)}",
        comparators=f"in-house {text.pct(own)}{context}",
        test=test,
        verdict=verdict("higher", [d]),
        reason=f"Children with IFA carers are placed over 20 miles from home {words[d]} than children with "
        "the council's own carers.",
    )


def cost_basis(la: str, source: str) -> str:
    """Where a unit cost comes from, in words: the council's own figures, an assumption, or national figures."""
    if source.lower().startswith("assumption"):
        return "an assumption"
    if la.lower() in source.lower() or "council's own" in source.lower():
        return f"{la}'s own unit costs"
    return "national unit costs"


def check_agency_costly(la: str, costs: Costs) -> Claim:
    """Claim 1.2: agency carers cost more per week than in-house carers.

    Uses the paper file's weekly unit costs, and says whether they are the
    council's own or national figures. Supported when the IFA cost is higher
    even at the ends of the sensitivity range (IFA cost lowered and in-house
    cost raised by ``costs.sensitivity``); contradicted when it is lower even
    the other way round; in line otherwise; cannot tell when either figure is
    an assumption rather than a cited source.
    """
    ifa, own, s = costs.ifa_fostering, costs.in_house_fostering, costs.sensitivity
    b_ifa, b_own = cost_basis(la, ifa.source), cost_basis(la, own.source)
    bases = {b_ifa, b_own}
    basis = b_ifa if b_ifa == b_own else f"the IFA cost from {b_ifa} and the in-house cost from {b_own}"
    measure = f"Weekly unit cost of a foster placement, pounds at {costs.price_year} prices (paper file: {basis})"
    value = f"IFA {text.pounds(ifa.weekly)} a week"
    comparators = f"in-house {text.pounds(own.weekly)} a week"
    low_ifa, high_own = ifa.weekly * (1 - s), own.weekly * (1 + s)
    test = (
        f"IFA cost above in-house cost even with IFA {text.share(s)} lower and in-house {text.share(s)} higher "
        f"({text.pounds(low_ifa)} against {text.pounds(high_own)})"
    )
    if "an assumption" in bases:
        return make_claim(
            "agency_costly",
            la,
            measure=measure,
            value=value,
            comparators=comparators,
            test=test,
            verdict=CANNOT_TELL,
            reason="At least one of the two unit costs in the paper file is an assumption, not a cited figure.",
        )
    if low_ifa > high_own:
        result = SUPPORTED
        ratio = ifa.weekly / own.weekly if own.weekly else float("inf")
        reason = (
            f"At {basis}, an IFA placement costs {ratio:.1f} times an in-house one, and more even at the ends of "
            "the sensitivity range (like-for-like the gap is narrower: agency fees include support the council "
            "pays for separately)."
        )
    elif ifa.weekly * (1 + s) < own.weekly * (1 - s):
        result, reason = CONTRADICTED, f"At {basis}, an IFA placement costs less than an in-house one."
    else:
        result = IN_LINE
        reason = f"At {basis} and the ends of the sensitivity range, neither is clearly more costly."
    return make_claim(
        "agency_costly",
        la,
        measure=measure,
        value=value,
        comparators=comparators,
        test=test,
        verdict=result,
        reason=reason,
    )


def check_recruitment_improved(
    la: str,
    current_year: int,
    current,
    previous_year: int,
    previous,
    alpha: float = DEFAULT_ALPHA,
    available: list[int] | None = None,
) -> Claim:
    """Claim 2.3: foster carer recruitment in the current year significantly improved on previous years.

    Ofsted's approvals of fostering households by the council's own fostering
    service in the paper's current year against the year before, compared as
    two Poisson counts (one-sided conditional binomial tests at ``alpha``).
    Cannot tell when either year is not in the data; ``available`` (the years
    Ofsted's figures in the data cover) is then named in the reason.
    """
    measure = "Fostering households approved by the council's own fostering service in the year (Ofsted, published)"
    lv = level(alpha)
    if missing(current, previous):
        have = [text.period(y) for y, v in ((current_year, current), (previous_year, previous)) if not missing(v)]
        if available is not None:
            have = [text.period(y) for y in available]
        absent = [text.period(y) for y, v in ((current_year, current), (previous_year, previous)) if missing(v)]
        return make_claim(
            "recruitment_improved",
            la,
            measure=measure,
            value=f"{current:,.0f} in {text.period(current_year)}" if not missing(current) else "not in the data",
            comparators=(
                f"{previous:,.0f} in {text.period(previous_year)}"
                if not missing(previous)
                else f"{text.period(previous_year)}: not in the data"
            ),
            test=f"one-sided conditional binomial test of two counts, {lv}",
            verdict=CANNOT_TELL,
            reason=(
                f"Ofsted's local-authority figures in the data cover {text.series_text(have) or 'no year'}; "
                f"{' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} not available, so the "
                "change cannot be measured."
            ),
        )
    a, b = int(round(current)), int(round(previous))
    p_up = stats.poisson_counts_p(a, b, alternative="greater")
    p_down = stats.poisson_counts_p(a, b, alternative="less")
    d = direction(p_up, p_down, "higher", alpha)
    words = {
        "higher": "significantly more than",
        "lower": "significantly fewer than",
        "in line": "not significantly different from",
    }
    return make_claim(
        "recruitment_improved",
        la,
        measure=measure,
        value=f"{a:,} in {text.period(current_year)}",
        comparators=f"{b:,} in {text.period(previous_year)}",
        test=(
            f"one-sided conditional binomial test of two counts, {lv}: {words[d]} ({text.p_value(p_up)}); "
            "Ofsted rounds to 5"
        ),
        verdict=verdict("higher", [d]),
        reason=f"Approvals in {text.period(current_year)} were {words[d]} in {text.period(previous_year)}.",
    )


# --------------------------------------------------------------------------- gathering the inputs for a paper


def _numbers_claims(ctx: Context) -> list[Claim]:
    """Claim 1.1, level and trend, from the care numbers chapter's funnel plot and change."""
    from analysis.chapters import care_numbers as cn

    alpha = ctx.alpha
    fn = cn.funnel(ctx)
    me = fn.points.set_index("old_la_code").loc[ctx.la.old_la_code]
    trend = cn.trend(ctx)
    last = trend.set_index("year").loc[ctx.year]
    level_claim = check_numbers_higher(
        ctx.la.la_name,
        ctx.year,
        me["count"],
        me["population"],
        last["la_rate"],
        fn.target_rate,
        fn.neighbour_target_rate,
        fn.overdispersion,
        alpha,
    )
    ch = cn.change(ctx, trend_table=trend)
    trend_claim = check_numbers_rising(
        ctx.la.la_name, ch.first, ch.last, ch.la_change_pct, ch.neighbour_change_pct, ch.test, alpha=alpha
    )
    return [level_claim, trend_claim]


def _share_claims(ctx: Context, pub) -> list[Claim]:
    """Claims 1.2 on the foster and private or voluntary shares, from the placements chapter's published shares."""
    from analysis.chapters import placements as pl

    la, y, alpha = ctx.la.la_name, ctx.year, ctx.alpha
    out = []
    for indicator, check in (("foster", check_foster_share), ("private_voluntary", check_too_many_agency)):
        v = [pl.published_value(pub, indicator, y, area) for area in ("la", "england", "neighbours")]
        v = [float("nan") if isinstance(x, str) else x for x in v]
        spread = pl.authority_shares(ctx, indicator, y)
        od = stats.share_overdispersion(spread["successes"], spread["children"], v[1] / 100.0) if len(spread) else None
        mine = spread[spread["old_la_code"] == ctx.la.old_la_code]
        total = float(mine["children"].iloc[0]) if len(mine) else float("nan")
        out.append(check(la, y, v[0] / 100.0 * total, total, v[1], v[2], od, alpha))
    return out


def _distance_claim(ctx: Context, data, pub) -> Claim:
    """Claim 1.2 on distance: the placements chapter's stock table of child-level data (when given)."""
    from analysis.chapters import placements as pl

    la, y, alpha = ctx.la.la_name, ctx.year, ctx.alpha
    far = [pl.published_value(pub, "over_20_miles", y, a) for a in ("la", "england")]
    far = [None if isinstance(x, str) else x for x in far]
    if data is None:
        return check_agency_further(
            la, y, None, None, None, None, synthetic=False, published_pct=far[0], england_pct=far[1], alpha=alpha
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
        alpha=alpha,
    )


def _recruitment_claim(ctx: Context) -> Claim:
    """Claim 2.3 from the recruitment chapter's Ofsted approvals in the paper's current year and the one before."""
    from analysis.chapters import recruitment as rc

    cur = rc.current_year(ctx)
    of = rc.ofsted(ctx)
    la_rows = of[(of["area"] == "la") & (of["measure"] == "fostering_approvals")].set_index("year")["value"]
    get = lambda yr: float(la_rows.get(yr, float("nan")))  # noqa: E731
    return check_recruitment_improved(
        ctx.la.la_name, cur, get(cur), cur - 1, get(cur - 1), ctx.alpha, available=rc.ofsted_years(ctx)
    )


def check_all(ctx: Context, data=None) -> list[Claim]:
    """Every claim checked for a paper, in the paper's order.

    The inputs come from the other chapters' public results (one way to
    compute each number): the care numbers funnel and change, the placements
    chapter's published shares and stock table, the paper file's unit costs,
    the permanence chapter's timeliness measures and the recruitment chapter's
    Ofsted figures.

    Parameters
    ----------
    ctx : analysis.report.context.Context
    data : analysis.sources.ssda903.context.ChildData, optional
        The paper's child-level data; without it the distance and permanence claims cannot be tested.
    """
    from analysis.chapters import placements as pl
    from analysis.chapters.claims.permanence import check_permanence

    pub = pl.published_shares(ctx)
    return [
        *_numbers_claims(ctx),
        *_share_claims(ctx, pub),
        _distance_claim(ctx, data, pub),
        check_agency_costly(ctx.la.la_name, ctx.paper.costs),
        check_permanence(ctx, data, ctx.alpha),
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
    alpha : float
        The significance level of the tests.
    chapters : tuple of str, optional
        The paper's chapters: the claims link only to these (None links to every claim's chapter).
    neighbour_note : str, optional
        A sentence when the comparators are a neighbour model newer than the paper.
    """

    claims: tuple[Claim, ...]
    la_name: str
    year: int
    alpha: float = DEFAULT_ALPHA
    chapters: tuple[str, ...] | None = None
    neighbour_note: str | None = None


def compute(ctx: Context, data=None) -> Checked:
    """The chapter's one call: :func:`check_all` for a paper, with what the page functions need."""
    return Checked(
        claims=tuple(check_all(ctx, data)),
        la_name=ctx.la.la_name,
        year=ctx.year,
        alpha=ctx.alpha,
        chapters=tuple(ctx.paper.chapters),
        neighbour_note=neighbour_model_note(ctx),
    )
