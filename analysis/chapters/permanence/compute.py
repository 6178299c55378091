"""Chapter "Progress to permanence": how quickly children in care reach a permanent home.

The paper's hypothesis is that children in care are not progressing to
permanent outcomes (adoption, special guardianship, a child arrangements order
or a return home) as quickly as they might. This module tests it five ways; the
notebook only calls these functions, glues the numbers and writes prose.

1. **Time to permanence** (child-level): each period of care that began inside
   the returns, followed from entry until permanence, or until 31 March of
   the paper's year (censored). Children who leave care another way (turning
   18, independent living, another authority...) can no longer reach
   permanence in that period: they stay in the risk set to the end of
   follow-up without the event. Because the only censoring is the end of the
   data (administrative censoring, known for everyone), the Kaplan–Meier
   estimate of this "time to permanence" is a consistent estimate of the
   cumulative incidence of permanence in the presence of the competing exits,
   and the Cox model on it is the Fine–Gray subdistribution-hazards model
   (Fine and Gray 1999, complete censoring data). The split by route is the
   Aalen–Johansen cumulative incidence (statsmodels ``CumIncidenceRight``),
   with every other exit a competing event.
2. **Adoption scorecard** A1, A2, A10 (child-level) from episodes, AD1 and the
   placement order in the legal statuses, three-year averages against DfE's
   thresholds, and the stages of the adoption process.
3. **Children waiting**: a placement order but not yet placed, at 31 March.
4. **What predicts delay**: the Cox model with a proportional-hazards check.
5. **Published comparisons** (real): reasons for leaving care against
   England, the region and neighbours; England's adoption timeliness by stage.

Left truncation: periods that began before the earliest return (or whose first
episode in the data is not a start of care, RNE S) are excluded from the entry
cohorts, with a count. ``CumIncidenceRight`` cannot take delayed entry, so one
design (entry cohorts seen from their start) serves every estimate.

Every count from child-level data reaches the page through
:func:`analysis.report.disclosure.suppress`; curves stop where fewer than
:data:`analysis.methods.survival.MIN_AT_RISK` children remain at risk; an average or
median of fewer than 6 children is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from analysis.methods import survival as S
from analysis.report import charts, disclosure
from analysis.report.context import Context
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.context import ChildData

# --------------------------------------------------------------------------- constants

#: The permanence routes, in report order (``spec.PERMANENCE_GROUPS``).
ROUTES = tuple(spec.PERMANENCE_GROUPS)
#: Outcome of a period that ended in any other way (including a blank or unknown reason).
OTHER_EXIT = "left care another way"
#: Outcome of a period still open at 31 March of the paper's year.
STILL_IN_CARE = "still in care"
#: Status codes for the cumulative incidence: 0 censored, then the routes, then other exits.
STATUS = {route: k for k, route in enumerate(ROUTES, start=1)} | {OTHER_EXIT: len(ROUTES) + 1, STILL_IN_CARE: 0}

ROUTE_COLOURS = {
    "any permanence": "#1a1a1a",
    "adoption": "#0060A8",
    "special guardianship": "#009E73",
    "child arrangements order": "#CC79A7",
    "return home": "#D55E00",
    OTHER_EXIT: "#A8A8A8",
}

#: Months at which the tables behind the curves read them.
TABLE_MONTHS = (3, 6, 12, 18, 24, 36, 48, 60)

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

#: A category with fewer permanence outcomes than this is grouped with others in the model.
MIN_EVENTS = 10

#: Suppressed-value text for key figures and prose.
SUPPRESSED = "suppressed"
NOT_REACHED = "not reached"

WAIT_BANDS = (
    ("under 6 months", 0, 183),
    ("6 to 12 months", 183, 365),
    ("12 to 18 months", 365, 548),
    ("18 months or more", 548, None),
)

LEGAL_GROUPS = {
    "C1": "care order (interim or full)",
    "C2": "care order (interim or full)",
    "V2": "section 20 (voluntary accommodation)",
    "L1": "police protection or emergency order",
    "L2": "police protection or emergency order",
    "L3": "police protection or emergency order",
    "J1": "remand or youth justice",
    "J2": "remand or youth justice",
    "J3": "remand or youth justice",
    "E1": "placement or freeing order",
    "D1": "placement or freeing order",
}
CIN_LABELS = {code: text.lower() for code, text in spec.CIN.items()}

SYNTHETIC_SOURCE = "Source: SYNTHETIC SSDA903 returns (no real children), through the report's episode model."
REAL_SOURCE = "Source: the authority's SSDA903 returns, through the report's episode model."


def _month(days: float) -> float:
    return days / S.DAYS_PER_MONTH


def _source(data: ChildData) -> str:
    return SYNTHETIC_SOURCE if data.synthetic else REAL_SOURCE


def _data_word(data: ChildData) -> str:
    return "SYNTHETIC" if data.synthetic else "child-level"


def _year_start(year: int) -> pd.Timestamp:
    return pd.Timestamp(f"{int(year) - 1}-04-01")


def _year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(f"{int(year)}-03-31")


def _date(d: pd.Timestamp) -> str:
    """A date as "1 April 2011"."""
    return f"{d.day} {d:%B %Y}"


def _pct(v: float, digits: int = 0) -> str:
    return "–" if pd.isna(v) else f"{100 * v:.{digits}f}%"


def _days(v: float) -> str:
    return "–" if pd.isna(v) else f"{v:,.0f}"


# --------------------------------------------------------------------------- exclusions


@dataclass(frozen=True)
class Exclusions:
    """Records left out of a measure, by reason, for a data-quality-style table.

    ``counts`` has one row per reason (in order), then ``included``, then the
    ``total`` row; one column per measure. Each column's rows add up to its
    total (a record is given only its first reason).
    """

    counts: pd.DataFrame
    unit: str  # "periods of care", "children adopted"
    total: str
    included: str

    def table(self) -> pd.DataFrame:
        """Display table: reasons and counts, small counts suppressed (``c``)."""
        shown = disclosure.suppress(self.counts, total_row=self.total).table()
        out = shown.reset_index().rename(columns={"index": "Reason"})
        out["Reason"] = [r[0].upper() + r[1:] for r in out["Reason"]]
        return out

    def excluded(self, column: str) -> pd.Series:
        """Counts excluded from ``column`` by reason (numbers, before suppression)."""
        return self.counts[column].drop([self.included, self.total])

    def sentence(self, column: str) -> str:
        """'N periods of care excluded because ...' for one measure, suppressed where needed."""
        sup = disclosure.suppress(self.counts, total_row=self.total)
        shown = sup.table()
        parts = []
        for reason, n in self.excluded(column).items():
            if n == 0:
                continue
            text = shown.loc[reason, column]
            count = (
                f"a small number of {self.unit} (suppressed)" if text == disclosure.MARKER else f"{text} {self.unit}"
            )
            parts.append(f"{count} excluded because {reason}")
        if not parts:
            return f"No {self.unit} were excluded."
        out = "; ".join(parts) + "."
        return out[0].upper() + out[1:]


def _exclusions(reasons: pd.DataFrame, order: list[str], unit: str, total: str, included: str) -> Exclusions:
    """Count each record's first reason (``reasons``: one column per measure, "" where included)."""
    rows = {}
    for col in reasons.columns:
        vc = reasons[col].value_counts()
        rows[col] = [int(vc.get(r, 0)) for r in order] + [int(vc.get("", 0)), int(len(reasons))]
    counts = pd.DataFrame(rows, index=[*order, included, total]).astype(float)
    return Exclusions(counts=counts, unit=unit, total=total, included=included)


def _first_reason(checks: list[tuple[str, pd.Series]], index) -> pd.Series:
    """The first failing check's reason for each row ("" if none fails)."""
    out = pd.Series("", index=index, dtype=object)
    for reason, failed in checks:
        failed = failed.reindex(index).fillna(False).astype(bool)
        out[(out == "") & failed] = reason
    return out


# --------------------------------------------------------------------------- 1. the entry cohort


COHORT_REASONS = (
    "the period of care began before the first return, so its start is not seen",
    "the first episode in the returns is not a start of care (RNE S), so the start is not known",
    "the period of care ends before it starts",
)
MODEL_REASONS = ("the date of birth is unknown (no age at entry)",)


@dataclass(frozen=True)
class Cohort:
    """Periods of care followed from entry, one row each.

    ``frame`` columns: CHILD, period_id, start, end, entry_year, age_at_start,
    age_band, cin, first_ls, legal_status, placement, outcome (a route,
    :data:`OTHER_EXIT` or :data:`STILL_IN_CARE`), status (0 censored, 1-4
    routes, 5 other exit), days (follow-up in care: to the end of the period
    or 31 March), permanent (0/1), t_perm (days to permanence; for everyone
    else, days to 31 March).
    """

    frame: pd.DataFrame
    exclusions: Exclusions
    data_start: pd.Timestamp
    data_end: pd.Timestamp
    first_entry_year: int
    last_entry_year: int


def age_band(age: pd.Series) -> pd.Series:
    """DfE's age bands (under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over); "unknown" where age is NA."""
    a = age.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(a), E.AGE_UNKNOWN, dtype=object)
    for band, (lo, hi) in E.AGE_BANDS.items():
        sel = (a >= lo) if hi is None else ((a >= lo) & (a <= hi))
        out[sel] = band
    return pd.Series(out, index=age.index, dtype=object)


def cohort(data: ChildData, year: int) -> Cohort:
    """The entry cohorts: every period of care whose start the returns see, followed to 31 March ``year``.

    A period is in if its first episode is a start of care (RNE S) on or after
    1 April of the earliest return's year. Everything else is counted in
    :attr:`Cohort.exclusions` with its reason. Outcomes are the reason group
    of the period's last REC (``spec.REASON_GROUPS``): the four
    ``spec.PERMANENCE_GROUPS`` are permanence; independent living, other
    reasons and a blank or unknown REC are :data:`OTHER_EXIT`.
    """
    per = E.periods(data.prepared)
    data_start = _year_start(min(data.years))
    data_end = _year_end(min(year, max(data.years)))
    per = per[per["start"] <= data_end].reset_index(drop=True)
    checks = [
        (COHORT_REASONS[0], per["start"] < data_start),
        (COHORT_REASONS[1], per["first_rne"] != "S"),
        (COHORT_REASONS[2], per["end"].notna() & (per["end"] < per["start"])),
    ]
    reason = _first_reason(checks, per.index)
    model_reason = reason.where(reason != "", np.where(per["age_at_start"].isna(), MODEL_REASONS[0], ""))
    exclusions = _exclusions(
        pd.DataFrame({"Time to permanence": reason, "Model of what predicts it": model_reason}),
        [*COHORT_REASONS, *MODEL_REASONS],
        "periods of care",
        "Periods of care in the returns",
        "Included",
    )
    c = per[reason == ""].copy()
    end = c["end"].where(c["end"] <= data_end)  # (an end after the data is open at 31 March)
    group = c["reason_group"].where(end.notna(), E.IN_CARE)
    outcome = np.where(group.isin(ROUTES), group, np.where(group == E.IN_CARE, STILL_IN_CARE, OTHER_EXIT))
    followed = (end.fillna(data_end) - c["start"]).dt.days.astype(float)
    to_data_end = (data_end - c["start"]).dt.days.astype(float)
    permanent = np.isin(outcome, ROUTES).astype(int)
    frame = pd.DataFrame(
        {
            "CHILD": c["CHILD"].to_numpy(dtype=object),
            "period_id": c["period_id"].to_numpy(),
            "start": c["start"].to_numpy(),
            "end": end.to_numpy(),
            "entry_year": c["entry_year"].astype(int).to_numpy(),
            "age_at_start": c["age_at_start"].to_numpy(),
            "age_band": age_band(c["age_at_start"]).to_numpy(),
            "cin": c["cin"].to_numpy(dtype=object),
            "first_ls": c["first_ls"].to_numpy(dtype=object),
            "legal_status": c["first_ls"].map(LEGAL_GROUPS).fillna("other legal status").to_numpy(dtype=object),
            "placement": c["first_placement_category"].to_numpy(dtype=object),
            "outcome": outcome.astype(object),
            "status": pd.Series(outcome).map(STATUS).to_numpy(dtype=int),
            "days": followed.to_numpy(),
            "permanent": permanent,
            "t_perm": np.where(permanent == 1, followed.to_numpy(), to_data_end.to_numpy()),
        }
    )
    years = frame["entry_year"]
    return Cohort(
        frame=frame,
        exclusions=exclusions,
        data_start=data_start,
        data_end=data_end,
        first_entry_year=int(years.min()) if len(frame) else int(min(data.years)),
        last_entry_year=int(years.max()) if len(frame) else int(year),
    )


