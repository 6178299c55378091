"""Claim 2.2, "children in care are not progressing to permanent outcomes as quickly as they might",
checked on the right evidence: the council's own SSDA903 returns.

The published routes out of care (the shares of leavers adopted, on special guardianship or returned
home) say which routes an authority uses, not how fast children reach them, and a flow per child in
care read through Little's law needs a steady state the numbers do not have; so they are context on the
permanence page, never this verdict. The verdict comes from :func:`check_permanence`:

* no child-level returns: cannot tell (timeliness needs them);
* SYNTHETIC returns: cannot tell (a made-up history says nothing about the council's children);
* the council's returns: A1 for the three years to the paper's year against England's published average
  time from entering care to moving in with adopters, a one-sided one-sample t-test each way at level
  ``alpha`` (:mod:`analysis.chapters.permanence.timeliness` gives the test and why), with A2 against its
  121-day threshold, A1 against 426 days and the time to special guardianship as context. It cannot tell
  when the window is incomplete (entry to care observed for fewer than 95% of its children), when 1 to 5
  children are behind A1, or when England's figure for the paper's year is not published.

The decision itself, from plain numbers, is :func:`permanence_verdict`.
"""

from __future__ import annotations

import math

from analysis.chapters.claims.verdicts import (
    CANNOT_TELL,
    CONTRADICTED,
    IN_LINE,
    SUPPORTED,
    Claim,
    make_claim,
)
from analysis.chapters.permanence.timeliness import cannot_tell_reason, permanence_verdict
from analysis.report import disclosure, text
from analysis.report.context import Context

SLUG = "permanence_slow"

#: What the comparators are, whatever the data.
COMPARATORS = (
    "England's published average time from entering care to moving in with the adoptive family (DfE); "
    "DfE's scorecard thresholds (A1 426 days, A2 121 days)"
)

#: Why the published routes out of care are not the test.
CONTEXT_NOTE = "the published routes out of care are context, not a test of speed"


def _measure(year: int) -> str:
    return (
        f"A1: average days from entering care to moving in with the adoptive family, children adopted in the "
        f"three years to March {year} (the council's SSDA903 returns)"
    )


def _test_words(level: str, note: str = "") -> str:
    base = f"One-sided one-sample t-test of the children's days against England's average, {level} level"
    return f"{base} ({note})" if note else base


def _not_run(ctx: Context, level: str, value: str, note: str, reason: str) -> Claim:
    return make_claim(
        SLUG,
        ctx.la.la_name,
        measure=_measure(ctx.year),
        value=value,
        comparators=COMPARATORS,
        test=_test_words(level, note),
        verdict=CANNOT_TELL,
        reason=reason,
    )


def check_permanence(ctx: Context, data, alpha: float = 0.05) -> Claim:
    """Claim 2.2 ("permanence_slow") from the council's SSDA903 returns (see the module docstring).

    Parameters
    ----------
    ctx : analysis.report.context.Context
    data : analysis.sources.ssda903.context.ChildData or None
        The paper's child-level returns; None when the paper loads none.
    alpha : float
        Significance level of each one-sided test (0.05: 95%).
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (got {alpha})")
    level = text.confidence(alpha)
    if data is None:
        return _not_run(
            ctx,
            level,
            "no child-level returns loaded",
            "not run: no child-level returns",
            "How quickly children reach adoption or special guardianship needs the council's SSDA903 returns, "
            f"which this paper does not load; {CONTEXT_NOTE}.",
        )
    if data.synthetic:
        return _not_run(
            ctx,
            level,
            "SYNTHETIC returns loaded: no finding about the council's children",
            "not run: the returns are SYNTHETIC",
            "The child-level returns loaded are SYNTHETIC (a made-up history, no real children), so they cannot "
            f"show how quickly the council's children reach permanence; run the report on the council's own "
            f"SSDA903 returns ({CONTEXT_NOTE}).",
        )
    from analysis.chapters.permanence.timeliness import adoption_timeliness

    return _real_claim(ctx, adoption_timeliness(ctx, data), alpha, level)


def _real_claim(ctx: Context, t, alpha: float, level: str) -> Claim:
    """The claim from the council's returns (``t``: their :class:`Timeliness`)."""
    a1, a2, sgo, eng = t.a1_england, t.a2_threshold, t.sgo, t.england
    a1_text = text.number(a1.mean, missing=disclosure.MARKER) if t.completeness.complete else "incomplete"
    value = f"A1 {a1_text} days"
    if not math.isnan(a2.mean):
        value += f"; A2 {a2.mean:,.0f} days"
    if sgo.shown:
        value += f"; special guardianship {sgo.mean_days:,.0f} days after entering care"
    comparators = COMPARATORS
    if eng.published:
        comparators = (
            f"England {eng.days:,.0f} days ({eng.months:.1f} months, {text.periods(eng.years)}, DfE); "
            "thresholds A1 426 days, A2 121 days"
        )
    verdict = permanence_verdict(a1.n, t.completeness.complete, eng.days, a1.p_slower, a1.p_faster, alpha)
    if verdict == CANNOT_TELL:
        reason = cannot_tell_reason(t) or f"The test could not be made for the three years to March {t.year}."
        return make_claim(
            SLUG,
            ctx.la.la_name,
            measure=_measure(t.year),
            value=value,
            comparators=comparators,
            test=_test_words(level, "not run"),
            verdict=CANNOT_TELL,
            reason=reason,
        )
    test = _test_words(
        level,
        f"slower than {a1.slower_than:,.0f} days, England plus half a month for rounding: "
        f"{text.p_value(a1.p_slower)}; faster than {a1.faster_than:,.0f} days: {text.p_value(a1.p_faster)}; "
        f"context, A1 over 426 days: {text.p_value(t.a1_threshold.p_slower)}",
    )
    words = {
        SUPPORTED: "significantly longer than",
        CONTRADICTED: "significantly shorter than",
        IN_LINE: "not significantly different from",
    }[verdict]
    reason = (
        f"Children adopted in the three years to March {t.year} waited on average {a1.mean:,.0f} days from "
        f"entering care to moving in with their adopters, {words} England's {eng.days:,.0f} days "
        f"(one-sided, {level} level)."
    )
    return make_claim(
        SLUG,
        ctx.la.la_name,
        measure=_measure(t.year),
        value=value,
        comparators=comparators,
        test=test,
        verdict=verdict,
        reason=reason,
    )
