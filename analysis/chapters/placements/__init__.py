"""Chapter "Where children live": placement types, providers, distance, stability and cost.

The committee paper says too many children in care live with independent
fostering agency (IFA) carers: further from home, less well known, more
disruption, and more costly than the council's own (in-house) carers. The
chapter sets out the evidence in three parts:

* **Published figures** (DfE, real): the authority against England, its region
  and its statistical neighbours on provider shares, fostering, distance from
  home and placement stability, every year published (:func:`published_shares`).
* **Child-level figures** (the paper's SSDA903 returns; by default the
  SYNTHETIC authority), years up to the paper's: the placement mix, fostering
  by provider, new foster placements, distance from home and stability, by
  provider and by age band (:class:`Histories`, :func:`stock_table`,
  :func:`new_placements_table`).
* **Cost**: annual spend by placement category from placement days and the
  paper file's weekly unit costs, and the annual cost of the IFA gap with a
  sensitivity range (:func:`annual_spend`, :func:`ifa_gap`).

Definitions come from the episode model (:mod:`analysis.sources.ssda903.episodes`):
children looked after at 31 March and their current placement
(``looked_after_on``), placements (``placement_spells``), placements in the
year (``placements_in_year``) and long-term stability (``long_term_stability``);
distance and locality are DfE's (:func:`analysis.sources.ssda903.geography.placement_fields`).

Disclosure control
------------------
Every number derived from child-level data reaches the page through
:func:`analysis.report.disclosure.suppress`. The children looked after at 31 March
are suppressed as **one** table (:func:`stock_table`): rows are placement
categories, provider groups and age bands, columns are years and, for the
latest year, age band, distance, locality and stability, with every sum
between them declared. A cell hidden in one view therefore cannot be worked
out from another view of the same children. New foster placements are a
second such table (:func:`new_placements_table`), spend a third
(:func:`annual_spend`). Percentages are suppressed with their counts
(:func:`share`), charts draw a suppressed value as a grey cross or one hatched segment labelled 'Suppressed', and a key figure
that would be suppressed is the text ``"suppressed"``.

Every display table built from child-level data has a caption (or, for the
table behind a chart, a chart caption) containing :data:`CHILD_LEVEL`, and
every column of it that does not hold counts has a header ending in one of
:data:`NOT_COUNT_SUFFIXES`. That is how :func:`disclosure_problems` (and the
chapter's test) finds those tables and checks no count from 1 to 5 shows
(:mod:`analysis.report.pagescan`, shared with other chapters).

The interface
-------------
One call, :func:`compute` ``(ctx, data)``, returns the :class:`Placements` result holding everything
the page shows; every page function (:func:`key_figures`, :func:`findings_markdown`, each
``*_chart`` and each ``*_table``) takes that result (the published charts also a group name). The
package's modules follow the seams: :mod:`.compute` (numbers), :mod:`.tables`, :mod:`.charts`,
:mod:`.text` (words).
"""

from __future__ import annotations

from analysis.chapters.placements.charts import (
    distance_chart,
    fostering_chart,
    mix_chart,
    new_placements_chart,
    published_chart,
    spend_chart,
    stability_chart,
)
from analysis.chapters.placements.compute import (
    ALL_PLACEMENTS,
    INDICATORS,
    PUBLISHED_CHARTS,
    Gap,
    Histories,
    Indicator,
    Placements,
    Spend,
    annual_spend,
    authority_shares,
    compute,
    from_histories,
    from_prepared,
    histories,
    ifa_gap,
    new_placements_counts,
    new_placements_table,
    placement_days,
    published_shares,
    published_value,
    share,
    stock_counts,
    stock_table,
)
from analysis.chapters.placements.tables import (
    age_display,
    age_table,
    distance_age_table,
    distance_display,
    mix_display,
    new_placements_age_table,
    new_placements_by_age,
    new_placements_display,
    new_placements_distance,
    new_placements_distance_table,
    published_table,
    reconciliation_display,
    reconciliation_table,
    spend_display,
    stability_age_table,
    stability_display,
    unit_cost_table,
    unit_costs,
)
from analysis.chapters.placements.text import (
    compare,
    findings,
    findings_markdown,
    gap_sentence,
    gap_title,
    key_figures,
    key_value,
    published_title,
    years_note,
)
from analysis.report.categories import (
    AGE_BANDS,
    AGE_ROWS,
    ALL_CHILDREN,
    ALL_FOSTER,
    CATEGORIES,
    COHORT,
    DISTANCE,
    FOSTERING,
    LABELS,
    LOCALITY,
    LONG_TERM,
    MOVES,
    PROVIDER_GROUPS,
    age_band,
)
from analysis.report.pagescan import NOT_COUNT_SUFFIXES, child_level_tables, disclosure_problems
from analysis.report.text import CHILD_LEVEL, NO_CHILDREN, NOT_PUBLISHED, SUPPRESSED

__all__ = [
    "AGE_BANDS",
    "AGE_ROWS",
    "ALL_CHILDREN",
    "ALL_FOSTER",
    "ALL_PLACEMENTS",
    "CATEGORIES",
    "CHILD_LEVEL",
    "COHORT",
    "DISTANCE",
    "FOSTERING",
    "INDICATORS",
    "LABELS",
    "LOCALITY",
    "LONG_TERM",
    "MOVES",
    "NOT_COUNT_SUFFIXES",
    "NOT_PUBLISHED",
    "NO_CHILDREN",
    "PROVIDER_GROUPS",
    "PUBLISHED_CHARTS",
    "SUPPRESSED",
    "Gap",
    "Histories",
    "Indicator",
    "Placements",
    "Spend",
    "age_band",
    "age_display",
    "age_table",
    "annual_spend",
    "authority_shares",
    "child_level_tables",
    "compare",
    "compute",
    "disclosure_problems",
    "distance_age_table",
    "distance_chart",
    "distance_display",
    "findings",
    "findings_markdown",
    "fostering_chart",
    "from_histories",
    "from_prepared",
    "gap_sentence",
    "gap_title",
    "histories",
    "ifa_gap",
    "key_figures",
    "key_value",
    "mix_chart",
    "mix_display",
    "new_placements_age_table",
    "new_placements_by_age",
    "new_placements_chart",
    "new_placements_counts",
    "new_placements_display",
    "new_placements_distance",
    "new_placements_distance_table",
    "new_placements_table",
    "placement_days",
    "published_chart",
    "published_shares",
    "published_table",
    "published_title",
    "published_value",
    "reconciliation_display",
    "reconciliation_table",
    "share",
    "spend_chart",
    "spend_display",
    "stability_age_table",
    "stability_chart",
    "stability_display",
    "stock_counts",
    "stock_table",
    "unit_cost_table",
    "unit_costs",
    "years_note",
]
