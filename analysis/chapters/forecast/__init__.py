"""Chapter "How many children will be in care": a stock-and-flow forecast.

The model, the trend cross-check and the back test are methods
(:mod:`analysis.methods.forecasting`); this chapter runs them for a paper and
turns the results into the page. One call, :func:`compute` (``ctx``, child
data) returns an :class:`Outlook`; every page function takes it:

* :mod:`~analysis.chapters.forecast.compute`: the :class:`Outlook` and the counts behind the page;
* :mod:`~analysis.chapters.forecast.tables`: tables after disclosure control;
* :mod:`~analysis.chapters.forecast.charts`: the forecast fan and the flows chart;
* :mod:`~analysis.chapters.forecast.text`: findings, notes, the method and the key figures.

Children whose age is unknown (no date of birth) cannot be placed in an age
band: they are left out of the model, and ``Outlook.model.unknown_age`` says
how many there were on 31 March of the paper's year.
"""

from analysis.chapters.forecast.charts import fan_chart, flows_chart
from analysis.chapters.forecast.compute import (
    ALL_AGES,
    ALL_CHILDREN,
    CHILD_LEVEL,
    NOT_AVAILABLE,
    SUPPRESSED,
    Outlook,
    compute,
    flows_counts,
    headline,
    projection_counts,
)
from analysis.chapters.forecast.tables import (
    backtest_display,
    fan_table,
    flows_table,
    projection_display,
    projection_table,
)
from analysis.chapters.forecast.text import (
    backtest_note,
    findings,
    findings_markdown,
    key_figures,
    method_markdown,
    unknown_age_note,
)

__all__ = [
    "ALL_AGES",
    "ALL_CHILDREN",
    "CHILD_LEVEL",
    "NOT_AVAILABLE",
    "SUPPRESSED",
    "Outlook",
    "backtest_display",
    "backtest_note",
    "compute",
    "fan_chart",
    "fan_table",
    "findings",
    "findings_markdown",
    "flows_chart",
    "flows_counts",
    "flows_table",
    "headline",
    "key_figures",
    "method_markdown",
    "projection_counts",
    "projection_display",
    "projection_table",
    "unknown_age_note",
]
