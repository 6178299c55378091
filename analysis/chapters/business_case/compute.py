"""Chapter "The business case": what recruitment and faster permanence could save.

The committee paper asks members to back a business case: recruit more of the
council's own (in-house) foster carers, so fewer children are placed with
independent fostering agencies (IFAs), and help children reach permanence
sooner, so fewer are looked after. This module costs those two ideas, alone
and together, against a projection of the children looked after that changes
nothing (the baseline). Every parameter comes from the paper file
(``business_case:`` and ``costs:``); money is in pounds at ``costs.price_year``
prices.

The scenarios take **projections** as input: frames with columns ``year``,
``age_band``, ``category`` and ``children`` (expected children looked after at
31 March of ``year``, for the base year and each year after it), as
:func:`analysis.chapters.forecast.project` returns them. The arithmetic therefore does
not depend on how the projection is made; :func:`run` makes the projections
from a fitted :class:`analysis.chapters.forecast.Model`.

Conventions
-----------
* **Years.** Year ``t`` (``t = 1 .. horizon_years``) is the financial year
  ending 31 March ``base_year + t``. Children looked after in a financial year
  are the **average of the 31 March stock at its start and its end**
  (:func:`year_average`).
* **Gross cost** of a year: the sum over placement categories of children x
  weekly unit cost x 365.25 / 7 (:func:`gross_cost`).
* **Recruitment.** Extra in-house households ``H_t = H_{t-1} x retention +
  extra_households_per_year`` (``H_0 = 0``). A household approved during a
  year takes its first child the year after (assessment, panel and matching
  take time), so extra children placed in-house are
  ``E_t = min(H_{t-1} x conversion x children_per_household, IFA children in
  year t)``; those children move from IFA to in-house fostering. Investment in year
  ``t``: ``extra_households_per_year x cost_per_approval + H_t x
  support_cost_per_household`` (:func:`recruitment`).
* **Faster permanence.** The projection of a model whose time to permanence is
  cut by ``permanence_time_cut`` (:func:`analysis.chapters.forecast.with_faster_permanence`),
  its difference from the baseline building up evenly over
  ``permanence_ramp_years`` (:func:`ramp`); investment
  ``permanence_cost_per_year`` every year.
* **Both together**: recruitment applied to the faster-permanence projection.
* **Saving** = baseline gross cost - scenario gross cost; **net** = saving -
  investment; **cumulative net** runs from zero at the start of year 1.
* **Payback** (:func:`payback`): each year's investment is paid at its start and
  its saving accrues evenly through it; payback is the point from which the
  cumulative position stays above zero to the end of the horizon, interpolated
  within the year it crosses; ``None`` if it is not above zero at the end.
* **Net present value** (:func:`npv`): HM Treasury Green Book convention, the
  first year is year 0 and is not discounted: ``sum_t net_t / (1 + r)^(t - 1)``.
* **Sensitivity** (:data:`SENSITIVITY`, :func:`tornado`): the NPV of both
  together with one input at a time set low and high.

Disclosure
----------
The projections come from child-level data, so every count of children shown
is rounded to a whole number and passes through
:func:`analysis.report.disclosure.suppress`; tables of children carry
:data:`CHILD_LEVEL` in their caption. Money columns have headers ending in
``(£)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.report import text
from analysis.report.categories import COST_FIELDS, LABELS
from analysis.paper import BusinessCase, Costs, Paper, UnitCost
from analysis.report import charts, disclosure
from analysis.sources.ssda903 import spec

# --------------------------------------------------------------------------- constants

#: Weeks in a year (a year of 365.25 days).
WEEKS_PER_YEAR = 365.25 / 7
#: Placement categories, in report order.
CATEGORIES = tuple(spec.PLACEMENT_CATEGORIES)
IN_HOUSE, IFA = "in-house fostering", "IFA fostering"
#: Phrase in the caption of every table built from child-level data.
CHILD_LEVEL = text.CHILD_LEVEL
#: What a key figure holding a suppressed count shows.
SUPPRESSED = text.SUPPRESSED
#: Net saving key figures cover at most this many first years.
FIRST_YEARS = 5

#: Scenario key -> name on the page, in report order.
SCENARIOS = {
    "baseline": "No change (baseline)",
    "recruitment": "More in-house foster carers",
    "permanence": "Faster permanence",
    "both": "Both together",
}
_SCENARIO_COLOURS = {
    "baseline": charts.COLOURS["england"],
    "recruitment": charts.COLOURS["la"],
    "permanence": charts.COLOURS["neighbours"],
    "both": charts.COLOURS["region"],
}
_SCENARIO_DASH = {"baseline": "solid", "recruitment": "dash", "permanence": "solid", "both": "dot"}


# --------------------------------------------------------------------------- the arithmetic


def weekly_costs(costs: Costs) -> pd.Series:
    """The paper file's weekly unit cost of each placement category (pounds), indexed by :data:`CATEGORIES`."""
    return pd.Series({cat: float(getattr(costs, COST_FIELDS[cat]).weekly) for cat in CATEGORIES})


def stock_by_category(projection: pd.DataFrame, base_year: int, horizon: int) -> pd.DataFrame:
    """Children looked after at 31 March by year and placement category (summed over age bands).

    Parameters
    ----------
    projection:
        Columns ``year``, ``category``, ``children`` (any others, e.g.
        ``age_band``, are summed over).
    base_year, horizon:
        The years kept: ``base_year`` to ``base_year + horizon``.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (31 March), columns :data:`CATEGORIES` (a category the
        projection lacks is zero).

    Raises
    ------
    ValueError
        A column is missing, a category is unknown, or a year is not projected.
    """
    missing = {"year", "category", "children"} - set(projection.columns)
    if missing:
        raise ValueError(f"projection lacks column(s) {', '.join(sorted(missing))}")
    unknown = set(projection["category"]) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"projection has unknown placement categories: {', '.join(sorted(map(str, unknown)))}")
    table = (
        projection.groupby(["year", "category"])["children"]
        .sum()
        .unstack("category")
        .reindex(columns=list(CATEGORIES))
        .fillna(0.0)
    )
    years = list(range(int(base_year), int(base_year) + int(horizon) + 1))
    absent = [y for y in years if y not in table.index]
    if absent:
        raise ValueError(f"projection has no rows for year(s) {', '.join(map(str, absent))}")
    out = table.loc[years].astype(float)
    out.index.name = "year"
    out.columns.name = None
    return out


