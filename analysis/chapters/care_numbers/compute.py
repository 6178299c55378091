"""Care numbers: the published counts and rates behind the chapter (trend, flows, funnel plot, change)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.methods import stats
from analysis.report import text
from analysis.report.context import Context

LA_LEVEL = "Local authority"

FLOW = {
    "cla_31_march": "Looked after at 31 March",
    "cla_started": "Started to be looked after",
    "cla_ceased": "Ceased to be looked after",
}


def _level(table: pd.DataFrame, level: str, measure: str) -> pd.DataFrame:
    return table[(table["geographic_level"] == level) & (table["measure"] == measure)]


def _la_values(ctx: Context, measure: str, code: str) -> pd.Series:
    rows = _level(ctx.table, LA_LEVEL, measure)
    rows = rows[rows["old_la_code"] == code]
    return rows.set_index("year")["value"].astype(float)


def _rates(table: pd.DataFrame, level: str, count_measure: str) -> pd.DataFrame:
    """Rates per 10,000 for every area at ``level``: DfE's published rate, else count / ONS population.

    DfE did not publish rates in every release (none for 2013, none for
    started and ceased before 2015); there the rate is computed the way DfE
    computes it, from the count and the 0-17 population DfE used that year, or
    where DfE published none (2013) ONS's current mid-year estimate. Columns: key
    (old LA code or region code, or "E92000001"), year, rate, computed (bool).
    """
    key = {"Local authority": "old_la_code", "Regional": "region_code", "National": "geographic_level"}[level]

    def values(measure: str) -> pd.Series:
        rows = _level(table, level, measure).dropna(subset=["value"])
        return rows.set_index([key, "year"])["value"].astype(float)

    published = values(f"{count_measure}_rate")
    population = values("population_0_17_dfe").combine_first(values("population_0_17_ons"))
    computed = stats.rate(values(count_measure), population.reindex(values(count_measure).index))
    computed = pd.Series(np.round(computed), index=values(count_measure).index).dropna()
    out = pd.DataFrame({"rate": published.combine_first(computed)})
    out["computed"] = ~out.index.isin(published.index)
    out.index = out.index.set_names(["key", "year"])
    return out.reset_index()


def _rate_series(ctx: Context, level: str, count_measure: str, key: str) -> tuple[pd.Series, list[int]]:
    """One area's rate by year, and the years where it was computed rather than published."""
    rows = _rates(ctx.table, level, count_measure)
    rows = rows[rows["key"] == key].set_index("year")
    return rows["rate"], sorted(int(y) for y in rows.index[rows["computed"]])


def _neighbour_mean(ctx: Context, count_measure: str) -> tuple[pd.Series, pd.Series]:
    rows = _rates(ctx.table, LA_LEVEL, count_measure)
    rows = rows[rows["key"].isin(ctx.neighbour_codes)]
    grouped = rows.groupby("year")["rate"]
    return grouped.mean().astype(float), grouped.count()


def trend(ctx: Context) -> pd.DataFrame:
    """Children looked after at 31 March, each year from ``first_year`` to the paper's year.

    Columns: year; the authority's count and rate; England's, the region's and
    the neighbours' average rate; how many neighbours had a published rate.
    """
    years = pd.Index(range(ctx.first_year, ctx.year + 1), name="year")
    mean, n = _neighbour_mean(ctx, "cla_31_march")
    la_rate, computed = _rate_series(ctx, LA_LEVEL, "cla_31_march", ctx.la.old_la_code)
    out = pd.DataFrame(
        {
            "la_count": _la_values(ctx, "cla_31_march", ctx.la.old_la_code),
            "la_rate": la_rate,
            "england_rate": _rate_series(ctx, "National", "cla_31_march", "National")[0],
            "region_rate": _rate_series(ctx, "Regional", "cla_31_march", ctx.la.region_code)[0],
            "neighbour_mean_rate": mean,
            "neighbours_with_data": n,
        }
    ).reindex(years)
    out["neighbours_with_data"] = out["neighbours_with_data"].fillna(0).astype(int)
    out["rate_computed"] = out.index.isin(computed)
    return out.reset_index()


def flows(ctx: Context) -> pd.DataFrame:
    """Children starting and ceasing to be looked after each year, count and rate, with England's rates."""
    years = pd.Index(range(ctx.first_year, ctx.year + 1), name="year")
    out = pd.DataFrame(
        {
            "started": _la_values(ctx, "cla_started", ctx.la.old_la_code),
            "started_rate": _rate_series(ctx, LA_LEVEL, "cla_started", ctx.la.old_la_code)[0],
            "ceased": _la_values(ctx, "cla_ceased", ctx.la.old_la_code),
            "ceased_rate": _rate_series(ctx, LA_LEVEL, "cla_ceased", ctx.la.old_la_code)[0],
            "england_started_rate": _rate_series(ctx, "National", "cla_started", "National")[0],
            "england_ceased_rate": _rate_series(ctx, "National", "cla_ceased", "National")[0],
        }
    ).reindex(years)
    computed = set(_rate_series(ctx, LA_LEVEL, "cla_started", ctx.la.old_la_code)[1])
    out["rate_computed"] = out.index.isin(sorted(computed))
    return out.reset_index()


