"""The permanence chapter's one result (:class:`Permanence`, from :func:`compute`) and the published
(real) reasons for leaving care.

The child-level parts are worked out in :mod:`.cohort` (time to permanence), :mod:`.adoption`
(scorecard, stages, children waiting) and :mod:`.model` (what predicts delay); :func:`compute`
calls each once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.chapters.permanence.adoption import (
    EnglandTimeliness,
    Waiting,
    adoption_records,
    england_timeliness,
    scorecard,
    scorecard_exclusions,
    scorecard_years,
    stages,
    waiting,
    waiting_trend,
)
from analysis.chapters.permanence.cohort import (
    COHORT_REASONS,
    MODEL_REASONS,
    ROUTES,
    Cohort,
    Curve,
    Exclusions,
    age_curves,
    cohort,
    entry_year_curves,
    logrank_by,
    outcome_counts,
    permanence_curve,
    route_incidence,
)
from analysis.chapters.permanence.model import Model, model
from analysis.chapters.permanence.timeliness import Timeliness, adoption_timeliness
from analysis.report import disclosure
from analysis.report.context import Context
from analysis.report.text import NOT_PUBLISHED, SUPPRESSED
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903.context import ChildData

CEASED_MEASURES = {
    "adoption": "ceased_adopted",
    "special guardianship": "ceased_sgo",
    "return home": "ceased_returned_home",
    "child arrangements order": "ceased_cao",
}


CEASED_SHOWN = ("adoption", "special guardianship", "return home")


def ceased_shares(ctx: Context) -> pd.DataFrame:
    """Share of children leaving care by each route, published (real), every year to the paper's year.

    Share = published count for the reason / published children ceasing, the
    same release (so a DfE-suppressed count gives no share). Areas: the
    authority, England, its region and the simple mean of its neighbours'
    shares (with the number of neighbours that have one).

    Returns
    -------
    pandas.DataFrame
        year, route, area, share (percent), count, ceased, neighbours_with_data.
    """
    t = ctx.table
    years = range(ctx.first_year, ctx.year + 1)
    rows = []

    def values(measure, level, key_col=None, key=None):
        r = t[(t["measure"] == measure) & (t["geographic_level"] == level)]
        if key_col is not None:
            r = r[r[key_col] == key] if not isinstance(key, (list, tuple)) else r[r[key_col].isin(key)]
        return r

    for route, measure in CEASED_MEASURES.items():
        for area, level, key_col, key in (
            (ctx.la.la_name, "Local authority", "old_la_code", ctx.la.old_la_code),
            ("England", "National", None, None),
            (ctx.la.region_name, "Regional", "region_code", ctx.la.region_code),
        ):
            num = values(measure, level, key_col, key).set_index("year")["value"]
            den = values("cla_ceased", level, key_col, key).set_index("year")["value"]
            for y in years:
                n, d = num.get(y, np.nan), den.get(y, np.nan)
                rows.append(
                    {
                        "year": y,
                        "route": route,
                        "area": area,
                        "count": n,
                        "ceased": d,
                        "share": 100 * n / d if pd.notna(n) and pd.notna(d) and d > 0 else np.nan,
                        "neighbours_with_data": np.nan,
                    }
                )
        num = values(measure, "Local authority", "old_la_code", list(ctx.neighbour_codes))
        den = values("cla_ceased", "Local authority", "old_la_code", list(ctx.neighbour_codes))
        both = num.merge(den, on=["old_la_code", "year"], suffixes=("_n", "_d")).dropna(subset=["value_n", "value_d"])
        both = both[both["value_d"] > 0]
        both["share"] = 100 * both["value_n"] / both["value_d"]
        by = both.groupby("year")["share"]
        for y in years:
            rows.append(
                {
                    "year": y,
                    "route": route,
                    "area": "Neighbours' average",
                    "count": np.nan,
                    "ceased": np.nan,
                    "share": float(by.mean().get(y, np.nan)),
                    "neighbours_with_data": float(by.count().get(y, 0)),
                }
            )
    out = pd.DataFrame(rows)
    return out[out["year"].isin(sorted(set(out.dropna(subset=["share"])["year"])))].reset_index(drop=True)


def la_share(ctx: Context, shares: pd.DataFrame, route: str, year: int | None = None) -> float:
    """The authority's published share of leavers by ``route`` in ``year`` (default the paper's; NaN if none)."""
    year = ctx.year if year is None else year
    r = shares[(shares["route"] == route) & (shares["area"] == ctx.la.la_name) & (shares["year"] == year)]
    return float(r["share"].iloc[0]) if len(r) else float("nan")


def published_year(shares: pd.DataFrame) -> int | None:
    """The latest year with any published share (DfE publishes reasons for leaving a year or more late)."""
    years = shares.loc[shares["share"].notna(), "year"]
    return int(years.max()) if len(years) else None


def share_value(ctx: Context, shares: pd.DataFrame, route: str, year: int | None = None) -> float | str:
    """The authority's share in ``year``, rounded to 0.1, or why there is none: "suppressed" (DfE suppressed
    the count or a part of it) or "not published" (no figures for that year in data/)."""
    year = ctx.year if year is None else year
    if year not in set(shares["year"]):
        return NOT_PUBLISHED
    v = la_share(ctx, shares, route, year)
    return SUPPRESSED if pd.isna(v) else round(v, 1)


def area_share(shares: pd.DataFrame, route: str, area: str, year: int) -> float:
    """The published share of leavers by ``route`` for one area (a name, "England" or "Neighbours' average"; NaN if none)."""
    r = shares[(shares["route"] == route) & (shares["area"] == area) & (shares["year"] == year)]
    return float(r["share"].iloc[0]) if len(r) else float("nan")


# --------------------------------------------------------------------------- the cohort's released tables

#: The reason a period of the cohort is left out of the model for its category (:attr:`.model.Model.excluded`).
MODEL_LEFT_OUT = "its category had no permanence outcome to model"

#: The column of the periods that reached permanence, in the cohort's released tables.
REACHED = "reached permanence"

#: Total row of the cohort by age band, and the rows of the cohort split by whether the model has it.
ALL_PERIODS, IN_MODEL, OUT_OF_MODEL, THE_COHORT = "all periods", "in the model", "left out of the model", "the cohort"


@dataclass(frozen=True)
class CohortRelease:
    """The one released version of every count of the time-to-permanence cohort (:func:`cohort_release`).

    ``exclusions``: periods of care in the returns by reason, for the cohort and the model (its
    ``released``); ``outcomes``: the cohort by year of entry and outcome, with :data:`REACHED`; ``ages``:
    by age band at entry (rows :data:`analysis.sources.ssda903.episodes.AGE_BANDS`, unknown, then
    :data:`ALL_PERIODS`), periods and :data:`REACHED`; ``model``: :data:`IN_MODEL`, :data:`OUT_OF_MODEL`,
    :data:`THE_COHORT` by periods and :data:`REACHED`.
    """

    exclusions: Exclusions
    outcomes: disclosure.Suppressed
    ages: disclosure.Suppressed
    model: disclosure.Suppressed

    @property
    def included(self) -> tuple[disclosure.Suppressed, str, str]:
        """Where the cohort's size is released: (table, row, column)."""
        return self.exclusions.shown, self.exclusions.included, "Time to permanence"


