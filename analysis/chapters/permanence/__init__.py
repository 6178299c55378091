"""Chapter "Progress to permanence": how quickly children in care reach a permanent home.

The paper's hypothesis is that children in care are not progressing to
permanent outcomes (adoption, special guardianship, a child arrangements order
or a return home) as quickly as they might. This package tests it five ways; the
notebook makes one call (:func:`compute`), glues the numbers and writes prose.

1. **Time to permanence** (child-level): each period of care that began inside
   the returns, followed from entry until permanence, or until 31 March of
   the paper's year (censored). Children who leave care another way (turning
   18, independent living, another authority...) can no longer reach
   permanence in that period: they stay in the risk set to the end of
   follow-up without the event. Because the only censoring is the end of the
   data (administrative censoring, known for everyone), the Kaplan–Meier
   estimate of this "time to permanence" is a consistent estimate of the
   cumulative incidence of permanence in the presence of the competing exits,
   and the Cox model on it is the Fine–Gray subdistribution-hazards model
   (Fine and Gray 1999, complete censoring data). The split by route is the
   Aalen–Johansen cumulative incidence (statsmodels ``CumIncidenceRight``),
   with every other exit a competing event.
2. **Adoption scorecard** A1, A2, A10 (child-level) from episodes, AD1 and the
   placement order in the legal statuses, three-year averages against DfE's
   thresholds, and the stages of the adoption process.
3. **Children waiting**: a placement order but not yet placed, at 31 March.
4. **What predicts delay**: the Cox model with a proportional-hazards check.
5. **Published comparisons** (real): reasons for leaving care against
   England, the region and neighbours; England's adoption timeliness by stage.

Left truncation: periods that began before the earliest return (or whose first
episode in the data is not a start of care, RNE S) are excluded from the entry
cohorts, with a count. A measure over a group of children defined by how they
left care (A1, A2 and A10 for a three-year window, time to special guardianship)
is reported only when entry to care is observed for at least 95% of the group
(:mod:`.windows`); otherwise it is shown as incomplete, without its average. ``CumIncidenceRight`` cannot take delayed entry, so one
design (entry cohorts seen from their start) serves every estimate.

Every count from child-level data reaches the page through
:func:`analysis.report.disclosure.suppress`; curves stop where fewer than
:data:`analysis.methods.survival.MIN_AT_RISK` children remain at risk; an average or
median of fewer than 6 children is not shown.

The interface
-------------
:func:`compute` ``(ctx, data)`` returns the :class:`Permanence` result holding everything the page
shows; every page function (:func:`key_figures`, :func:`text_figures`, :func:`narrative`,
:func:`findings_markdown`, :func:`hypothesis`, :func:`hazard_markdown`, each ``*_chart`` and each
``*_table``) takes that result. Modules: :mod:`.cohort` (time to permanence), :mod:`.adoption`
(scorecard, stages, waiting), :mod:`.model` (what predicts delay), :mod:`.compute` (the published
comparisons and the result), :mod:`.windows` (whether a cohort measure has its children: entry to care
observed, the 95% rule; time to special guardianship), :mod:`.timeliness` (A1 against England's published
average, one-sided: the evidence for the hypothesis), :mod:`.tables`, :mod:`.charts`, :mod:`.text` (words).
"""

from __future__ import annotations

from analysis.chapters.permanence.adoption import (
    AUTHORITY_TO_PLACE,
    ENGLAND_STAGES,
    NO_AD1,
    NO_MATCH,
    NO_ORDER,
    NOT_SEEN_ENTRY,
    ORDER_NOT_SEEN,
    SCORECARD_INCONSISTENT,
    SCORECARD_LABELS,
    SCORECARD_REASONS,
    STAGES,
    THRESHOLDS,
    WAIT_BANDS,
    WAITING_TOTAL,
    EnglandTimeliness,
    Waiting,
    adoption_records,
    england_timeliness,
    mean_or_hidden,
    scorecard,
    scorecard_exclusions,
    scorecard_years,
    stages,
    waiting,
    waiting_trend,
    window,
    window_completeness,
    window_counts,
    window_release,
)
from analysis.chapters.permanence.charts import (
    age_chart,
    ceased_chart,
    cohort_chart,
    cox_chart,
    england_chart,
    permanence_chart,
    scorecard_chart,
    stages_chart,
    waiting_chart,
)
from analysis.chapters.permanence.cohort import (
    ALPHA,
    COHORT_REASONS,
    LEGAL_GROUPS,
    MODEL_REASONS,
    NOT_REACHED,
    OTHER_EXIT,
    ROUTES,
    STATUS,
    STILL_IN_CARE,
    TABLE_MONTHS,
    Cohort,
    Curve,
    Exclusions,
    age_band,
    age_curves,
    aj_any_permanence,
    cohort,
    count_exclusions,
    curves_by,
    entry_year_curves,
    final_incidence,
    first_reason,
    logrank_by,
    outcome_counts,
    permanence_curve,
    route_incidence,
    year_end,
    year_start,
)
from analysis.chapters.permanence.compute import (
    CEASED_MEASURES,
    CEASED_SHOWN,
    CohortRelease,
    Permanence,
    area_share,
    ceased_shares,
    cohort_release,
    compute,
    la_share,
    published_year,
    share_value,
)
from analysis.chapters.permanence.model import (
    MIN_EVENTS,
    MODEL_VARIABLES,
    REFERENCES,
    Model,
    model,
    stratified_change,
)
from analysis.chapters.permanence.tables import (
    cohort_exclusions_table,
    group_table,
    groupings,
    groupings_table,
    outcome_display,
    outcome_table,
    ph_display,
    ph_table,
    reading_table,
    scorecard_exclusions_table,
    waiting_bands,
    waiting_bands_table,
)
from analysis.chapters.permanence.text import (
    SENTENCES,
    data_word,
    findings,
    findings_markdown,
    glue_text,
    hazard_bullets,
    hazard_markdown,
    hazard_sentences,
    hypothesis,
    key_figures,
    narrative,
    ph_summary,
    scorecard_exclusion_text,
    scorecard_value,
    text_figures,
    trend_words,
    waiting_words,
    windows_sentence,
)
from analysis.chapters.permanence.timeliness import (
    ENGLAND_A1,
    EnglandAverage,
    MeanTest,
    Timeliness,
    adoption_timeliness,
    england_average,
    england_years,
    mean_test,
    one_sided_p,
)
from analysis.chapters.permanence.windows import (
    MIN_OBSERVED,
    Completeness,
    SgoTime,
    completeness,
    entry_observed,
    not_observed_words,
    sgo_time,
)
from analysis.report.text import NOT_PUBLISHED, SUPPRESSED

