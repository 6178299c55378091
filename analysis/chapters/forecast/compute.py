"""The forecast chapter's numbers: one :class:`Outlook` per paper, and the counts the page shows.

:func:`compute` fits the stock-and-flow model to the child-level data,
projects and simulates it, fits the trend to DfE's published numbers and
back-tests both (all through :mod:`analysis.methods.forecasting`). Every
table, chart, finding and key figure of the chapter takes the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.methods.forecasting import (
    AGE_BANDS,
    CATEGORIES,
    Backtest,
    EtsResult,
    Model,
    backtest,
    ets_forecast,
    fit,
    inside,
    project,
    simulate,
    snapshot,
)
from analysis.report import disclosure, text
from analysis.sources import published

#: Phrase in the caption of every table or chart built from child-level data.
CHILD_LEVEL = text.CHILD_LEVEL
#: What a key figure shows when its value is suppressed.
SUPPRESSED = text.SUPPRESSED
#: What a key figure shows when its value could not be worked out.
NOT_AVAILABLE = "not available"
ALL_AGES = "all ages"
ALL_CHILDREN = "all children"


@dataclass(frozen=True)
class Outlook:
    """Everything the chapter shows, worked out once for a paper.

    Attributes
    ----------
    year : int
        The paper's year (the model's base year).
    horizon : int
        Years forecast (``forecast.years_ahead``).
    interval : float
        Coverage of the prediction intervals.
    simulations : int
        Simulated futures behind the stock-and-flow interval.
    la_name : str
    model : Model
        Fitted to the child-level data up to the paper's year.
    projection : pandas.DataFrame
        :func:`~analysis.methods.forecasting.project` of the model over the horizon (expected numbers by state).
    sim : pandas.DataFrame
        :func:`~analysis.methods.forecasting.simulate`: total with its prediction interval by year; its
        ``mean`` is replaced by the model's exact expected total (``projection`` summed), so that the
        forecast quoted in the text, drawn on the chart and shown in the projection table is one number.
    ets : EtsResult
        The trend fitted to the published series up to the paper's year.
    backtest : Backtest
    published : pandas.Series
        DfE's children looked after at 31 March, ``first_year`` to the paper's year.
    later : pandas.Series
        DfE's figures for the forecast years, published after the paper (may be empty).
    child_history : pandas.Series
        Children of known age looked after at 31 March in the child-level data, by year (not yet suppressed).
    release : analysis.report.disclosure.Suppressed, optional
        The released table of children looked after at 31 March of the paper's year (the placements
        chapter's stock table), whose cells the projection table's actual column shows as released.
    """

    year: int
    horizon: int
    interval: float
    simulations: int
    la_name: str
    model: Model
    projection: pd.DataFrame
    sim: pd.DataFrame
    ets: EtsResult
    backtest: Backtest
    published: pd.Series
    later: pd.Series
    child_history: pd.Series
    release: disclosure.Suppressed | None = None

    @property
    def synthetic(self) -> bool:
        """Whether the child-level data are SYNTHETIC."""
        return self.model.synthetic

    @property
    def tag(self) -> str:
        """Marks a child-level caption: "(child-level data, SYNTHETIC)"."""
        return f"({CHILD_LEVEL}, SYNTHETIC)" if self.synthetic else f"({CHILD_LEVEL})"

    @property
    def data_word(self) -> str:
        """What the stock-and-flow figures come from: "SYNTHETIC child-level data" or "child-level data"."""
        return f"SYNTHETIC {CHILD_LEVEL}" if self.synthetic else CHILD_LEVEL

    @property
    def level(self) -> str:
        """The coverage of the prediction intervals as text: "95%"."""
        return text.share(self.interval)

    @property
    def year3(self) -> int:
        """The year three years after the paper's."""
        return self.year + 3

    @property
    def learned(self) -> str:
        """The years learned from as text, e.g. "31 March 2014 to 31 March 2017"."""
        pairs = self.model.learned_from
        return f"31 March {pairs[0][0]} to 31 March {pairs[-1][1]}"

    @property
    def source(self) -> str:
        """The source sentence of every child-level chart caption."""
        return (
            f"Source: {CHILD_LEVEL} from {text.returns_text(self.synthetic)}; DfE, Children looked after in England "
            "including adoptions (published figures). Counts of 1 to 5 children are suppressed (c)."
        )


def compute(ctx, data, release: disclosure.Suppressed | None = None) -> Outlook:
    """Fit, project, simulate, cross-check and back-test for a paper: the chapter's one result.

    Parameters
    ----------
    ctx : analysis.report.context.Context
        The run context (paper, published table, authority).
    data : analysis.sources.ssda903.context.ChildData
        The paper's child-level data (returns up to the paper's year).
    release : analysis.report.disclosure.Suppressed, optional
        The released stock table at 31 March of the paper's year (:attr:`Outlook.release`).

    Returns
    -------
    Outlook

    Raises
    ------
    InputError
        If the child-level data cannot support the model (see :func:`analysis.methods.forecasting.fit`).
    """
    f = ctx.paper.forecast
    year = ctx.year
    model = fit(data.prepared, year, f.history_years, synthetic=data.synthetic)
    series = published.series(ctx.table, "cla_31_march", old_la_code=ctx.la.old_la_code)
    pub = series[(series.index >= ctx.first_year) & (series.index <= year)]
    later = series[(series.index > year) & (series.index <= year + f.years_ahead)].dropna()
    child_years = [y for y in data.years if ctx.first_year <= y <= year]
    child = pd.Series(
        [float((snapshot(data.prepared, y)["state"] >= 0).sum()) for y in child_years], index=child_years, dtype=float
    )
    projection = project(model, f.years_ahead)
    sim = simulate(model, f.years_ahead, n=f.simulations, seed=f.seed, interval=f.interval)
    expected = projection.groupby("year")["children"].sum()
    sim = sim.assign(mean=sim["year"].map(expected).fillna(sim["mean"]))
    return Outlook(
        year=year,
        horizon=f.years_ahead,
        interval=f.interval,
        simulations=f.simulations,
        la_name=ctx.la.la_name,
        model=model,
        projection=projection,
        sim=sim,
        ets=ets_forecast(pub, f.years_ahead, f.interval),
        backtest=backtest(
            data.prepared, pub, year, history_years=f.history_years, n=f.simulations, seed=f.seed, interval=f.interval
        ),
        published=pub,
        later=later,
        child_history=child,
        release=release,
    )