def cohort_release(c: Cohort, m: Model) -> CohortRelease:
    """Suppress the cohort's tables together (:func:`analysis.report.disclosure.suppress_together`): the cohort's size is one
    count in the exclusions table ("Included"), the table of outcomes (its grand total), the age bands and
    the model's split; the periods reaching permanence are one count in the outcomes, the ages and the model;
    a reason's count is one count for the cohort and the model; the periods of unknown age are the model's
    exclusion for that reason. Secondary suppression is re-run until none of them has one hidden part."""
    ex = c.exclusions
    x = ex.counts.copy()
    cohort_col, model_col = x.columns[0], x.columns[1]
    left_out = float(m.excluded)
    x = pd.concat(
        [
            x.drop([ex.included, ex.total]),
            pd.DataFrame({cohort_col: [0.0], model_col: [left_out]}, index=[MODEL_LEFT_OUT]),
            x.loc[[ex.included, ex.total]],
        ]
    )
    x.loc[ex.included, model_col] -= left_out
    f = c.frame
    o = outcome_counts(c)
    routes = [str(r) for r in ROUTES]
    o[REACHED] = o[routes].sum(axis=1)
    parts = [col for col in o.columns if col not in ("all outcomes", REACHED)]
    bands = [*E.AGE_BANDS, E.AGE_UNKNOWN]
    ages = pd.DataFrame(
        {
            "periods": [float((f["age_band"] == b).sum()) for b in bands],
            REACHED: [float(f.loc[f["age_band"] == b, "permanent"].sum()) for b in bands],
        },
        index=bands,
    )
    ages.loc[ALL_PERIODS] = [float(len(f)), float(f["permanent"].sum())]
    in_model = (float(m.fit.n), float(m.fit.events))
    mdl = pd.DataFrame(
        {
            "periods": [in_model[0], len(f) - in_model[0], float(len(f))],
            REACHED: [in_model[1], f["permanent"].sum() - in_model[1], float(f["permanent"].sum())],
        },
        index=[IN_MODEL, OUT_OF_MODEL, THE_COHORT],
    ).astype(float)
    links = [
        [
            ("x", ex.included, cohort_col),
            ("o", "all years", "all outcomes"),
            ("ages", ALL_PERIODS, "periods"),
            ("model", THE_COHORT, "periods"),
        ],
        [("o", "all years", REACHED), ("ages", ALL_PERIODS, REACHED), ("model", THE_COHORT, REACHED)],
        [("x", ex.included, model_col), ("model", IN_MODEL, "periods")],
        [("x", MODEL_REASONS[0], model_col), ("ages", E.AGE_UNKNOWN, "periods")],
        [("x", ex.total, cohort_col), ("x", ex.total, model_col)],
        *([("x", r, cohort_col), ("x", r, model_col)] for r in COHORT_REASONS),
    ]
    rel = disclosure.suppress_together(
        {
            "x": (x, {"total_row": ex.total}),
            "o": (
                o,
                {
                    "total_row": "all years",
                    "sums": [("columns", [*parts, "all outcomes"]), ("columns", [*routes, REACHED])],
                },
            ),
            "ages": (ages, {"total_row": ALL_PERIODS}),
            "model": (mdl, {"total_row": THE_COHORT}),
        },
        links,
    )
    return CohortRelease(
        exclusions=Exclusions(counts=x, unit=ex.unit, total=ex.total, included=ex.included, released=rel["x"]),
        outcomes=rel["o"],
        ages=rel["ages"],
        model=rel["model"],
    )


