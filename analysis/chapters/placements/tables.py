"""The placements chapter's tables: display tables built from the suppressed counts, and the page's tables.

Every table from child-level data is built from :class:`analysis.report.disclosure.Suppressed` tables
(:func:`.compute.stock_table`, :func:`.compute.new_placements_table`, :func:`.compute.annual_spend`),
so a suppressed count shows as ``c`` and a percentage made from it too. The functions ending in
``_table`` take the chapter's result and return the keyword arguments of
:func:`analysis.report.charts.show_table`.
"""

from __future__ import annotations

import pandas as pd

from analysis.chapters.placements.compute import (
    ALL_PLACEMENTS,
    INDICATORS,
    Histories,
    Placements,
    Spend,
    published_value,
    share,
)
from analysis.paper import Costs
from analysis.report import disclosure, text
from analysis.report.categories import (
    AGE_BANDS,
    AGE_ROWS,
    ALL_CHILDREN,
    ALL_FOSTER,
    CATEGORIES,
    COHORT,
    COST_FIELDS,
    DISTANCE,
    FOSTERING,
    LABELS,
    LOCALITY,
    LONG_TERM,
    MOVES,
    NEW_POPULATION,
    SHORT,
    STOCK_POPULATION,
)
from analysis.report.text import NO_CHILDREN, SUPPRESSED
from analysis.sources.ssda903 import episodes as E


def _cell(value, fmt: str = ".0f") -> str:
    """A share for a table: formatted, ``c`` when suppressed, or "no children"."""
    if value == SUPPRESSED:
        return disclosure.MARKER
    if isinstance(value, str):
        return value
    return format(value, fmt)


def _counts(sup: disclosure.Suppressed, rows, col) -> list[str]:
    shown = sup.table()
    return [shown.loc[r, col] for r in rows]


# --------------------------------------------------------------------------- display tables (child-level)


def row_label(row) -> str:
    """A row of the counts as the page names it (:data:`analysis.report.categories.LABELS`)."""
    return LABELS.get(row, str(row))


def mix_display(h: Histories, sup: disclosure.Suppressed, *, fostering: bool = False) -> pd.DataFrame:
    """Placement mix at 31 March by year: children and % of all children (or, with ``fostering``, of foster placements)."""
    rows = [*FOSTERING, ALL_FOSTER] if fostering else [*CATEGORIES, ALL_FOSTER, ALL_CHILDREN]
    den = ALL_FOSTER if fostering else ALL_CHILDREN
    out = pd.DataFrame({"Placement": [row_label(r) for r in rows]})
    for y in h.years:
        out[str(y)] = _counts(sup, rows, y)
        out[f"{y} (%)"] = [_cell(share(sup, (r, y), (den, y))) for r in rows]
    return out


def age_display(h: Histories, sup: disclosure.Suppressed) -> pd.DataFrame:
    """Children at 31 March of the last year by placement and age band (counts)."""
    rows = [*CATEGORIES, ALL_FOSTER, ALL_CHILDREN]
    out = pd.DataFrame({"Placement": [row_label(r) for r in rows]})
    for band in AGE_BANDS:
        out[band] = _counts(sup, rows, band)
    out["All ages"] = _counts(sup, rows, h.year)
    return out


def distance_display(h: Histories, sup: disclosure.Suppressed, *, by: str = "placement") -> pd.DataFrame:
    """Distance from home and locality at 31 March of the last year, by placement (or by age band).

    Columns: children; % more than 20 miles from home; % outside the
    authority; and the numbers whose distance or locality is not known.
    """
    y = h.year
    rows = [*CATEGORIES, ALL_FOSTER, ALL_CHILDREN] if by == "placement" else [*AGE_ROWS.values(), ALL_CHILDREN]
    out = pd.DataFrame({"Placement" if by == "placement" else "Age at 31 March": [row_label(r) for r in rows]})
    out["Children"] = _counts(sup, rows, y)
    out["Over 20 miles from home (%)"] = [_cell(share(sup, (r, DISTANCE[1]), (r, y))) for r in rows]
    out["Outside the authority (%)"] = [_cell(share(sup, (r, LOCALITY[1]), (r, y))) for r in rows]
    out["Distance not known"] = _counts(sup, rows, DISTANCE[2])
    out["Locality not known"] = _counts(sup, rows, LOCALITY[2])
    return out


#: The count columns of :func:`distance_display` and :func:`stability_display`, and what each counts.
DISTANCE_KEYS = {"Children": "", "Distance not known": "distance not known", "Locality not known": "locality not known"}
STABILITY_KEYS = {"Children": "", "Under 16, in care 2.5+ years": "long-term cohort"}


def stability_display(h: Histories, sup: disclosure.Suppressed, *, by: str = "placement") -> pd.DataFrame:
    """Placement stability at 31 March of the last year, by current placement (or by age band)."""
    y = h.year
    rows = [*CATEGORIES, ALL_FOSTER, ALL_CHILDREN] if by == "placement" else [*AGE_ROWS.values(), ALL_CHILDREN]
    out = pd.DataFrame({"Placement" if by == "placement" else "Age at 31 March": [row_label(r) for r in rows]})
    out["Children"] = _counts(sup, rows, y)
    out["3 or more placements in the year (%)"] = [_cell(share(sup, (r, MOVES[0]), (r, y))) for r in rows]
    out["Under 16, in care 2.5+ years"] = _counts(sup, rows, COHORT)
    out["Of those, same placement 2+ years (%)"] = [_cell(share(sup, (r, LONG_TERM[0]), (r, COHORT))) for r in rows]
    return out


