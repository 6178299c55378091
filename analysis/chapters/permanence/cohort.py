"""The entry cohorts and time to permanence: who is followed, from when, and the curves.

Each period of care that began inside the returns is followed from entry until permanence, or
until 31 March of the paper's year (censored); children who leave care another way stay in the
risk set without the event (see the package docstring for why this estimates the cumulative
incidence of permanence). Records left out of a measure are counted by reason
(:class:`Exclusions`), never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.methods import survival as S
from analysis.report import disclosure
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.context import ChildData

#: Significance level of every confidence interval in the chapter (curves, medians, hazard ratios).
ALPHA = 0.05

#: The permanence routes, in report order (``spec.PERMANENCE_GROUPS``).
ROUTES = tuple(spec.PERMANENCE_GROUPS)


#: Outcome of a period that ended in any other way (including a blank or unknown reason).
OTHER_EXIT = "left care another way"


#: Outcome of a period still open at 31 March of the paper's year.
STILL_IN_CARE = "still in care"


#: Status codes for the cumulative incidence: 0 censored, then the routes, then other exits.
STATUS = {route: k for k, route in enumerate(ROUTES, start=1)} | {OTHER_EXIT: len(ROUTES) + 1, STILL_IN_CARE: 0}


#: Months at which the tables behind the curves read them.
TABLE_MONTHS = (3, 6, 12, 18, 24, 36, 48, 60)


NOT_REACHED = "not reached"


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


def year_start(year: int) -> pd.Timestamp:
    """The first day of collection year ``year``: 1 April of the year before."""
    return pd.Timestamp(f"{int(year) - 1}-04-01")


def year_end(year: int) -> pd.Timestamp:
    """The last day of collection year ``year``: 31 March."""
    return pd.Timestamp(f"{int(year)}-03-31")


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
    #: The released version of ``counts`` (suppressed with the tables sharing its cells,
    #: :mod:`.release`); without one, ``counts`` suppressed on their own.
    released: disclosure.Suppressed | None = field(default=None, compare=False, repr=False)

    @property
    def shown(self) -> disclosure.Suppressed:
        """The released counts: the one version every table, sentence and key figure reads."""
        if self.released is not None:
            return self.released
        return disclosure.suppress(self.counts, total_row=self.total)

    def table(self) -> pd.DataFrame:
        """Display table: reasons and counts, small counts suppressed (``c``)."""
        shown = self.shown.table()
        out = shown.reset_index().rename(columns={"index": "Reason"})
        out["Reason"] = [r[0].upper() + r[1:] for r in out["Reason"]]
        return out

    def excluded(self, column: str) -> pd.Series:
        """Counts excluded from ``column`` by reason (numbers, before suppression)."""
        return self.counts[column].drop([self.included, self.total])

    def sentence(self, column: str) -> str:
        """'N periods of care excluded because ...' for one measure, suppressed where needed."""
        shown = self.shown.table()
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


def count_exclusions(reasons: pd.DataFrame, order: list[str], unit: str, total: str, included: str) -> Exclusions:
    """Count each record's first reason (``reasons``: one column per measure, "" where included)."""
    rows = {}
    for col in reasons.columns:
        vc = reasons[col].value_counts()
        rows[col] = [int(vc.get(r, 0)) for r in order] + [int(vc.get("", 0)), int(len(reasons))]
    counts = pd.DataFrame(rows, index=[*order, included, total]).astype(float)
    return Exclusions(counts=counts, unit=unit, total=total, included=included)


def first_reason(checks: list[tuple[str, pd.Series]], index) -> pd.Series:
    """The first failing check's reason for each row ("" if none fails)."""
    out = pd.Series("", index=index, dtype=object)
    for reason, failed in checks:
        failed = failed.reindex(index).fillna(False).astype(bool)
        out[(out == "") & failed] = reason
    return out


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
    data_start = year_start(min(data.years))
    data_end = year_end(min(year, max(data.years)))
    per = per[per["start"] <= data_end].reset_index(drop=True)
    checks = [
        (COHORT_REASONS[0], per["start"] < data_start),
        (COHORT_REASONS[1], per["first_rne"] != "S"),
        (COHORT_REASONS[2], per["end"].notna() & (per["end"] < per["start"])),
    ]
    reason = first_reason(checks, per.index)
    model_reason = reason.where(reason != "", np.where(per["age_at_start"].isna(), MODEL_REASONS[0], ""))
    exclusions = count_exclusions(
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
    km = S.kaplan_meier(t, e, alpha=ALPHA) if n else S.kaplan_meier([], [], alpha=ALPHA)
    cut = S.truncate(km, t) if n else km.iloc[0:0]
    end = cut.attrs.get("end", np.nan)
    median = S.km_median(t, e, alpha=ALPHA, up_to=end) if n and not np.isnan(end) else S.Median(np.nan, np.nan, np.inf)
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
    ci = S.cumulative_incidence(f["days"].to_numpy(float), f["status"].to_numpy(int), causes, alpha=ALPHA)
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


def final_incidence(routes: pd.DataFrame, route: str) -> float:
    """A route's cumulative incidence where its curve ends (NaN if it has none)."""
    r = routes[routes["cause"] == route]
    return float(r["estimate"].iloc[-1]) if len(r) else float("nan")