# --------------------------------------------------------------------------- the chapter's one result


@dataclass(frozen=True)
class Permanence:
    """Everything the permanence page shows, worked out once (from :func:`compute`).

    ``synthetic`` says whether the child-level data are the SYNTHETIC authority's; ``year_test`` and
    ``age_test`` are the log-rank tests (chi-squared, degrees of freedom, p) across years of entry and
    age bands; ``scorecard`` holds every three-year window the returns cover (an incomplete one, whose
    children's entry to care is observed for fewer than 95%, without averages), ``waiting_trend`` the
    children waiting at each 31 March; ``timeliness`` is the evidence for the hypothesis (A1 against
    England's published average, A2, time to special guardianship).
    """

    ctx: Context
    synthetic: bool
    cohort: Cohort
    curve: Curve
    routes: pd.DataFrame
    by_year: list[Curve]
    by_age: list[Curve]
    year_test: tuple[float, int, float]
    age_test: tuple[float, int, float]
    records: pd.DataFrame
    scorecard: pd.DataFrame
    scorecard_exclusions: Exclusions
    stages: pd.DataFrame
    england: EnglandTimeliness
    waiting: Waiting
    waiting_trend: pd.DataFrame
    model: Model
    shares: pd.DataFrame
    timeliness: Timeliness
    released: CohortRelease

    @property
    def year(self) -> int:
        """The paper's year (collection year ending 31 March)."""
        return self.ctx.year


def compute(ctx: Context, data: ChildData) -> Permanence:
    """The permanence chapter for a paper: the one call its notebook makes.

    Parameters
    ----------
    ctx : analysis.report.context.Context
    data : analysis.sources.ssda903.context.ChildData
        From :func:`analysis.sources.ssda903.context.load` (returns up to the paper's year).
    """
    year = ctx.year
    c = cohort(data, year)
    records = adoption_records(data)
    m = model(c)
    return Permanence(
        ctx=ctx,
        synthetic=bool(data.synthetic),
        cohort=c,
        curve=permanence_curve(c.frame),
        routes=route_incidence(c),
        by_year=entry_year_curves(c),
        by_age=age_curves(c),
        year_test=logrank_by(c, "entry_year"),
        age_test=logrank_by(c, "age_band"),
        records=records,
        scorecard=scorecard(records, scorecard_years(records, data, year)),
        scorecard_exclusions=scorecard_exclusions(records, year),
        stages=stages(records, year),
        england=england_timeliness(ctx, records),
        waiting=waiting(data, year),
        waiting_trend=waiting_trend(data, year),
        model=m,
        shares=ceased_shares(ctx),
        timeliness=adoption_timeliness(ctx, data, records),
        released=cohort_release(c, m),
    )