@dataclass(frozen=True)
class Curve:
    """Time to permanence of one group: Kaplan–Meier of ``t_perm``, truncated, with what the page quotes."""

    label: str
    n: int
    permanent: int
    curve: pd.DataFrame  # S.CURVE_COLUMNS, estimate = share not yet permanent; truncated
    median: S.Median
    share: dict[int, tuple[float, float, float]]  # months -> (estimate, lower, upper) share reached permanence
    shown: bool  # False when the group is too small to show (n is 1 to 5, or under MIN_AT_RISK)
    t: np.ndarray  # the follow-up times behind the curve (for numbers at risk)


def permanence_curve(frame: pd.DataFrame, label: str = "all children") -> Curve:
    """Kaplan–Meier of time to permanence for the rows of ``frame`` (a cohort frame or a subset)."""
    t, e = frame["t_perm"].to_numpy(float), frame["permanent"].to_numpy(float)
    n = len(frame)
    km = S.kaplan_meier(t, e) if n else S.kaplan_meier([], [])
    cut = S.truncate(km, t) if n else km.iloc[0:0]
    end = cut.attrs.get("end", np.nan)
    median = S.km_median(t, e, up_to=end) if n and not np.isnan(end) else S.Median(np.nan, np.nan, np.inf)
    share = {}
    for m in TABLE_MONTHS:
        at = m * S.DAYS_PER_MONTH
        s = S.value_at(cut, at) if len(cut) else np.nan
        share[m] = (
            (1 - s, 1 - S.value_at(cut, at, "upper"), 1 - S.value_at(cut, at, "lower"))
            if not np.isnan(s)
            else (np.nan, np.nan, np.nan)
        )
    shown = n >= S.MIN_AT_RISK and len(cut) > 0
    return Curve(label=label, n=n, permanent=int(e.sum()), curve=cut, median=median, share=share, shown=shown, t=t)


def curves_by(frame: pd.DataFrame, column: str, order: list) -> list[Curve]:
    """:func:`permanence_curve` for each level of ``column`` (levels in ``order`` that occur)."""
    return [
        permanence_curve(frame[frame[column] == level], str(level)) for level in order if (frame[column] == level).any()
    ]


