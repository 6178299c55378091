"""Whether a cohort measure has all its children: entry to care observed, and the 95% rule.

The returns only show what they cover (left truncation). A child already in care on 1 April of the
first return's year appears only because they were still in care then, and the returns hold only the
episodes open on or after that day: the start of their period of care may not be in any loaded return.
So a measure that runs from entry to care (A1, A10, time to special guardianship) for a group of
children is biased towards short waits whenever some of its children entered care before the returns
begin: the children who entered earliest, who waited longest, are the ones whose entry is not seen.

**Entry to care is observed** for a period of care when both

* its first episode in the returns is a start of care (RNE ``S``), so the start is recorded; and
* that start is on or after 1 April of the first return's collection year (:func:`.cohort.year_start`),
  so the whole period lies inside the span the returns cover.

A period whose first episode is an RNE ``S`` dated before that day is *not* observed, though its start
date is known: it is in the data only because that first episode was still open when the returns begin,
so it is one of a selected few (children with one long first placement) among those who entered then.

**The 95% rule** (:data:`MIN_OBSERVED`): a measure over a group of children (a three-year scorecard
window, a year's adoptions, special guardianship orders in a window) is reported only when entry to care
is observed for at least 95% of the group; otherwise it is *incomplete*, shown as "incomplete: entry to
care not observed for N of M children", with no average drawn, stated or used for any verdict. The
entry cohorts of the time-to-permanence curves are complete by construction: a period is in them only if
its entry is observed (:func:`.cohort.cohort`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.chapters.permanence.cohort import year_start
from analysis.report import disclosure
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903.context import ChildData

#: Share of a group's children whose entry to care must be observed for its measure to be reported.
MIN_OBSERVED = 0.95

#: The start of the words for a group that fails the rule.
INCOMPLETE = "incomplete"


def entry_observed(first_rne: pd.Series, start: pd.Series, data_start: pd.Timestamp) -> pd.Series:
    """True where a period's entry to care is observed: first episode RNE S, starting on or after ``data_start``."""
    return first_rne.astype(str).eq("S") & (pd.to_datetime(start) >= data_start)


def data_start(data: ChildData) -> pd.Timestamp:
    """1 April of the first return's collection year: the first day the returns cover."""
    return year_start(min(data.years))


@dataclass(frozen=True)
class Completeness:
    """How many children of a group have their entry to care observed."""

    children: int
    observed: int
    #: "N of M children" from the released table these counts belong to (:func:`.adoption.window_release`);
    #: without it, :func:`not_observed_words` suppresses the three counts on their own.
    released_words: str | None = field(default=None, compare=False, repr=False)

    @property
    def not_observed(self) -> int:
        """Children of the group whose entry to care is not observed."""
        return self.children - self.observed

    @property
    def share(self) -> float:
        """Share observed (NaN for an empty group)."""
        return self.observed / self.children if self.children else float("nan")

    @property
    def complete(self) -> bool:
        """True when the group may be reported: no children, or at least :data:`MIN_OBSERVED` observed."""
        return self.children == 0 or self.observed >= MIN_OBSERVED * self.children - 1e-9

    def words(self) -> str:
        """ "incomplete: entry to care not observed for N of M children" (counts of 1 to 5 suppressed)."""
        n_of_m = self.released_words if self.released_words is not None else not_observed_words(self)
        return f"{INCOMPLETE}: entry to care not observed for {n_of_m}"


def not_observed_words(c: Completeness) -> str:
    """ "14 of 122 children", with a count of 1 to 5 (and what would give it away) suppressed."""
    counts = pd.DataFrame({"n": [c.not_observed, c.observed, c.children]}, index=["not", "observed", "all"])
    sup = disclosure.suppress(counts, total_row="all")
    shown = sup.table()["n"]
    n = "a small number (suppressed)" if sup.mask.loc["not", "n"] else shown["not"]
    m = "a small number of children (suppressed)" if sup.mask.loc["all", "n"] else f"{shown['all']} children"
    return f"{n} of {m}"


def completeness(observed) -> Completeness:
    """A :class:`Completeness` from one True/False per child of the group (True: entry observed)."""
    flags = np.asarray(pd.Series(observed, dtype=object).fillna(False).astype(bool))
    return Completeness(children=int(len(flags)), observed=int(flags.sum()))


# --------------------------------------------------------------------------- time to special guardianship


#: Reason group of a period that ended in a special guardianship order.
SGO = "special guardianship"


@dataclass(frozen=True)
class SgoTime:
    """Days from entering care to a special guardianship order, children leaving in a three-year window."""

    year: int  # the window's last collection year
    completeness: Completeness  # of every child leaving care on an SGO in the window
    children: int  # children behind the average (entry observed)
    mean_days: float  # NaN when incomplete, or 1 to 5 (or no) children
    median_days: float  # likewise

    @property
    def shown(self) -> bool:
        """True when the average may be reported."""
        return not np.isnan(self.mean_days)


def sgo_time(data: ChildData, year: int) -> SgoTime:
    """Time from entering care to leaving on a special guardianship order (E43-E48), for the periods of care
    that ended so in the three collection years ending ``year``: context beside the adoption scorecard.

    The average is of the children whose entry is observed, and is shown only when the window is complete
    (:data:`MIN_OBSERVED`) and has 6 or more such children.
    """
    per = E.periods(data.prepared)
    per = per[(per["reason_group"] == SGO) & per["exit_year"].between(year - 2, year).fillna(False).astype(bool)]
    seen = entry_observed(per["first_rne"], per["start"], data_start(data))
    comp = completeness(seen)
    days = (per["end"] - per["start"]).dt.days[seen].astype(float)
    hide = not comp.complete or len(days) == 0 or bool(disclosure.is_small([len(days)])[0])
    return SgoTime(
        year=int(year),
        completeness=comp,
        children=int(len(days)),
        mean_days=np.nan if hide else float(np.round(days.mean())),
        median_days=np.nan if hide else float(days.median()),
    )