def ramp(baseline: pd.DataFrame, full: pd.DataFrame, years: int) -> pd.DataFrame:
    """The faster-permanence stock while the work builds up to its full effect.

    On 31 March ``t`` years after the base year the stock is
    ``baseline + min(t / years, 1) x (full - baseline)``: the difference the
    work makes grows evenly and is complete after ``years`` years
    (``years = 1``: the full effect by the end of the first year).
    """
    t = np.asarray(baseline.index, dtype=float) - float(baseline.index.min())
    weight = np.minimum(t / float(years), 1.0)
    return baseline + (full - baseline).mul(weight, axis=0)


def year_average(stock: pd.DataFrame) -> pd.DataFrame:
    """Children in each financial year: the average of the 31 March stock at its start and end.

    Row ``Y`` of the result is the financial year ending 31 March ``Y`` (the
    first row of ``stock`` is only a start).
    """
    values = (stock.to_numpy()[:-1] + stock.to_numpy()[1:]) / 2.0
    out = pd.DataFrame(values, index=stock.index[1:], columns=stock.columns)
    out.index.name = "year"
    return out


def gross_cost(average: pd.DataFrame, costs: Costs) -> pd.Series:
    """Gross placement cost of each financial year: sum of children x weekly cost x 365.25 / 7 (pounds)."""
    return (average * weekly_costs(costs)).sum(axis=1) * WEEKS_PER_YEAR


def households(bc: BusinessCase, years) -> pd.Series:
    """Extra in-house fostering households at work in each year: ``H_t = H_{t-1} x retention + extra``, ``H_0 = 0``."""
    out, h = [], 0.0
    for _ in years:
        h = h * bc.household_retention + bc.extra_households_per_year
        out.append(h)
    return pd.Series(out, index=pd.Index(list(years), name="year"), dtype=float)


@dataclass(frozen=True)
class Recruitment:
    """The recruitment arithmetic applied to one projection (all indexed by financial year)."""

    average: pd.DataFrame  # children by category after the move from IFA to in-house
    households: pd.Series  # H_t
    wanted: pd.Series  # H_{t-1} x conversion x children_per_household
    extra_children: pd.Series  # E_t = min(wanted, IFA children)
    investment: pd.Series  # approvals + support, pounds


def recruitment(average: pd.DataFrame, bc: BusinessCase) -> Recruitment:
    """Move ``E_t`` children a year from IFA to in-house fostering (see the module notes).

    Parameters
    ----------
    average:
        Children by financial year and category (:func:`year_average`).
    bc:
        The paper's business-case parameters.
    """
    h = households(bc, average.index)
    placed = h.shift(1, fill_value=0.0)  # approved by the end of the previous year
    wanted = placed * bc.conversion * bc.children_per_household
    extra = np.minimum(wanted, average[IFA].clip(lower=0.0))
    moved = average.copy()
    moved[IN_HOUSE] = moved[IN_HOUSE] + extra
    moved[IFA] = moved[IFA] - extra
    investment = bc.extra_households_per_year * bc.cost_per_approval + h * bc.support_cost_per_household
    return Recruitment(average=moved, households=h, wanted=wanted, extra_children=extra, investment=investment)


def npv(net: pd.Series | list, rate: float) -> float:
    """Net present value, Green Book convention: the first year is year 0, undiscounted.

    ``sum over t = 1..N of net_t / (1 + rate)^(t - 1)``, with ``net`` in year order.
    """
    values = np.asarray(net, dtype=float)
    return float(np.sum(values / (1.0 + rate) ** np.arange(len(values))))


def payback(net: pd.Series | list, investment: pd.Series | list | None = None) -> float | None:
    """Years until the cumulative position turns positive for good; None if it is not positive at the end.

    Each year's ``investment`` is paid at the start of the year and its saving
    (``net + investment``) accrues evenly through it, so within year ``t`` the
    position runs from ``C_{t-1} - I_t`` to ``C_t`` (``C_0 = 0``). The result is
    the last point where it crosses from zero or below to above zero,
    interpolated within that year. Without ``investment`` the position moves
    linearly from ``C_{t-1}`` to ``C_t``, so a scenario in surplus from its
    first year pays back at 0.
    """
    values = np.asarray(net, dtype=float)
    if len(values) == 0:
        return None
    inv = np.zeros_like(values) if investment is None else np.asarray(investment, dtype=float)
    saving = values + inv
    end = np.cumsum(values)
    if end[-1] <= 0:
        return None
    low = np.concatenate([[0.0], end[:-1]]) - inv  # just after paying the year's investment
    below = np.flatnonzero((low < 0) | (end <= 0))
    if len(below) == 0:
        return 0.0
    t = int(below[-1])
    if end[t] <= 0:  # reaches exactly zero at the year's end; the next year starts at zero with nothing to pay
        return float(t + 1)
    return float(t + (-low[t]) / saving[t])


@dataclass(frozen=True)
class Scenario:
    """One scenario, year by year (index: the financial year ending 31 March ``year``).

    Attributes
    ----------
    stock : pandas.DataFrame
        Children looked after at 31 March by category, base year to the end
        (before any recruitment move; recruitment changes where children live,
        not how many there are).
    average : pandas.DataFrame
        Children in each financial year by category (:func:`year_average`),
        after the recruitment move where there is one: what is costed.
    households, wanted, extra_children : pandas.Series
        ``H_t``, ``H_t x conversion x children_per_household`` and ``E_t`` (the
        wanted number capped by the IFA children), zero without recruitment.
    money : pandas.DataFrame
        ``gross``, ``saving``, ``investment``, ``net``, ``cumulative`` (pounds).
    npv : float
    payback : float or None
    """

    key: str
    stock: pd.DataFrame
    average: pd.DataFrame
    households: pd.Series
    wanted: pd.Series
    extra_children: pd.Series
    money: pd.DataFrame
    npv: float
    payback: float | None

    @property
    def label(self) -> str:
        """The scenario's name on the page."""
        return SCENARIOS[self.key]

    def net_first_years(self, years: int = FIRST_YEARS) -> float:
        """Cumulative undiscounted net position over the first ``years`` years (or all, if fewer)."""
        return float(self.money["net"].iloc[:years].sum())


