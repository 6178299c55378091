"""The sensitivity table behind the tornado chart: each input's low and high value, clipped to its valid range."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.paper import BusinessCase, Costs, UnitCost


@dataclass(frozen=True)
class Range:
    """How one input is set low and high for the sensitivity chart.

    ``how`` is ``"cost"`` (the weekly cost times ``1 + low x s`` and ``1 + high
    x s``, ``s`` the paper's ``costs.sensitivity``), ``"scale"`` (the value
    times ``low`` and ``high``) or ``"shift"`` (the value plus ``low`` and
    ``high``). Results are clipped to the field's valid range in the paper
    file (a strict bound, such as "below 1", to 0.01 inside it).
    """

    field: str
    label: str
    how: str
    low: float
    high: float
    why: str


#: The sensitivity table: every input of the tornado chart, its low and high values and why.
SENSITIVITY: tuple[Range, ...] = (
    Range(
        "costs.in_house_fostering",
        "In-house foster care weekly cost",
        "cost",
        -1,
        1,
        "plus or minus the paper file's cost sensitivity share (costs.sensitivity)",
    ),
    Range(
        "costs.ifa_fostering",
        "IFA foster care weekly cost",
        "cost",
        -1,
        1,
        "plus or minus the paper file's cost sensitivity share (costs.sensitivity)",
    ),
    Range(
        "business_case.extra_households_per_year",
        "Extra households approved a year",
        "scale",
        0.5,
        1.5,
        "half to one and a half times the target: recruitment often falls short, or can beat it",
    ),
    Range(
        "business_case.conversion",
        "Share of new households that take a child",
        "scale",
        0.5,
        1.5,
        "half to one and a half times the assumed conversion",
    ),
    Range(
        "business_case.children_per_household",
        "Children per placed household",
        "scale",
        0.75,
        1.25,
        "a quarter fewer or more children per household",
    ),
    Range(
        "business_case.household_retention",
        "Households still fostering a year later",
        "shift",
        -0.2,
        0.2,
        "20 percentage points lower or higher",
    ),
    Range(
        "business_case.cost_per_approval",
        "Cost of each extra approval",
        "scale",
        0.5,
        2.0,
        "half to twice the assumed marketing and assessment cost",
    ),
    Range(
        "business_case.permanence_time_cut",
        "Cut in time to permanence",
        "scale",
        0.5,
        1.5,
        "half to one and a half times the assumed cut",
    ),
    Range(
        "business_case.permanence_cost_per_year",
        "Yearly cost of the permanence work",
        "scale",
        0.5,
        2.0,
        "half to twice the assumed cost",
    ),
    Range(
        "business_case.discount_rate",
        "Discount rate",
        "shift",
        -0.02,
        0.02,
        "2 percentage points lower or higher than the paper file's rate",
    ),
)


def _field(path: str):
    """The pydantic FieldInfo of a SENSITIVITY field (a unit cost's ``weekly`` for ``costs.*``)."""
    group, name = path.split(".")
    if group == "costs":
        return UnitCost.model_fields["weekly"]
    return BusinessCase.model_fields[name]


def bounds(path: str) -> tuple[float, float]:
    """The valid range of a :data:`SENSITIVITY` field, strict bounds moved 0.01 inside (``inf`` if none)."""
    low, high = -math.inf, math.inf
    for item in _field(path).metadata:
        if getattr(item, "ge", None) is not None:
            low = float(item.ge)
        if getattr(item, "gt", None) is not None:
            low = float(item.gt) + 0.01
        if getattr(item, "le", None) is not None:
            high = float(item.le)
        if getattr(item, "lt", None) is not None:
            high = float(item.lt) - 0.01
    return low, high


def value_of(path: str, bc: BusinessCase, costs: Costs) -> float:
    """The current value of a :data:`SENSITIVITY` field."""
    group, name = path.split(".")
    return float(getattr(costs, name).weekly) if group == "costs" else float(getattr(bc, name))


def with_value(path: str, value: float, bc: BusinessCase, costs: Costs) -> tuple[BusinessCase, Costs]:
    """``bc`` and ``costs`` with one :data:`SENSITIVITY` field set to ``value``."""
    group, name = path.split(".")
    if group == "costs":
        unit = getattr(costs, name).model_copy(update={"weekly": float(value)})
        return bc, costs.model_copy(update={name: unit})
    kind = type(getattr(bc, name))
    return bc.model_copy(update={name: kind(value)}), costs


def sensitivity_inputs(bc: BusinessCase, costs: Costs) -> pd.DataFrame:
    """The low and high value of each :data:`SENSITIVITY` input, clipped to its valid range.

    Returns
    -------
    pandas.DataFrame
        One row per input in table order: ``field``, ``label``, ``value``,
        ``low``, ``high``, ``why``.
    """
    rows = []
    for r in SENSITIVITY:
        v = value_of(r.field, bc, costs)
        if r.how == "cost":
            lo, hi = v * (1 + r.low * costs.sensitivity), v * (1 + r.high * costs.sensitivity)
        elif r.how == "scale":
            lo, hi = v * r.low, v * r.high
        elif r.how == "shift":
            lo, hi = v + r.low, v + r.high
        else:  # pragma: no cover - the table is fixed
            raise ValueError(f"unknown sensitivity kind {r.how!r}")
        a, b = bounds(r.field)
        rows.append(
            {
                "field": r.field,
                "label": r.label,
                "value": v,
                "low": float(np.clip(lo, a, b)),
                "high": float(np.clip(hi, a, b)),
                "why": r.why,
            }
        )
    return pd.DataFrame(rows)