@dataclass(frozen=True)
class Funnel:
    """Everything behind the funnel plot for one year.

    Positions are against Spiegelhalter's random-effects limits when the
    authorities' rates are overdispersed (``overdispersion.overdispersed``), and
    against the plain Poisson limits otherwise; ``la_position_poisson`` is
    always against the plain Poisson limits.
    """

    year: int
    points: pd.DataFrame  # one row per authority: old_la_code, la_name, count, population, rate, group, positions
    target_rate: float  # England's rate, per 10,000, unrounded
    limits: pd.DataFrame  # population; plain Poisson limits lower_95%...; adjusted adj_lower_95%...
    la_position: str  # against England, the limits the verdicts use
    la_position_poisson: str  # against England, plain Poisson limits
    neighbour_target_rate: float  # the neighbours' average of DfE's published rates (as the trend)
    la_position_vs_neighbours: str
    overdispersion: stats.Overdispersion

    @property
    def adjusted(self) -> bool:
        """True when the positions use the limits widened for overdispersion."""
        return self.overdispersion.overdispersed

    @property
    def limits_name(self) -> str:
        """The limits the positions use, in words: "overdispersion-adjusted" or "Poisson"."""
        return "overdispersion-adjusted" if self.adjusted else "Poisson"

    def outside(self, level: float = min(stats.LIMITS)) -> int:
        """How many authorities lie outside the ``level`` limits (0.95 or 0.998) the positions use."""
        if level == min(stats.LIMITS):
            return int((self.points["position"] != "within limits").sum())
        return int(self.points["position"].str.contains(level_label(level), regex=False).sum())


def level_label(level: float) -> str:
    """A control limit's level as printed: 0.95 -> "95%", 0.998 -> "99.8%"."""
    return text.confidence(1 - level)


def _population(ctx: Context, year: int) -> pd.DataFrame:
    """The 0-17 population per authority DfE used for ``year`` (ONS's estimate where DfE's is not published)."""
    dfe = _level(ctx.table, LA_LEVEL, "population_0_17_dfe")
    ons = _level(ctx.table, LA_LEVEL, "population_0_17_ons")
    dfe = dfe[dfe["year"] == year].set_index("old_la_code")["value"]
    ons = ons[ons["year"] == year].set_index("old_la_code")["value"]
    return dfe.combine_first(ons).astype(float)


def _points(ctx: Context, measure: str, year: int) -> pd.DataFrame:
    """Every authority's count of ``measure`` in ``year``, its 0-17 population and rate, indexed by old LA code."""
    counts = _level(ctx.table, LA_LEVEL, measure)
    counts = counts[counts["year"] == year].dropna(subset=["value"]).set_index("old_la_code")
    pts = pd.DataFrame({"la_name": counts["la_name"], "count": counts["value"].astype(float)})
    pts["population"] = _population(ctx, year).reindex(pts.index)
    pts = pts.dropna(subset=["population"])
    pts = pts[pts["population"] > 0]
    pts["rate"] = stats.rate(pts["count"].to_numpy(), pts["population"].to_numpy())
    return pts


def _limit_grid(pts: pd.DataFrame, target: float, od: stats.Overdispersion) -> pd.DataFrame:
    """Plain Poisson and overdispersion-adjusted limits along a grid of populations covering the points."""
    grid = np.unique(np.geomspace(max(pts["population"].min() * 0.8, 500), pts["population"].max() * 1.1, 200).round())
    limits = pd.DataFrame({"population": grid})
    for level in stats.LIMITS:
        lower, upper = stats.control_limits(target, grid, level)
        limits[f"lower_{level_label(level)}"], limits[f"upper_{level_label(level)}"] = lower, upper
        if od.overdispersed:
            lower, upper = stats.control_limits(target, grid, level, od=od)
            limits[f"adj_lower_{level_label(level)}"], limits[f"adj_upper_{level_label(level)}"] = lower, upper
    return limits