@dataclass(frozen=True)
class Results:
    """Every scenario, the parameters behind them and the sensitivity of the NPV of both together."""

    base_year: int
    business_case: BusinessCase
    costs: Costs
    scenarios: dict[str, Scenario]
    tornado: pd.DataFrame | None = None
    synthetic: bool = True

    @property
    def horizon(self) -> int:
        """Years the scenarios run for."""
        return self.business_case.horizon_years

    @property
    def end_year(self) -> int:
        """The last 31 March of the scenarios."""
        return self.base_year + self.horizon

    @property
    def first_years(self) -> int:
        """Years the net-saving key figures cover: :data:`FIRST_YEARS`, or the horizon if shorter."""
        return min(FIRST_YEARS, self.horizon)

    @property
    def tag(self) -> str:
        """``SYNTHETIC`` or ``real``."""
        return "SYNTHETIC" if self.synthetic else "real"


def _money(average: pd.DataFrame, base_cost: pd.Series, investment: pd.Series, costs: Costs) -> pd.DataFrame:
    gross = gross_cost(average, costs)
    saving = base_cost - gross
    net = saving - investment
    return pd.DataFrame(
        {"gross": gross, "saving": saving, "investment": investment, "net": net, "cumulative": net.cumsum()}
    )


def scenarios(
    baseline: pd.DataFrame,
    faster: pd.DataFrame,
    bc: BusinessCase,
    costs: Costs,
    base_year: int | None = None,
    *,
    synthetic: bool = True,
) -> Results:
    """The four scenarios from two projections.

    Parameters
    ----------
    baseline:
        Projection with nothing changed (columns ``year``, ``category``,
        ``children``; see the module notes).
    faster:
        Projection with time to permanence cut by ``bc.permanence_time_cut``.
    bc, costs:
        The paper's ``business_case`` and ``costs``.
    base_year:
        The projection's base year (its first 31 March); by default the
        earliest year in ``baseline``.
    synthetic:
        Whether the projections come from SYNTHETIC child-level data.
    """
    base_year = int(baseline["year"].min()) if base_year is None else int(base_year)
    n = bc.horizon_years
    base_stock = stock_by_category(baseline, base_year, n)
    stocks = {
        "baseline": base_stock,
        "permanence": ramp(base_stock, stock_by_category(faster, base_year, n), bc.permanence_ramp_years),
    }
    avgs = {k: year_average(v) for k, v in stocks.items()}
    years = avgs["baseline"].index
    base_cost = gross_cost(avgs["baseline"], costs)
    zero = pd.Series(0.0, index=years)
    perm_cost = pd.Series(float(bc.permanence_cost_per_year), index=years)
    out = {}
    for key, source, recruit, extra_cost in (
        ("baseline", "baseline", False, zero),
        ("recruitment", "baseline", True, zero),
        ("permanence", "permanence", False, perm_cost),
        ("both", "permanence", True, perm_cost),
    ):
        avg = avgs[source]
        if recruit:
            r = recruitment(avg, bc)
            avg, h, w, e = r.average, r.households, r.wanted, r.extra_children
            investment = r.investment + extra_cost
        else:
            h, w, e, investment = zero, zero, zero, extra_cost
        money = _money(avg, base_cost, investment, costs)
        out[key] = Scenario(
            key=key,
            stock=stocks[source],
            average=avg,
            households=h,
            wanted=w,
            extra_children=e,
            money=money,
            npv=npv(money["net"], bc.discount_rate),
            payback=payback(money["net"], money["investment"]),
        )
    return Results(base_year=base_year, business_case=bc, costs=costs, scenarios=out, synthetic=synthetic)


# --------------------------------------------------------------------------- sensitivity


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


def tornado(
    baseline: pd.DataFrame,
    faster_at: Callable[[float], pd.DataFrame],
    bc: BusinessCase,
    costs: Costs,
    base_year: int | None = None,
) -> pd.DataFrame:
    """The NPV of both together with each :data:`SENSITIVITY` input set low, then high.

    Parameters
    ----------
    baseline:
        The baseline projection.
    faster_at:
        ``cut -> projection`` with time to permanence cut by ``cut``.
    bc, costs:
        The paper's parameters (the central case).

    Returns
    -------
    pandas.DataFrame
        :func:`sensitivity_inputs` plus ``npv_low``, ``npv_high`` (the NPV with
        the input at its low and high value), ``swing`` (their absolute
        difference) and ``npv_base``; sorted by swing, largest first (ties in
        table order).
    """
    inputs = sensitivity_inputs(bc, costs)
    cache: dict[float, pd.DataFrame] = {}

    def faster(cut: float) -> pd.DataFrame:
        if cut not in cache:
            cache[cut] = faster_at(cut)
        return cache[cut]

    def both_npv(b: BusinessCase, c: Costs) -> float:
        return scenarios(baseline, faster(b.permanence_time_cut), b, c, base_year).scenarios["both"].npv

    base = both_npv(bc, costs)
    lows, highs = [], []
    for row in inputs.itertuples():
        lows.append(both_npv(*with_value(row.field, row.low, bc, costs)))
        highs.append(both_npv(*with_value(row.field, row.high, bc, costs)))
    out = inputs.assign(npv_low=lows, npv_high=highs, npv_base=base)
    out["swing"] = (out["npv_high"] - out["npv_low"]).abs()
    out["order"] = range(len(out))
    return out.sort_values(["swing", "order"], ascending=[False, True]).drop(columns="order").reset_index(drop=True)


