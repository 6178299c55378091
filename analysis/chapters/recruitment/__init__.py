"""Chapter "Foster carer recruitment": Ofsted's figures on the council's own fostering service.

The committee paper asks members to back more recruitment of the council's own
("in-house") foster carers, and says recruitment "in the current year has been
significantly improved compared with previous years". This chapter sets out
what Ofsted's *Fostering in England* data on local-authority fostering
services shows about that service, against England, the authority's region
and the mean of its statistical neighbours:

* the **recruitment funnel**: initial enquiries from prospective fostering
  households, applications, households approved (mainstream and family and
  friends), households deregistered and the net change;
* **conversion rates**: households approved per 100 initial enquiries (the
  headline), applications per 100 enquiries and approvals per 100
  applications where Ofsted published them, and flows per 100 approved
  households so that authorities of different sizes compare;
* **in-house capacity**: approved places against filled places at 31 March,
  and the places not filled split into vacant (free to use) and not available.

The figures are real and published, read from the committed table
(``fostering_*`` measures, see ``data/README.md``): year 2018 is Ofsted's
2017-18 (1 April 2017 to 31 March 2018), 2019 is 2018-19. They cover the
council's own fostering service only: independent fostering agencies (IFAs)
report to Ofsted for themselves, not by the authority that places children
with them. Ofsted rounds every figure to the nearest 5 and shows ``..`` where
it suppressed one; a value that is missing or suppressed is NaN here and
"not published" on the page (:data:`NOT_PUBLISHED`). Nothing is imputed.

The chapter's one call is :func:`compute`, which returns a
:class:`~analysis.chapters.recruitment.compute.Recruitment` that every page
function takes (:func:`key_figures`, :func:`findings_markdown`,
:func:`year_note`, the four charts and :func:`neighbours_display`). Modules:
``compute`` (the numbers), ``tables``, ``charts`` and ``text`` (findings and
key figures).

Which year
----------
The paper's "current year" is the financial year (to 31 March) containing its
meeting date (:func:`current_year`). The chapter analyses the latest Ofsted
year at or before it (:func:`chosen_year`), shows every Ofsted year in the
data, and says plainly when the chosen year is not the current one or when
there is none.

Breaks in Ofsted's series
-------------------------
* Applications: 2017-18 publishes only "total applications concluded or in
  progress at 31 March" (every application handled in the year, including
  those received earlier); 2018-19 publishes applications *received* in the
  year and how many of those were approved in the same year. The two are kept
  apart (:data:`INDICATORS`), never compared.
* Approvals: 2017-18's total households approved is the sum of mainstream
  approvals and family-and-friends approvals (made by ``analysis.sources.refresh``);
  mainstream approvals are the total less family and friends in both years.
* Deregistrations: before 2018-19 Ofsted counted mainstream households only,
  so the net change for 2017-18 is mainstream approvals less deregistrations
  (:data:`ALL_DEREGISTRATIONS_FROM`).
"""

from analysis.chapters.recruitment.charts import (
    SOURCE,
    capacity_chart,
    capacity_title,
    conversion_chart,
    conversion_title,
    funnel_chart,
    funnel_title,
    per_household_chart,
    per_household_title,
)
from analysis.chapters.recruitment.compute import (
    ALL_DEREGISTRATIONS_FROM,
    AREAS,
    FUNNEL,
    INDICATORS,
    MEASURES,
    PER_HOUSEHOLD,
    Indicator,
    Recruitment,
    chosen_year,
    compute,
    current_year,
    indicator_values,
    neighbour_values,
    ofsted,
    ofsted_years,
    summary,
    value,
)
from analysis.chapters.recruitment.tables import comparison_table, neighbour_table, neighbours_display
from analysis.chapters.recruitment.text import (
    SMALL,
    findings,
    findings_markdown,
    key_figures,
    key_value,
    year_note,
)
from analysis.report.text import NOT_PUBLISHED

__all__ = [
    "ALL_DEREGISTRATIONS_FROM",
    "AREAS",
    "FUNNEL",
    "INDICATORS",
    "MEASURES",
    "NOT_PUBLISHED",
    "PER_HOUSEHOLD",
    "SMALL",
    "SOURCE",
    "Indicator",
    "Recruitment",
    "capacity_chart",
    "capacity_title",
    "chosen_year",
    "comparison_table",
    "compute",
    "conversion_chart",
    "conversion_title",
    "current_year",
    "findings",
    "findings_markdown",
    "funnel_chart",
    "funnel_title",
    "indicator_values",
    "key_figures",
    "key_value",
    "neighbour_table",
    "neighbour_values",
    "neighbours_display",
    "ofsted",
    "ofsted_years",
    "per_household_chart",
    "per_household_title",
    "summary",
    "value",
    "year_note",
]