def route_incidence(c: Cohort) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of each route, every other exit competing, truncated.

    Long form (``cause`` plus ``survival.CURVE_COLUMNS``); each cause's curve
    stops where fewer than 6 children are still in care and followed.
    """
    f = c.frame
    causes = [*ROUTES, OTHER_EXIT]
    ci = S.cumulative_incidence(f["days"].to_numpy(float), f["status"].to_numpy(int), causes)
    out = []
    for cause in causes:
        cut = S.truncate(ci[ci["cause"] == cause].reset_index(drop=True), f["days"].to_numpy(float))
        out.append(cut)
    result = pd.concat(out, ignore_index=True)
    result.attrs["end"] = out[0].attrs.get("end", np.nan) if out else np.nan
    return result


def aj_any_permanence(c: Cohort, months: int) -> float:
    """Aalen–Johansen probability of any permanence by ``months`` (sum of the routes), for the method check."""
    ci = route_incidence(c)
    at = months * S.DAYS_PER_MONTH
    return float(sum(S.value_at(ci[ci["cause"] == r].reset_index(drop=True), at) for r in ROUTES))


def outcome_counts(c: Cohort) -> pd.DataFrame:
    """Periods in the cohort by entry year and outcome, with totals (numbers, not yet suppressed)."""
    order = [*ROUTES, OTHER_EXIT, STILL_IN_CARE]
    tab = pd.crosstab(c.frame["entry_year"], pd.Categorical(c.frame["outcome"], categories=order), dropna=False)
    tab = tab.reindex(columns=order, fill_value=0)
    tab.columns = [str(x) for x in tab.columns]
    tab.index = [str(i) for i in tab.index]
    tab.loc["all years"] = tab.sum()
    tab["all outcomes"] = tab.sum(axis=1)
    return tab.astype(float)


def outcome_table(c: Cohort) -> pd.DataFrame:
    """:func:`outcome_counts` for the page: small counts suppressed, with secondary suppression on both totals."""
    counts = outcome_counts(c)
    shown = disclosure.suppress(counts, total_row="all years", total_col="all outcomes").table()
    short = {
        "special guardianship": "SGO",
        "child arrangements order": "CAO",
        "return home": "Home",
        OTHER_EXIT: "Other exit",
        STILL_IN_CARE: "In care",
        "all outcomes": "All",
        "adoption": "Adopted",
    }
    shown.columns = [short.get(col, col) for col in shown.columns]
    return shown.reset_index().rename(columns={"index": "Year of entry"})


def group_table(curves: list[Curve], label: str) -> pd.DataFrame:
    """Table behind a set of curves: children (suppressed), share permanent by 12 and 24 months, median."""
    counts = pd.DataFrame(
        {"n": [float(cv.n) for cv in curves], "p": [float(cv.permanent) for cv in curves]},
        index=[cv.label for cv in curves],
    )
    sup = disclosure.suppress(counts)
    shown = sup.table()
    rows = []
    for cv in curves:
        hidden = bool(sup.mask.loc[cv.label, "n"]) or not cv.shown
        rows.append(
            {
                label: cv.label,
                "Periods of care": shown.loc[cv.label, "n"],
                "Reached permanence": shown.loc[cv.label, "p"],
                "By 12 months": "c" if hidden else _share_ci(cv.share[12]),
                "By 24 months": "c" if hidden else _share_ci(cv.share[24]),
                "Median days": "c" if hidden else _median_text(cv.median),
            }
        )
    return pd.DataFrame(rows)


def _share_ci(s: tuple[float, float, float]) -> str:
    est, lo, hi = s
    if pd.isna(est):
        return "too few at risk"
    return f"{100 * est:.0f}% ({100 * lo:.0f}–{100 * hi:.0f})"


def _median_text(m: S.Median) -> str:
    if not m.reached:
        return NOT_REACHED
    hi = "not reached" if not np.isfinite(m.upper) else f"{m.upper:,.0f}"
    lo = "–" if pd.isna(m.lower) else f"{m.lower:,.0f}"
    return f"{m.estimate:,.0f} ({lo} to {hi})"


def entry_year_curves(c: Cohort) -> list[Curve]:
    """Curves by entry year (collection year of entry)."""
    return curves_by(c.frame, "entry_year", sorted(c.frame["entry_year"].unique()))


def age_curves(c: Cohort) -> list[Curve]:
    """Curves by DfE age band at entry (children with an unknown age left out)."""
    return curves_by(c.frame, "age_band", list(E.AGE_BANDS))


def logrank_by(c: Cohort, column: str) -> tuple[float, int, float]:
    """Log-rank test across the levels of ``column`` (of the improper time, i.e. Gray-type equality of incidence)."""
    f = c.frame[c.frame[column].astype(str) != E.AGE_UNKNOWN]
    return S.logrank(f["t_perm"].to_numpy(float), f["permanent"].to_numpy(float), f[column].astype(str).to_numpy())


# --------------------------------------------------------------------------- 2. adoption scorecard


SCORECARD_INCONSISTENT = (
    "the adoption order follows no placement for adoption with the adopters (no A3-A6 placement)",
    "the match with adopters is dated before the child entered care",
    "the decision that the child should be adopted is dated before the child entered care",
    "the match with adopters is dated after the adoption order",
    "the match with adopters is dated after the child moved in with them",
)
NOT_SEEN_ENTRY = "the period of care began before the first return, so entry to care is not seen"
NO_AD1 = "there is no AD1 record for the adoption"
NO_MATCH = "the AD1 record has no match date"
NO_ORDER = "there was no placement order or freeing order (E1/D1) in the period"
ORDER_NOT_SEEN = "the placement order was granted before the first return, so its date is not seen"
SCORECARD_REASONS = (*SCORECARD_INCONSISTENT, NOT_SEEN_ENTRY, NO_AD1, NO_MATCH, NO_ORDER, ORDER_NOT_SEEN)


def adoption_records(data: ChildData) -> pd.DataFrame:
    """One row per period of care that ended in adoption (E11/E12), with the dates of each stage.

    Columns: CHILD, period_id, entry (period start), entry_seen (first
    episode is RNE S), order (first LS E1/D1 in the period: court authority to
    place), order_seen, decision (AD1 DATE_INT), match (AD1 DATE_MATCH),
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
    p = data.prepared
    per = E.periods(p)
    adopted = per[per["reason_group"] == "adoption"].set_index("period_id")
    ep = p[p["period_id"].isin(adopted.index)].sort_values(["period_id", "DECOM"], kind="stable")
    ep = ep.reset_index(drop=True)
    if ep.empty:
        cols = [
            "CHILD",
            "period_id",
            "entry",
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
        ]
        return pd.DataFrame(columns=cols + [f"{m}_{x}" for m in THRESHOLDS for x in ("reason", "days")])
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
    rec["entry_seen"] = adopted["first_rne"] == "S"
    rec["adopted"] = adopted["end"]
    rec["adoption_year"] = adopted["exit_year"].astype(int)
    rec["order"] = order.reindex(rec.index)
    rec["order_seen"] = ~(order_first_episode.reindex(rec.index).fillna(False).astype(bool) & ~rec["entry_seen"])
    rec["placed"] = placed.reindex(rec.index)
    rec["carer_start"] = last_carer.groupby(ep["period_id"]).last().reindex(rec.index)

    ad1 = data.stacked.tables.get("ad1")
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

    inconsistent = [
        (SCORECARD_INCONSISTENT[0], rec["placed"].isna()),
        (SCORECARD_INCONSISTENT[1], rec["entry_seen"] & (rec["match"] < rec["entry"])),
        (SCORECARD_INCONSISTENT[2], rec["entry_seen"] & (rec["decision"] < rec["entry"])),
        (SCORECARD_INCONSISTENT[3], rec["match"] > rec["adopted"]),
        (SCORECARD_INCONSISTENT[4], rec["match"] > rec["placed"]),
    ]
    not_seen = (NOT_SEEN_ENTRY, ~rec["entry_seen"])
    rec["A1_reason"] = _first_reason([*inconsistent, not_seen], rec.index)
    rec["A10_reason"] = _first_reason([*inconsistent, not_seen, (NO_AD1, ~rec["has_ad1"])], rec.index)
    rec["A2_reason"] = _first_reason(
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
    return rec.reset_index()


def window(records: pd.DataFrame, year: int) -> pd.DataFrame:
    """Children adopted in the three collection years ending ``year``."""
    return records[records["adoption_year"].between(year - 2, year)]


def scorecard_exclusions(records: pd.DataFrame, year: int) -> Exclusions:
    """Children adopted in the three years, by the first reason each is left out of A1, A2 and A10."""
    w = window(records, year)
    reasons = pd.DataFrame({m: w[f"{m}_reason"] for m in ("A1", "A2", "A10")})
    return _exclusions(
        reasons,
        list(SCORECARD_REASONS),
        "children adopted",
        f"Children adopted in the three years to 31 March {year}",
        "Included",
    )


def _mean_or_hidden(values: pd.Series) -> tuple[float, float]:
    """(children, mean days rounded to the day) with the mean NaN when 1 to 5 children are behind it."""
    v = values.dropna()
    n = float(len(v))
    if len(v) == 0 or disclosure.is_small([n])[0]:
        return n, np.nan
    return n, float(np.round(v.mean()))


def scorecard(records: pd.DataFrame, years) -> pd.DataFrame:
    """A1, A2 and A10 as three-year averages (mean days, rounded) for the windows ending in ``years``.

    Columns: year (end of the window), measure, children (number behind the
    average), days (NaN when 1 to 5 children), threshold, met (days at or
    under the threshold; NA when there is no average).
    """
    rows = []
    for y in years:
        w = window(records, y)
        for m in ("A1", "A2", "A10"):
            n, mean = _mean_or_hidden(w[f"{m}_days"])
            rows.append(
                {
                    "year": int(y),
                    "measure": m,
                    "children": n,
                    "days": mean,
                    "threshold": THRESHOLDS[m],
                    "met": pd.NA if pd.isna(mean) else bool(mean <= THRESHOLDS[m]),
                }
            )
    return pd.DataFrame(rows)


def scorecard_years(records: pd.DataFrame, data: ChildData, year: int) -> list[int]:
    """Windows the returns cover in full: ending from the third collection year to the paper's year."""
    return [y for y in range(min(data.years) + 2, year + 1)]


STAGES = (
    ("order", "Placement order (court authority to place)"),
    ("match", "Matched with adopters"),
    ("placed", "Moved in with the adoptive family"),
    ("adopted", "Adoption order"),
)


def stages(records: pd.DataFrame, year: int) -> pd.DataFrame:
    """Median and mean days from entry to each stage, for the children in A1 of the window ending ``year``.

    A stage's statistics are hidden (NaN) when 1 to 5 children have that date.
    Columns: stage, label, children, median_days, mean_days.
    """
    w = window(records, year)
    w = w[w["A1_reason"] == ""]
    rows = [
        {"stage": "entry", "label": "Entered care", "children": float(len(w)), "median_days": 0.0, "mean_days": 0.0}
    ]
    for col, label in STAGES:
        d = (w[col] - w["entry"]).dt.days.dropna()
        d = d[d >= 0]
        small = disclosure.is_small([len(d)])[0] or len(d) == 0
        rows.append(
            {
                "stage": col,
                "label": label,
                "children": float(len(d)),
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
    table: pd.DataFrame  # stage, label, england_months, england_days, la_children, la_mean_days


def england_timeliness(ctx: Context, records: pd.DataFrame) -> EnglandTimeliness:
    """England's adoption timeliness by stage for the paper's year (else the latest before it, else the first after).

    DfE publishes average times as years:months, stored as months; they are
    converted to days at :data:`analysis.methods.survival.DAYS_PER_MONTH` (30.44) days
    a month, so they are accurate to about a month. Beside them, the
    authority's mean days for the same stages, for its children adopted in
    that year (child-level; hidden when 1 to 5 children).
    """
    t = ctx.table
    rows = t[(t["geographic_level"] == "National") & t["measure"].isin([m for m, *_ in ENGLAND_STAGES])]
    rows = rows.dropna(subset=["value"])
    years = sorted(int(y) for y in rows["year"].unique())
    before = [y for y in years if y <= ctx.year]
    show = before[-1] if before else (years[0] if years else None)
    out = []
    adopted = records[records["adoption_year"] == (show if show is not None and show <= ctx.year else ctx.year)]
    adopted = adopted[adopted["A1_reason"] == ""]
    for measure, a, b, label in ENGLAND_STAGES:
        v = rows[(rows["measure"] == measure) & (rows["year"] == show)]["value"]
        months = float(v.iloc[0]) if len(v) else np.nan
        d = (adopted[b] - adopted[a]).dt.days.dropna()
        n, mean = _mean_or_hidden(d)
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
    return EnglandTimeliness(year=show, after_paper=bool(show is not None and show > ctx.year), table=pd.DataFrame(out))


# --------------------------------------------------------------------------- 3. children waiting


@dataclass(frozen=True)
class Waiting:
    """Children with a placement order who are not yet placed for adoption, on 31 March."""

    children: pd.DataFrame  # one row per child: order date, days waited, whether the order date is seen
    bands: pd.DataFrame  # wait band -> children (numbers) with a total row
    median_days: float  # NaN when 1 to 5 (or no) children
    date: pd.Timestamp


def waiting(data: ChildData, year: int) -> Waiting:
    """Children looked after on 31 March ``year`` whose legal status is a placement (or freeing) order
    and whose placement is not a placement for adoption (A3-A6), and how long they have waited since the
    order (the first E1/D1 episode of the current period). Where that episode is the first in the data of
    a period that began before it, the wait is at least the days shown (``order_seen`` False).
    """
    day = _year_end(year)
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
    counts["All children waiting"] = float(len(children))
    bands = pd.DataFrame({"Children": counts})
    small = len(children) == 0 or disclosure.is_small([len(children)])[0]
    return Waiting(
        children=children, bands=bands, median_days=np.nan if small else float(children["days"].median()), date=day
    )


# --------------------------------------------------------------------------- 4. what predicts delay


@dataclass(frozen=True)
class Model:
    """The Cox model of time to permanence and how its categories were formed."""

    fit: S.CoxFit
    terms: pd.DataFrame  # fit.terms plus variable, level, reference, who, who_ref, n, events (numbers)
    groupings: pd.DataFrame  # variable, level as recorded, level in the model
    excluded: int  # periods left out for a category with no permanence outcomes
    first_entry_year: int
    stratified: pd.DataFrame  # the other terms refitted with age at entry as strata: term, hr, lower, upper


MODEL_VARIABLES = {
    "age_band": "Age at entry",
    "cin": "Category of need",
    "legal_status": "Legal status at entry",
    "placement": "First placement",
}
REFERENCES = {
    "age_band": "under 1",
    "cin": "N1",
    "legal_status": "care order (interim or full)",
    "placement": "in-house fostering",
}
#: Levels never merged away (the in-house versus IFA comparison is asked for by name).
KEEP_LEVELS = {"placement": {"in-house fostering", "IFA fostering"}}


def _merge_ordinal(values: pd.Series, events: pd.Series, order: list[str]) -> dict[str, str]:
    """Merge adjacent ordered levels until each has at least MIN_EVENTS events; label merged bands by range."""
    groups = [[lv] for lv in order if (values == lv).any()]

    def ev(g):
        return int(events[values.isin(g)].sum())

    changed = True
    while changed and len(groups) > 1:
        changed = False
        for i, g in enumerate(groups):
            if ev(g) < MIN_EVENTS:
                j = i - 1 if i > 0 else i + 1
                lo, hi = min(i, j), max(i, j)
                groups[lo : hi + 1] = [groups[lo] + groups[hi]]
                changed = True
                break
    out = {}
    for g in groups:
        label = g[0] if len(g) == 1 else _band_range(g[0], g[-1])
        out.update(dict.fromkeys(g, label))
    return out


def _band_range(first: str, last: str) -> str:
    lo = E.AGE_BANDS[first][0]
    hi = E.AGE_BANDS[last][1]
    if hi is None:
        return f"{lo} and over"
    return f"under {hi + 1}" if lo == 0 else f"{lo} to {hi}"


def _merge_nominal(values: pd.Series, events: pd.Series, var: str) -> dict[str, str]:
    """Levels with fewer than MIN_EVENTS events become "other" (except the reference and kept levels)."""
    keep = KEEP_LEVELS.get(var, set()) | {REFERENCES[var]}
    out = {}
    for lv in sorted(values.unique()):
        few = int(events[values == lv].sum()) < MIN_EVENTS
        out[lv] = f"other {MODEL_VARIABLES[var].lower()}" if few and lv not in keep else lv
    return out


def model(c: Cohort) -> Model:
    """Cox model of time to permanence (Fine–Gray subdistribution hazards under administrative censoring).

    Covariates: age band at entry (reference under 1), category of need (N1
    abuse or neglect), legal status at entry (care order), first placement
    category (in-house fostering; IFA fostering always kept), and entry year
    (a linear trend, per year after the first cohort). Categories with fewer
    than :data:`MIN_EVENTS` permanence outcomes are grouped (adjacent age
    bands merged; other categories into "other ..."); a grouped "other" with
    no outcome at all is left out with a count. Standard errors are
    cluster-robust by child (a child can have several periods). Periods with
    an unknown age are left out (see :attr:`Cohort.exclusions`).
    """
    f = c.frame[c.frame["age_band"] != E.AGE_UNKNOWN].copy()
    ev = f["permanent"]
    maps, groupings = {}, []
    maps["age_band"] = _merge_ordinal(f["age_band"], ev, list(E.AGE_BANDS))
    for var in ("cin", "legal_status", "placement"):
        maps[var] = _merge_nominal(f[var].astype(str), ev, var)
    for var, m in maps.items():
        f[var] = f[var].astype(str).map(m)
        groupings += [{"variable": MODEL_VARIABLES[var], "recorded": k, "in the model": v} for k, v in m.items()]
    refs = {
        var: REFERENCES[var] if REFERENCES[var] in set(f[var]) else maps[var].get(REFERENCES[var], REFERENCES[var])
        for var in maps
    }
    # a grouped level with no outcome at all cannot be estimated: leave its periods out, counted
    dead = np.zeros(len(f), dtype=bool)
    for var in maps:
        by = f.groupby(var)["permanent"].sum()
        dead |= f[var].isin([lv for lv, n in by.items() if n == 0 and lv != refs[var]]).to_numpy()
    excluded = int(dead.sum())
    f = f[~dead]
    refs = {var: ref if ref in set(f[var]) else f[var].value_counts().index[0] for var, ref in refs.items()}
    first = int(f["entry_year"].min())
    f["entry_year_trend"] = f["entry_year"] - first
    design = S.design_matrix(f, refs, ["entry_year_trend"])
    # single-level variables give constant columns: drop any column with no variation
    design = design.loc[:, design.std() > 0]
    t, e, child = f["t_perm"].to_numpy(float), f["permanent"].to_numpy(float), f["CHILD"].to_numpy()
    fit = S.cox(t, e, design, groups=child)
    others = design[[col for col in design.columns if not col.startswith("age_band: ")]]
    strat = S.cox(t, e, others, groups=child, strata=f["age_band"].to_numpy())
    rows = []
    for term in fit.terms["term"]:
        if term == "entry_year_trend":
            rows.append(
                {
                    "variable": "Entry year",
                    "level": "each later year of entry",
                    "reference": f"the year before (trend from {first})",
                    "who": "each later year of entry",
                    "who_ref": "the year before",
                    "n": float(len(f)),
                    "events": float(f["permanent"].sum()),
                }
            )
            continue
        var, level = term.split(": ", 1)
        sel = f[var] == level
        rows.append(
            {
                "variable": MODEL_VARIABLES[var],
                "level": _level_label(var, level),
                "reference": _level_label(var, refs[var]),
                "who": _who(var, level),
                "who_ref": _who(var, refs[var]),
                "n": float(sel.sum()),
                "events": float(f.loc[sel, "permanent"].sum()),
            }
        )
    terms = pd.concat([fit.terms.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    terms = terms.iloc[sorted(range(len(terms)), key=lambda i: _term_order(terms["term"].iloc[i]))]
    terms = terms.reset_index(drop=True)
    return Model(
        fit=fit,
        terms=terms,
        groupings=pd.DataFrame(groupings),
        excluded=excluded,
        first_entry_year=first,
        stratified=strat.terms[["term", "hr", "lower", "upper"]],
    )


def _term_order(term: str) -> tuple:
    """Sort key: variables in model order; age bands youngest first; other levels alphabetically, "other" last."""
    if term == "entry_year_trend":
        return (len(MODEL_VARIABLES), 0, 0, "")
    var, level = term.split(": ", 1)
    first_number = [int(x) for x in level.replace("under", "0").split() if x.isdigit()]
    age = first_number[0] if var == "age_band" and first_number else 0
    return (list(MODEL_VARIABLES).index(var), level == f"other {MODEL_VARIABLES[var].lower()}", age, level)


def _who(var: str, level: str) -> str:
    """A noun phrase for the children in a category, for plain-English sentences."""
    if level == f"other {MODEL_VARIABLES.get(var, '').lower()}":  # levels grouped for the model
        return f"children with another {MODEL_VARIABLES[var].lower()}"
    if var == "age_band":
        return f"children aged {level} at entry"
    if var == "cin":
        name = CIN_LABELS.get(level)
        return f"children whose main need was {name} ({level})" if name else f"children in need category {level}"
    if var == "legal_status":
        return "children who entered care " + LEGAL_WORDS.get(level, f"with legal status {level}")
    if var == "placement":
        return "children first " + PLACEMENT_WORDS.get(level, f"placed in {level}")
    return level


PLACEMENT_WORDS = {
    "placed with parents": "placed with their parents",
    "residential": "placed in residential care",
    "independent living": "placed in independent living",
}
LEGAL_WORDS = {
    "care order (interim or full)": "on a care order (interim or full)",
    "section 20 (voluntary accommodation)": "under section 20 (voluntary accommodation)",
    "police protection or emergency order": "under police protection or an emergency protection order",
    "remand or youth justice": "on remand or under youth justice powers",
    "placement or freeing order": "on a placement or freeing order",
}


def stratified_change(m: Model) -> tuple[float, str]:
    """Largest relative change in a non-age hazard ratio when age at entry is strata rather than a covariate."""
    a = m.terms.set_index("term")["hr"]
    b = m.stratified.set_index("term")["hr"]
    common = b.index.intersection(a.index)
    if not len(common):
        return float("nan"), ""
    rel = (b[common] / a[common] - 1).abs()
    term = rel.idxmax()
    row = m.terms.set_index("term").loc[term]
    return float(rel.max()), f"{row['variable'].lower()} ({row['level']}): {a[term]:.2f} to {b[term]:.2f}"


def _level_label(var: str, level: str) -> str:
    if var == "cin":
        return f"{level} {CIN_LABELS[level]}" if level in CIN_LABELS else level
    return level


def _hr_words(hr: float, lo: float, hi: float) -> str:
    if lo > 1:
        return "faster"
    if hi < 1:
        return "slower"
    return "no clear difference"


def hazard_sentences(m: Model) -> list[str]:
    """One plain-English sentence per term of the model."""
    out = []
    for r in m.terms.itertuples():
        verdict = _hr_words(r.hr, r.lower, r.upper)
        ci = f"95% confidence interval {r.lower:.2f} to {r.upper:.2f}"
        if r.variable == "Entry year":
            pct = 100 * (r.hr - 1)
            direction = "faster" if pct > 0 else "slower"
            clause = (
                f"with each later year of entry, children reached permanence {abs(pct):.0f}% {direction} "
                if verdict != "no clear difference"
                else f"from one year of entry to the next, no clear change in the pace of permanence "
                f"(a {abs(pct):.0f}% {'rise' if pct > 0 else 'fall'} a year could be chance) "
            )
            out.append(f"{clause[0].upper()}{clause[1:]}(hazard ratio {r.hr:.2f}, {ci}).")
            continue
        who = r.who[0].upper() + r.who[1:]
        if verdict == "no clear difference":
            out.append(f"{who} against {r.who_ref}: no clear difference (hazard ratio {r.hr:.2f}, {ci}).")
        else:
            out.append(
                f"{who} reached permanence at {r.hr:.2f} times the rate of {r.who_ref}, that is {verdict} ({ci})."
            )
    return out


def ph_summary(m: Model) -> str:
    """Plain-English reading of the proportional-hazards check."""
    ph = m.fit.ph
    glob = ph[ph["term"] == "GLOBAL"].iloc[0]
    terms = m.terms[["term", "variable", "level"]].merge(ph[ph["term"] != "GLOBAL"], on="term")
    flagged = terms[terms["p"] < 0.05]
    if flagged.empty:
        detail = "no single term shows a trend with time at the 5% level"
    else:
        names = "; ".join(
            f"{var.lower()} ({_listing(list(g['level']))}: correlation {g['rho'].min():+.2f}"
            + (f" to {g['rho'].max():+.2f}" if len(g) > 1 else "")
            + ")"
            for var, g in flagged.groupby("variable", sort=False)
        )
        detail = (
            f"{len(flagged)} of {len(terms)} terms show a trend with time at the 5% level: {names}; a negative "
            "correlation means the hazard ratio falls the longer children are in care"
        )
    verdict = (
        "no evidence against proportional hazards overall"
        if glob["p"] >= 0.05
        else "evidence that some effects change over time, so their hazard ratios are averages over the follow-up"
    )
    return (
        f"Grambsch–Therneau test on Schoenfeld residuals against log time: global chi-squared "
        f"{glob['chi2']:.1f} on {int(glob['df'])} degrees of freedom, p {_p(glob['p'])}: {verdict}; {detail}."
    )


def _p(p: float) -> str:
    """A p-value for text, with its sign: "= 0.012", or "< 0.001"."""
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def ph_table(m: Model) -> pd.DataFrame:
    """The proportional-hazards check, one row per term and a global row, for the page."""
    ph = pd.concat(
        [m.terms[["term", "variable", "level"]].merge(m.fit.ph, on="term"), m.fit.ph[m.fit.ph["term"] == "GLOBAL"]],
        ignore_index=True,
    )
    return pd.DataFrame(
        {
            "Term": [
                ("All terms (global test)" if t == "GLOBAL" else f"{v}: {lv}")
                for t, v, lv in zip(ph["term"], ph["variable"], ph["level"])
            ],
            "Correlation with log time": ph["rho"].to_numpy(),
            "Chi-squared": [f"{x:.2f}" for x in ph["chi2"]],
            "Degrees of freedom": ph["df"].astype(int).to_numpy(),
            "p": ["<0.001" if x < 0.001 else f"{x:.3f}" for x in ph["p"]],
        }
    )


# --------------------------------------------------------------------------- 5. published comparisons (real)


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


NOT_PUBLISHED = "not published"


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


def _share_words(ctx: Context, shares: pd.DataFrame, route: str, year: int) -> str:
    v = share_value(ctx, shares, route, year)
    if v == SUPPRESSED:
        return "suppressed by DfE"
    if v == NOT_PUBLISHED:
        return f"not published for {year}"
    return f"{v:.1f}%"


def area_share(shares: pd.DataFrame, route: str, area: str, year: int) -> float:
    r = shares[(shares["route"] == route) & (shares["area"] == area) & (shares["year"] == year)]
    return float(r["share"].iloc[0]) if len(r) else float("nan")


# --------------------------------------------------------------------------- charts


def _reached_trace(cv: Curve, colour: str, name: str, *, dash: str = "solid", width: int = 3) -> go.Scatter:
    c = cv.curve
    return go.Scatter(
        x=[_month(t) for t in c["time"]],
        y=100 * (1 - c["estimate"]),
        mode="lines",
        line_shape="hv",
        name=name,
        line={"color": colour, "dash": dash, "width": width},
        hovertemplate=f"{name}<br>%{{x:.0f}} months: %{{y:.0f}}% reached permanence<extra></extra>",
    )


def _curve_note() -> str:
    return "Each curve stops where fewer than 6 children remain at risk, so no curve rests on a handful of children."


def _reading_table(cv: Curve, routes: pd.DataFrame) -> pd.DataFrame:
    """Readings at fixed months: children at risk, any permanence (with CI), and each route's incidence."""
    rows = []
    for m in (0, *TABLE_MONTHS):
        at = m * S.DAYS_PER_MONTH
        s = S.value_at(cv.curve, at) if len(cv.curve) else np.nan
        if pd.isna(s):
            continue
        n = int(S.at_risk(cv.t, [at])[0])
        row = {
            "Months since entering care": m,
            "Days": round(at),
            "Not yet permanent and followed (at risk)": n,
            "Any permanence": _pct(1 - s),
            "95% confidence interval": "–"
            if m == 0
            else f"{_pct(1 - S.value_at(cv.curve, at, 'upper'))} to {_pct(1 - S.value_at(cv.curve, at, 'lower'))}",
        }
        for r in (*ROUTES, OTHER_EXIT):
            rc = routes[routes["cause"] == r].reset_index(drop=True)
            rc.attrs["end"] = routes.attrs.get("end", np.nan)
            row[r.capitalize()] = _pct(S.value_at(rc, at))
        rows.append(row)
    return pd.DataFrame(rows)


def permanence_chart(data: ChildData, c: Cohort, cv: Curve, routes: pd.DataFrame) -> dict:
    """Any permanence (Kaplan–Meier, with its confidence band) and the four routes (cumulative incidence)."""
    fig = go.Figure()
    cur = cv.curve
    x = [_month(t) for t in cur["time"]]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=100 * (1 - cur["lower"]),
            mode="lines",
            line_shape="hv",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=100 * (1 - cur["upper"]),
            mode="lines",
            line_shape="hv",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(26,26,26,0.15)",
            name="95% confidence band",
            hoverinfo="skip",
        )
    )
    fig.add_trace(_reached_trace(cv, ROUTE_COLOURS["any permanence"], "Any permanence"))
    for r in ROUTES:
        rc = routes[routes["cause"] == r]
        fig.add_trace(
            go.Scatter(
                x=[_month(t) for t in rc["time"]],
                y=100 * rc["estimate"],
                mode="lines",
                line_shape="hv",
                name=r.capitalize(),
                line={"color": ROUTE_COLOURS[r], "width": 2, "dash": "dot" if r != "adoption" else "dash"},
                hovertemplate=f"{r.capitalize()}<br>%{{x:.0f}} months: %{{y:.0f}}%<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="Children reaching permanence (%)", x_title="Months since entering care")
    fig.update_yaxes(range=[0, 100])
    s12, s24 = cv.share[12][0], cv.share[24][0]
    top = max(ROUTES, key=lambda r: _final(routes, r))
    title = (
        f"{_pct(s12)} of children reached permanence within 12 months of entering care and {_pct(s24)} within "
        f"24 months; {top} was the most common route ({_data_word(data)} data)"
    )
    table = _reading_table(cv, routes)
    return {
        "fig": fig,
        "name": "time-to-permanence",
        "title": title,
        "caption": (
            f"Share of the {cv.n:,} periods of care that began between {_date(c.data_start)} and "
            f"{_date(c.data_end)} that had reached permanence, by months since entry. The black line is any "
            "permanence (Kaplan–Meier, with its 95% confidence band; children still in care on "
            f"{_date(c.data_end)} are censored, children who left care another way count as not reaching it). "
            "The coloured lines split it by route (Aalen–Johansen cumulative incidence, every other way of leaving "
            f"care competing). {_curve_note()} {_source(data)}"
        ),
        "alt": (
            f"Step chart of the share of children reaching permanence by months since entering care. Any "
            f"permanence reaches {_pct(s12)} at 12 months and {_pct(s24)} at 24 months. By route, {top} is the "
            f"largest, reaching {_pct(_final(routes, top))} by the end of the curve."
        ),
        "table": table,
    }


def _final(routes: pd.DataFrame, route: str) -> float:
    r = routes[routes["cause"] == route]
    return float(r["estimate"].iloc[-1]) if len(r) else float("nan")


def _group_chart(
    data: ChildData,
    curves: list[Curve],
    *,
    name: str,
    label: str,
    title: str,
    caption: str,
    alt: str,
    palette: list[str],
) -> dict:
    fig = go.Figure()
    shown = [cv for cv in curves if cv.shown]
    for i, cv in enumerate(shown):
        fig.add_trace(_reached_trace(cv, palette[i % len(palette)], cv.label, width=2))
    charts.base_layout(fig, y_title="Children reaching permanence (%)", x_title="Months since entering care")
    fig.update_yaxes(range=[0, 100])
    return {
        "fig": fig,
        "name": name,
        "title": title,
        "caption": caption + f" {_curve_note()} {_source(data)}",
        "alt": alt,
        "table": group_table(curves, label),
    }


AGE_PALETTE = ["#0060A8", "#009E73", "#E69F00", "#D55E00", "#CC79A7"]


def _trend_words(curves: list[Curve], months: int) -> tuple[str, Curve | None, Curve | None]:
    usable = [cv for cv in curves if cv.shown and not pd.isna(cv.share[months][0])]
    if len(usable) < 2:
        return "cannot be compared (too few cohorts with enough follow-up)", None, None
    a, b = usable[0], usable[-1]
    da, db = a.share[months][0], b.share[months][0]
    word = "rose" if db > da + 0.005 else "fell" if db < da - 0.005 else "was unchanged"
    return word, a, b


def cohort_chart(data: ChildData, curves: list[Curve], test: tuple[float, int, float]) -> dict:
    """Time to permanence by year of entry."""
    word, a, b = _trend_words(curves, 12)
    if a is None:
        title = f"Entry cohorts {word} ({_data_word(data)} data)"
    else:
        title = (
            f"The share reaching permanence within 12 months {word} from {_pct(a.share[12][0])} for children "
            f"entering care in {a.label} to {_pct(b.share[12][0])} for those entering in {b.label} "
            f"({_data_word(data)} data)"
        )
    chi2, df, p = test
    return _group_chart(
        data,
        curves,
        name="permanence-by-entry-year",
        label="Year of entry (ending 31 March)",
        title=title,
        caption=(
            f"Any permanence by months since entry, one line per year of entry (collection year ending "
            f"31 March), Kaplan–Meier as in the chart above. Log-rank test of no difference between the "
            f"years: chi-squared {chi2:.1f} on {df} degrees of freedom, p {_p(p)}. Later cohorts are "
            "followed for less time, so their lines are shorter."
        ),
        alt=(
            f"Step chart with one line per year of entry showing the share of children reaching permanence by "
            f"months since entry. The 12-month share {word}"
            + (f" from {_pct(a.share[12][0])} ({a.label}) to {_pct(b.share[12][0])} ({b.label})." if a else ".")
        ),
        palette=sample_colorscale("Viridis", [0.85 * i / max(len(curves) - 1, 1) for i in range(len(curves))]),
    )


def age_chart(data: ChildData, curves: list[Curve], test: tuple[float, int, float]) -> dict:
    """Time to permanence by age at entry."""
    shown = [cv for cv in curves if cv.shown and not pd.isna(cv.share[24][0])]
    if shown:
        best = max(shown, key=lambda cv: cv.share[24][0])
        worst = min(shown, key=lambda cv: cv.share[24][0])
        title = (
            f"Children who entered care aged {best.label} were the most likely to reach permanence within 24 "
            f"months ({_pct(best.share[24][0])}); those aged {worst.label} the least "
            f"({_pct(worst.share[24][0])}) ({_data_word(data)} data)"
        )
    else:
        title = f"Too few children in each age band to compare ({_data_word(data)} data)"
    chi2, df, p = test
    return _group_chart(
        data,
        curves,
        name="permanence-by-age",
        label="Age at entry",
        title=title,
        caption=(
            f"Any permanence by months since entry, one line per age band at entry (DfE's bands). Log-rank "
            f"test of no difference between the bands: chi-squared {chi2:.1f} on {df} degrees of freedom, "
            f"p {_p(p)}. Children whose date of birth is unknown are left out."
        ),
        alt="Step chart with one line per age band at entry showing the share reaching permanence over time. "
        + title
        + ".",
        palette=AGE_PALETTE,
    )


def scorecard_chart(data: ChildData, sc: pd.DataFrame, year: int, england: EnglandTimeliness) -> dict:
    """A1, A2 and A10 three-year averages against their thresholds, for every window the returns cover."""
    fig = go.Figure()
    colours = {"A1": "#0060A8", "A10": "#009E73", "A2": "#D55E00"}
    for m in ("A1", "A10", "A2"):
        r = sc[sc["measure"] == m]
        fig.add_trace(
            go.Scatter(
                x=r["year"],
                y=r["days"],
                mode="lines+markers",
                name=SCORECARD_LABELS[m],
                line={"color": colours[m], "width": 3},
                hovertemplate=f"{m}<br>%{{x}}: %{{y:.0f}} days<extra></extra>",
            )
        )
    for value, label, colour in (
        (426, "A1 and A10 threshold: 426 days", "#0060A8"),
        (121, "A2 threshold: 121 days", "#D55E00"),
    ):
        fig.add_hline(
            y=value,
            line={"color": colour, "dash": "dash", "width": 1.5},
            annotation_text=label,
            annotation_position="top left",
        )
    charts.base_layout(fig, y_title="Average days (three-year average)", x_title="Three years ending 31 March")
    fig.update_xaxes(dtick=1)
    fig.update_layout(legend={"y": -0.25})
    now = sc[sc["year"] == year].set_index("measure")
    parts = []
    for m in ("A1", "A2", "A10"):
        d = now.loc[m, "days"] if m in now.index else np.nan
        if pd.isna(d):
            parts.append(f"{m} {SUPPRESSED if now.loc[m, 'children'] > 0 else 'not available'}")
        else:
            parts.append(
                f"{m} {d:,.0f} days ({'within' if d <= THRESHOLDS[m] else 'over'} the {THRESHOLDS[m]}-day threshold)"
            )
    title = f"In the three years to March {year}: " + "; ".join(parts) + f" ({_data_word(data)} data)"
    table = sc.assign(
        Measure=sc["measure"].map(SCORECARD_LABELS),
        Children=disclosure.suppress(sc[["children"]]).table()["children"].to_numpy(),
        Met=[("–" if pd.isna(x) else ("yes" if x else "no")) for x in sc["met"]],
    ).rename(
        columns={
            "year": "Three years ending",
            "days": "Average days",
            "threshold": "Threshold (days)",
            "Met": "Within threshold",
        }
    )
    table = table[["Three years ending", "Measure", "Children", "Average days", "Threshold (days)", "Within threshold"]]
    return {
        "fig": fig,
        "name": "adoption-scorecard",
        "title": title,
        "caption": (
            "Adoption scorecard measures as three-year averages (mean days, rounded to the day) for children adopted "
            "in the three years ending 31 March, against DfE's thresholds (426 days for A1, also used for A10; "
            "121 days for A2). A2 counts zero days for a child matched before the court's authority. Records with "
            "inconsistent dates, and children whose entry to care is before the first return, are left out (see "
            f"the table of exclusions). Averages of 1 to 5 children are not shown. {_source(data)}"
        ),
        "alt": (
            "Line chart of the A1, A10 and A2 three-year averages by the year the three years end, with dashed "
            "threshold lines at 426 and 121 days. " + title + "."
        ),
        "table": table,
        "table_formats": {"Average days": ",.0f", "Threshold (days)": ",.0f"},
    }


def stages_chart(data: ChildData, st: pd.DataFrame, year: int) -> dict:
    """Timeline of the adoption process: median months from entry to each stage, one bar per stage."""
    shown = st[(st["stage"] != "entry")].dropna(subset=["median_days"])
    fig = go.Figure(
        go.Bar(
            y=shown["label"],
            x=[_month(d) for d in shown["median_days"]],
            orientation="h",
            marker_color=charts.COLOURS["la"],
            text=[f"{d:,.0f} days" for d in shown["median_days"]],
            textposition="outside",
            cliponaxis=False,
            customdata=shown["median_days"],
            hovertemplate="%{y}<br>median %{customdata:,.0f} days (%{x:.1f} months) after entry<extra></extra>",
        )
    )
    charts.base_layout(fig, y_title="", x_title="Median months from entering care")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=340, margin={"l": 300, "r": 80}, showlegend=False)
    last = shown[shown["stage"] == "adopted"]
    if len(last):
        title = (
            f"For children adopted in the three years to March {year}, half had an adoption order within "
            f"{last['median_days'].iloc[0]:,.0f} days of entering care; half had moved in with their adoptive "
            f"family within {_value(shown, 'placed'):,.0f} days ({_data_word(data)} data)"
        )
    else:
        title = f"Too few children were adopted in the three years to March {year} to show the stages"
    table = pd.DataFrame(
        {
            "Stage": st["label"],
            "Children with this date": disclosure.suppress(st[["children"]]).table()["children"].to_numpy(),
            "Median days from entry": st["median_days"],
            "Median months from entry": st["median_days"] / S.DAYS_PER_MONTH,
            "Mean days from entry": st["mean_days"],
        }
    )
    return {
        "fig": fig,
        "name": "adoption-stages",
        "title": title,
        "caption": (
            f"Median time from entering care to each stage of the adoption process, for the children adopted in the "
            f"three years ending 31 March {year} who are in A1. Placement order: the first legal status E1 (or "
            "freeing order D1) in the period; match: AD1's date of matching; moved in: the first placement for "
            "adoption (A3-A6) with the family who adopted; adoption order: the end of the period. Medians are "
            f"taken stage by stage, over the children with that date (a stage of 1 to 5 children is not shown). "
            f"{_source(data)}"
        ),
        "alt": (
            "Horizontal bar chart of the median months from entering care to the placement order, the match, "
            "moving in with the adoptive family and the adoption order. " + title + "."
        ),
        "table": table,
        "table_formats": {
            "Median days from entry": ",.0f",
            "Median months from entry": ".1f",
            "Mean days from entry": ",.0f",
        },
    }


def _value(st: pd.DataFrame, stage: str) -> float:
    r = st[st["stage"] == stage]["median_days"]
    return float(r.iloc[0]) if len(r) else float("nan")


def england_chart(ctx: Context, data: ChildData, eng: EnglandTimeliness) -> dict:
    """England's published average days between adoption stages, beside the authority's (child-level) means."""
    t = eng.table
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=t["label"],
            x=t["england_days"],
            orientation="h",
            name=f"England {eng.year} (DfE)",
            marker_color=charts.COLOURS["england"],
            hovertemplate="England: %{x:,.0f} days<extra></extra>",
        )
    )
    la = t.dropna(subset=["la_mean_days"])
    fig.add_trace(
        go.Bar(
            y=la["label"],
            x=la["la_mean_days"],
            orientation="h",
            name=f"{ctx.la.la_name} ({_data_word(data)})",
            marker_color=charts.COLOURS["la"],
            hovertemplate=f"{ctx.la.la_name}: %{{x:,.0f}} days<extra></extra>",
        )
    )
    charts.base_layout(fig, y_title="", x_title="Average days")
    fig.update_layout(barmode="group", height=480, margin={"l": 330})
    fig.update_yaxes(autorange="reversed")
    when = (
        f"{eng.year}, the first year DfE published them (after this paper's year, {ctx.year})"
        if eng.after_paper
        else f"{eng.year}"
    )
    total = t[t["stage"] == "adoption_months_care_to_adoption"]
    eng_total = float(total["england_days"].iloc[0]) if len(total) else np.nan
    title = (
        f"In England, children adopted in {when} waited on average {eng_total:,.0f} days "
        f"({eng_total / S.DAYS_PER_MONTH:.0f} months) from entering care to adoption"
    )
    table = pd.DataFrame(
        {
            "Stage": t["label"],
            "England: months (DfE)": t["england_months"],
            "England: days (months x 30.44)": t["england_days"],
            f"{ctx.la.la_name}: children": disclosure.suppress(t[["la_children"]]).table()["la_children"].to_numpy(),
            f"{ctx.la.la_name}: mean days": t["la_mean_days"],
        }
    )
    la_year = eng.year if eng.year is not None and not eng.after_paper else ctx.year
    return {
        "fig": fig,
        "name": "adoption-timeliness-england",
        "title": title,
        "caption": (
            f"England: DfE's average time between the stages of adoption for children adopted in the year ending "
            f"31 March {eng.year}, published in years and months, converted to days at 30.44 days a month "
            f"(so accurate to about a month). {ctx.la.la_name}: mean days for its children adopted in the year "
            f"ending 31 March {la_year} ({_data_word(data)} data; hidden for 1 to 5 children). The decision is "
            "AD1's date of the decision that the child should be placed for adoption. Sources: DfE, Children "
            "looked after in England including adoptions (national adoption timeliness); " + _source(data)
        ),
        "alt": (
            f"Horizontal bar chart of the average days between adoption stages: England {eng.year} beside "
            f"{ctx.la.la_name}. England's average from entering care to adoption is {eng_total:,.0f} days."
        ),
        "table": table,
        "table_formats": {
            "England: months (DfE)": ".0f",
            "England: days (months x 30.44)": ",.0f",
            f"{ctx.la.la_name}: mean days": ",.0f",
        },
    }


def waiting_trend(data: ChildData, year: int) -> pd.DataFrame:
    """Children waiting with a placement order at 31 March of each year of the returns up to ``year``.

    Columns: year, children (number), median_days (NaN when 1 to 5 or none).
    """
    rows = []
    for y in [y for y in data.years if y <= year]:
        w = waiting(data, y)
        rows.append({"year": int(y), "children": float(len(w.children)), "median_days": w.median_days})
    return pd.DataFrame(rows)


def _waiting_words(w: Waiting) -> str:
    n = float(w.bands.loc["All children waiting", "Children"])
    if n == 0:
        return "no child had a placement order without having moved in with adopters"
    if disclosure.is_small([n])[0]:
        return "a small number of children (suppressed) had a placement order but had not moved in with adopters"
    return (
        f"{n:,.0f} children had a placement order but had not moved in with adopters; half had waited more "
        f"than {w.median_days:,.0f} days since the order"
    )


def waiting_chart(data: ChildData, trend: pd.DataFrame, w: Waiting) -> dict:
    """Children waiting with a placement order at each 31 March (suppressed years not drawn)."""
    sup = disclosure.suppress(trend[["children"]])
    shown = sup.table()["children"]
    fig = go.Figure(
        go.Bar(
            x=trend["year"],
            y=sup.values["children"],
            marker_color=charts.COLOURS["la"],
            text=shown,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="31 March %{x}: %{y:,.0f} children<extra></extra>",
        )
    )
    charts.base_layout(fig, y_title="Children waiting", x_title="31 March")
    fig.update_xaxes(dtick=1)
    words = _waiting_words(w)
    title = f"At {_date(w.date)}, {words} ({_data_word(data)} data)"
    table = pd.DataFrame(
        {
            "31 March": trend["year"],
            "Children waiting": shown.to_numpy(),
            "Median days waited so far": trend["median_days"],
        }
    )
    return {
        "fig": fig,
        "name": "children-waiting",
        "title": title,
        "caption": (
            "Children looked after on 31 March whose legal status was a placement order (E1) or freeing order (D1) "
            "and who were not in a placement for adoption (A3-A6). The wait runs from the first such order in "
            "their current period of care; for a period that began before the first return it may be longer than "
            "shown. Years with 1 to 5 children are shown as c and not drawn; so is a median of 1 to 5 children. "
            f"{_source(data)}"
        ),
        "alt": "Bar chart of the number of children waiting for adoption at 31 March each year. " + title + ".",
        "table": table,
        "table_formats": {"Median days waited so far": ",.0f"},
    }


def waiting_bands_table(w: Waiting) -> pd.DataFrame:
    """How long the children waiting at 31 March have waited, by band (suppressed, with the total)."""
    shown = disclosure.suppress(w.bands, total_row="All children waiting").table()
    return shown.reset_index().rename(columns={"index": "Time since the placement order"})


def cox_chart(data: ChildData, m: Model) -> dict:
    """Forest plot of the hazard ratios."""
    t = m.terms.iloc[::-1]
    short = {
        "Age at entry": "Age",
        "Category of need": "Need",
        "Legal status at entry": "Legal status",
        "First placement": "First placement",
        "Entry year": "Entry year",
    }
    labels = [f"{short.get(v, v)}: {lv}" for v, lv in zip(t["variable"], t["level"])]
    fig = go.Figure(
        go.Scatter(
            x=t["hr"],
            y=labels,
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": t["upper"] - t["hr"],
                "arrayminus": t["hr"] - t["lower"],
                "color": "#404040",
                "thickness": 1.5,
            },
            marker={"size": 10, "color": charts.COLOURS["la"]},
            customdata=np.stack([t["lower"], t["upper"]], axis=1),
            hovertemplate="%{y}<br>hazard ratio %{x:.2f} (%{customdata[0]:.2f} to %{customdata[1]:.2f})<extra></extra>",
        )
    )
    fig.add_vline(x=1, line={"color": "#404040", "dash": "dash"})
    charts.base_layout(fig, y_title="", x_title="Hazard ratio (log scale): above 1 = permanence sooner")
    ticks = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[f"{v:g}" for v in ticks])
    fig.update_layout(height=max(360, 30 * len(t) + 140), margin={"l": 300}, showlegend=False)
    fig.update_yaxes(rangemode="normal")
    sig = m.terms[(m.terms["lower"] > 1) | (m.terms["upper"] < 1)]
    if len(sig):
        strongest = sig.iloc[(np.abs(np.log(sig["hr"]))).argmax()]
        title = (
            f"The strongest predictor of the pace of permanence is {strongest['variable'].lower()}: "
            f"{strongest['who']} reached it at {strongest['hr']:.2f} times the rate of {strongest['who_ref']} "
            f"({_data_word(data)} data)"
        )
    else:
        title = f"No factor in the model clearly changes the pace of permanence ({_data_word(data)} data)"
    counts = disclosure.suppress(m.terms[["n", "events"]]).table()
    table = pd.DataFrame(
        {
            "Factor": m.terms["variable"],
            "Level": m.terms["level"],
            "Compared with": m.terms["reference"],
            "Periods": counts["n"].to_numpy(),
            "Reached permanence": counts["events"].to_numpy(),
            "Hazard ratio": m.terms["hr"],
            "95% CI from": m.terms["lower"],
            "95% CI to": m.terms["upper"],
            "p": m.terms["p"],
        }
    )
    return {
        "fig": fig,
        "name": "permanence-cox",
        "title": title,
        "caption": (
            f"Hazard ratios from a Cox proportional-hazards model of time to permanence ({m.fit.n:,} periods of care, "
            f"{m.fit.events:,} reaching permanence), each adjusted for the others, with 95% confidence intervals "
            "(cluster-robust by child). Above 1: permanence comes sooner than for the comparison group; below 1: "
            f"later. Children who left care another way count as not reaching permanence. {_source(data)}"
        ),
        "alt": (
            "Forest plot of hazard ratios with confidence intervals for age at entry, category of need, legal "
            "status at entry, first placement and year of entry. " + title + "."
        ),
        "table": table,
        "table_formats": {"Hazard ratio": ".2f", "95% CI from": ".2f", "95% CI to": ".2f", "p": ".3f"},
    }


