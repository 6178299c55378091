"""Chapter "Claims checked against the data": each factual claim of the committee paper, tested.

The committee paper (``../shared/reference/committee-paper-2018-01.md``) makes
factual claims. For each one this chapter names the measure that tests it, the
authority's value, the comparators, the statistical test and a **verdict**
generated from the numbers (:mod:`.verdicts`):

* :data:`SUPPORTED` – significant in the direction the paper claims;
* :data:`IN_LINE` – no significant difference from the comparators;
* :data:`CONTRADICTED` – significant in the opposite direction;
* :data:`CANNOT_TELL` – the data that could test it are missing, suppressed,
  SYNTHETIC, too old, or the measure cannot answer the claim.

Each claim has a pure ``check_<slug>`` function taking plain numbers, so a test
can construct the inputs that give each verdict, and :func:`check_all` gathers
those inputs for a paper through the functions the chapters already use (one
way to compute each number).

Every claim is directional, so every test is one-sided, at the paper file's
significance level (``ctx.alpha``; 95% unless the paper says otherwise), once
in the claimed direction and once in the opposite one. Rates and shares of
every authority vary far more than chance alone would make them, so when the
overdispersion test says so, tests against England or the neighbours' average
use Spiegelhalter's random-effects limits (:mod:`analysis.methods.stats`); a
rate's change over three years is a rate ratio tested the same way. Two groups
of children are compared with Fisher's exact test; two years' counts with the
conditional binomial test for two Poisson counts. The permanence claim rests on
the adoption scorecard's timeliness measures from the council's returns
(:mod:`.permanence`), never on SYNTHETIC data.

:func:`compute` is the chapter's one call: it checks every claim for a paper
and returns a :class:`Checked`, which every page function
(:func:`key_figures`, :func:`summary_sentence`, :func:`table_html`,
:func:`details_markdown`) takes.
"""

from analysis.chapters.claims.compute import (
    DEFAULT_ALPHA,
    Checked,
    check_agency_costly,
    check_agency_further,
    check_all,
    check_foster_share,
    check_numbers_higher,
    check_numbers_rising,
    check_recruitment_improved,
    check_too_many_agency,
    compute,
    cost_basis,
    direction,
    level,
    rate_direction,
    share_direction,
    verdict,
)
from analysis.chapters.claims.tables import table, table_html
from analysis.chapters.claims.text import counts, details_markdown, key_figures, neighbour_markdown, summary_sentence
from analysis.chapters.claims.verdicts import (
    CANNOT_TELL,
    CHAPTER_OF,
    CLAIMS,
    CONTRADICTED,
    IN_LINE,
    SUPPORTED,
    VERDICTS,
    Claim,
)

__all__ = [
    "CANNOT_TELL",
    "CHAPTER_OF",
    "CLAIMS",
    "CONTRADICTED",
    "DEFAULT_ALPHA",
    "IN_LINE",
    "SUPPORTED",
    "VERDICTS",
    "Checked",
    "Claim",
    "check_agency_costly",
    "check_agency_further",
    "check_all",
    "check_foster_share",
    "check_numbers_higher",
    "check_numbers_rising",
    "check_recruitment_improved",
    "check_too_many_agency",
    "compute",
    "cost_basis",
    "counts",
    "details_markdown",
    "direction",
    "key_figures",
    "level",
    "neighbour_markdown",
    "rate_direction",
    "share_direction",
    "summary_sentence",
    "table",
    "table_html",
    "verdict",
]
