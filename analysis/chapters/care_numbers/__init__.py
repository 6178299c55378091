"""Chapter "Care numbers in context": how many children the authority looks after.

All figures are DfE's published ones (children looked after at 31 March,
starting and ceasing during the year, rates per 10,000 children aged 0 to 17).
The notebook makes one call, :func:`compute`, which returns a
:class:`CareNumbers` holding the trend, the flows and the funnel plot; every
page function (:func:`key_figures`, :func:`findings_markdown`,
:func:`trend_chart`, :func:`flows_chart`, :func:`funnel_chart`) takes it.
"""

from analysis.chapters.care_numbers.charts import flows_chart, funnel_chart, trend_chart
from analysis.chapters.care_numbers.compute import (
    LA_LEVEL,
    CareNumbers,
    Change,
    Funnel,
    change,
    compute,
    flows,
    funnel,
    trend,
)
from analysis.chapters.care_numbers.text import (
    change_sentence,
    findings,
    findings_markdown,
    headline,
    key_figures,
    release_note,
)

__all__ = [
    "LA_LEVEL",
    "CareNumbers",
    "Change",
    "Funnel",
    "change",
    "change_sentence",
    "compute",
    "findings",
    "findings_markdown",
    "flows",
    "flows_chart",
    "funnel",
    "funnel_chart",
    "headline",
    "key_figures",
    "release_note",
    "trend",
    "trend_chart",
]