def ceased_chart(ctx: Context, shares: pd.DataFrame) -> dict:
    """Published share of leavers adopted, on special guardianship, and returned home: LA, England, region, neighbours."""
    la = ctx.la.la_name
    fig = make_subplots(rows=1, cols=3, subplot_titles=[r.capitalize() for r in CEASED_SHOWN], shared_yaxes=True)
    styles = [
        (la, charts.COLOURS["la"], "solid", 4),
        ("England", charts.COLOURS["england"], "dash", 2),
        (ctx.la.region_name, charts.COLOURS["region"], "dot", 2),
        ("Neighbours' average", charts.COLOURS["neighbours"], "dashdot", 2),
    ]
    for col, route in enumerate(CEASED_SHOWN, start=1):
        for area, colour, dash, width in styles:
            r = shares[(shares["route"] == route) & (shares["area"] == area)]
            fig.add_trace(
                go.Scatter(
                    x=r["year"],
                    y=r["share"],
                    name=area,
                    legendgroup=area,
                    showlegend=col == 1,
                    mode="lines+markers",
                    line={"color": colour, "dash": dash, "width": width},
                    hovertemplate=f"{area}<br>%{{x}}: %{{y:.0f}}% of children leaving care<extra></extra>",
                ),
                row=1,
                col=col,
            )
    charts.base_layout(fig, y_title="Share of children leaving care (%)", x_title="")
    fig.update_yaxes(title_text="", col=2)
    fig.update_yaxes(title_text="", col=3)
    fig.update_xaxes(dtick=2)
    fig.update_layout(height=480, margin={"t": 60})
    year = published_year(shares)
    parts = []
    for route in CEASED_SHOWN:
        v, e = la_share(ctx, shares, route, year), area_share(shares, route, "England", year)
        word = {
            "adoption": "adopted",
            "special guardianship": "left on a special guardianship order",
            "return home": "returned home",
        }[route]
        parts.append(
            f"{word}: {SUPPRESSED} by DfE (England {e:.0f}%)" if pd.isna(v) else f"{v:.0f}% {word} (England {e:.0f}%)"
        )
    latest = "" if year == ctx.year else " (the latest year DfE has published)"
    title = f"Of the children who left {la}'s care in the year to March {year}{latest}: " + "; ".join(parts)
    wide = shares.pivot_table(index=["year", "route"], columns="area", values="share", dropna=False).reset_index()
    wide = wide[["year", "route", la, "England", ctx.la.region_name, "Neighbours' average"]]
    nb = shares[shares["area"] == "Neighbours' average"].set_index(["year", "route"])["neighbours_with_data"]
    wide["Neighbours with data"] = [int(nb.get((y, r), 0)) for y, r in zip(wide["year"], wide["route"])]
    cnt = shares[shares["area"] == la].set_index(["year", "route"])
    wide[f"{la}: children"] = [cnt["count"].get((y, r), np.nan) for y, r in zip(wide["year"], wide["route"])]
    wide[f"{la}: all leaving care"] = [cnt["ceased"].get((y, r), np.nan) for y, r in zip(wide["year"], wide["route"])]
    wide = wide.rename(columns={"year": "Year", "route": "Route"})
    fmts = dict.fromkeys((la, "England", ctx.la.region_name, "Neighbours' average"), ".1f")
    fmts |= {f"{la}: children": ",.0f", f"{la}: all leaving care": ",.0f"}
    return {
        "fig": fig,
        "name": "ceased-by-reason",
        "title": title,
        "caption": (
            "Children who ceased to be looked after during the year ending 31 March by reason, as a share of all who "
            "ceased, for adoption, special guardianship orders and a return home to parents or others with parental "
            "responsibility. The authority's count is DfE's; where DfE suppressed it (or a part of it), no share is "
            f"shown. Neighbours' average is the simple mean of the shares of the {ctx.neighbour_label} with figures. "
            "Source: DfE, Children looked after in England including adoptions (published, real figures)."
        ),
        "alt": (
            "Three line charts of the share of children leaving care who were adopted, left on a special "
            f"guardianship order or returned home, {ctx.first_year} to {ctx.year}, for {la}, England, "
            f"{ctx.la.region_name} and the neighbours' average. " + title + "."
        ),
        "table": wide,
        "table_formats": fmts,
    }


