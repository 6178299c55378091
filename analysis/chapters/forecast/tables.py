"""The forecast chapter's tables, after disclosure control (:mod:`analysis.report.disclosure`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.chapters.forecast.compute import (
    AGE_BANDS,
    ALL_AGES,
    ALL_CHILDREN,
    CATEGORIES,
    CHILD_LEVEL,
    SUPPRESSED,
    Outlook,
    flows_counts,
    projection_counts,
    safe,
)
from analysis.report import disclosure, text
from analysis.report.categories import AGE_ROWS, LABELS, STOCK_POPULATION, stock_key


def flows_table(o: Outlook) -> disclosure.Suppressed:
    """:func:`~analysis.chapters.forecast.compute.flows_counts` after disclosure control (the age bands add up to
    all ages). Its first column, the children at 31 March of the paper's year by age band, shows the released
    stock table's cells (:attr:`Outlook.release`)."""
    counts = flows_counts(o)
    cells = None
    if o.release is not None:
        stock = counts.columns[0]
        rows = {**{b: AGE_ROWS[b] for b in AGE_BANDS}, ALL_AGES: ALL_CHILDREN}
        cells = {(here, stock): (there, o.year) for here, there in rows.items() if there in o.release.values.index}
    return disclosure.suppress(counts, total_row=ALL_AGES, released=o.release, cells=cells)


def flows_marks(o: Outlook, table: pd.DataFrame) -> dict:
    """The flows table's marks for the publish gate: the children at 31 March are the stock table's cells."""
    stock = table.columns[1]
    rows = {**{b: AGE_ROWS[b] for b in AGE_BANDS}, ALL_AGES: ALL_CHILDREN}
    cells = {
        (i, stock): stock_key(rows[band], o.year) for i, band in enumerate(table[table.columns[0]]) if band in rows
    }
    return {"population": STOCK_POPULATION, "cells": cells, "total_row": ALL_AGES}


def history_marks(table: pd.DataFrame, column: str, years: pd.Series) -> dict:
    """Marks of a table whose ``column`` holds the child-level children at 31 March of ``years``."""
    cells = {
        (i, column): stock_key(ALL_CHILDREN, y)
        for i, (y, v) in enumerate(zip(years, table[column]))
        if str(y).isdigit() and v != text.DASH
    }
    return {"population": STOCK_POPULATION, "cells": cells}


def projection_table(o: Outlook) -> disclosure.Suppressed:
    """:func:`~analysis.chapters.forecast.compute.projection_counts` after disclosure control.

    The age bands and the placement categories each add up to the total. The
    paper's year (actual children at 31 March) shows the released stock table's
    cells (:attr:`Outlook.release`): the same values, hidden where it hides them.
    """
    counts = projection_counts(o)
    sums = [("rows", [*AGE_BANDS, ALL_CHILDREN]), ("rows", [*CATEGORIES, ALL_CHILDREN])]
    cells = None
    if o.release is not None:
        actual = f"{o.year} (actual)"
        rows = {**{b: AGE_ROWS[b] for b in AGE_BANDS}, **{c: c for c in CATEGORIES}, ALL_CHILDREN: ALL_CHILDREN}
        cells = {(here, actual): (there, o.year) for here, there in rows.items() if there in o.release.values.index}
    return disclosure.suppress(counts, sums=sums, released=o.release, cells=cells)


def _shown(value) -> str:
    """A whole number of children for a table cell: "1,234", or the suppression marker."""
    v = safe(value)
    return disclosure.MARKER if v == SUPPRESSED else text.number(v)