def funnel(ctx: Context, year: int | None = None) -> Funnel:
    """Rates of every authority for ``year`` against their child population, with control limits.

    The target is England's rate (all authorities' children looked after over
    their child population). The overdispersion of the rates around it is
    estimated by Spiegelhalter's random-effects method
    (:func:`analysis.methods.stats.overdispersion`); when it is significant the
    positions use the widened limits. Authorities without a published count or
    a population are left out. The neighbours' average is the mean of their
    published rates, as in :func:`trend`.
    """
    year = ctx.year if year is None else year
    pts = _points(ctx, "cla_31_march", year)
    pts["group"] = np.where(
        pts.index == ctx.la.old_la_code,
        ctx.la.la_name,
        np.where(pts.index.isin(ctx.neighbour_codes), "Neighbour", "Other authority"),
    )
    target = float(pts["count"].sum() / pts["population"].sum() * stats.PER)
    od = stats.overdispersion(pts["count"], pts["population"], target)
    pts["position"] = [stats.funnel_position(c, n, target, od=od) for c, n in zip(pts["count"], pts["population"])]
    pts["position_poisson"] = [stats.funnel_position(c, n, target) for c, n in zip(pts["count"], pts["population"])]
    me = pts.loc[ctx.la.old_la_code]
    neighbour_target = float(_neighbour_mean(ctx, "cla_31_march")[0].get(year, float("nan")))
    return Funnel(
        year=year,
        points=pts.reset_index(),
        target_rate=target,
        limits=_limit_grid(pts, target, od),
        la_position=me["position"],
        la_position_poisson=me["position_poisson"],
        neighbour_target_rate=neighbour_target,
        la_position_vs_neighbours=(
            stats.funnel_position(me["count"], me["population"], neighbour_target, od=od)
            if not np.isnan(neighbour_target)
            else "no neighbour data"
        ),
        overdispersion=od,
    )


@dataclass(frozen=True)
class Change:
    """The change in the rate of children looked after over ``first`` to ``last``, against the neighbours'.

    ``la_change_pct`` and ``neighbour_change_pct`` are the changes in the
    published rates the trend chart draws (the authority's; the neighbours'
    average). ``test`` is one-sided ("rising faster"): the authority's log rate
    ratio against the mean of its neighbours' log rate ratios, with each
    authority's Poisson variance ``1/a + 1/b`` plus the between-authority
    variance of the log rate ratios of every authority around England's
    (``overdispersion``, Spiegelhalter's random-effects method on the log scale).
    """

    first: int
    last: int
    la_change_pct: float
    neighbour_change_pct: float
    neighbours_with_data: int
    test: stats.Test | None
    overdispersion: stats.Overdispersion | None


def change(ctx: Context, window: int = 3, trend_table: pd.DataFrame | None = None) -> Change:
    """:class:`Change` over the ``window`` years to the paper's year (None test when a year is not published)."""
    last, first = ctx.year, ctx.year - window
    tr = (trend(ctx) if trend_table is None else trend_table).set_index("year")
    rates = tr.reindex([first, last])
    la_pct = 100.0 * (rates["la_rate"].iloc[1] / rates["la_rate"].iloc[0] - 1)
    nb_pct = 100.0 * (rates["neighbour_mean_rate"].iloc[1] / rates["neighbour_mean_rate"].iloc[0] - 1)
    a, b = _points(ctx, "cla_31_march", last), _points(ctx, "cla_31_march", first)
    both = a.add_suffix("_1").join(b.add_suffix("_0"), how="inner")
    if ctx.la.old_la_code not in both.index or both.empty:
        return Change(first, last, la_pct, nb_pct, 0, None, None)
    # the log of the rate ratio, with the Poisson variance its counts carry (1/a + 1/b; populations are fixed)
    s = stats.ratio_scale(both["count_1"], both["count_0"])[1]  # NaN where a count is 0: left out
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(np.isnan(s), np.nan, np.log(both["rate_1"] / both["rate_0"]))
    england = np.log(
        (both["count_1"].sum() / both["population_1"].sum()) / (both["count_0"].sum() / both["population_0"].sum())
    )
    od = stats.random_effects(y, s, float(england))
    frame = pd.DataFrame({"y": y, "s": s}, index=both.index).dropna()
    nb = frame[frame.index.isin(ctx.neighbour_codes)]
    if ctx.la.old_la_code not in frame.index or nb.empty:
        return Change(first, last, la_pct, nb_pct, len(nb), None, od)
    me = frame.loc[ctx.la.old_la_code]
    nb_var = float((nb["s"] ** 2 + od.tau2).sum()) / len(nb) ** 2
    test = stats.difference_test(me["y"], me["s"], float(nb["y"].mean()), nb_var, od, alternative="greater")
    return Change(first, last, la_pct, nb_pct, len(nb), test, od)


@dataclass(frozen=True)
class CareNumbers:
    """Everything the chapter shows for a paper: what :func:`compute` returns and every page function takes.

    Attributes
    ----------
    ctx : analysis.report.context.Context
        The paper joined to the published data.
    trend : pandas.DataFrame
        :func:`trend`: children looked after at 31 March, each year.
    flows : pandas.DataFrame
        :func:`flows`: children starting and ceasing to be looked after, each year.
    funnel : Funnel
        :func:`funnel` for the paper's year.
    change : Change
        :func:`change` over the three years to the paper's year.
    """

    ctx: Context
    trend: pd.DataFrame
    flows: pd.DataFrame
    funnel: Funnel
    change: Change


def compute(ctx: Context) -> CareNumbers:
    """The chapter's one call: the trend, the flows, the funnel plot and the three-year change for a paper."""
    tr = trend(ctx)
    return CareNumbers(ctx=ctx, trend=tr, flows=flows(ctx), funnel=funnel(ctx), change=change(ctx, trend_table=tr))