# --------------------------------------------------------------------------- key figures and findings


def _figure_or(value: float, *, small: bool = False, missing: str = SUPPRESSED, digits: int | None = 0):
    if small:
        return SUPPRESSED
    if pd.isna(value):
        return missing
    return round(float(value), digits) if digits is not None else value


def key_figures(
    ctx: Context, data: ChildData, c: Cohort, cv: Curve, sc: pd.DataFrame, w: Waiting, shares: pd.DataFrame
) -> list[dict]:
    """The chapter's key figures (never a suppressed value: the text "suppressed" instead)."""
    year = ctx.year
    syn = "SYNTHETIC child-level data" if data.synthetic else "child-level data"
    now = sc[sc["year"] == year].set_index("measure")
    med = cv.median
    share24 = cv.share[24][0]
    w_total = float(w.bands.loc["All children waiting", "Children"])
    rec = []
    rec.append(
        {
            "name": "median_days_to_permanence",
            "value": round(med.estimate) if med.reached else NOT_REACHED,
            "unit": "days",
            "label": (
                f"Median days from entering care to permanence, periods of care starting "
                f"{_date(c.data_start)} to {_date(c.data_end)} (Kaplan–Meier; {syn})"
            ),
        }
    )
    rec.append(
        {
            "name": "share_permanent_within_24_months",
            "value": round(100 * share24, 1) if not pd.isna(share24) else "too few children at risk",
            "unit": "percent",
            "label": f"Share of children reaching permanence within 24 months of entering care (Kaplan–Meier; {syn})",
        }
    )
    for m in ("A1", "A2", "A10"):
        if m in now.index:
            n, d = now.loc[m, "children"], now.loc[m, "days"]
            value = "no children" if n == 0 else (SUPPRESSED if pd.isna(d) else int(d))
        else:
            value = "not available"
        rec.append(
            {
                "name": f"{m.lower()}_days",
                "value": value,
                "unit": "days",
                "label": f"{SCORECARD_LABELS[m]}: average days, children adopted in the three years to 31 March "
                f"{year} ({syn})",
            }
        )
    rec.append(
        {
            "name": "children_waiting_adoption",
            "value": SUPPRESSED if disclosure.is_small([w_total])[0] else int(w_total),
            "unit": "children",
            "label": f"Children with a placement order not yet placed for adoption, 31 March {year} ({syn})",
        }
    )
    for route, name in (
        ("adoption", "adopted_share_of_ceased"),
        ("special guardianship", "sgo_share_of_ceased"),
        ("return home", "returned_home_share_of_ceased"),
    ):
        rec.append(
            {
                "name": name,
                "value": share_value(ctx, shares, route),
                "unit": "percent",
                "label": f"Share of children leaving {ctx.la.la_name}'s care in the year to 31 March {year} by "
                f"{route} (DfE published figures, real)",
            }
        )
    return rec


