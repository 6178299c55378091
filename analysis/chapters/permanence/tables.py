"""The permanence chapter's tables: counts through :func:`analysis.report.disclosure.suppress`, and the
page's tables.

The functions ending in ``_table`` that take the chapter's result return the keyword arguments of
:func:`analysis.report.charts.show_table` (table, caption and any formats); the others build the
tables behind charts from one part of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.chapters.permanence import marks as K
from analysis.chapters.permanence.adoption import WAITING_TOTAL, Waiting
from analysis.chapters.permanence.cohort import (
    ALPHA,
    NOT_REACHED,
    OTHER_EXIT,
    ROUTES,
    STILL_IN_CARE,
    TABLE_MONTHS,
    Cohort,
    Curve,
    outcome_counts,
)
from analysis.chapters.permanence.compute import Permanence
from analysis.chapters.permanence.model import MIN_EVENTS, Model
from analysis.methods import survival as S
from analysis.report import disclosure, text
from analysis.report.text import DASH


def _share(v: float, digits: int = 0) -> str:
    """A fraction as a percentage for a table cell, a dash when missing."""
    return text.share(v, digits, missing=DASH)


#: The note on every table of counts from child-level data.
_SMALL = "(counts of 1 to 5 shown as c)"


def outcome_display(c: Cohort, released: disclosure.Suppressed | None = None) -> pd.DataFrame:
    """:func:`.cohort.outcome_counts` for the page: small counts suppressed, with secondary suppression on
    both totals; ``released`` is the cohort's released table of outcomes (:func:`.compute.cohort_release`),
    which the page uses (without it, the counts are suppressed on their own)."""
    if released is None:
        released = disclosure.suppress(outcome_counts(c), total_row="all years", total_col="all outcomes")
    counts = outcome_counts(c)
    shown = released.table()[list(counts.columns)]
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


def group_table(
    curves: list[Curve], label: str, released: disclosure.Suppressed | None = None, columns: tuple = ("n", "p")
) -> pd.DataFrame:
    """Table behind a set of curves: children (suppressed), share permanent by 12 and 24 months, median.

    ``released`` is the released table the groups' counts belong to (rows the curves' labels, ``columns``
    the periods and those reaching permanence), so a count hidden there is hidden here; without it the
    counts are suppressed on their own (no total, so small counts only).
    """
    if released is None:
        counts = pd.DataFrame(
            {"n": [float(cv.n) for cv in curves], "p": [float(cv.permanent) for cv in curves]},
            index=[cv.label for cv in curves],
        )
        released, columns = disclosure.suppress(counts), ("n", "p")
    n_col, p_col = columns
    shown = released.table()
    rows = []
    for cv in curves:
        hidden = bool(released.mask.loc[cv.label, n_col]) or not cv.shown
        rows.append(
            {
                label: cv.label,
                "Periods of care": shown.loc[cv.label, n_col],
                "Reached permanence": shown.loc[cv.label, p_col],
                "By 12 months": "c" if hidden else _share_ci(cv.share[12]),
                "By 24 months": "c" if hidden else _share_ci(cv.share[24]),
                "Median days": "c" if hidden else _median_text(cv.median),
            }
        )
    return pd.DataFrame(rows)


def _share_ci(s: tuple[float, float, float]) -> str:
    """A share with its confidence interval for a table cell: "23% (18–29)"."""
    est, lo, hi = s
    if pd.isna(est):
        return "too few at risk"
    return f"{text.share(est)} ({100 * lo:.0f}–{100 * hi:.0f})"


def _median_text(m: S.Median) -> str:
    """A median in days with its confidence interval for a table cell: "500 (300 to not reached)"."""
    if not m.reached:
        return NOT_REACHED
    hi = "not reached" if not np.isfinite(m.upper) else f"{m.upper:,.0f}"
    lo = text.number(m.lower, missing=DASH)
    return f"{m.estimate:,.0f} ({lo} to {hi})"


def reading_table(cv: Curve, routes: pd.DataFrame, cohort_n: str | None = None) -> pd.DataFrame:
    """Readings at fixed months: children at risk, any permanence (with CI), and each route's incidence.

    At month 0 everyone is at risk: that count is the cohort's size, shown as ``cohort_n`` (its released
    cell, :func:`.compute.cohort_release`) when given."""
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
            "Not yet permanent and followed (at risk)": cohort_n if (m == 0 and cohort_n is not None) else n,
            "Any permanence": _share(1 - s),
            f"{text.confidence(ALPHA)} confidence interval": DASH
            if m == 0
            else f"{_share(1 - S.value_at(cv.curve, at, 'upper'))} to {_share(1 - S.value_at(cv.curve, at, 'lower'))}",
        }
        for r in (*ROUTES, OTHER_EXIT):
            rc = routes[routes["cause"] == r].reset_index(drop=True)
            rc.attrs["end"] = routes.attrs.get("end", np.nan)
            row[r.capitalize()] = _share(S.value_at(rc, at))
        rows.append(row)
    return pd.DataFrame(rows)


def ph_display(m: Model) -> pd.DataFrame:
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


def groupings(m: Model) -> pd.DataFrame:
    """How the recorded categories were grouped for the model (only those changed, plus references)."""
    g = m.groupings
    return g[g["recorded"] != g["in the model"]].rename(
        columns={"variable": "Factor", "recorded": "As recorded", "in the model": "In the model"}
    )


def waiting_bands(w: Waiting) -> pd.DataFrame:
    """How long the children waiting at 31 March have waited, by band (suppressed, with the total)."""
    shown = w.released.table()
    return shown.reset_index().rename(columns={"index": "Time since the placement order"})


# --------------------------------------------------------------------------- the page's tables


def cohort_exclusions_table(res: Permanence) -> dict:
    """Periods of care in the returns and why any are left out of the cohort and the model."""
    ex = res.released.exclusions
    table = ex.table()
    columns = {
        "Time to permanence": f"{K.ALL_YEARS} | {K.ALL_OUTCOMES}",
        "Model of what predicts it": f"model | {K.ALL_OUTCOMES}",
    }
    return {
        "table": table,
        "caption": "Periods of care in the returns, and why any are left out of the time-to-permanence cohort and "
        f"the model {_SMALL}",
        **K.cohort_exclusions(res.year, table, ex.included, ex.total, columns),
    }


def scorecard_exclusions_table(res: Permanence) -> dict:
    """Children adopted in the three years and why any are left out of A1, A2 and A10."""
    ex = res.scorecard_exclusions
    table = ex.table()
    return {
        "table": table,
        "caption": f"Children adopted in the three years, and why any are left out of A1, A2 and A10 {_SMALL}",
        **K.scorecard_exclusions(res.year, table, ex.included, ex.total),
    }


def outcome_table(res: Permanence) -> dict:
    """The cohort by year of entry and outcome (:func:`outcome_display`)."""
    return {
        "table": outcome_display(res.cohort, res.released.outcomes),
        "caption": "Periods of care in the cohort by year of entry and outcome on 31 March of the paper's year: "
        "adopted, special guardianship order (SGO), child arrangements order (CAO), returned home, left care "
        f"another way, still in care {_SMALL}",
        **K.outcomes(res.year),
    }


def waiting_bands_table(res: Permanence) -> dict:
    """Children waiting at 31 March of the paper's year by time since the order (:func:`waiting_bands`)."""
    table = waiting_bands(res.waiting)
    return {
        "table": table,
        "caption": f"Children waiting at 31 March of the paper's year, by time since the placement order {_SMALL}",
        **K.waiting_bands(res.year, table, WAITING_TOTAL),
    }


def groupings_table(res: Permanence) -> dict:
    """The categories grouped for the model (:func:`groupings`)."""
    return {
        "table": groupings(res.model),
        "caption": f"Categories grouped for the model (fewer than {MIN_EVENTS} reached permanence)",
    }


def ph_table(res: Permanence) -> dict:
    """The proportional-hazards check (:func:`ph_display`)."""
    return {
        "table": ph_display(res.model),
        "caption": "Proportional-hazards check: Grambsch–Therneau test on Schoenfeld residuals against log time",
        "formats": {"Correlation with log time": "+.2f"},
    }