def run(model, paper: Paper) -> Results:
    """Every scenario and the sensitivity chart for a fitted forecast model.

    Parameters
    ----------
    model:
        An :class:`analysis.chapters.forecast.Model` (its ``base_year`` starts the
        scenarios; ``synthetic`` says whether it was fitted to SYNTHETIC data).
    paper:
        The validated paper (``business_case`` and ``costs``).
    """
    from analysis.chapters import forecast

    bc, costs = paper.business_case, paper.costs
    n = bc.horizon_years
    baseline = forecast.project(model, n)

    def faster_at(cut: float) -> pd.DataFrame:
        return forecast.project(forecast.with_faster_permanence(model, cut), n)

    res = scenarios(
        baseline, faster_at(bc.permanence_time_cut), bc, costs, model.base_year, synthetic=bool(model.synthetic)
    )
    return replace(res, tornado=tornado(baseline, faster_at, bc, costs, model.base_year))


# --------------------------------------------------------------------------- words


def _period(year: int) -> str:
    return text.period(int(year))


def money_text(value: float) -> str:
    """Pounds for a sentence, sign in words: "£1.2 million", "minus £45,000"."""
    return f"minus {text.money(-value)}" if value < 0 else text.money(value)


def payback_text(years: float | None, horizon: int) -> str:
    """A payback period in words: "within its first year", "after 2.3 years", "not within 5 years"."""
    if years is None:
        return f"not within {horizon} year{'s' if horizon != 1 else ''}"
    if years < 1:
        return "within its first year"
    return f"after {years:.1f} years"


def _pct(value: float, digits: int = 0) -> str:
    return f"{value * 100:.{digits}f}%"


def _rounded(value: float) -> int:
    return int(round(float(value)))


def _count(value: float):
    """A rounded count of children as a key figure: a whole number, or "suppressed" if 1 to 5."""
    n = _rounded(value)
    return SUPPRESSED if disclosure.is_small([n])[0] else n


def _count_text(value) -> str:
    return "a suppressed number of" if value == SUPPRESSED else f"{value:,}"


# --------------------------------------------------------------------------- tables


def _param_value(name: str, value: float) -> str:
    if name in ("discount_rate", "conversion", "household_retention", "permanence_time_cut"):
        return _pct(value, 1 if round(value * 100, 1) % 1 else 0)
    if name in ("cost_per_approval", "support_cost_per_household", "permanence_cost_per_year"):
        return f"£{value:,.0f}"
    if name in ("horizon_years", "permanence_ramp_years"):
        return f"{value:d} year{'s' if value != 1 else ''}"
    if name == "extra_households_per_year":
        return f"{value:,.4g} a year"
    if name == "children_per_household":
        return f"{value:,.4g} per household"
    raise ValueError(f"no display format for {name!r}")


def parameters_display(res: Results) -> pd.DataFrame:
    """The parameters behind the scenarios: value, meaning and source (not child-level)."""
    bc, costs = res.business_case, res.costs
    rows = []
    for cat, field in ((IN_HOUSE, "in_house_fostering"), (IFA, "ifa_fostering")):
        unit = getattr(costs, field)
        rows.append(
            {
                "Parameter": f"costs.{field}.weekly",
                "Value": f"£{unit.weekly:,.0f} a week",
                "Meaning": f"Weekly unit cost: {LABELS[cat]} ({unit.year} figure)",
                "Source or assumption": unit.source,
            }
        )
    rows.append(
        {
            "Parameter": "costs.sensitivity",
            "Value": _pct(costs.sensitivity),
            "Meaning": "Plus or minus share applied to unit costs in the sensitivity chart",
            "Source or assumption": "paper file",
        }
    )
    rows.append(
        {
            "Parameter": "costs.price_year",
            "Value": str(costs.price_year),
            "Meaning": "Price year of all money in this chapter",
            "Source or assumption": "paper file",
        }
    )
    for name, info in BusinessCase.model_fields.items():
        if name == "sources":
            continue
        value = getattr(bc, name)
        if name in bc.sources:
            source = bc.sources[name]
        elif name == "discount_rate" and value == 0.035:
            source = "HM Treasury Green Book real discount rate"
        elif name in bc.model_fields_set:
            source = "set in the paper file, no source given (add it under business_case.sources)"
        elif name == "horizon_years":
            source = "report default"
        else:
            source = "report default, an assumption: replace with the council's own figure"
        meaning = info.description or ""
        rows.append(
            {
                "Parameter": f"business_case.{name}",
                "Value": _param_value(name, value),
                "Meaning": meaning[0].upper() + meaning[1:],
                "Source or assumption": source,
            }
        )
    return pd.DataFrame(rows)


def parameters_table(res: Results) -> dict:
    """:func:`parameters_display` with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": parameters_display(res),
        "caption": (
            f"Parameters of the business case, from the paper file (money in £ at {res.costs.price_year} prices)"
        ),
    }


def children_counts(res: Results) -> pd.DataFrame:
    """Children looked after at 31 March by scenario, rounded to whole children (index: year)."""
    return pd.DataFrame({k: s.stock.sum(axis=1).round() for k, s in res.scenarios.items()})


def children_display(res: Results) -> tuple[pd.DataFrame, bool]:
    """:func:`children_counts` suppressed for the page (years as rows, one column per scenario); any hidden?"""
    sup = disclosure.suppress(children_counts(res))
    shown = sup.table()
    shown.columns = [SCENARIOS[k] for k in shown.columns]
    shown.insert(0, "Year (31 March)", [str(y) for y in shown.index])
    return shown.reset_index(drop=True), bool(sup.mask.to_numpy().any())


_MIX_COLUMNS = {
    "in-house": "In-house foster carers",
    "IFA": "IFA foster carers",
    "other": "All other placements",
    "all": "All children",
}


def mix_counts(res: Results) -> pd.DataFrame:
    """Children in each financial year by scenario: in-house, IFA, other, all.

    In-house, IFA and the total are rounded to whole children; "other" is the
    rounded total less the two (never below zero), and "all" is the sum of the
    three, so the table adds up and a move between in-house and IFA leaves the
    total as it was.
    """
    rows = []
    for key, s in res.scenarios.items():
        for year, avg in s.average.iterrows():
            inh, ifa = _rounded(avg[IN_HOUSE]), _rounded(avg[IFA])
            other = max(0, _rounded(avg.sum()) - inh - ifa)  # so "all" is the rounded total where it can be
            rows.append(
                {
                    "scenario": key,
                    "year": int(year),
                    "in-house": inh,
                    "IFA": ifa,
                    "other": other,
                    "all": inh + ifa + other,
                }
            )
    return pd.DataFrame(rows)


def mix_display(res: Results) -> pd.DataFrame:
    """:func:`mix_counts` suppressed (the total column with secondary suppression), for the page."""
    counts = mix_counts(res)
    parts = counts[list(_MIX_COLUMNS)].astype(float)
    shown = disclosure.suppress(parts, total_col="all").table()
    shown.columns = [_MIX_COLUMNS[c] for c in shown.columns]
    shown.insert(0, "Financial year", [_period(y) for y in counts["year"]])
    shown.insert(0, "Scenario", [SCENARIOS[k] for k in counts["scenario"]])
    return shown


def mix_table(res: Results) -> dict:
    """:func:`mix_display` with caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": mix_display(res),
        "caption": (
            "Children looked after in each financial year by type of placement and scenario: the average "
            "of the numbers at 31 March at the start and end of the year, rounded to whole children "
            f"(projected from {CHILD_LEVEL}{', SYNTHETIC' if res.synthetic else ''}; counts of 1 to 5 are suppressed "
            "as c)"
        ),
    }