__all__ = [
    "ALPHA",
    "AUTHORITY_TO_PLACE",
    "CEASED_MEASURES",
    "CEASED_SHOWN",
    "COHORT_REASONS",
    "ENGLAND_A1",
    "ENGLAND_STAGES",
    "LEGAL_GROUPS",
    "MIN_EVENTS",
    "MIN_OBSERVED",
    "MODEL_REASONS",
    "MODEL_VARIABLES",
    "NOT_PUBLISHED",
    "NOT_REACHED",
    "NOT_SEEN_ENTRY",
    "NO_AD1",
    "NO_MATCH",
    "NO_ORDER",
    "ORDER_NOT_SEEN",
    "OTHER_EXIT",
    "REFERENCES",
    "ROUTES",
    "SCORECARD_INCONSISTENT",
    "SCORECARD_LABELS",
    "SCORECARD_REASONS",
    "SENTENCES",
    "STAGES",
    "STATUS",
    "STILL_IN_CARE",
    "SUPPRESSED",
    "TABLE_MONTHS",
    "THRESHOLDS",
    "WAITING_TOTAL",
    "WAIT_BANDS",
    "Cohort",
    "CohortRelease",
    "Completeness",
    "Curve",
    "EnglandAverage",
    "EnglandTimeliness",
    "Exclusions",
    "MeanTest",
    "Model",
    "Permanence",
    "SgoTime",
    "Timeliness",
    "Waiting",
    "adoption_records",
    "adoption_timeliness",
    "age_band",
    "age_chart",
    "age_curves",
    "aj_any_permanence",
    "area_share",
    "ceased_chart",
    "ceased_shares",
    "cohort",
    "cohort_chart",
    "cohort_exclusions_table",
    "cohort_release",
    "completeness",
    "compute",
    "count_exclusions",
    "cox_chart",
    "curves_by",
    "data_word",
    "england_average",
    "england_chart",
    "england_timeliness",
    "england_years",
    "entry_observed",
    "entry_year_curves",
    "final_incidence",
    "findings",
    "findings_markdown",
    "first_reason",
    "glue_text",
    "group_table",
    "groupings",
    "groupings_table",
    "hazard_bullets",
    "hazard_markdown",
    "hazard_sentences",
    "hypothesis",
    "key_figures",
    "la_share",
    "logrank_by",
    "mean_or_hidden",
    "mean_test",
    "model",
    "narrative",
    "not_observed_words",
    "one_sided_p",
    "outcome_counts",
    "outcome_display",
    "outcome_table",
    "permanence_chart",
    "permanence_curve",
    "ph_display",
    "ph_summary",
    "ph_table",
    "published_year",
    "reading_table",
    "route_incidence",
    "scorecard",
    "scorecard_chart",
    "scorecard_exclusion_text",
    "scorecard_exclusions",
    "scorecard_exclusions_table",
    "scorecard_value",
    "scorecard_years",
    "sgo_time",
    "share_value",
    "stages",
    "stages_chart",
    "stratified_change",
    "text_figures",
    "trend_words",
    "waiting",
    "waiting_bands",
    "waiting_bands_table",
    "waiting_chart",
    "waiting_trend",
    "waiting_words",
    "window",
    "window_completeness",
    "window_counts",
    "window_release",
    "windows_sentence",
    "year_end",
    "year_start",
]
