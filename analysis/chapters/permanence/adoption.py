"""Adoption: the scorecard measures A1, A2 and A10, the stages of adoption, England's timeliness,
and the children waiting with a placement order.

A1, A2 and A10 are found from the episodes, AD1 and the placement order in the legal statuses
(:func:`adoption_records`), then averaged over three years against DfE's thresholds
(:func:`scorecard`). An average or median of 1 to 5 children is not shown.

No window without its children: a three-year window (and a year's adoptions beside England's
timeliness) is reported only when entry to care is observed for at least 95% of the children adopted in
it (:mod:`.windows` gives the rule and why); otherwise it is incomplete and its averages are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.chapters.permanence import release as R
from analysis.chapters.permanence.cohort import Exclusions, count_exclusions, first_reason, year_end
from analysis.chapters.permanence.windows import Completeness, completeness, data_start, entry_observed
from analysis.methods import survival as S
from analysis.report import disclosure
from analysis.report.context import Context
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.context import ChildData

#: Adoption scorecard thresholds in days (the 2013-16 targets, kept in later scorecards).
THRESHOLDS = {"A1": 426, "A2": 121, "A10": 426}


SCORECARD_LABELS = {
    "A1": "A1: entering care to moving in with the adoptive family",
    "A2": "A2: court authority to place to a match with adopters",
    "A10": "A10: as A1, clock stopped when a foster carer who adopts took the child in",
}


#: Legal statuses that give the authority court authority to place for adoption.
AUTHORITY_TO_PLACE = frozenset({"E1", "D1"})


#: RNE codes that begin a placement with new carers.
NEW_CARER_RNE = E.NEW_CARER_RNE


SCORECARD_INCONSISTENT = (
    "the adoption order follows no placement for adoption with the adopters (no A3-A6 placement)",
    "the match with adopters is dated before the child entered care",
    "the decision that the child should be adopted is dated before the child entered care",
    "the match with adopters is dated after the adoption order",
    "the match with adopters is dated after the child moved in with them",
)


NOT_SEEN_ENTRY = (
    "the period of care began before the first return (or its start is not recorded), so entry to care is not seen"
)


NO_AD1 = "there is no AD1 record for the adoption"


NO_MATCH = "the AD1 record has no match date"


NO_ORDER = "there was no placement order or freeing order (E1/D1) in the period"


ORDER_NOT_SEEN = "the placement order was granted before the first return, so its date is not seen"


SCORECARD_REASONS = (*SCORECARD_INCONSISTENT, NOT_SEEN_ENTRY, NO_AD1, NO_MATCH, NO_ORDER, ORDER_NOT_SEEN)


def adoption_records(data: ChildData) -> pd.DataFrame:
    """One row per period of care that ended in adoption (E11/E12), with the dates of each stage.

    Columns: CHILD, period_id, entry (period start), entry_recorded (first
    episode is RNE S), entry_seen (entry to care observed: recorded, and on or
    after 1 April of the first return's year; see :mod:`.windows`), order
    (first LS E1/D1 in the period: court authority to place), order_seen, decision (AD1 DATE_INT), match (AD1 DATE_MATCH),
    foster_carer (AD1 FOSTER_CARE = 1), has_ad1, placed (the child moved in
    with the adopters), carer_start (the child moved in with the carers who
    adopted), adopted (adoption order: the period's end), adoption_year, and
    for each of A1, A2, A10 the first reason the record is excluded ("" if
    included) and the days.

    How the dates are found, per period:

    * carers: a new carer begins at RNE S, P or B (T and U keep the carer). The
      adopters are the carers of the period's last episode; ``carer_start`` is
      when that run of same-carer episodes began.
    * ``placed``: the first A3-A6 (placed for adoption) episode with those
      carers. So an adoptive placement that broke down, followed by a new
      placement with the family who adopted, counts from the new placement;
      a foster carer who adopts is "placed" when their placement becomes an
      adoptive one (A3/A5, RNE T or U), and ``carer_start`` is when they began
      to foster the child (A10's clock).
    * AD1: the row of the adoption's collection year, else the latest row for
      the child.
    """
    per = E.periods(data.prepared)
    adopted = per[per["reason_group"] == "adoption"].set_index("period_id")
    ep = data.prepared[data.prepared["period_id"].isin(adopted.index)]
    ep = ep.sort_values(["period_id", "DECOM"], kind="stable").reset_index(drop=True)
    if ep.empty:
        return pd.DataFrame(columns=[*RECORD_COLUMNS, *(f"{m}_{x}" for m in THRESHOLDS for x in ("reason", "days"))])
    rec = _stage_dates(adopted, ep, data_start(data))
    _add_ad1(rec, data.stacked.tables.get("ad1"))
    _add_measures(rec)
    return rec.reset_index()


#: The columns of :func:`adoption_records` before the measures' reasons and days.
RECORD_COLUMNS = (
    "CHILD",
    "period_id",
    "entry",
    "entry_recorded",
    "entry_seen",
    "order",
    "order_seen",
    "decision",
    "match",
    "foster_carer",
    "has_ad1",
    "placed",
    "carer_start",
    "adopted",
    "adoption_year",
)


def _stage_dates(adopted: pd.DataFrame, ep: pd.DataFrame, first_day: pd.Timestamp) -> pd.DataFrame:
    """Entry, placement order, moving in with the adopters and the adoption order, per adopted period.

    ``ep`` (the periods' episodes, sorted by period and start) gains ``carer_start``: when the run
    of episodes with the same carers began.
    """
    new_carer = ep["RNE"].isin(NEW_CARER_RNE) | (ep["episode_in_period"] == 1)
    ep["carer_start"] = ep["DECOM"].where(new_carer).groupby(ep["period_id"]).ffill()
    last_carer = ep.groupby("period_id")["carer_start"].transform("last")
    final = ep[ep["carer_start"] == last_carer]
    placed = final[final["PLACE"].isin(spec.ADOPTION_PLACEMENTS)].groupby("period_id")["DECOM"].min()
    auth = ep[ep["LS"].isin(AUTHORITY_TO_PLACE)]
    order = auth.groupby("period_id")["DECOM"].min()
    order_first_episode = auth.groupby("period_id")["episode_in_period"].min() == 1

    rec = pd.DataFrame(index=adopted.index)
    rec["CHILD"] = adopted["CHILD"].astype(object)
    rec["entry"] = adopted["start"]
    rec["entry_recorded"] = adopted["first_rne"] == "S"
    rec["entry_seen"] = entry_observed(adopted["first_rne"], adopted["start"], first_day)
    rec["adopted"] = adopted["end"]
    rec["adoption_year"] = adopted["exit_year"].astype(int)
    rec["order"] = order.reindex(rec.index)
    rec["order_seen"] = ~(order_first_episode.reindex(rec.index).fillna(False).astype(bool) & ~rec["entry_recorded"])
    rec["placed"] = placed.reindex(rec.index)
    rec["carer_start"] = last_carer.groupby(ep["period_id"]).last().reindex(rec.index)
    return rec


def _add_ad1(rec: pd.DataFrame, ad1: pd.DataFrame | None) -> None:
    """Add AD1's decision, match and foster-carer flag to ``rec``: the adoption year's row, else the latest."""
    ad1 = ad1 if ad1 is not None else pd.DataFrame(columns=["CHILD", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "YEAR"])
    a = pd.DataFrame(
        {
            "CHILD": ad1["CHILD"].astype(str).str.strip().to_numpy(dtype=object),
            "YEAR": pd.to_numeric(ad1["YEAR"], errors="coerce").to_numpy(),
            "decision": pd.to_datetime(ad1["DATE_INT"]).to_numpy(),
            "match": pd.to_datetime(ad1["DATE_MATCH"]).to_numpy(),
            "foster_carer": ad1["FOSTER_CARE"].astype(str).str.strip().eq("1").to_numpy(),
        }
    ).sort_values(["CHILD", "YEAR"], kind="stable")
    same_year = rec.reset_index().merge(a, left_on=["CHILD", "adoption_year"], right_on=["CHILD", "YEAR"], how="left")
    same_year = same_year.drop_duplicates("period_id", keep="last").set_index("period_id")
    latest = a.drop_duplicates("CHILD", keep="last").set_index("CHILD")
    missing = same_year["YEAR"].isna()
    for col in ("decision", "match", "foster_carer"):
        fallback = rec["CHILD"].map(latest[col]) if len(latest) else pd.Series(np.nan, index=rec.index)
        rec[col] = same_year[col].where(~missing, fallback.reindex(same_year.index))
    rec["has_ad1"] = ~missing | rec["CHILD"].isin(latest.index)
    rec["foster_carer"] = rec["foster_carer"].fillna(False).astype(bool)
    for col in ("decision", "match", "order", "placed", "carer_start"):
        rec[col] = pd.to_datetime(rec[col])


def _add_measures(rec: pd.DataFrame) -> None:
    """Add each measure's first exclusion reason ("" if included) and its days (NaN if excluded) to ``rec``."""
    inconsistent = [
        (SCORECARD_INCONSISTENT[0], rec["placed"].isna()),
        (SCORECARD_INCONSISTENT[1], rec["entry_recorded"] & (rec["match"] < rec["entry"])),
        (SCORECARD_INCONSISTENT[2], rec["entry_recorded"] & (rec["decision"] < rec["entry"])),
        (SCORECARD_INCONSISTENT[3], rec["match"] > rec["adopted"]),
        (SCORECARD_INCONSISTENT[4], rec["match"] > rec["placed"]),
    ]
    not_seen = (NOT_SEEN_ENTRY, ~rec["entry_seen"])
    rec["A1_reason"] = first_reason([*inconsistent, not_seen], rec.index)
    rec["A10_reason"] = first_reason([*inconsistent, not_seen, (NO_AD1, ~rec["has_ad1"])], rec.index)
    rec["A2_reason"] = first_reason(
        [
            *inconsistent,
            (NO_ORDER, rec["order"].isna()),
            (ORDER_NOT_SEEN, ~rec["order_seen"]),
            (NO_AD1, ~rec["has_ad1"]),
            (NO_MATCH, rec["match"].isna()),
        ],
        rec.index,
    )
    rec["A1_days"] = (rec["placed"] - rec["entry"]).dt.days
    clock = rec["carer_start"].where(rec["foster_carer"], rec["placed"])
    rec["A10_days"] = (clock - rec["entry"]).dt.days
    rec["A2_days"] = (rec["match"] - rec["order"]).dt.days.clip(lower=0)  # matched before authority: zero
    for m in THRESHOLDS:
        rec.loc[rec[f"{m}_reason"] != "", f"{m}_days"] = np.nan


def window(records: pd.DataFrame, year: int) -> pd.DataFrame:
    """Children adopted in the three collection years ending ``year``."""
    return records[records["adoption_year"].between(year - 2, year)]


#: The scorecard measures, in the order of the exclusions table.
MEASURES = ("A1", "A2", "A10")

#: Columns of a window's released table that split A1's children by whether entry to care is observed.
OBSERVED, NOT_OBSERVED = "entry to care observed", "entry to care not observed"

#: Columns of the released table of the stages of adoption (children in A1 with and without each date).
STAGE_WITH, STAGE_WITHOUT, STAGE_ALL = "with the date", "without the date", "in A1"

#: The row of the children included in a measure.
INCLUDED = "Included"


def window_total(year: int) -> str:
    """The total row of a window's tables: "Children adopted in the three years to 31 March 2017"."""
    return f"Children adopted in the three years to 31 March {year}"


def _reason_column(reasons: pd.Series) -> list[float]:
    """Counts of each first reason (:data:`SCORECARD_REASONS`), then included (""), then all."""
    vc = reasons.value_counts()
    return [float(vc.get(r, 0)) for r in SCORECARD_REASONS] + [float(vc.get("", 0)), float(len(reasons))]


def window_counts(records: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counts behind every number the page shows about the children adopted in the window ending ``year``.

    Returns (``window``, ``stages``), numbers before suppression:

    * ``window``: one row per reason a child is left out of a measure, then :data:`INCLUDED`, then the
      total (:func:`window_total`); columns A1, A2, A10 (the exclusions table: each child counted once, by
      its first reason) and, before them, A1's column split by whether entry to care is observed
      (:data:`OBSERVED` + :data:`NOT_OBSERVED` = A1), whose total row is the window's completeness.
    * ``stages``: the children in A1 (:data:`STAGE_ALL`) with and without each stage's date.
    """
    w = window(records, year)
    seen = w["entry_seen"].fillna(False).astype(bool)
    index = [*SCORECARD_REASONS, INCLUDED, window_total(year)]
    table = pd.DataFrame(
        {
            OBSERVED: _reason_column(w.loc[seen, "A1_reason"]),
            NOT_OBSERVED: _reason_column(w.loc[~seen, "A1_reason"]),
            **{m: _reason_column(w[f"{m}_reason"]) for m in MEASURES},
        },
        index=index,
    )
    a1 = w[w["A1_reason"] == ""]
    rows = {}
    for col, _ in STAGES:
        d = (pd.to_datetime(a1[col]) - pd.to_datetime(a1["entry"])).dt.days.dropna() if len(a1) else pd.Series([])
        with_date = float((d >= 0).sum())
        rows[col] = [with_date, float(len(a1)) - with_date, float(len(a1))]
    stage_table = pd.DataFrame.from_dict(rows, orient="index", columns=[STAGE_WITH, STAGE_WITHOUT, STAGE_ALL])
    return table, stage_table


def window_release(records: pd.DataFrame, year: int) -> dict:
    """The one released version of the window's counts (:func:`window_counts`), suppressed together.

    Linked cells (one count by definition) are hidden together (:func:`analysis.report.disclosure.suppress_together`): the
    total of each measure's column; a reason's count in A1 and A10 (and in A2, for the inconsistent dates,
    which come first for every measure); A1's included children and the children in each stage of adoption.
    Every count of the window on the page (the exclusions table, the scorecard's children, "not observed
    for N of M", the stages) is a cell of it. Returns ``{"window": ..., "stages": ...}``.
    """
    table, stage_table = window_counts(records, year)
    total = window_total(year)
    links = [[("window", total, m) for m in MEASURES]]
    links += [[("window", r, "A1"), ("window", r, "A10")] for r in (*SCORECARD_INCONSISTENT, NOT_SEEN_ENTRY)]
    links += [[("window", r, "A1"), ("window", r, "A2")] for r in SCORECARD_INCONSISTENT]
    links.append([("window", INCLUDED, "A1"), *(("stages", s, STAGE_ALL) for s in stage_table.index)])
    return disclosure.suppress_together(
        {
            "window": (table, {"total_row": total, "sums": [("columns", [OBSERVED, NOT_OBSERVED, "A1"])]}),
            "stages": (stage_table, {"total_col": STAGE_ALL}),
        },
        links,
    )


def not_observed_of(released: dict) -> str:
    """ "14 of 122 children" for a window, read from its released table (a suppressed count in words)."""
    sup = released["window"]
    total = sup.values.index[-1]
    n = R.words(sup, total, NOT_OBSERVED)
    m = (
        "a small number of children (suppressed)"
        if R.hidden(sup, total, "A1")
        else f"{R.cell(sup, total, 'A1')} children"
    )
    return f"{n} of {m}"


def window_completeness(records: pd.DataFrame, year: int) -> Completeness:
    """Of the children adopted in the three years ending ``year``, how many have their entry to care observed
    (its words read from the window's released table)."""
    comp = completeness(window(records, year)["entry_seen"])
    return Completeness(comp.children, comp.observed, released_words=not_observed_of(window_release(records, year)))


def scorecard_exclusions(records: pd.DataFrame, year: int) -> Exclusions:
    """Children adopted in the three years, by the first reason each is left out of A1, A2 and A10 (the
    window's released table, :func:`window_release`)."""
    w = window(records, year)
    reasons = pd.DataFrame({m: w[f"{m}_reason"] for m in MEASURES})
    ex = count_exclusions(reasons, list(SCORECARD_REASONS), "children adopted", window_total(year), INCLUDED)
    released = R.columns(window_release(records, year)["window"], list(MEASURES))
    return Exclusions(counts=ex.counts, unit=ex.unit, total=ex.total, included=ex.included, released=released)


def mean_or_hidden(values: pd.Series) -> tuple[float, float]:
    """(children, mean days rounded to the day) with the mean NaN when 1 to 5 children are behind it."""
    v = values.dropna()
    n = float(len(v))
    if len(v) == 0 or disclosure.is_small([n])[0]:
        return n, np.nan
    return n, float(np.round(v.mean()))


def scorecard(records: pd.DataFrame, years) -> pd.DataFrame:
    """A1, A2 and A10 as three-year averages (mean days, rounded) for the windows ending in ``years``.

    A window is reported only when entry to care is observed for at least 95% of the children adopted in
    it (:mod:`.windows`); an incomplete window's three averages are NaN (not drawn, stated or tested).

    Columns: year (end of the window), measure, children (number behind the
    average), children_shown and adopted_shown (the window's released cells: the count, or ``c``), days (NaN when 1 to 5 children or the window is incomplete),
    threshold, met (days at or under the threshold; NA when there is no
    average), adopted (children adopted in the window), observed (of them,
    entry to care observed), complete (bool), status ("complete", or
    "incomplete: entry to care not observed for N of M children"), not_observed ("N of M children", from the
    released table).
    """
    rows = []
    for y in years:
        w = window(records, y)
        released = window_release(records, y)
        raw = completeness(w["entry_seen"])
        comp = Completeness(raw.children, raw.observed, released_words=not_observed_of(released))
        for m in MEASURES:
            n, mean = mean_or_hidden(w[f"{m}_days"])
            mean = mean if comp.complete else np.nan
            rows.append(
                {
                    "year": int(y),
                    "measure": m,
                    "children": n,
                    "children_shown": R.cell(released["window"], INCLUDED, m),
                    "adopted_shown": R.cell(released["window"], window_total(y), m),
                    "days": mean,
                    "threshold": THRESHOLDS[m],
                    "met": pd.NA if pd.isna(mean) else bool(mean <= THRESHOLDS[m]),
                    "adopted": float(comp.children),
                    "observed": float(comp.observed),
                    "complete": comp.complete,
                    "status": "complete" if comp.complete else comp.words(),
                    "not_observed": not_observed_of(released),
                }
            )
    return pd.DataFrame(rows)


def scorecard_years(records: pd.DataFrame, data: ChildData, year: int) -> list[int]:
    """Windows the returns cover in full: ending from the third collection year to the paper's year."""
    return list(range(min(data.years) + 2, year + 1))


STAGES = (
    ("order", "Placement order (court authority to place)"),
    ("match", "Matched with adopters"),
    ("placed", "Moved in with the adoptive family"),
    ("adopted", "Adoption order"),
)


def stages(records: pd.DataFrame, year: int) -> pd.DataFrame:
    """Median and mean days from entry to each stage, for the children in A1 of the window ending ``year``.

    A stage's statistics are hidden (NaN) when 1 to 5 children have that date, and every stage's are
    when the window is incomplete (entry to care observed for fewer than 95% of its children).
    Columns: stage, label, children, children_shown (the released count, or ``c``: :func:`window_release`),
    median_days, mean_days.
    """
    complete = completeness(window(records, year)["entry_seen"]).complete
    released = window_release(records, year)
    w = window(records, year)
    w = w[w["A1_reason"] == ""]
    rows = [
        {
            "stage": "entry",
            "label": "Entered care",
            "children": float(len(w)),
            "children_shown": R.cell(released["window"], INCLUDED, "A1"),
            "median_days": 0.0,
            "mean_days": 0.0,
        }
    ]
    for col, label in STAGES:
        d = (w[col] - w["entry"]).dt.days.dropna()
        d = d[d >= 0]
        small = disclosure.is_small([len(d)])[0] or len(d) == 0 or not complete
        rows.append(
            {
                "stage": col,
                "label": label,
                "children": float(len(d)),
                "children_shown": R.cell(released["stages"], col, STAGE_WITH),
                "median_days": np.nan if small else float(d.median()),
                "mean_days": np.nan if small else float(np.round(d.mean())),
            }
        )
    return pd.DataFrame(rows)


ENGLAND_STAGES = (
    (
        "adoption_months_care_to_decision",
        "entry",
        "decision",
        "Entering care to the decision that the child should be adopted",
    ),
    ("adoption_months_decision_to_match", "decision", "match", "Decision to match with adopters"),
    ("adoption_months_match_to_placement", "match", "placed", "Match to moving in"),
    ("adoption_months_placement_to_adoption", "placed", "adopted", "Moving in to the adoption order"),
    ("adoption_months_care_to_placement", "entry", "placed", "Entering care to moving in (as A1, one year)"),
    ("adoption_months_care_to_adoption", "entry", "adopted", "Entering care to the adoption order"),
)


@dataclass(frozen=True)
class EnglandTimeliness:
    """England's published average time between adoption stages (DfE), in days, for one year."""

    year: int | None  # None when data/ has no year at all
    after_paper: bool  # the year shown is later than the paper's (none published up to it)
    table: pd.DataFrame  # stage, label, england_months, england_days, la_children, la_mean_days, la_children_shown
    la_completeness: Completeness | None = None  # the authority's adoptions of that year: entry observed?


def england_timeliness(ctx: Context, records: pd.DataFrame) -> EnglandTimeliness:
    """England's adoption timeliness by stage for the paper's year (else the latest before it, else the first after).

    DfE publishes average times as years:months, stored as months; they are
    converted to days at :data:`analysis.methods.survival.DAYS_PER_MONTH` (30.44) days
    a month, so they are accurate to about a month. Beside them, the
    authority's mean days for the same stages, for its children adopted in
    that year (child-level; hidden when 1 to 5 children, and all hidden when entry to care is observed
    for fewer than 95% of that year's adopted children).
    """
    t = ctx.table
    rows = t[(t["geographic_level"] == "National") & t["measure"].isin([m for m, *_ in ENGLAND_STAGES])]
    rows = rows.dropna(subset=["value"])
    years = sorted(int(y) for y in rows["year"].unique())
    before = [y for y in years if y <= ctx.year]
    show = before[-1] if before else (years[0] if years else None)
    out = []
    adopted = records[records["adoption_year"] == (show if show is not None and show <= ctx.year else ctx.year)]
    comp = completeness(adopted["entry_seen"])
    adopted = adopted[adopted["A1_reason"] == ""]
    for measure, a, b, label in ENGLAND_STAGES:
        v = rows[(rows["measure"] == measure) & (rows["year"] == show)]["value"]
        months = float(v.iloc[0]) if len(v) else np.nan
        d = (adopted[b] - adopted[a]).dt.days.dropna() if len(adopted) else pd.Series([], dtype=float)
        n, mean = mean_or_hidden(d)
        mean = mean if comp.complete else np.nan
        out.append(
            {
                "stage": measure,
                "label": label,
                "england_months": months,
                "england_days": months * S.DAYS_PER_MONTH,
                "la_children": n,
                "la_mean_days": mean,
            }
        )
    table = pd.DataFrame(out)
    # one released version: the year's children in A1 with and without each pair of dates (the "in A1"
    # column is one count, linked across the stages)
    counts = pd.DataFrame(
        {
            STAGE_WITH: table["la_children"].to_numpy(dtype=float),
            STAGE_WITHOUT: float(len(adopted)) - table["la_children"].to_numpy(dtype=float),
            STAGE_ALL: float(len(adopted)),
        },
        index=table["stage"],
    )
    released = disclosure.suppress_together(
        {"england": (counts, {"total_col": STAGE_ALL})}, [[("england", st_, STAGE_ALL) for st_ in counts.index]]
    )["england"]
    table["la_children_shown"] = [R.cell(released, st_, STAGE_WITH) for st_ in counts.index]
    return EnglandTimeliness(
        year=show,
        after_paper=bool(show is not None and show > ctx.year),
        table=table,
        la_completeness=comp,
    )


WAIT_BANDS = (
    ("under 6 months", 0, 183),
    ("6 to 12 months", 183, 365),
    ("12 to 18 months", 365, 548),
    ("18 months or more", 548, None),
)


#: The total row of the children waiting by band.
WAITING_TOTAL = "All children waiting"


@dataclass(frozen=True)
class Waiting:
    """Children with a placement order who are not yet placed for adoption, on 31 March."""

    children: pd.DataFrame  # one row per child: order date, days waited, whether the order date is seen
    bands: pd.DataFrame  # wait band -> children (numbers) with a total row
    median_days: float  # NaN when 1 to 5 (or no) children
    date: pd.Timestamp

    @property
    def released(self) -> disclosure.Suppressed:
        """The one released version of :attr:`bands` (the table, the sentence, the key figure and the
        chart's bar for this 31 March all read it)."""
        return disclosure.suppress(self.bands, total_row=WAITING_TOTAL)

    @property
    def total_shown(self) -> bool:
        """True when the released total of children waiting is shown."""
        return not R.hidden(self.released, WAITING_TOTAL, "Children")


def waiting(data: ChildData, year: int) -> Waiting:
    """Children looked after on 31 March ``year`` whose legal status is a placement (or freeing) order
    and whose placement is not a placement for adoption (A3-A6), and how long they have waited since the
    order (the first E1/D1 episode of the current period). Where that episode is the first in the data of
    a period that began before it, the wait is at least the days shown (``order_seen`` False).
    """
    day = year_end(year)
    on = E.looked_after_on(data.prepared, day)
    w = on[on["LS"].isin(AUTHORITY_TO_PLACE) & (on["placement_category"] != "adoption placement")]
    p = data.prepared
    auth = p[p["period_id"].isin(w["period_id"]) & p["LS"].isin(AUTHORITY_TO_PLACE)]
    first = auth.sort_values("DECOM").drop_duplicates("period_id")
    per = E.periods(p[p["period_id"].isin(w["period_id"])]).set_index("period_id")
    first = first.set_index("period_id")
    children = pd.DataFrame(
        {
            "CHILD": w["CHILD"].to_numpy(dtype=object),
            "order": first["DECOM"].reindex(w["period_id"]).to_numpy(),
        }
    )
    children["days"] = (day - pd.to_datetime(children["order"])).dt.days.astype(float)
    seen_start = per["first_rne"].reindex(w["period_id"]).eq("S").to_numpy()
    first_ep = first["episode_in_period"].reindex(w["period_id"]).eq(1).to_numpy()
    children["order_seen"] = seen_start | ~first_ep
    counts = {}
    for label, lo, hi in WAIT_BANDS:
        sel = children["days"] >= lo
        if hi is not None:
            sel &= children["days"] < hi
        counts[label] = float(sel.sum())
    counts[WAITING_TOTAL] = float(len(children))
    bands = pd.DataFrame({"Children": counts})
    small = len(children) == 0 or disclosure.is_small([len(children)])[0]
    return Waiting(
        children=children, bands=bands, median_days=np.nan if small else float(children["days"].median()), date=day
    )


def waiting_trend(data: ChildData, year: int) -> pd.DataFrame:
    """Children waiting with a placement order at 31 March of each year of the returns up to ``year``.

    Columns: year, children (number), median_days (NaN when 1 to 5 or none).
    """
    rows = []
    for y in [y for y in data.years if y <= year]:
        w = waiting(data, y)
        rows.append({"year": int(y), "children": float(len(w.children)), "median_days": w.median_days})
    return pd.DataFrame(rows)