_MONEY_COLUMNS = {
    "gross": "Gross placement cost (£)",
    "saving": "Saving against baseline (£)",
    "investment": "Investment (£)",
    "net": "Net position (£)",
    "cumulative": "Cumulative net (£)",
}


def money_display(res: Results) -> pd.DataFrame:
    """Each scenario's money year by year (pounds, not counts)."""
    frames = []
    for key, s in res.scenarios.items():
        m = s.money.rename(columns=_MONEY_COLUMNS).round(0)
        m.insert(0, "Financial year", [_period(y) for y in m.index])
        m.insert(0, "Scenario", s.label)
        frames.append(m.reset_index(drop=True))
    return pd.concat(frames, ignore_index=True)


def money_table(res: Results) -> dict:
    """:func:`money_display` with caption and formats."""
    return {
        "table": money_display(res),
        "formats": dict.fromkeys(_MONEY_COLUMNS.values(), ",.0f"),
        "caption": (
            f"Cost, saving, investment and net position of each scenario by financial year, £ at "
            f"{res.costs.price_year} prices, undiscounted (projected from {CHILD_LEVEL}"
            f"{', SYNTHETIC' if res.synthetic else ''})"
        ),
    }


def summary_display(res: Results) -> pd.DataFrame:
    """One row per scenario (baseline left out): net over the first years, NPV, payback."""
    rows = []
    for key, s in res.scenarios.items():
        if key == "baseline":
            continue
        rows.append(
            {
                "Scenario": s.label,
                f"Net over the first {res.first_years} years, undiscounted (£)": round(
                    s.net_first_years(res.first_years)
                ),
                f"Net present value over {res.horizon} years (£)": round(s.npv),
                "Payback (years)": "not within the horizon"
                if s.payback is None
                else ("under 1" if s.payback < 1 else f"{s.payback:.1f}"),
            }
        )
    return pd.DataFrame(rows)


def summary_table(res: Results) -> dict:
    """:func:`summary_display` with caption and formats."""
    table = summary_display(res)
    bc = res.business_case
    return {
        "table": table,
        "formats": {c: ",.0f" for c in table.columns if c.endswith("(£)")},
        "caption": (
            f"The scenarios compared with no change: net position (savings minus investment), net present "
            f"value at a {_pct(bc.discount_rate, 1)} discount rate (first year undiscounted) and payback, "
            f"£ at {res.costs.price_year} prices"
        ),
    }


# --------------------------------------------------------------------------- charts


def _source(res: Results) -> str:
    what = (
        "SYNTHETIC SSDA903 returns, a made-up history with no real children calibrated to the authority's "
        "published totals"
        if res.synthetic
        else "the authority's SSDA903 returns"
    )
    return (
        f"Source: projection from {CHILD_LEVEL} ({what}), with the paper file's unit costs and business-case "
        "parameters."
    )


def children_title(res: Results) -> str:
    """Chart title: how many fewer children faster permanence would mean by the end (generated)."""
    end = children_counts(res).loc[res.end_year]
    base, fast = end["baseline"], end["permanence"]
    if disclosure.is_small([base, fast]).any():
        return f"Children looked after at 31 March to {res.end_year} under each scenario"
    diff = base - fast
    if diff >= 1:
        what = f"about {diff:,.0f} fewer children looked after than the {base:,.0f} projected with no change"
    elif diff <= -1:
        what = f"about {-diff:,.0f} more children looked after than the {base:,.0f} projected with no change"
    else:
        what = f"about as many children looked after as the {base:,.0f} projected with no change"
    return (
        f"By 31 March {res.end_year}, faster permanence would mean {what}; recruiting in-house carers changes "
        "where children live, not how many"
    )


