"""Chapter "Claims checked against the data": each factual claim of the committee paper, tested.

The committee paper (``../shared/reference/committee-paper-2018-01.md``) makes
seven factual claims. For each one this chapter names the measure that tests
it, the authority's value, the comparators, the statistical test and a
**verdict** generated from the numbers:

* :data:`SUPPORTED` – the data show what the paper says;
* :data:`NOT_SUPPORTED` – the data do not show it (or show the opposite);
* :data:`CANNOT_TELL` – the data available cannot test it (a year is not
  published, the child-level data are SYNTHETIC, or counts are suppressed).

Each claim has a pure ``check_<slug>`` function taking plain numbers, so a test
can construct the inputs that flip its verdict, and :func:`check_all` gathers
those inputs for a paper from the published figures, the child-level data,
the paper file's unit costs and Ofsted's recruitment figures, through the
functions the chapters already use (one way to compute each number).

Tests of a share against a comparator use an exact binomial test (at the
level :data:`ALPHA`, two-sided) of the authority's count against the
comparator's proportion; rates use the funnel plot's Poisson limits
(:func:`analysis.methods.stats.funnel_position`); two groups of children are
compared with Fisher's exact test; two years' counts with the conditional
binomial test for two Poisson counts (the tests are in
:mod:`analysis.methods.stats`).

:func:`compute` is the chapter's one call: it checks every claim for a paper
and returns a :class:`Checked`, which every page function
(:func:`key_figures`, :func:`summary_sentence`, :func:`table_html`,
:func:`details_markdown`) takes.
"""

from analysis.chapters.claims.compute import (
    ALPHA,
    CANNOT_TELL,
    CHAPTER_OF,
    CLAIMS,
    LEVEL,
    NOT_SUPPORTED,
    PERMANENCE_EXITS,
    SUPPORTED,
    VERDICTS,
    Checked,
    Claim,
    check_agency_costly,
    check_agency_further,
    check_all,
    check_foster_share,
    check_numbers_higher,
    check_permanence_slow,
    check_recruitment_improved,
    check_too_many_agency,
    compute,
    permanence_ratio,
    permanence_years,
    pooled_permanence,
    rate_direction,
    share_direction,
)
from analysis.chapters.claims.tables import table, table_html
from analysis.chapters.claims.text import counts, details_markdown, key_figures, summary_sentence

__all__ = [
    "ALPHA",
    "CANNOT_TELL",
    "CHAPTER_OF",
    "CLAIMS",
    "LEVEL",
    "NOT_SUPPORTED",
    "PERMANENCE_EXITS",
    "SUPPORTED",
    "VERDICTS",
    "Checked",
    "Claim",
    "check_agency_costly",
    "check_agency_further",
    "check_all",
    "check_foster_share",
    "check_numbers_higher",
    "check_permanence_slow",
    "check_recruitment_improved",
    "check_too_many_agency",
    "compute",
    "counts",
    "details_markdown",
    "key_figures",
    "permanence_ratio",
    "permanence_years",
    "pooled_permanence",
    "rate_direction",
    "share_direction",
    "summary_sentence",
    "table",
    "table_html",
]
