"""Chapter "The business case": what recruitment and faster permanence could save.

The committee paper asks members to back a business case: recruit more of the
council's own (in-house) foster carers, so fewer children are placed with
independent fostering agencies (IFAs), and help children reach permanence
sooner, so fewer are looked after. This chapter costs those two ideas, alone
and together, against a projection of the children looked after that changes
nothing (the baseline); the conventions of the arithmetic are in
:mod:`~analysis.chapters.business_case.compute`.

One call, :func:`compute` (``ctx``, child data), returns the :class:`Results`;
every page function takes it:

* :mod:`~analysis.chapters.business_case.compute`: the scenarios, the tornado and the counts behind the page
  (net present value and payback are :mod:`analysis.methods.appraisal`; the projections
  :mod:`analysis.methods.forecasting`);
* :mod:`~analysis.chapters.business_case.sensitivity`: the inputs of the sensitivity chart and their ranges;
* :mod:`~analysis.chapters.business_case.tables`: parameters, children (after disclosure control) and money;
* :mod:`~analysis.chapters.business_case.charts`: children by scenario, cumulative net position, tornado;
* :mod:`~analysis.chapters.business_case.text`: findings, cautions and key figures.
"""

from analysis.chapters.business_case.charts import (
    children_chart,
    children_title,
    net_chart,
    net_title,
    tornado_chart,
    tornado_title,
)
from analysis.chapters.business_case.compute import (
    CATEGORIES,
    CHILD_LEVEL,
    FIRST_YEARS,
    IFA,
    IN_HOUSE,
    SCENARIOS,
    SUPPRESSED,
    WEEKS_PER_YEAR,
    Recruitment,
    Results,
    Scenario,
    children_counts,
    compute,
    gross_cost,
    households,
    ramp,
    recruitment,
    run,
    scenarios,
    stock_by_category,
    tornado,
    weekly_costs,
    year_average,
)
from analysis.chapters.business_case.sensitivity import (
    SENSITIVITY,
    Range,
    bounds,
    sensitivity_inputs,
    value_of,
    with_value,
)
from analysis.chapters.business_case.tables import (
    children_display,
    mix_counts,
    mix_display,
    mix_table,
    money_display,
    money_table,
    parameters_display,
    parameters_table,
    summary_display,
    summary_table,
    tornado_display,
)
from analysis.chapters.business_case.text import (
    cautions,
    cautions_markdown,
    findings,
    findings_markdown,
    key_figures,
    payback_text,
)

__all__ = [
    "CATEGORIES",
    "CHILD_LEVEL",
    "FIRST_YEARS",
    "IFA",
    "IN_HOUSE",
    "SCENARIOS",
    "SENSITIVITY",
    "SUPPRESSED",
    "WEEKS_PER_YEAR",
    "Range",
    "Recruitment",
    "Results",
    "Scenario",
    "bounds",
    "cautions",
    "cautions_markdown",
    "children_chart",
    "children_counts",
    "children_display",
    "children_title",
    "compute",
    "findings",
    "findings_markdown",
    "gross_cost",
    "households",
    "key_figures",
    "mix_counts",
    "mix_display",
    "mix_table",
    "money_display",
    "money_table",
    "net_chart",
    "net_title",
    "parameters_display",
    "parameters_table",
    "payback_text",
    "ramp",
    "recruitment",
    "run",
    "scenarios",
    "sensitivity_inputs",
    "stock_by_category",
    "summary_display",
    "summary_table",
    "tornado",
    "tornado_chart",
    "tornado_display",
    "tornado_title",
    "value_of",
    "weekly_costs",
    "with_value",
    "year_average",
]