def children_chart(res: Results) -> dict:
    """Children looked after at 31 March by scenario, base year to the end of the horizon."""
    counts = children_counts(res)
    sup = disclosure.suppress(counts)
    fig = go.Figure()
    for key in SCENARIOS:
        values = sup.values[key]
        fig.add_trace(
            go.Scatter(
                x=[str(y) for y in counts.index],
                y=values.tolist(),
                name=SCENARIOS[key],
                mode="lines+markers",
                line={"color": _SCENARIO_COLOURS[key], "dash": _SCENARIO_DASH[key], "width": 3},
                hovertemplate=f"{SCENARIOS[key]}<br>31 March %{{x}}: %{{y:,.0f}}<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="Children looked after at 31 March")
    table, hidden = children_display(res)
    title = children_title(res)
    return {
        "fig": fig,
        "name": "business-case-children",
        "title": title,
        "caption": (
            f"Children looked after at 31 March, {res.base_year} (the last year of data) to {res.end_year}, "
            "projected under each scenario and rounded to whole children. Recruitment moves children from "
            "agency to in-house carers, so its line lies on the baseline and 'both together' lies on faster "
            f"permanence.{' Counts of 1 to 5 are suppressed.' if hidden else ''} {_source(res)}"
        ),
        "alt": (
            f"Line chart of projected children looked after at 31 March from {res.base_year} to {res.end_year} "
            f"under four scenarios. {title}."
        ),
        "table": table,
    }


def net_title(res: Results) -> str:
    """Chart title: which scenario is furthest ahead at the end, and whether each pays back (generated)."""
    live = {k: s for k, s in res.scenarios.items() if k != "baseline"}
    best = max(live.values(), key=lambda s: s.money["cumulative"].iloc[-1])
    end = best.money["cumulative"].iloc[-1]
    if end <= 0:
        return (
            f"No scenario has saved more than it cost by {_period(res.end_year)}: the best, "
            f"{best.label.lower()}, is {money_text(-end)} behind"
        )
    return (
        f"{best.label} would be furthest ahead by {_period(res.end_year)}, {money_text(end)} better off than "
        f"no change after paying for itself {payback_text(best.payback, res.horizon)}"
    )


def net_chart(res: Results) -> dict:
    """Cumulative net position of each scenario against the baseline, from zero at the start."""
    years = [str(res.base_year)] + [str(y) for y in res.scenarios["baseline"].money.index]
    fig = go.Figure()
    table = pd.DataFrame({"Year (31 March)": years})
    for key, s in res.scenarios.items():
        if key == "baseline":
            continue
        values = [0.0] + s.money["cumulative"].round(0).tolist()
        fig.add_trace(
            go.Scatter(
                x=years,
                y=values,
                name=s.label,
                mode="lines+markers",
                line={"color": _SCENARIO_COLOURS[key], "dash": _SCENARIO_DASH[key], "width": 3},
                hovertemplate=f"{s.label}<br>31 March %{{x}}: £%{{y:,.0f}}<extra></extra>",
            )
        )
        table[f"{s.label}, cumulative net (£)"] = values
    fig.add_hline(y=0, line={"color": charts.COLOURS["limit998"], "width": 1})
    charts.base_layout(fig, y_title=f"Cumulative net position, £ ({res.costs.price_year} prices)")
    fig.update_yaxes(tickprefix="£", tickformat=",.0f", rangemode="normal")
    title = net_title(res)
    return {
        "fig": fig,
        "name": "business-case-net",
        "title": title,
        "caption": (
            f"Cumulative net position of each scenario against no change, from the start of "
            f"{_period(res.base_year + 1)}: savings in placement costs minus the investment, added up year by "
            f"year, undiscounted, £ at {res.costs.price_year} prices. Above the line the scenario has saved more "
            f"than it cost. {_source(res)}"
        ),
        "alt": (
            f"Line chart of the cumulative net position of three scenarios from {res.base_year} to "
            f"{res.end_year}, with a line at zero. {title}."
        ),
        "table": table,
        "table_formats": {c: ",.0f" for c in table.columns if c.endswith("(£)")},
    }


def _input_text(path: str, value: float) -> str:
    name = path.split(".")[1]
    if path.startswith("costs."):
        return f"£{value:,.0f} a week"
    return _param_value(name, int(value) if name == "horizon_years" else value)


def tornado_display(res: Results) -> pd.DataFrame:
    """The table behind the sensitivity chart: inputs low and high, and the NPV at each."""
    t = res.tornado
    return pd.DataFrame(
        {
            "Input": t["label"],
            "Paper file value": [_input_text(f, v) for f, v in zip(t["field"], t["value"])],
            "Low value": [_input_text(f, v) for f, v in zip(t["field"], t["low"])],
            "High value": [_input_text(f, v) for f, v in zip(t["field"], t["high"])],
            "NPV at low value (£)": t["npv_low"].round(0),
            "NPV at high value (£)": t["npv_high"].round(0),
            "Swing (£)": t["swing"].round(0),
            "How the range is set": t["why"],
        }
    )


def tornado_title(res: Results) -> str:
    """Chart title: the input that matters most, and whether NPV stays positive (generated)."""
    t = res.tornado
    base = float(t["npv_base"].iloc[0])
    lo = float(min(t["npv_low"].min(), t["npv_high"].min()))
    hi = float(max(t["npv_low"].max(), t["npv_high"].max()))
    top = t["label"].iloc[0]
    if lo > 0:
        sign = "stays positive whichever single input is changed"
    elif hi <= 0:
        sign = "stays negative whichever single input is changed"
    else:
        sign = "turns negative for some inputs"
    return (
        f"The net present value of both together ({money_text(base)}) {sign}, from {money_text(lo)} to "
        f"{money_text(hi)}; the {top.lower()} matters most"
    )


def tornado_chart(res: Results) -> dict:
    """Tornado chart: NPV of both together with each input at its low and high value, biggest swing on top."""
    t = res.tornado
    base = float(t["npv_base"].iloc[0])
    labels = t["label"].tolist()
    fig = go.Figure()
    for col, name, colour in (
        ("npv_low", "Input at its low value", charts.COLOURS["region"]),
        ("npv_high", "Input at its high value", charts.COLOURS["la"]),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=(t[col] - base).tolist(),
                base=base,
                orientation="h",
                name=name,
                marker_color=colour,
                customdata=t[col].round(0).tolist(),
                hovertemplate="%{y}<br>NPV £%{customdata:,.0f}<extra>" + name + "</extra>",
            )
        )
    fig.add_vline(x=base, line={"color": charts.COLOURS["limit998"], "width": 1})
    charts.base_layout(
        fig, y_title="", x_title=f"Net present value of both together, £ ({res.costs.price_year} prices)"
    )
    fig.update_layout(barmode="overlay", height=140 + 36 * len(labels), margin={"l": 320, "r": 20, "t": 20, "b": 60})
    fig.update_xaxes(tickprefix="£", tickformat=",.0f")
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    title = tornado_title(res)
    table = tornado_display(res)
    return {
        "fig": fig,
        "name": "business-case-tornado",
        "title": title,
        "caption": (
            f"Net present value over {res.horizon} years of both scenarios together (discounted at "
            f"{_pct(res.business_case.discount_rate, 1)}, first year undiscounted) when one input at a time is "
            "set to its low or high value; the vertical line is the value with every input as in the paper file. "
            "Bars are sorted by swing, the largest at the top. How each range is set is in the table. "
            f"£ at {res.costs.price_year} prices. {_source(res)}"
        ),
        "alt": (
            f"Tornado chart: horizontal bars for {len(labels)} inputs showing the net present value of both "
            f"scenarios together at each input's low and high value. {title}."
        ),
        "table": table,
        "table_formats": {c: ",.0f" for c in table.columns if c.endswith("(£)")},
    }


# --------------------------------------------------------------------------- key figures and findings


def _payback_value(s: Scenario, horizon: int):
    return payback_text(None, horizon) if s.payback is None else round(s.payback, 1)


def key_figures(res: Results) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`.

    Money is rounded to the pound; a payback that never comes is the text
    "not within N years"; counts of children are rounded to whole children and
    the text "suppressed" when 1 to 5.
    """
    n, k = res.horizon, res.first_years
    pounds = f"£ at {res.costs.price_year} prices"
    child = f"projected from {CHILD_LEVEL}, {res.tag}"
    over = f"the first {k} years" if k == FIRST_YEARS else f"the {k}-year horizon (shorter than {FIRST_YEARS} years)"
    out = []
    for key, prefix in (
        ("both", "scenario"),
        ("recruitment", "scenario_recruitment"),
        ("permanence", "scenario_permanence"),
    ):
        s = res.scenarios[key]
        what = s.label.lower()
        out += [
            {
                "name": f"{prefix}_net_saving_5_years",
                "value": round(s.net_first_years(k)),
                "unit": "pounds",
                "label": f"Scenario '{what}': cumulative net position (savings minus investment, undiscounted) over "
                f"{over} ({pounds}; {child})",
            },
            {
                "name": f"{prefix}_payback_years",
                "value": _payback_value(s, n),
                "unit": "years" if s.payback is not None else "text",
                "label": f"Scenario '{what}': years until cumulative net position turns positive, interpolated within "
                f"the year (horizon {n} years; {child})",
            },
            {
                "name": f"{prefix}_npv",
                "value": round(s.npv),
                "unit": "pounds",
                "label": f"Scenario '{what}': net present value over {n} years at a "
                f"{_pct(res.business_case.discount_rate, 1)} discount rate, first year undiscounted ({pounds}; "
                f"{child})",
            },
        ]
    both = res.scenarios["both"]
    out += [
        {
            "name": "scenario_net_saving_5_years_text",
            "value": money_text(both.net_first_years(k)),
            "unit": "text",
            "label": f"scenario_net_saving_5_years in words, rounded ({pounds})",
        },
        {
            "name": "scenario_npv_text",
            "value": money_text(both.npv),
            "unit": "text",
            "label": f"scenario_npv in words, rounded ({pounds})",
        },
        {
            "name": "scenario_payback_text",
            "value": payback_text(both.payback, n),
            "unit": "text",
            "label": "scenario_payback_years in words",
        },
    ]
    counts = children_counts(res).loc[res.end_year]
    rec = res.scenarios["recruitment"]
    t = res.tornado
    out += [
        {
            "name": "scenario_price_year",
            "value": res.costs.price_year,
            "unit": "year",
            "label": "Price year of the business-case money (paper file)",
        },
        {
            "name": "scenario_horizon_years",
            "value": n,
            "unit": "years",
            "label": "Years the scenarios run for (paper file)",
        },
        {
            "name": "scenario_discount_rate_pct",
            "value": round(res.business_case.discount_rate * 100, 2),
            "unit": "percent",
            "label": "Real discount rate for net present value (paper file)",
        },
        {
            "name": "scenario_cla_baseline_end",
            "value": _count(counts["baseline"]),
            "unit": "children",
            "label": f"Children looked after at 31 March {res.end_year} with no change, projected ({child})",
        },
        {
            "name": "scenario_cla_both_end",
            "value": _count(counts["both"]),
            "unit": "children",
            "label": f"Children looked after at 31 March {res.end_year} with both changes together, projected ({child})",
        },
        {
            "name": "scenario_extra_households_end",
            "value": round(float(rec.households.iloc[-1]), 1),
            "unit": "count",
            "label": f"Extra in-house fostering households at work in {_period(res.end_year)} (paper file's recruitment "
            "and retention)",
        },
        {
            "name": "scenario_recruitment_extra_children_end",
            "value": _count(rec.extra_children.iloc[-1]),
            "unit": "children",
            "label": f"Children living with the extra in-house carers instead of IFA carers in {_period(res.end_year)}, "
            f"recruitment alone ({child})",
        },
    ]
    if t is not None:
        out += [
            {
                "name": "scenario_npv_low",
                "value": round(float(min(t["npv_low"].min(), t["npv_high"].min()))),
                "unit": "pounds",
                "label": f"Lowest net present value of both together in the sensitivity chart ({pounds})",
            },
            {
                "name": "scenario_npv_high",
                "value": round(float(max(t["npv_low"].max(), t["npv_high"].max()))),
                "unit": "pounds",
                "label": f"Highest net present value of both together in the sensitivity chart ({pounds})",
            },
            {
                "name": "scenario_most_sensitive_input",
                "value": str(t["label"].iloc[0]),
                "unit": "text",
                "label": "The input whose range moves the net present value of both together most",
            },
        ]
    return out


def _scenario_sentence(s: Scenario, res: Results) -> str:
    k = res.first_years
    net = s.net_first_years(k)
    ahead = "ahead of" if net > 0 else "behind"
    pays = (
        f"pays back {payback_text(s.payback, res.horizon)}"
        if s.payback is not None
        else f"does not pay back within {res.horizon} years"
    )
    return (
        f"{pays}, is {money_text(abs(net))} {ahead} no change after {k} years (undiscounted) and has a net "
        f"present value of {money_text(s.npv)} over {res.horizon} years"
    )


def findings(res: Results) -> list[str]:
    """The chapter's findings in plain English, generated from the numbers."""
    bc, costs = res.business_case, res.costs
    both, rec, perm = (res.scenarios[k] for k in ("both", "recruitment", "permanence"))
    mark = f" ({CHILD_LEVEL}, {res.tag})"
    out = []
    pays = sorted((s for s in (both, rec, perm) if s.payback is not None), key=lambda s: s.payback)
    best = max((both, rec, perm), key=lambda s: s.npv)
    if pays:
        which = (
            "All three scenarios pay back"
            if len(pays) == 3
            else f"Of the three scenarios, {_list([s.label.lower() for s in pays])} "
            f"{'pays' if len(pays) == 1 else 'pay'} back"
        )
        texts = [payback_text(s.payback, res.horizon) for s in pays]
        if len(set(texts)) == 1 and len(pays) > 1:
            when = f"{'all' if len(pays) == 3 else 'both'} {texts[0].replace('its', 'their')}"
        else:
            when = "; ".join(f"{s.label.lower()} {t}" for s, t in zip(pays, texts))
        out.append(
            f"{which} within {res.horizon} years ({when}). {best.label} has the highest net present value, "
            f"{money_text(best.npv)}."
        )
    else:
        out.append(f"None of the three scenarios pays back within {res.horizon} years at the paper file's parameters.")
    out.append(
        f"Both together (recruiting {bc.extra_households_per_year:,.4g} extra in-house fostering households a "
        f"year and cutting the time children take to reach permanence by {_pct(bc.permanence_time_cut)}) "
        f"{_scenario_sentence(both, res)}{mark}."
    )
    e_end = _count(rec.extra_children.iloc[-1])
    capped = bool((rec.extra_children < rec.wanted - 1e-9).any())
    out.append(
        f"More in-house foster carers alone: by {_period(res.end_year)} about "
        f"{rec.households.iloc[-1]:,.0f} extra households would be fostering, looking after "
        f"{_count_text(e_end)} children who would otherwise live with agency carers"
        f"{' (as many as the projected IFA placements allow)' if capped else ''}; at "
        f"£{costs.ifa_fostering.weekly - costs.in_house_fostering.weekly:,.0f} a week less per child, it "
        f"{_scenario_sentence(rec, res)}{mark}."
    )
    ends = children_counts(res).loc[res.end_year]
    cla_b, cla_f = _count(ends["baseline"]), _count(ends["permanence"])
    if SUPPRESSED in (cla_b, cla_f):
        fewer = "a change in the number of children looked after that is too small to show"
    else:
        fewer = f"{cla_f:,} children looked after at 31 March {res.end_year} instead of {cla_b:,}"
    out.append(f"Faster permanence alone: {fewer}; it {_scenario_sentence(perm, res)}{mark}.")
    t = res.tornado
    if t is not None:
        lo = float(min(t["npv_low"].min(), t["npv_high"].min()))
        hi = float(max(t["npv_low"].max(), t["npv_high"].max()))
        top = t.iloc[0]
        if lo > 0:
            sure = "the net present value of both together stays positive"
        elif hi <= 0:
            sure = "the net present value of both together stays negative"
        else:
            sure = "the case rests on its inputs: the net present value of both together turns negative for some"
        out.append(
            f"How sure: {sure} "
            f"when each input is moved over its range one at a time ({money_text(lo)} to {money_text(hi)}). "
            f"The {top['label'].lower()} matters most (from {money_text(top['npv_low'])} to "
            f"{money_text(top['npv_high'])})."
        )
    out.append(
        f"All money is in pounds at {costs.price_year} prices from national average unit costs; the "
        f"projection is from {'SYNTHETIC child-level data, so these figures show the method, not the council' + chr(39) + 's real position' if res.synthetic else 'the council' + chr(39) + 's own child-level data'}."
    )
    return out


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def findings_markdown(res: Results) -> str:
    """:func:`findings` as a Markdown bullet list."""
    return "\n".join(f"- {s}" for s in findings(res))


def cautions(res: Results) -> list[str]:
    """What the scenarios cannot tell you, with this run's numbers."""
    c = res.costs
    gap = c.ifa_fostering.weekly - c.in_house_fostering.weekly
    out = [
        f"**Unit costs are averages.** The saving per child moved (£{gap:,.0f} a week) is the difference between "
        "two national average fees. A child with more complex needs costs more with any provider, and the children "
        "an agency places may not be the children the council's new carers could take.",
        "**Like for like, the gap narrows.** The Fostering Stocktake (Narey and Owers, 2018) found that on a "
        "like-for-like basis the cost difference between council and agency fostering narrows considerably: agency "
        "fees include supervision, training and support that the council pays for its own carers from other budgets. "
        "Set `business_case.support_cost_per_household` and the council's own unit costs to reflect this; the "
        "sensitivity chart shows what a smaller gap does.",
        f"**Whether the council can recruit that many.** The scenarios assume "
        f"{res.business_case.extra_households_per_year:,.4g} extra households are approved every year on top of "
        "what happens anyway, and that they are kept as the paper file says. Nothing in the data shows whether the "
        "local market of would-be carers can supply them; the recruitment chapter and the council's own recruitment "
        "record are the evidence for that.",
        "**When savings start.** Each year's investment is paid at its start and its saving builds up through the "
        "year. A household approved in a year takes its first child the year after, and the permanence work "
        f"reaches its full effect after {res.business_case.permanence_ramp_years} year(s), building up evenly; if "
        "either takes longer, savings start later and payback comes later than shown.",
        "**Faster permanence is a modelling assumption.** The model shortens every child's time to permanence by "
        "the same share; it does not say which work would achieve that, or whether the courts and adopters would "
        "keep pace.",
        "**Placement costs only.** Social work time, legal costs, adoption and special guardianship support after a "
        "child leaves care are not counted, so faster permanence's saving is overstated by whatever those cost.",
    ]
    if res.synthetic:
        out.append(
            "**SYNTHETIC data.** The projection is fitted to a made-up child-level history calibrated to "
            "the authority's published figures. The numbers show how the business case would be worked out "
            "from the council's own SSDA903 returns, not what it would conclude."
        )
    return out


def cautions_markdown(res: Results) -> str:
    """:func:`cautions` as a Markdown bullet list."""
    return "\n".join(f"- {s}" for s in cautions(res))