def _glue_median(med: S.Median) -> str:
    if not med.reached:
        return NOT_REACHED
    return f"{med.estimate:,.0f} days (about {_month(med.estimate):.0f} months)"


def text_figures(
    ctx: Context,
    data: ChildData,
    c: Cohort,
    cv: Curve,
    routes: pd.DataFrame,
    sc: pd.DataFrame,
    w: Waiting,
    m: Model,
    scx: Exclusions,
) -> list[dict]:
    """Glued text for the prose: formatted numbers, the exclusion sentences, the method check."""
    syn = "SYNTHETIC" if data.synthetic else "child-level"
    aj24 = aj_any_permanence(c, 24)
    km24 = cv.share[24][0]
    return [
        {"name": "perm_data_word", "value": syn, "unit": "text", "label": "Whether the child-level data are synthetic"},
        {
            "name": "perm_year",
            "value": ctx.year,
            "unit": "year",
            "label": "Reporting year of the permanence chapter (year ending 31 March)",
        },
        {
            "name": "perm_cohort_span",
            "value": f"{_date(c.data_start)} to {_date(c.data_end)}",
            "unit": "text",
            "label": "Entries to care in the time-to-permanence cohort",
        },
        {
            "name": "perm_cohort_n",
            "value": len(c.frame),
            "unit": "count",
            "label": "Periods of care in the time-to-permanence cohort",
        },
        {
            "name": "perm_median_text",
            "value": _glue_median(cv.median),
            "unit": "text",
            "label": "Median time to permanence, in words",
        },
        {
            "name": "perm_median_ci",
            "value": _median_ci_text(cv.median),
            "unit": "text",
            "label": "95% confidence interval of the median time to permanence",
        },
        {
            "name": "perm_share_12",
            "value": _pct(cv.share[12][0]),
            "unit": "text",
            "label": "Share reaching permanence within 12 months (Kaplan–Meier)",
        },
        {
            "name": "perm_share_12_ci",
            "value": _ci_text(cv.share[12]),
            "unit": "text",
            "label": "95% confidence interval of the 12-month share",
        },
        {
            "name": "perm_share_24",
            "value": _pct(km24),
            "unit": "text",
            "label": "Share reaching permanence within 24 months (Kaplan–Meier)",
        },
        {
            "name": "perm_share_24_ci",
            "value": _ci_text(cv.share[24]),
            "unit": "text",
            "label": "95% confidence interval of the 24-month share",
        },
        {
            "name": "perm_aj_24",
            "value": _pct(aj24, 1),
            "unit": "text",
            "label": "Aalen–Johansen cumulative incidence of any permanence at 24 months (method check)",
        },
        {
            "name": "perm_km_24_1dp",
            "value": _pct(km24, 1),
            "unit": "text",
            "label": "Kaplan–Meier share at 24 months, one decimal place (method check)",
        },
        {"name": "perm_model_n", "value": m.fit.n, "unit": "count", "label": "Periods of care in the Cox model"},
        {
            "name": "perm_model_events",
            "value": m.fit.events,
            "unit": "count",
            "label": "Periods in the Cox model that reached permanence",
        },
    ]


