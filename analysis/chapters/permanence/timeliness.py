"""Is adoption slower than England's? The test behind the permanence verdict, on the right evidence.

The claims chapter's verdict on "children are not progressing to permanent outcomes as quickly as they
might" and this chapter's hypothesis section both read :func:`adoption_timeliness`: one test, one answer.

What is compared
----------------
* **A1** (days from entering care to moving in with the adoptive family), children adopted in the three
  years ending 31 March of the paper's year, against **England's published average time from entering
  care to moving in with the adoptive family** (DfE ``adoption_months_care_to_placement``: the same two
  dates, England's children adopted in a year). England's figure for the window is the mean of its
  published yearly figures for the window's years; it must include the paper's own year, otherwise there
  is no comparator (DfE published these national figures from 2018 only).
* As context only (not the verdict): A1 and A2 against the scorecard thresholds (426 and 121 days; targets
  set in 2013 for 2016, a standard rather than what comparable children experience), and the time from
  entering care to a special guardianship order (:func:`.windows.sgo_time`). A2 runs from the placement
  order; England publishes no average from that date (its stage starts at the decision that the child
  should be adopted), so A2 has no England comparator.

The test
--------
The question is one-sided: is the authority's average **slower** than England's? The scorecard's A1 and
England's figure are both arithmetic means of days, so the test is of the arithmetic mean: a one-sample
t-test of the children's days against England's mean. A t-test on log days would test the geometric mean,
which for right-skewed waits lies below the arithmetic mean, biasing the verdict towards "faster". With a
three-year window of tens of children the mean is close to normal (central limit theorem); right skew
makes the "slower" tail of the t-test, if anything, conservative. England's figure is treated as fixed
(thousands of children a year) but it is published in whole months, so it is only known to within half a
month: "significantly slower" is tested against the top of that range (England + 0.5 month) and
"significantly faster" against the bottom (England - 0.5 month), each one-sided at level ``alpha``.

No test is made (the verdict cannot tell) when the window is incomplete (entry to care observed for fewer
than 95% of its children, :mod:`.windows`), when 1 to 5 children are behind the average, or when England's
figure for the paper's year is not published.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as st

from analysis.chapters.permanence.adoption import THRESHOLDS, adoption_records, window, window_completeness
from analysis.chapters.permanence.windows import Completeness, SgoTime, sgo_time
from analysis.methods import survival as S
from analysis.report import disclosure, text
from analysis.report.context import Context
from analysis.report.verdicts import CANNOT_TELL, CONTRADICTED, IN_LINE, SUPPORTED
from analysis.sources.ssda903.context import ChildData

#: England's published measure with A1's two dates: entering care to moving in with the adoptive family.
ENGLAND_A1 = "adoption_months_care_to_placement"

#: England's figures are published in whole months: known to within this many months either way.
ROUNDING_MONTHS = 0.5


@dataclass(frozen=True)
class EnglandAverage:
    """England's published average for a three-year window (mean of its yearly figures), in months and days."""

    measure: str
    window_end: int
    years: tuple[int, ...]  # the window's years with a published figure (empty when the last year has none)
    months: float  # NaN when England's figure for the window's last year is not published

    @property
    def published(self) -> bool:
        """True when there is a figure for the window (its last year published)."""
        return not math.isnan(self.months)

    @property
    def days(self) -> float:
        """The average in days (30.44 a month)."""
        return self.months * S.DAYS_PER_MONTH

    @property
    def low_days(self) -> float:
        """The bottom of the range the rounded figure allows (half a month below)."""
        return (self.months - ROUNDING_MONTHS) * S.DAYS_PER_MONTH

    @property
    def high_days(self) -> float:
        """The top of the range the rounded figure allows (half a month above)."""
        return (self.months + ROUNDING_MONTHS) * S.DAYS_PER_MONTH


def england_years(table: pd.DataFrame, measure: str = ENGLAND_A1) -> list[int]:
    """The years for which England's ``measure`` is published, in order."""
    rows = table[(table["geographic_level"] == "National") & (table["measure"] == measure)].dropna(subset=["value"])
    return sorted(int(y) for y in rows["year"].unique())


def england_average(table: pd.DataFrame, year: int, measure: str = ENGLAND_A1) -> EnglandAverage:
    """England's ``measure`` for the three years ending ``year``: the mean of the published yearly figures
    of those years, provided ``year`` itself is published (else NaN, with no years)."""
    rows = table[(table["geographic_level"] == "National") & (table["measure"] == measure)].dropna(subset=["value"])
    by_year = rows.groupby("year")["value"].first()
    years = tuple(int(y) for y in range(year - 2, year + 1) if y in by_year.index)
    if year not in years:
        return EnglandAverage(measure=measure, window_end=int(year), years=(), months=float("nan"))
    return EnglandAverage(
        measure=measure, window_end=int(year), years=years, months=float(np.mean([by_year[y] for y in years]))
    )


def one_sided_p(n: float, mean: float, sd: float, slower_than: float, faster_than: float) -> tuple[float, float]:
    """One-sample t-tests of a mean of days, each one-sided: (p slower, p faster).

    ``p slower`` tests "the mean is above ``slower_than``" (upper tail, ``n - 1`` degrees of freedom);
    ``p faster`` tests "the mean is below ``faster_than``" (lower tail). With no spread (``sd`` 0) the
    mean is taken as exact: p is 0 when it lies beyond the reference, 1 otherwise. NaN for fewer than 2.
    """
    if not (n >= 2) or any(isinstance(v, float) and math.isnan(v) for v in (mean, sd, slower_than, faster_than)):
        return float("nan"), float("nan")
    se = sd / math.sqrt(n)
    if se == 0:
        return (0.0 if mean > slower_than else 1.0), (0.0 if mean < faster_than else 1.0)
    df = n - 1
    return float(st.t.sf((mean - slower_than) / se, df)), float(st.t.cdf((mean - faster_than) / se, df))