def fan_table(o: Outlook) -> pd.DataFrame:
    """The table behind the forecast chart: one row per year, history and both forecasts (whole children)."""
    first = int(min(o.published.index.min() if len(o.published) else o.year, o.year))
    years = range(first, o.year + o.horizon + 1)
    sim = o.sim.set_index("year")
    ets = o.ets.forecast.set_index("year") if o.ets.fitted else pd.DataFrame(columns=["mean", "lower", "upper"])
    child = disclosure.suppress(o.child_history.round().to_frame("n")).table()["n"]

    def val(frame, y, col, skip_base=False):
        if y not in frame.index or (skip_base and y == o.year):
            return text.DASH
        return _shown(frame.loc[y, col])

    rows = []
    for y in years:
        rows.append(
            {
                "Year": str(y),
                "Published by DfE": text.number(o.published[y])
                if y in o.published.index and pd.notna(o.published[y])
                else text.DASH,
                "Child-level data": child.get(y, text.DASH),
                "Stock-and-flow forecast": val(sim, y, "mean", True),
                "Its low end": val(sim, y, "lower", True),
                "Its high end": val(sim, y, "upper", True),
                "Trend forecast": val(ets, y, "mean"),
                "Trend low end": val(ets, y, "lower"),
                "Trend high end": val(ets, y, "upper"),
                "Published after the paper": text.number(o.later[y]) if y in o.later.index else text.DASH,
            }
        )
    return pd.DataFrame(rows)


def projection_display(o: Outlook) -> dict:
    """The projected numbers by age band and placement category, for :func:`analysis.report.charts.show_table`."""
    sup = projection_table(o)
    table = sup.table().reset_index().rename(columns={"index": "Group"})
    labels = {
        **{b: f"Aged {b}" for b in AGE_BANDS},
        **{c: LABELS.get(c, c) for c in CATEGORIES},
        ALL_CHILDREN: "All children",
    }
    table["Group"] = table["Group"].map(labels)
    return {
        "table": table,
        # the actual year's cells are the placements chapter's release of the same children: the gate checks both
        "population": STOCK_POPULATION,
        "keys": {f"{o.year} (actual)": str(o.year)},
        "caption": (
            f"Children looked after at 31 March by age band and by placement, {o.year} (actual) and "
            f"expected in each later year by the stock-and-flow model (rounded to whole children; "
            f"counts of 1 to 5 and counts that would reveal them shown as c) {o.tag}"
        ),
    }


_NOT_TESTED = {
    "Year": text.DASH,
    "Actual": text.DASH,
    "Forecast": "not tested",
    "Low end": text.DASH,
    "High end": text.DASH,
    "Inside the interval": text.DASH,
    "Error (%)": text.DASH,
}


def _backtest_rows(label: str, frame: pd.DataFrame) -> list[dict]:
    """One model's rows of the back-test table (one "not tested" row when it could not be tested)."""
    if frame.empty:
        return [{"Model": label, **_NOT_TESTED}]
    rows = []
    for r in frame.itertuples(index=False):
        err = abs(r.mean - r.actual) / r.actual * 100 if r.actual > 0 else np.nan
        rows.append(
            {
                "Model": label,
                "Year": str(int(r.year)),
                "Actual": _shown(r.actual),
                "Forecast": _shown(r.mean),
                "Low end": _shown(r.lower),
                "High end": _shown(r.upper),
                "Inside the interval": "yes" if r.lower <= r.actual <= r.upper else "no",
                "Error (%)": f"{err:.0f}",
            }
        )
    return rows


def backtest_display(o: Outlook) -> dict:
    """The back test as a table for :func:`analysis.report.charts.show_table`."""
    bt = o.backtest
    rows = _backtest_rows("Stock-and-flow model", bt.markov) + _backtest_rows("Published trend", bt.ets)
    table = pd.DataFrame(rows)
    # the stock-and-flow model's actual numbers are the child-level children at 31 March (the trend's are DfE's)
    years = table["Year"].where(table["Model"] == "Stock-and-flow model", "")
    return {
        "table": table,
        **history_marks(table, "Actual", years),
        "caption": (
            f"Back test: both models fitted to what was known at 31 March {bt.cut_year} and asked for "
            f"{text.year_span(bt.years[0], bt.years[-1])}. Actual numbers are children looked after at 31 March "
            f"in the {CHILD_LEVEL} (stock-and-flow model) and as DfE published them (trend) {o.tag}"
        ),
    }
