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
:func:`analysis.methods.forecasting.project` returns them. The arithmetic therefore does
not depend on how the projection is made; :func:`run` makes the projections
from a fitted :class:`analysis.methods.forecasting.Model`, and :func:`compute`
fits that model for a paper: the chapter's one call.

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
  cut by ``permanence_time_cut`` (:func:`analysis.methods.forecasting.with_faster_permanence`),
  its difference from the baseline building up evenly over
  ``permanence_ramp_years`` (:func:`ramp`); investment
  ``permanence_cost_per_year`` every year.
* **Both together**: recruitment applied to the faster-permanence projection.
* **Saving** = baseline gross cost - scenario gross cost; **net** = saving -
  investment; **cumulative net** runs from zero at the start of year 1.
* **Payback** (:func:`analysis.methods.appraisal.payback`): each year's investment is paid at its start and
  its saving accrues evenly through it; payback is the point from which the
  cumulative position stays above zero to the end of the horizon, interpolated
  within the year it crosses; ``None`` if it is not above zero at the end.
* **Net present value** (:func:`analysis.methods.appraisal.npv`): HM Treasury Green Book convention, the
  first year is year 0 and is not discounted: ``sum_t net_t / (1 + r)^(t - 1)``.
* **Sensitivity** (:data:`~analysis.chapters.business_case.sensitivity.SENSITIVITY`, :func:`tornado`): the NPV of both
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

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.chapters.business_case.sensitivity import sensitivity_inputs, with_value
from analysis.methods import forecasting
from analysis.methods.appraisal import npv, payback
from analysis.paper import BusinessCase, Costs, Paper
from analysis.report import disclosure, text
from analysis.report.categories import COST_FIELDS
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


def run(model: forecasting.Model, paper: Paper) -> Results:
    """Every scenario and the sensitivity chart for a fitted forecast model.

    Parameters
    ----------
    model:
        An :class:`analysis.methods.forecasting.Model` (its ``base_year`` starts the
        scenarios; ``synthetic`` says whether it was fitted to SYNTHETIC data).
    paper:
        The validated paper (``business_case`` and ``costs``).
    """
    bc, costs = paper.business_case, paper.costs
    n = bc.horizon_years
    baseline = forecasting.project(model, n)

    def faster_at(cut: float) -> pd.DataFrame:
        return forecasting.project(forecasting.with_faster_permanence(model, cut), n)

    res = scenarios(
        baseline, faster_at(bc.permanence_time_cut), bc, costs, model.base_year, synthetic=bool(model.synthetic)
    )
    return replace(res, tornado=tornado(baseline, faster_at, bc, costs, model.base_year))


def compute(ctx, data) -> Results:
    """The business case for a paper: the chapter's one result, every page function takes it.

    Fits the stock-and-flow model (:func:`analysis.methods.forecasting.fit`) to
    the child-level data up to the paper's year, as the forecast chapter does,
    and runs every scenario and the sensitivity chart on it (:func:`run`).

    Parameters
    ----------
    ctx : analysis.report.context.Context
        The run context (the paper's ``forecast``, ``business_case`` and ``costs``).
    data : analysis.sources.ssda903.context.ChildData
        The paper's child-level data.
    """
    model = forecasting.fit(data.prepared, ctx.year, ctx.paper.forecast.history_years, synthetic=data.synthetic)
    return run(model, ctx.paper)


# --------------------------------------------------------------------------- counts for the page


def rounded(value: float) -> int:
    """A number of children rounded to a whole child."""
    return int(round(float(value)))


def count(value: float):
    """A rounded count of children as a key figure: a whole number, or "suppressed" if 1 to 5."""
    n = rounded(value)
    return SUPPRESSED if disclosure.is_small([n])[0] else n


def children_counts(res: Results) -> pd.DataFrame:
    """Children looked after at 31 March by scenario, rounded to whole children (index: year)."""
    return pd.DataFrame({k: s.stock.sum(axis=1).round() for k, s in res.scenarios.items()})