def narrative(
    ctx: Context, c: Cohort, m: Model, scx: Exclusions, sc: pd.DataFrame, w: Waiting, shares: pd.DataFrame
) -> dict[str, str]:
    """Words the prose pastes, by glue name: the key figures in words (so a suppressed value reads as a
    sentence, not "suppressed days"), the exclusions and the model checks. Not key figures themselves."""
    now = sc[sc["year"] == ctx.year].set_index("measure")
    out = {}
    for meas in ("A1", "A2", "A10"):
        if meas not in now.index or now.loc[meas, "children"] == 0:
            text = "not available (no child adopted in the three years is in it)"
        elif pd.isna(now.loc[meas, "days"]):
            text = "suppressed (an average of 1 to 5 children)"
        else:
            text = f"{now.loc[meas, 'days']:,.0f} days"
        out[f"perm_{meas.lower()}_text"] = text
    for route, name in (("adoption", "adopted"), ("special guardianship", "sgo"), ("return home", "home")):
        out[f"perm_share_{name}_text"] = _share_words(ctx, shares, route, ctx.year)
    out["perm_waiting_sentence"] = _waiting_words(w)
    out["perm_scorecard_exclusions"] = _scorecard_exclusion_text(scx)
    out["perm_cohort_exclusions"] = c.exclusions.sentence("Time to permanence")
    out["perm_model_exclusions"] = _model_exclusion_sentence(c, m)
    out["perm_ph_summary"] = ph_summary(m)
    out["perm_stratified_change"] = _stratified_text(m)
    return out


def _scorecard_exclusion_text(scx: Exclusions) -> str:
    """One sentence per reason that leaves any child out of A1, A2 or A10, with the (suppressed) counts."""
    measures = ["A1", "A2", "A10"]
    shown = disclosure.suppress(scx.counts, total_row=scx.total).table()
    parts = []
    for reason in scx.counts.index.drop([scx.included, scx.total]):
        hit = [m for m in measures if scx.counts.loc[reason, m] > 0]
        if not hit:
            continue
        texts = {m: shown.loc[reason, m] for m in hit}
        words = {m: ("a small number (suppressed)" if t == disclosure.MARKER else t) for m, t in texts.items()}
        where = " and ".join([", ".join(hit[:-1]), hit[-1]] if len(hit) > 1 else hit)
        if len(set(words.values())) == 1:
            count = next(iter(words.values()))
            parts.append(f"{count[0].upper()}{count[1:]} of the {scx.unit} were left out of {where} because {reason}.")
        else:
            each = ", ".join(f"{m} {w}" for m, w in words.items())
            parts.append(f"Left out because {reason}: {each}.")
    if not parts:
        return f"No child {scx.total.split(' ', 1)[1]} was left out of A1, A2 or A10."  # "Children adopted in ..."
    return " ".join(parts)