@dataclass(frozen=True)
class MeanTest:
    """A mean of children's days and its one-sided tests against a reference (a range, for a rounded one)."""

    n: int
    mean: float  # rounded to the day; NaN when 1 to 5 (or no) children
    sd: float
    slower_than: float  # the reference "slower" is tested against
    faster_than: float  # the reference "faster" is tested against
    p_slower: float
    p_faster: float


def mean_test(days: pd.Series, slower_than: float, faster_than: float) -> MeanTest:
    """:func:`one_sided_p` for the children's ``days`` (missing days dropped); nothing shown for 1 to 5."""
    d = pd.to_numeric(days, errors="coerce").dropna().astype(float)
    n = len(d)
    if n == 0 or disclosure.is_small([n])[0]:
        nan = float("nan")
        return MeanTest(n, nan, nan, slower_than, faster_than, nan, nan)
    mean, sd = float(d.mean()), (float(d.std(ddof=1)) if n > 1 else 0.0)
    p_slow, p_fast = one_sided_p(n, mean, sd, slower_than, faster_than)
    return MeanTest(n, float(np.round(mean)), sd, slower_than, faster_than, p_slow, p_fast)


@dataclass(frozen=True)
class Timeliness:
    """The evidence behind the permanence verdict, for the three years ending ``year``."""

    year: int
    completeness: Completeness  # children adopted in the window: entry to care observed?
    england: EnglandAverage
    a1_england: MeanTest  # A1 against England (the verdict's test)
    a1_threshold: MeanTest  # A1 against 426 days (context)
    a2_threshold: MeanTest  # A2 against 121 days (context)
    sgo: SgoTime  # entering care to a special guardianship order (context)
    covered: bool  # the returns reach the window's last year

    @property
    def testable(self) -> bool:
        """True when the verdict's test could be made: window covered and complete, average shown, England published."""
        return (
            self.covered
            and self.completeness.complete
            and self.england.published
            and not math.isnan(self.a1_england.p_slower)
        )


def adoption_timeliness(ctx: Context, data: ChildData, records: pd.DataFrame | None = None) -> Timeliness:
    """A1 against England's published average (one-sided tests), with A1, A2 and SGO time as context.

    ``records`` are :func:`.adoption.adoption_records` of ``data`` (worked out when not given). The
    p-values are read against the caller's significance level.
    """
    year = ctx.year
    records = adoption_records(data) if records is None else records
    comp = window_completeness(records, year)
    w = window(records, year)
    covered = max(data.years) >= year
    a1 = w["A1_days"] if comp.complete and covered else w["A1_days"].iloc[0:0]
    a2 = w["A2_days"] if comp.complete and covered else w["A2_days"].iloc[0:0]
    eng = england_average(ctx.table, year)
    return Timeliness(
        year=int(year),
        completeness=comp,
        england=eng,
        a1_england=mean_test(a1, eng.high_days, eng.low_days),
        a1_threshold=mean_test(a1, THRESHOLDS["A1"], THRESHOLDS["A1"]),
        a2_threshold=mean_test(a2, THRESHOLDS["A2"], THRESHOLDS["A2"]),
        sgo=sgo_time(data, year),
        covered=covered,
    )


def permanence_verdict(
    children: float,
    complete: bool,
    england_days: float,
    p_slower: float,
    p_faster: float,
    alpha: float = 0.05,
) -> str:
    """The verdict from plain numbers.

    Parameters
    ----------
    children : float
        Children behind the authority's average (A1).
    complete : bool
        The window has its children (entry to care observed for at least 95%).
    england_days : float
        England's published average (NaN when not published for the year).
    p_slower, p_faster : float
        One-sided p-values: the authority's mean above England's, below England's.
    alpha : float
        Significance level of each one-sided test.

    Returns
    -------
    str
        :data:`SUPPORTED` (significantly slower), :data:`CONTRADICTED` (significantly faster),
        :data:`IN_LINE` (neither) or :data:`CANNOT_TELL` (incomplete, no or 1 to 5 children, no
        England figure, no p-value).
    """
    if not complete or not text.is_number(children) or children == 0 or disclosure.is_small([children])[0]:
        return CANNOT_TELL
    if not all(text.is_number(v) for v in (england_days, p_slower, p_faster)):
        return CANNOT_TELL
    if p_slower < alpha:
        return SUPPORTED
    if p_faster < alpha:
        return CONTRADICTED
    return IN_LINE


def cannot_tell_reason(t) -> str | None:
    """Why the test cannot be made for ``t`` (a :class:`Timeliness`)."""
    y, a1 = t.year, t.a1_england
    if not t.covered:
        return f"The council's returns do not reach {text.period(y)}, the last of the three years to March {y}."
    if not t.completeness.complete:
        return (
            f"A1 for the three years to March {y} is {t.completeness.words()} (they were in care before the "
            "first return), so its average would leave out the longest waits."
        )
    if a1.n == 0:
        return f"No child adopted in the three years to March {y} is in A1."
    if disclosure.is_small([a1.n])[0]:
        return f"Fewer than 6 children adopted in the three years to March {y} are in A1, too few to test."
    if not t.england.published:
        return (
            f"DfE has not published England's average time from entering care to moving in with adopters for "
            f"{text.period(y)}, so A1 has no comparator for the paper's year."
        )
    return None