# --------------------------------------------------------------------------- counts for the page


def safe(value) -> int | str:
    """A whole number of children for the page, or :data:`SUPPRESSED` if it is 1 to 5."""
    v = int(round(float(value)))
    return SUPPRESSED if disclosure.is_small([v])[0] else v


def flows_counts(o: Outlook) -> pd.DataFrame:
    """Children by age band: looked after at the start, entries and exits over the years learned from.

    Rows: the age bands and :data:`ALL_AGES`. Columns: children looked after
    on 31 March of the paper's year; entries (counted in the age band they
    were in on the later 31 March); left to permanence and left another way
    (counted in the age band they were in on the earlier 31 March), each summed
    over the pairs of years learned from. Not suppressed.
    """
    m = o.model
    s = m.n_states
    band = np.array([st[0] for st in m.states], dtype=object)
    span = f"{m.learned_from[0][0]} to {m.learned_from[-1][1]}"
    cols = {
        f"Looked after 31 March {m.base_year}": m.start,
        f"Came into care ({span})": m.entry_counts,
        f"Left to permanence ({span})": m.transitions[:, s],
        f"Left another way ({span})": m.transitions[:, s + 1],
    }
    rows = {b: [float(v[band == b].sum()) for v in cols.values()] for b in AGE_BANDS}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(cols))
    out.loc[ALL_AGES] = out.sum(axis=0)
    return out


def projection_counts(o: Outlook) -> pd.DataFrame:
    """Children by age band and by placement category: actual at the paper's year, then projected (rounded).

    Rows: the age bands, the placement categories and :data:`ALL_CHILDREN`;
    columns: the paper's year (actual, child-level) and each forecast year
    (the model's expected number, rounded to whole children). Not suppressed.
    """
    p = o.projection.assign(children=o.projection["children"].round())
    by_band = p.pivot_table(index="age_band", columns="year", values="children", aggfunc="sum").reindex(list(AGE_BANDS))
    by_cat = p.pivot_table(index="category", columns="year", values="children", aggfunc="sum").reindex(list(CATEGORIES))
    total = o.projection.groupby("year")["children"].sum().round()
    out = pd.concat([by_band, by_cat, total.to_frame(ALL_CHILDREN).T]).fillna(0.0)
    out.columns = [f"{y} (actual)" if y == o.year else f"{y} (projected)" for y in out.columns]
    return out


def at_year(frame: pd.DataFrame, year: int) -> pd.Series | None:
    """The row of ``frame`` (with a ``year`` column) for ``year``, or None."""
    rows = frame[frame["year"] == year]
    return None if rows.empty else rows.iloc[0]


def headline(o: Outlook, year: int | None = None) -> dict:
    """The stock-and-flow forecast for one year (default: three years on), as page-safe whole numbers."""
    year = o.year3 if year is None else year
    row = at_year(o.sim, year)
    return {"year": year, "mean": safe(row["mean"]), "lower": safe(row["lower"]), "upper": safe(row["upper"])}


def ets_at(o: Outlook, year: int) -> dict:
    """The trend's forecast for one year, whole numbers, or :data:`NOT_AVAILABLE` when no trend was fitted."""
    row = at_year(o.ets.forecast, year) if o.ets.fitted else None
    if row is None:
        return {"mean": NOT_AVAILABLE, "lower": NOT_AVAILABLE, "upper": NOT_AVAILABLE}
    return {"mean": int(round(row["mean"])), "lower": int(round(row["lower"])), "upper": int(round(row["upper"]))}


def later_inside(o: Outlook, frame: pd.DataFrame) -> tuple[int, int]:
    """Of the years DfE published after the paper that ``frame`` forecasts: how many fell inside its interval, of how many."""
    years = [y for y in o.later.index if at_year(frame, y) is not None]
    if not years:
        return 0, 0
    rows = frame.set_index("year").loc[years]
    return inside(rows["lower"], rows["upper"], o.later.loc[years]), len(years)


def path_word(o: Outlook) -> str:
    """How the expected total moves over the horizon: "rise, more slowly each year, ...", "fall each year" ..."""
    steps = np.diff(o.projection.groupby("year")["children"].sum().to_numpy())
    if len(steps) and (steps > 0).all():
        return "rise" + (
            ", more slowly each year, as more children in care means more leaving"
            if (np.diff(steps) < 0).all()
            else " each year"
        )
    if len(steps) and (steps < 0).all():
        return "fall" + (", more slowly each year" if (np.diff(steps) > 0).all() else " each year")
    return "change little overall"