def new_placements_display(h: Histories, sup: disclosure.Suppressed) -> pd.DataFrame:
    """New foster placements by provider and year: placements and % of all new foster placements."""
    rows = [*FOSTERING, ALL_FOSTER]
    out = pd.DataFrame({"Foster placement": [row_label(r) for r in rows]})
    for y in h.years:
        out[str(y)] = _counts(sup, rows, y)
        out[f"{y} (%)"] = [_cell(share(sup, (r, y), (ALL_FOSTER, y))) for r in rows]
    return out


def _short(row) -> str:
    return SHORT.get(row, row_label(row))


def new_placements_by_age(h: Histories, sup: disclosure.Suppressed) -> pd.DataFrame:
    """New foster placements in the last year by provider and age at the start of the placement."""
    rows = [*FOSTERING, ALL_FOSTER]
    out = pd.DataFrame({"Foster carers": [_short(r) for r in rows]})
    out["New placements"] = _counts(sup, rows, h.year)
    for band in AGE_BANDS:
        out["Age not known" if band == E.AGE_UNKNOWN else f"Aged {band}"] = _counts(sup, rows, band)
    return out


def new_placements_distance(h: Histories, sup: disclosure.Suppressed) -> pd.DataFrame:
    """New foster placements in the last year by provider: distance from home and locality."""
    y = h.year
    rows = [*FOSTERING, ALL_FOSTER]
    out = pd.DataFrame({"Foster carers": [_short(r) for r in rows]})
    out["New placements"] = _counts(sup, rows, y)
    out["Over 20 miles from home (%)"] = [_cell(share(sup, (r, DISTANCE[1]), (r, y))) for r in rows]
    out["Outside the authority (%)"] = [_cell(share(sup, (r, LOCALITY[1]), (r, y))) for r in rows]
    out["Distance not known"] = _counts(sup, rows, DISTANCE[2])
    return out


def reconciliation_display(h: Histories, sup: disclosure.Suppressed, pub: pd.DataFrame, la_name: str) -> pd.DataFrame:
    """Child-level shares at 31 March beside DfE's published ones, by year (how far the data can be trusted).

    Columns: year, measure, the child-level share, DfE's share and the
    difference in percentage points (blank where either is missing).
    """
    measures = (
        ("Foster placements", ALL_FOSTER, "foster"),
        ("Own provision", "own provision", "own_provision"),
        ("Private or voluntary provision", "private or voluntary provision", "private_voluntary"),
    )
    rows = []
    for y in h.years:
        for label, row, indicator in measures:
            ours = share(sup, (row, y), (ALL_CHILDREN, y))
            theirs = published_value(pub, indicator, y)
            diff = f"{ours - theirs:+.1f}" if text.is_number(ours) and text.is_number(theirs) else ""
            rows.append(
                {
                    "Year": str(y),
                    "Share of children at 31 March": label,
                    "Child-level data (%)": _cell(ours),
                    "DfE published (%)": _cell(theirs),
                    "Difference (%)": diff,
                }
            )
    return pd.DataFrame(rows)


def stock_keys(year: int, **columns: str) -> dict:
    """Column -> key for the publish gate: ``columns`` maps a display column to what it counts in ``year``."""
    return {col: f"{year}{'' if what == '' else ', ' + what}" for col, what in columns.items()}


def age_table(res: Placements) -> dict:
    """:func:`age_display` with its caption, for :func:`analysis.report.charts.show_table`."""
    h, sup = res.histories, res.stock
    return {
        "table": age_display(h, sup),
        "caption": f"Children looked after at 31 March {h.year} by placement and age band {h.caption_tag}",
        "population": STOCK_POPULATION,
        "keys": {"All ages": str(h.year)},
    }


def distance_age_table(res: Placements) -> dict:
    """:func:`distance_display` by age band with its caption, for :func:`analysis.report.charts.show_table`."""
    h, sup = res.histories, res.stock
    return {
        "table": distance_display(h, sup, by="age"),
        "caption": f"Distance from home and locality by age, 31 March {h.year} {h.caption_tag}",
        "population": STOCK_POPULATION,
        "keys": stock_keys(h.year, **DISTANCE_KEYS),
    }


def stability_age_table(res: Placements) -> dict:
    """:func:`stability_display` by age band with its caption, for :func:`analysis.report.charts.show_table`."""
    h, sup = res.histories, res.stock
    return {
        "table": stability_display(h, sup, by="age"),
        "caption": f"Placement stability by age, 31 March {h.year} {h.caption_tag}",
        "population": STOCK_POPULATION,
        "keys": stock_keys(h.year, **STABILITY_KEYS),
    }