#: Narrative items pasted as Markdown (``{glue:md}``): sentences, not figures.
SENTENCES = (
    "perm_waiting_sentence",
    "perm_scorecard_exclusions",
    "perm_cohort_exclusions",
    "perm_model_exclusions",
    "perm_ph_summary",
    "perm_stratified_change",
)


def glue_text(items: dict[str, str]) -> None:
    """Glue each item (hidden output, like the findings): sentences (:data:`SENTENCES`) as Markdown for
    ``{glue:md}``, figures in words as text for ``{glue:text}``."""
    from IPython.display import Markdown
    from myst_nb import glue

    for name, text in items.items():
        glue(name, Markdown(text) if name in SENTENCES else text, display=False)


def _stratified_text(m: Model) -> str:
    change, which = stratified_change(m)
    if pd.isna(change):
        return "no other hazard ratio to compare"
    return f"at most {100 * change:.0f}% (the largest change: {which})"


def _model_exclusion_sentence(c: Cohort, m: Model) -> str:
    base = c.exclusions.sentence("Model of what predicts it")
    if m.excluded:
        n = "a small number (suppressed)" if disclosure.is_small([m.excluded])[0] else f"{m.excluded:,}"
        base += f" {n} more periods of care were left out because their category had no permanence outcome to model."
    return base


def _median_ci_text(med: S.Median) -> str:
    if not med.reached:
        return "not estimable"
    lo = "–" if pd.isna(med.lower) else f"{med.lower:,.0f}"
    hi = "not reached" if not np.isfinite(med.upper) else f"{med.upper:,.0f}"
    return f"{lo} to {hi} days"


def _ci_text(s: tuple[float, float, float]) -> str:
    if pd.isna(s[0]):
        return "not estimable"
    return f"{_pct(s[1])} to {_pct(s[2])}"


def findings(
    ctx: Context,
    data: ChildData,
    cv: Curve,
    routes: pd.DataFrame,
    cohorts: list[Curve],
    cohort_test: tuple[float, int, float],
    sc: pd.DataFrame,
    w: Waiting,
    m: Model,
    shares: pd.DataFrame,
) -> list[str]:
    """Plain-English findings, each one sentence, generated from the numbers."""
    year, la = ctx.year, ctx.la.la_name
    syn = " (SYNTHETIC data)" if data.synthetic else ""
    out = []
    med = (
        ("half had done so within " + _glue_median(cv.median))
        if cv.median.reached
        else "fewer than half had reached it by the end of the follow-up (the median is not reached)"
    )
    out.append(
        f"Of children who came into care, {_pct(cv.share[12][0])} reached a permanent outcome (adoption, "
        f"special guardianship, a child arrangements order or a return home) within 12 months and "
        f"{_pct(cv.share[24][0])} within 24 months; {med}{syn}."
    )
    finals = {r: _final(routes, r) for r in ROUTES}
    ranked = sorted(finals, key=finals.get, reverse=True)
    names = {
        "adoption": "adoption",
        "special guardianship": "special guardianship",
        "child arrangements order": "a child arrangements order",
        "return home": "a return home",
    }
    out.append(
        "By the end of the follow-up the routes to permanence were, most common first: "
        + _listing([f"{names[r]} ({_pct(finals[r])})" for r in ranked])
        + f"; {_pct(_final(routes, OTHER_EXIT))} had left care another way{syn}."
    )
    word, a, b = _trend_words(cohorts, 12)
    p = cohort_test[2]
    if a is not None:
        out.append(
            f"Across years of entry the 12-month share {word}, from {_pct(a.share[12][0])} ({a.label}) to "
            f"{_pct(b.share[12][0])} ({b.label}); the differences between years are "
            f"{'statistically significant' if p < 0.05 else 'within what chance would produce'} "
            f"(log-rank p {_p(p)}){syn}."
        )
    now = sc[sc["year"] == year].set_index("measure")
    bits = []
    for meas in ("A1", "A2", "A10"):
        d = now.loc[meas, "days"] if meas in now.index else np.nan
        if not pd.isna(d):
            bits.append(
                f"{meas} {d:,.0f} days ({'within' if d <= THRESHOLDS[meas] else 'over'} the "
                f"{THRESHOLDS[meas]}-day threshold)"
            )
    if bits:
        out.append(f"On the adoption scorecard for the three years to March {year}: " + "; ".join(bits) + f"{syn}.")
    n = float(w.bands.loc["All children waiting", "Children"])
    if n == 0:
        out.append(f"No child was waiting with a placement order on 31 March {year}{syn}.")
    elif disclosure.is_small([n])[0]:
        out.append(
            f"A small number of children (suppressed) were waiting with a placement order on 31 March {year}{syn}."
        )
    else:
        out.append(
            f"On 31 March {year}, {n:,.0f} children had a placement order but had not moved in with "
            f"adopters; half had waited more than {w.median_days:,.0f} days since the order{syn}."
        )
    sig = m.terms[(m.terms["lower"] > 1) | (m.terms["upper"] < 1)]
    if len(sig):
        strongest = sig.iloc[(np.abs(np.log(sig["hr"]))).argmax()]
        out.append(
            f"Allowing for the other factors, the strongest predictor of delay is "
            f"{strongest['variable'].lower()}: {strongest['who']} reached permanence at "
            f"{strongest['hr']:.2f} times the rate of {strongest['who_ref']}{syn}."
        )
    ifa = m.terms[m.terms["level"] == "IFA fostering"]
    if len(ifa):
        r = ifa.iloc[0]
        out.append(
            f"Children first placed with agency (IFA) foster carers reached permanence at {r['hr']:.2f} times "
            f"the rate of those placed with the council's own foster carers (95% CI {r['lower']:.2f} to "
            f"{r['upper']:.2f}): {_hr_words(r['hr'], r['lower'], r['upper'])}{syn}."
        )
    parts = []
    py = published_year(shares)
    for route, word in (
        ("adoption", "adopted"),
        ("special guardianship", "left on special guardianship"),
        ("return home", "returned home"),
    ):
        v, e = la_share(ctx, shares, route, py), area_share(shares, route, "England", py)
        parts.append(
            f"the share {word} is suppressed by DfE (England {e:.0f}%)"
            if pd.isna(v)
            else f"{v:.0f}% {word} (England {e:.0f}%)"
        )
    if py is not None:
        latest = "" if py == year else " (the latest year published)"
        out.append(
            f"Published figures (real): of the children who left {la}'s care in the year to March {py}"
            f"{latest}, " + "; ".join(parts) + "."
        )
    return out


def hypothesis(
    ctx: Context,
    data: ChildData,
    cv: Curve,
    sc: pd.DataFrame,
    cohorts: list[Curve],
    ages: list[Curve],
    shares: pd.DataFrame,
) -> str:
    """What the numbers say about the paper's hypothesis, in plain English (generated)."""
    year = ctx.year
    now = sc[sc["year"] == year].set_index("measure")
    over = [
        m
        for m in ("A1", "A2", "A10")
        if m in now.index and not pd.isna(now.loc[m, "days"]) and now.loc[m, "days"] > THRESHOLDS[m]
    ]
    within = [
        m
        for m in ("A1", "A2", "A10")
        if m in now.index and not pd.isna(now.loc[m, "days"]) and now.loc[m, "days"] <= THRESHOLDS[m]
    ]
    word, a, b = _trend_words(cohorts, 12)
    lines = []
    if over:
        lines.append(
            f"On the adoption scorecard the authority is over DfE's threshold on {', '.join(over)}: "
            "adopted children wait longer than the national standard, which supports the hypothesis for "
            "adoption."
        )
    elif within:
        lines.append(
            f"On the adoption scorecard the authority is within DfE's thresholds ({', '.join(within)}): for "
            "adopted children the hypothesis is not supported."
        )
    if a is not None:
        lines.append(
            f"Across entry cohorts the share reaching permanence within a year {word} "
            f"({_pct(a.share[12][0])} to {_pct(b.share[12][0])}), so "
            + (
                "progress has slowed."
                if word == "fell"
                else "progress has not slowed."
                if word in ("rose", "was unchanged")
                else "no trend can be read."
            )
        )
    s24 = cv.share[24][0]
    if not pd.isna(s24):
        shown = [a for a in ages if a.shown and not pd.isna(a.share[24][0])]
        gap = ""
        if len(shown) >= 2:
            lo = min(shown, key=lambda a: a.share[24][0])
            hi = max(shown, key=lambda a: a.share[24][0])
            gap = (
                f"; the share permanent by then ranged from {_pct(hi.share[24][0])} of children who entered aged "
                f"{hi.label} to {_pct(lo.share[24][0])} of those aged {lo.label}"
            )
        lines.append(f"{_pct(1 - s24)} of children had not reached permanence two years after entering care{gap}.")
    text = " ".join(lines)
    if data.synthetic:
        text += (
            " These child-level results come from SYNTHETIC data: they show how the test works, not what it "
            "finds for the authority's real children; run the report on the authority's own returns to "
            "answer the question."
        )
    py = published_year(shares)
    eng_ad = area_share(shares, "adoption", "England", py)
    la_ad = la_share(ctx, shares, "adoption", py)
    if not pd.isna(la_ad):
        text += (
            f" In the published (real) figures, {la_ad:.0f}% of the authority's care leavers in {py} were "
            f"adopted against {eng_ad:.0f}% in England."
        )
    return text


def findings_markdown(lines: list[str]) -> str:
    """Findings as a Markdown bullet list."""
    return "\n".join(f"- {s}" for s in lines)


def hazard_markdown(m: Model) -> str:
    """The hazard ratios in plain English: each clear difference, the in-house/IFA comparison and the trend
    by year of entry as bullets, then the factors with no clear difference in one bullet."""
    sentences = hazard_sentences(m)
    clear = (m.terms["lower"] > 1) | (m.terms["upper"] < 1)
    always = m.terms["level"].isin(["IFA fostering"]) | (m.terms["variable"] == "Entry year")
    lines = [f"- {s}" for s, keep in zip(sentences, clear | always) if keep]
    rest = m.terms[~clear & ~always]
    if len(rest):
        groups = [
            f"{var.lower()}: {_listing(list(g['level']))} (against {g['reference'].iloc[0]})"
            for var, g in rest.groupby("variable", sort=False)
        ]
        lines.append("- No clear difference (the 95% confidence interval includes 1) for " + "; ".join(groups) + ".")
    return "\n".join(lines)


def _listing(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def groupings_table(m: Model) -> pd.DataFrame:
    """How the recorded categories were grouped for the model (only those changed, plus references)."""
    g = m.groupings
    return g[g["recorded"] != g["in the model"]].rename(
        columns={"variable": "Factor", "recorded": "As recorded", "in the model": "In the model"}
    )