def new_marks(year: int, table: pd.DataFrame | None = None) -> dict:
    """Marks of a table of new foster placements for the publish gate: the year-by-year table's cells are
    keyed by column; a table of the last year by short provider names keys its "New placements" cells so the
    gate compares them with the year-by-year table's."""
    if table is None:
        return {"population": NEW_POPULATION, "keys": {str(year): str(year)}}
    rows = [*FOSTERING, ALL_FOSTER]
    cells = {(i, "New placements"): f"{row_label(r)} | {year}" for i, r in enumerate(rows) if i < len(table)}
    return {"population": NEW_POPULATION, "cells": cells}


def new_placements_age_table(res: Placements) -> dict:
    """:func:`new_placements_by_age` with its caption, for :func:`analysis.report.charts.show_table`."""
    h, sup = res.histories, res.new
    table = new_placements_by_age(h, sup)
    return {
        "table": table,
        "caption": f"New foster placements in {text.period(h.year)} by provider and age at the start {h.caption_tag}",
        **new_marks(h.year, table),
    }


def new_placements_distance_table(res: Placements) -> dict:
    """:func:`new_placements_distance` with its caption, for :func:`analysis.report.charts.show_table`."""
    h, sup = res.histories, res.new
    table = new_placements_distance(h, sup)
    return {
        "table": table,
        "caption": (
            f"New foster placements in {text.period(h.year)} by provider: distance from home and locality {h.caption_tag}"
        ),
        **new_marks(h.year, table),
    }


def reconciliation_table(res: Placements) -> dict:
    """:func:`reconciliation_display` with its caption, for :func:`analysis.report.charts.show_table`."""
    ctx, h = res.ctx, res.histories
    return {
        "table": reconciliation_display(h, res.stock, res.pub, ctx.la.la_name),
        "caption": (
            f"Shares of children looked after at 31 March: the child-level data against DfE's published "
            f"figures for {ctx.la.la_name}; the difference is in percentage points {h.caption_tag}"
        ),
        "population": STOCK_POPULATION,
    }


def published_table(pub: pd.DataFrame, indicators) -> pd.DataFrame:
    """The table behind a published chart: year, indicator and each area's share (%)."""
    rows = pub.loc[list(indicators)].reset_index()
    return pd.DataFrame(
        {
            "Year": rows["year"].astype(str),
            "Indicator": rows["indicator"].map(lambda k: INDICATORS[k].label),
            "Authority (%)": rows["la"],
            "England (%)": rows["england"],
            "Region (%)": rows["region"],
            "Neighbours' average (%)": rows["neighbours"],
            "Neighbours with data": rows["neighbours_with_data"],
        }
    )


def unit_costs(costs: Costs) -> pd.DataFrame:
    """The paper file's weekly unit costs, with the sensitivity range and sources (not child-level)."""
    s = costs.sensitivity
    rows = []
    for cat in CATEGORIES:
        c = getattr(costs, COST_FIELDS[cat])
        rows.append(
            {
                "Placement": row_label(cat),
                "Weekly cost (£)": c.weekly,
                "Daily cost (£)": c.weekly / 7,
                f"Low, -{s:.0%} (£)": c.weekly * (1 - s),
                f"High, +{s:.0%} (£)": c.weekly * (1 + s),
                "Cost year": str(c.year),
                "Source": c.source,
            }
        )
    return pd.DataFrame(rows)


def unit_cost_table(res: Placements) -> dict:
    """:func:`unit_costs` with caption and formats, for :func:`analysis.report.charts.show_table`."""
    costs = res.costs
    table = unit_costs(costs)
    formats = {c: ",.2f" if c.startswith("Daily") else ",.0f" for c in table.columns if c.endswith("(£)")}
    return {
        "table": table,
        "formats": formats,
        "caption": (
            f"Weekly unit costs by type of placement, from the paper file (£; money in this chapter is "
            f"stated at {costs.price_year} prices, each cost as published for its own year)"
        ),
    }


def spend_display(sp: Spend) -> pd.DataFrame:
    """Spend by category for the page: children, days and spend, hidden (c) with suppressed children."""
    shown = sp.counts.table()
    rows = []
    for cat in CATEGORIES:
        hidden = bool(sp.hidden[cat])
        none = not hidden and sp.counts.values.loc[cat, "children"] == 0
        rows.append(
            {
                "Placement": row_label(cat),
                "Children": shown.loc[cat, "children"],
                "Placement days (days)": disclosure.MARKER if hidden else f"{sp.days[cat]:,.0f}",
                "Weekly unit cost (£)": f"{sp.weekly[cat]:,.0f}",
                "Annual spend (£)": disclosure.MARKER if hidden else (NO_CHILDREN if none else f"{sp.spend[cat]:,.0f}"),
            }
        )
    rows.append(
        {
            "Placement": "All placements",
            "Children": shown.loc[ALL_PLACEMENTS, "children"],
            "Placement days (days)": f"{sp.days.sum():,.0f}",
            "Weekly unit cost (£)": "",
            "Annual spend (£)": f"{sp.spend.sum():,.0f}",
        }
    )
    return pd.DataFrame(rows)
