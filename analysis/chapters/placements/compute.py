"""Chapter "Where children live": placement types, providers, distance, stability and cost.

The committee paper says too many children in care live with independent
fostering agency (IFA) carers: further from home, less well known, more
disruption, and more costly than the council's own (in-house) carers. The
chapter sets out the evidence in three parts:

* **Published figures** (DfE, real): the authority against England, its region
  and its statistical neighbours on provider shares, fostering, distance from
  home and placement stability, every year published (:func:`published_shares`).
* **Child-level figures** (the paper's SSDA903 returns; by default the
  SYNTHETIC authority), years up to the paper's: the placement mix, fostering
  by provider, new foster placements, distance from home and stability, by
  provider and by age band (:class:`Histories`, :func:`stock_table`,
  :func:`new_placements_table`).
* **Cost**: annual spend by placement category from placement days and the
  paper file's weekly unit costs, and the annual cost of the IFA gap with a
  sensitivity range (:func:`annual_spend`, :func:`ifa_gap`).

Definitions come from the episode model (:mod:`analysis.sources.ssda903.episodes`):
children looked after at 31 March and their current placement
(``looked_after_on``), placements (``placement_spells``), placements in the
year (``placements_in_year``) and long-term stability (``long_term_stability``);
distance and locality are DfE's (:func:`analysis.sources.ssda903.geography.placement_fields`).

Disclosure control
------------------
Every number derived from child-level data reaches the page through
:func:`analysis.report.disclosure.suppress`. The children looked after at 31 March
are suppressed as **one** table (:func:`stock_table`): rows are placement
categories, provider groups and age bands, columns are years and, for the
latest year, age band, distance, locality and stability, with every sum
between them declared. A cell hidden in one view therefore cannot be worked
out from another view of the same children. New foster placements are a
second such table (:func:`new_placements_table`), spend a third
(:func:`annual_spend`). Percentages are suppressed with their counts
(:func:`share`), charts plot a suppressed value as a gap, and a key figure
that would be suppressed is the text ``"suppressed"``.

Every display table built from child-level data has a caption (or, for the
table behind a chart, a chart caption) containing :data:`CHILD_LEVEL`, and
every column of it that does not hold counts has a header ending in one of
:data:`NOT_COUNT_SUFFIXES`. That is how :func:`disclosure_problems` (and the
chapter's test) finds those tables and checks no count from 1 to 5 shows.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.errors import InputError
from analysis.paper import Costs
from analysis.report import charts, disclosure
from analysis.report.categories import (
    AGE_BANDS,
    AGE_ROWS,
    ALL_CHILDREN,
    ALL_FOSTER,
    CATEGORIES,
    COHORT,
    COLOURS,
    COST_FIELDS,
    DISTANCE,
    FOSTERING,
    INSIDE_OR_UNKNOWN,
    LABELS,
    LOCALITY,
    LONG_TERM,
    MOVES,
    NEAR_OR_UNKNOWN,
    PROVIDER_GROUPS,
    SHORT,
    age_band,
    provider_group,
)
from analysis.report.context import Context, area_frame
from analysis.report.text import CHILD_LEVEL, NO_CHILDREN, NOT_PUBLISHED, SUPPRESSED, returns_text
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import geography

# --------------------------------------------------------------------------- labels and conventions

#: Column headers ending with one of these hold something other than counts of children or placements.
NOT_COUNT_SUFFIXES = ("(%)", "(£)", "(days)")

_LA_LEVEL, _REGIONAL, _NATIONAL = "Local authority", "Regional", "National"


# --------------------------------------------------------------------------- small helpers


def _period(year: int) -> str:
    """The collection year as text: 2017 -> "2016-17"."""
    return f"{year - 1}-{str(year)[2:]}"


def _years_text(years: list[int]) -> str:
    """Years as short text: [2013, 2014, 2015, 2020] -> "2013-2015 and 2020"."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _pct(value) -> str:
    """A share for a sentence: "23%", or the reason it has no value."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return NOT_PUBLISHED
    return f"{value:.0f}%"


def _money(value: float) -> str:
    """Pounds for a sentence: £1.2 million, or £45,000 to the nearest thousand."""
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.1f} million"
    return f"£{round(value, -3):,.0f}"


def _is_number(value) -> bool:
    return not isinstance(value, str) and value is not None and not pd.isna(value)


def _distance_band(miles: pd.Series) -> pd.Series:
    m = pd.to_numeric(miles, errors="coerce")
    return pd.Series(
        np.where(m.isna(), DISTANCE[2], np.where(m <= 20, DISTANCE[0], DISTANCE[1])), index=miles.index, dtype=object
    )


def _locality(location: pd.Series) -> pd.Series:
    loc = location.astype(object)
    return pd.Series(
        np.where(loc == "IN", LOCALITY[0], np.where(loc == "OUT", LOCALITY[1], LOCALITY[2])),
        index=location.index,
        dtype=object,
    )


# --------------------------------------------------------------------------- the child-level histories


@dataclass(frozen=True)
class Histories:
    """The child-level data the chapter uses, worked out once.

    Attributes
    ----------
    years : tuple of int
        Collection years shown, ascending; the last is the one analysed in detail.
    la_code : str
        The authority's GSS code (used to tell placements inside it from outside).
    synthetic : bool
        Whether the data are the SYNTHETIC authority's.
    stock : pandas.DataFrame
        One row per child looked after at 31 March of each year (``looked_after_on``),
        with ``year``, ``age_band``, ``age_row``, ``provider_group``; for the last
        year also ``distance`` and ``locality`` (labels of :data:`DISTANCE` and
        :data:`LOCALITY`), ``moves`` (:data:`MOVES`: placements during the year,
        ``placements_in_year``) and ``long_term`` (:data:`LONG_TERM`, or None
        outside DfE's long-term cohort, ``long_term_stability``).
    new : pandas.DataFrame
        One row per placement (``placement_spells``) starting in a year shown,
        with ``year``, ``age`` at the start and ``age_band``; for the last year
        also ``distance`` and ``locality``.
    spells : pandas.DataFrame
        Every placement spell of the episode model.
    """

    years: tuple[int, ...]
    la_code: str
    synthetic: bool
    stock: pd.DataFrame
    new: pd.DataFrame
    spells: pd.DataFrame

    @property
    def year(self) -> int:
        """The year analysed in detail (the last year shown)."""
        return self.years[-1]

    @property
    def tag(self) -> str:
        """``SYNTHETIC`` or ``real``: what the page says about where the figures come from."""
        return "SYNTHETIC" if self.synthetic else "real"

    @property
    def caption_tag(self) -> str:
        """Marks a table caption as child-level: "(child-level data, SYNTHETIC)"."""
        return f"({CHILD_LEVEL}, SYNTHETIC)" if self.synthetic else f"({CHILD_LEVEL})"

    @property
    def source(self) -> str:
        """The source sentence of every child-level chart caption."""
        return (
            f"Source: {CHILD_LEVEL} from {returns_text(self.synthetic)}. Counts of 1 to 5, and counts that would reveal them, are "
            "suppressed (c), as are percentages made from them."
        )


def _placement_fields(rows: pd.DataFrame, la_code: str) -> pd.DataFrame:
    """DfE's distance and locality for each distinct (HOME_POST, PL_POST) pair of ``rows``."""
    pairs = rows[["HOME_POST", "PL_POST"]].drop_duplicates().reset_index(drop=True)
    if pairs.empty or not (pairs["HOME_POST"].str.strip().ne("") | pairs["PL_POST"].str.strip().ne("")).any():
        return pairs.assign(
            PL_LOCATION=pd.Series([None] * len(pairs), dtype=object), PL_DISTANCE=pd.Series(np.nan, index=pairs.index)
        )
    fields = geography.placement_fields(pairs, la_code)
    return pd.concat([pairs, fields[["PL_LOCATION", "PL_DISTANCE"]]], axis=1)


def from_prepared(prepared: pd.DataFrame, years, la_code: str, *, synthetic: bool = False) -> Histories:
    """Work out everything the chapter needs from the episode model's output.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`analysis.sources.ssda903.episodes.prepare`.
    years : iterable of int
        Collection years to show; the last is analysed in detail (distance,
        stability, age bands, cost).
    la_code : str
        The authority's GSS code (E10000003 for Cambridgeshire).
    synthetic : bool
        Whether the data are synthetic (the page says so).

    Returns
    -------
    Histories

    Raises
    ------
    InputError
        If no years are given.
    """
    years = tuple(sorted({int(y) for y in years}))
    if not years:
        raise InputError("data.ssda903: no collection year of child-level data up to the paper's year to show")
    last = years[-1]
    stock = pd.concat([E.looked_after_on(prepared, f"{y}-03-31").assign(year=y) for y in years], ignore_index=True)
    stock["age_band"] = age_band(stock["age"]).to_numpy()
    stock["age_row"] = stock["age_band"].map(AGE_ROWS)
    stock["provider_group"] = provider_group(stock["PLACE_PROVIDER"]).to_numpy()

    latest = (stock["year"] == last).to_numpy()
    moves = E.placements_in_year(prepared, last)
    n_moves = stock.loc[latest, "CHILD"].map(moves)
    stock["moves"] = pd.Series(None, index=stock.index, dtype=object)
    stock.loc[latest, "moves"] = np.where(n_moves >= 3, MOVES[0], MOVES[1])
    cohort = E.long_term_stability(prepared, last).set_index("CHILD")["stable"]
    in_cohort = stock.loc[latest, "CHILD"].map(cohort)
    stock["long_term"] = pd.Series(None, index=stock.index, dtype=object)
    stock.loc[latest, "long_term"] = np.where(
        in_cohort.isna().to_numpy(), None, np.where(in_cohort.eq(True).to_numpy(), LONG_TERM[0], LONG_TERM[1])
    )

    spells = E.placement_spells(prepared)
    dob = prepared.drop_duplicates("CHILD").set_index("CHILD")["DOB"]
    spell_year = pd.Series(E.collection_year(spells["start"]), index=spells.index)
    new = spells.loc[spell_year.isin(years).to_numpy()].copy()
    new["year"] = spell_year[new.index].astype(int)
    new["age"] = E.age_in_years(new["CHILD"].map(dob), new["start"].to_numpy()).to_numpy() if len(new) else []
    new["age_band"] = age_band(new["age"]).to_numpy()
    new = new.reset_index(drop=True)

    new_latest = (new["year"] == last).to_numpy()
    fields = _placement_fields(pd.concat([stock.loc[latest], new.loc[new_latest]]), la_code)
    for frame, sel in ((stock, latest), (new, new_latest)):
        got = frame.loc[sel, ["HOME_POST", "PL_POST"]].merge(fields, on=["HOME_POST", "PL_POST"], how="left")
        frame["distance"] = pd.Series(None, index=frame.index, dtype=object)
        frame["locality"] = pd.Series(None, index=frame.index, dtype=object)
        frame.loc[sel, "distance"] = _distance_band(got["PL_DISTANCE"]).to_numpy()
        frame.loc[sel, "locality"] = _locality(got["PL_LOCATION"]).to_numpy()
    return Histories(years=years, la_code=la_code, synthetic=synthetic, stock=stock, new=new, spells=spells)


def histories(ctx: Context, data) -> Histories:
    """The chapter's :class:`Histories` for a paper: its child-level data, years ``first_year`` to ``year``.

    Parameters
    ----------
    ctx : analysis.report.context.Context
    data : analysis.sources.ssda903.context.ChildData
        From :func:`analysis.sources.ssda903.context.load` (returns up to the paper's year).
    """
    years = [y for y in data.years if ctx.first_year <= y <= ctx.year]
    if not years:
        years = [max(y for y in data.years if y <= ctx.year)]
    return from_prepared(data.prepared, years, ctx.la.new_la_code, synthetic=data.synthetic)


# --------------------------------------------------------------------------- counts and their suppression


def _count(frame: pd.DataFrame, row: str, col: str, rows, cols) -> pd.DataFrame:
    """Counts of rows of ``frame`` by two of its columns, over fixed labels (missing labels count 0)."""
    if frame.empty:
        return pd.DataFrame(0.0, index=list(rows), columns=list(cols))
    counts = frame.groupby([row, col]).size().unstack(fill_value=0)
    return counts.reindex(index=list(rows), columns=list(cols), fill_value=0).astype(float)


def _place_sums(total) -> list:
    """The nested sums of the distance and locality columns (see :data:`NEAR_OR_UNKNOWN`)."""
    return [
        ("columns", [DISTANCE[1], NEAR_OR_UNKNOWN, total]),
        ("columns", [DISTANCE[0], DISTANCE[2], NEAR_OR_UNKNOWN]),
        ("columns", [LOCALITY[1], INSIDE_OR_UNKNOWN, total]),
        ("columns", [LOCALITY[0], LOCALITY[2], INSIDE_OR_UNKNOWN]),
    ]


def stock_counts(h: Histories) -> tuple[pd.DataFrame, list]:
    """Children looked after at 31 March as one table, before suppression, and the sums within it.

    Rows: the placement categories, :data:`ALL_FOSTER` (the four foster
    categories), the provider groups, the age rows and :data:`ALL_CHILDREN`.
    Columns: each year shown (children at 31 March), then for the last year
    the age bands, :data:`DISTANCE` and :data:`NEAR_OR_UNKNOWN`,
    :data:`LOCALITY` and :data:`INSIDE_OR_UNKNOWN`, :data:`MOVES`,
    :data:`LONG_TERM` and :data:`COHORT` (DfE's long-term cohort: under 16,
    in care for 2.5 years or more).

    Returns
    -------
    (pandas.DataFrame, list)
        The counts, and the ``sums`` argument for :func:`analysis.report.disclosure.suppress`.
    """
    y = h.year
    stock = h.stock
    latest = stock[stock["year"] == y]
    blocks = []
    for row, labels in (
        ("placement_category", CATEGORIES),
        ("provider_group", tuple(PROVIDER_GROUPS)),
        ("age_row", tuple(AGE_ROWS.values())),
    ):
        parts = [
            _count(stock, row, "year", labels, h.years),
            _count(latest, row, "age_band", labels, AGE_BANDS),
            _count(latest, row, "distance", labels, DISTANCE),
            _count(latest, row, "locality", labels, LOCALITY),
            _count(latest, row, "moves", labels, MOVES),
            _count(latest.dropna(subset=["long_term"]), row, "long_term", labels, LONG_TERM),
        ]
        block = pd.concat(parts, axis=1)
        block[NEAR_OR_UNKNOWN] = block[DISTANCE[0]] + block[DISTANCE[2]]
        block[INSIDE_OR_UNKNOWN] = block[LOCALITY[0]] + block[LOCALITY[2]]
        block[COHORT] = block[list(LONG_TERM)].sum(axis=1)
        blocks.append(block)
    cats, providers, ages = blocks
    counts = pd.concat(
        [
            cats,
            cats.loc[list(FOSTERING)].sum().to_frame(ALL_FOSTER).T,
            providers,
            ages,
            cats.sum().to_frame(ALL_CHILDREN).T,
        ]
    )
    sums = [
        ("rows", [*CATEGORIES, ALL_CHILDREN]),
        ("rows", [*FOSTERING, ALL_FOSTER]),
        ("rows", [*PROVIDER_GROUPS, ALL_CHILDREN]),
        ("rows", [*AGE_ROWS.values(), ALL_CHILDREN]),
        ("columns", [*AGE_BANDS, y]),
        *_place_sums(y),
        ("columns", [*MOVES, y]),
        ("columns", [*LONG_TERM, COHORT]),
    ]
    return counts, sums


def stock_table(h: Histories) -> disclosure.Suppressed:
    """:func:`stock_counts` after disclosure control: the one source of the page's figures about children at 31 March."""
    counts, sums = stock_counts(h)
    return disclosure.suppress(counts, sums=sums)


def new_placements_counts(h: Histories) -> tuple[pd.DataFrame, list]:
    """New foster placements (placements starting in the year) as one table, before suppression.

    Rows: the four foster categories and :data:`ALL_FOSTER`. Columns: each
    year shown, then for the last year the age band at the start of the
    placement, :data:`DISTANCE` and :data:`LOCALITY`. Every placement that
    starts counts (a child can have several), as in DfE's new-placements
    figures.

    Returns
    -------
    (pandas.DataFrame, list)
        The counts, and the ``sums`` argument for :func:`analysis.report.disclosure.suppress`.
    """
    y = h.year
    new = h.new[h.new["placement_category"].isin(FOSTERING)]
    latest = new[new["year"] == y]
    counts = pd.concat(
        [
            _count(new, "placement_category", "year", FOSTERING, h.years),
            _count(latest, "placement_category", "age_band", FOSTERING, AGE_BANDS),
            _count(latest, "placement_category", "distance", FOSTERING, DISTANCE),
            _count(latest, "placement_category", "locality", FOSTERING, LOCALITY),
        ],
        axis=1,
    )
    counts[NEAR_OR_UNKNOWN] = counts[DISTANCE[0]] + counts[DISTANCE[2]]
    counts[INSIDE_OR_UNKNOWN] = counts[LOCALITY[0]] + counts[LOCALITY[2]]
    counts = pd.concat([counts, counts.sum().to_frame(ALL_FOSTER).T])
    sums = [
        ("rows", [*FOSTERING, ALL_FOSTER]),
        ("columns", [*AGE_BANDS, y]),
        *_place_sums(y),
    ]
    return counts, sums


def new_placements_table(h: Histories) -> disclosure.Suppressed:
    """:func:`new_placements_counts` after disclosure control."""
    counts, sums = new_placements_counts(h)
    return disclosure.suppress(counts, sums=sums)


def share(sup: disclosure.Suppressed, num: tuple, den: tuple) -> float | str:
    """One percentage from a suppressed table.

    Parameters
    ----------
    sup : analysis.report.disclosure.Suppressed
    num, den : (row, column)
        The numerator's and the denominator's cells.

    Returns
    -------
    float or str
        ``100 * num / den``; :data:`NO_CHILDREN` if the denominator is zero;
        :data:`SUPPRESSED` if either count is suppressed.
    """
    if not sup.mask.loc[den] and sup.values.loc[den] == 0:
        return NO_CHILDREN
    if sup.mask.loc[num] or sup.mask.loc[den]:
        return SUPPRESSED
    return float(100.0 * sup.values.loc[num] / sup.values.loc[den])


def _plot(value) -> float:
    """A share for a chart: the number, or NaN (a gap) when suppressed or there are no children."""
    return float(value) if _is_number(value) else np.nan


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


def key_value(value, digits: int = 1):
    """A share as a key figure: rounded, or the text saying why there is none."""
    return round(float(value), digits) if _is_number(value) else value


# --------------------------------------------------------------------------- display tables (child-level)


def _label(row) -> str:
    return LABELS.get(row, str(row))


def mix_display(h: Histories, sup: disclosure.Suppressed, *, fostering: bool = False) -> pd.DataFrame:
    """Placement mix at 31 March by year: children and % of all children (or, with ``fostering``, of foster placements)."""
    rows = [*FOSTERING, ALL_FOSTER] if fostering else [*CATEGORIES, ALL_FOSTER, ALL_CHILDREN]
    den = ALL_FOSTER if fostering else ALL_CHILDREN
    out = pd.DataFrame({"Placement": [_label(r) for r in rows]})
    for y in h.years:
        out[str(y)] = _counts(sup, rows, y)
        out[f"{y} (%)"] = [_cell(share(sup, (r, y), (den, y))) for r in rows]
    return out


def age_display(h: Histories, sup: disclosure.Suppressed) -> pd.DataFrame:
    """Children at 31 March of the last year by placement and age band (counts)."""
    rows = [*CATEGORIES, ALL_FOSTER, ALL_CHILDREN]
    out = pd.DataFrame({"Placement": [_label(r) for r in rows]})
    for band in AGE_BANDS:
        out[band] = _counts(sup, rows, band)
    out["All ages"] = _counts(sup, rows, h.year)
    return out


def _rate_display(h: Histories, sup: disclosure.Suppressed, rows, first: str, spec_cols) -> pd.DataFrame:
    """Counts with a percentage column after chosen columns: ``spec_cols`` is [(column, header, denominator column or None)]."""
    out = pd.DataFrame({first: [_label(r) for r in rows]})
    for col, header, den in spec_cols:
        out[header] = _counts(sup, rows, col)
        if den is not None:
            out[f"{header} (%)"] = [_cell(share(sup, (r, col), (r, den))) for r in rows]
    return out


def distance_display(h: Histories, sup: disclosure.Suppressed, *, by: str = "placement") -> pd.DataFrame:
    """Distance from home and locality at 31 March of the last year, by placement (or by age band).

    Columns: children; % more than 20 miles from home; % outside the
    authority; and the numbers whose distance or locality is not known.
    """
    y = h.year
    rows = [*CATEGORIES, ALL_FOSTER, ALL_CHILDREN] if by == "placement" else [*AGE_ROWS.values(), ALL_CHILDREN]
    out = pd.DataFrame({"Placement" if by == "placement" else "Age at 31 March": [_label(r) for r in rows]})
    out["Children"] = _counts(sup, rows, y)
    out["Over 20 miles from home (%)"] = [_cell(share(sup, (r, DISTANCE[1]), (r, y))) for r in rows]
    out["Outside the authority (%)"] = [_cell(share(sup, (r, LOCALITY[1]), (r, y))) for r in rows]
    out["Distance not known"] = _counts(sup, rows, DISTANCE[2])
    out["Locality not known"] = _counts(sup, rows, LOCALITY[2])
    return out


def stability_display(h: Histories, sup: disclosure.Suppressed, *, by: str = "placement") -> pd.DataFrame:
    """Placement stability at 31 March of the last year, by current placement (or by age band)."""
    y = h.year
    rows = [*CATEGORIES, ALL_FOSTER, ALL_CHILDREN] if by == "placement" else [*AGE_ROWS.values(), ALL_CHILDREN]
    out = pd.DataFrame({"Placement" if by == "placement" else "Age at 31 March": [_label(r) for r in rows]})
    out["Children"] = _counts(sup, rows, y)
    out["3 or more placements in the year (%)"] = [_cell(share(sup, (r, MOVES[0]), (r, y))) for r in rows]
    out["Under 16, in care 2.5+ years"] = _counts(sup, rows, COHORT)
    out["Of those, same placement 2+ years (%)"] = [_cell(share(sup, (r, LONG_TERM[0]), (r, COHORT))) for r in rows]
    return out


def new_placements_display(h: Histories, sup: disclosure.Suppressed) -> pd.DataFrame:
    """New foster placements by provider and year: placements and % of all new foster placements."""
    rows = [*FOSTERING, ALL_FOSTER]
    out = pd.DataFrame({"Foster placement": [_label(r) for r in rows]})
    for y in h.years:
        out[str(y)] = _counts(sup, rows, y)
        out[f"{y} (%)"] = [_cell(share(sup, (r, y), (ALL_FOSTER, y))) for r in rows]
    return out


def _short(row) -> str:
    return SHORT.get(row, _label(row))


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
            diff = f"{ours - theirs:+.1f}" if _is_number(ours) and _is_number(theirs) else ""
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


def age_table(h: Histories, sup: disclosure.Suppressed) -> dict:
    """:func:`age_display` with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": age_display(h, sup),
        "caption": f"Children looked after at 31 March {h.year} by placement and age band {h.caption_tag}",
    }


def distance_age_table(h: Histories, sup: disclosure.Suppressed) -> dict:
    """:func:`distance_display` by age band with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": distance_display(h, sup, by="age"),
        "caption": f"Distance from home and locality by age, 31 March {h.year} {h.caption_tag}",
    }


def stability_age_table(h: Histories, sup: disclosure.Suppressed) -> dict:
    """:func:`stability_display` by age band with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": stability_display(h, sup, by="age"),
        "caption": f"Placement stability by age, 31 March {h.year} {h.caption_tag}",
    }


def new_placements_age_table(h: Histories, sup: disclosure.Suppressed) -> dict:
    """:func:`new_placements_by_age` with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": new_placements_by_age(h, sup),
        "caption": f"New foster placements in {_period(h.year)} by provider and age at the start {h.caption_tag}",
    }


def new_placements_distance_table(h: Histories, sup: disclosure.Suppressed) -> dict:
    """:func:`new_placements_distance` with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": new_placements_distance(h, sup),
        "caption": (
            f"New foster placements in {_period(h.year)} by provider: distance from home and locality {h.caption_tag}"
        ),
    }


def reconciliation_table(ctx: Context, h: Histories, sup: disclosure.Suppressed, pub: pd.DataFrame) -> dict:
    """:func:`reconciliation_display` with its caption, for :func:`analysis.report.charts.show_table`."""
    return {
        "table": reconciliation_display(h, sup, pub, ctx.la.la_name),
        "caption": (
            f"Shares of children looked after at 31 March: the child-level data against DfE's published "
            f"figures for {ctx.la.la_name}; the difference is in percentage points {h.caption_tag}"
        ),
    }


# --------------------------------------------------------------------------- published figures (DfE, real)


@dataclass(frozen=True)
class Indicator:
    """A published share: parts summed over a denominator, or DfE's own percentage where published."""

    label: str
    parts: tuple[str, ...]
    denominator: str
    pct: str | None = None


#: The published indicators, in page order.
INDICATORS: dict[str, Indicator] = {
    "own_provision": Indicator("In the council's own provision", ("cla_provider_own",), "cla_31_march"),
    "private_voluntary": Indicator(
        "With private or voluntary providers", ("cla_provider_private", "cla_provider_voluntary"), "cla_31_march"
    ),
    "foster": Indicator("In foster placements", ("cla_placement_foster",), "cla_31_march"),
    "outside_la": Indicator("Placed outside the authority", ("cla_outside_la",), "cla_31_march"),
    "over_20_miles": Indicator("Placed more than 20 miles from home", ("cla_over_20_miles",), "cla_31_march"),
    "three_plus": Indicator(
        "Three or more placements during the year",
        ("stability_3plus_placements",),
        "cla_31_march",
        pct="stability_3plus_placements_pct",
    ),
    "long_term": Indicator(
        "Under 16, in care 2.5+ years: same placement for 2+ years",
        ("stability_long_term_same_placement",),
        "stability_long_term_cohort",
        pct="stability_long_term_same_placement_pct",
    ),
}

#: Which indicators each published chart shows.
PUBLISHED_CHARTS = {
    "providers": ("own_provision", "private_voluntary"),
    "fostering_distance": ("foster", "outside_la", "over_20_miles"),
    "stability": ("three_plus", "long_term"),
}


def _keyed(table: pd.DataFrame) -> pd.DataFrame:
    """Published rows with one area key: old LA code, region code, or "England"."""
    t = table[table["geographic_level"].isin([_LA_LEVEL, _REGIONAL, _NATIONAL])]
    key = np.where(
        t["geographic_level"] == _LA_LEVEL,
        t["old_la_code"].astype(object),
        np.where(t["geographic_level"] == _REGIONAL, t["region_code"].astype(object), "England"),
    )
    return t.assign(key=key)


def _release_totals(ctx: Context) -> pd.DataFrame:
    """Children looked after at 31 March in each release: (key, year, release) -> total.

    The kept total is the latest release's; ``revisions.csv`` holds the totals
    of earlier releases, which is what a breakdown from an earlier release adds up to.
    """
    t = _keyed(ctx.table)
    cur = t[t["measure"] == "cla_31_march"][["key", "year", "release", "value"]]
    path = ctx.paper.published_dir() / "revisions.csv"
    if not Path(path).is_file():
        return cur
    rev = pd.read_csv(path, dtype={"old_la_code": str, "region_code": str, "old_release": str})
    rev = rev[rev["measure"] == "cla_31_march"]
    key = np.where(
        rev["geographic_level"] == _LA_LEVEL,
        rev["old_la_code"].astype(object),
        np.where(rev["geographic_level"] == _REGIONAL, rev["region_code"].astype(object), "England"),
    )
    old = pd.DataFrame(
        {
            "key": key,
            "year": rev["year"].to_numpy(),
            "release": rev["old_release"].to_numpy(),
            "value": pd.to_numeric(rev["old_value"], errors="coerce").to_numpy(),
        }
    )
    return pd.concat([cur, old], ignore_index=True).drop_duplicates(["key", "year", "release"])


def _indicator_values(ctx: Context, ind: Indicator, totals: pd.DataFrame) -> pd.Series:
    """Every area's percentage for one indicator, indexed by (key, year)."""
    t = _keyed(ctx.table)
    parts = []
    for measure in ind.parts:
        rows = t[t["measure"] == measure].set_index(["key", "year"])
        parts.append(rows[["value", "release"]])
    num = pd.concat([p["value"].rename(i) for i, p in enumerate(parts)], axis=1).sum(axis=1, skipna=False, min_count=1)
    num = num.where(pd.concat([p["value"] for p in parts], axis=1).notna().all(axis=1))
    release = parts[0]["release"].reindex(num.index)
    frame = pd.DataFrame({"num": num, "release": release}).reset_index()
    if ind.denominator == "cla_31_march":
        same = frame.merge(totals.rename(columns={"value": "den"}), on=["key", "year", "release"], how="left")
        latest = t[t["measure"] == "cla_31_march"].set_index(["key", "year"])["value"]
        fallback = latest.reindex(pd.MultiIndex.from_frame(frame[["key", "year"]])).to_numpy()
        den = same["den"].fillna(pd.Series(fallback, index=same.index))
    else:
        den_rows = t[t["measure"] == ind.denominator].set_index(["key", "year"])["value"]
        den = pd.Series(den_rows.reindex(pd.MultiIndex.from_frame(frame[["key", "year"]])).to_numpy())
    value = pd.Series(
        (100.0 * frame["num"] / den.where(den > 0)).to_numpy(), index=pd.MultiIndex.from_frame(frame[["key", "year"]])
    )
    if ind.pct:
        pct = t[t["measure"] == ind.pct].set_index(["key", "year"])["value"].astype(float)
        value = pct.combine_first(value) if len(pct) else value
    return value.astype(float)


def published_shares(ctx: Context) -> pd.DataFrame:
    """The published indicators for the authority, England, its region and its neighbours' average.

    Shares are computed from DfE's published counts, over children looked
    after at 31 March in the same release as the count (a breakdown from an
    earlier release adds up to that release's total, not the revised one);
    the stability indicators are DfE's own percentages where published and are
    otherwise computed from the published counts (three or more placements over
    all children at 31 March; long-term over the published cohort). Nothing
    is imputed: a suppressed or unpublished part leaves the share blank.

    Returns
    -------
    pandas.DataFrame
        Indexed by (indicator, year), every year from ``first_year`` to the
        latest published, with columns ``la``, ``england``, ``region``,
        ``neighbours`` (the simple mean of the neighbours' shares) and
        ``neighbours_with_data``.
    """
    last = max(ctx.la.years)
    years = list(range(ctx.first_year, last + 1))
    totals = _release_totals(ctx)
    frames = [
        area_frame(ctx, _indicator_values(ctx, ind, totals), years).assign(indicator=name).reset_index()
        for name, ind in INDICATORS.items()
    ]
    out = pd.concat(frames, ignore_index=True).set_index(["indicator", "year"])
    return out


def published_value(pub: pd.DataFrame, indicator: str, year: int, area: str = "la"):
    """One published share: a float, or :data:`NOT_PUBLISHED`."""
    key = (indicator, year)
    if key not in pub.index or pd.isna(pub.loc[key, area]):
        return NOT_PUBLISHED
    return float(pub.loc[key, area])


def _latest_with_data(pub: pd.DataFrame, indicator: str, year: int) -> tuple[int | None, bool]:
    """The latest year up to ``year`` with the authority's value, else the first after (and whether it is after)."""
    s = pub.loc[indicator, "la"].dropna()
    before = [int(y) for y in s.index if y <= year]
    if before:
        return max(before), False
    after = [int(y) for y in s.index if y > year]
    return (min(after), True) if after else (None, False)


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


def _published_title(ctx: Context, pub: pd.DataFrame, group: str) -> str:
    la, y = ctx.la.la_name, ctx.year
    v = lambda ind, area="la", yr=y: published_value(pub, ind, yr, area)  # noqa: E731
    if group == "providers":
        return (
            f"At 31 March {y}, {_pct(v('private_voluntary'))} of {la}'s children in care were placed with "
            f"private or voluntary providers (England {_pct(v('private_voluntary', 'england'))}, neighbours' "
            f"average {_pct(v('private_voluntary', 'neighbours'))}) and {_pct(v('own_provision'))} in the "
            f"council's own provision (England {_pct(v('own_provision', 'england'))})"
        )
    if group == "fostering_distance":
        return (
            f"At 31 March {y}, {_pct(v('foster'))} of {la}'s children in care were in foster placements "
            f"(England {_pct(v('foster', 'england'))}); {_pct(v('over_20_miles'))} were placed more than 20 "
            f"miles from home (England {_pct(v('over_20_miles', 'england'))})"
        )
    parts = []
    for ind, what in (
        ("three_plus", "had three or more placements in the year"),
        ("long_term", "of long-term under-16s had been in the same placement for two years or more"),
    ):
        yr, after = _latest_with_data(pub, ind, y)
        if yr is None:
            parts.append(f"no published figure for how many children {what}")
            continue
        when = f"{yr}, published after the paper" if after else str(yr)
        parts.append(f"{_pct(v(ind, 'la', yr))} {what} in {when} (England {_pct(v(ind, 'england', yr))})")
    return f"{la}: " + "; ".join(parts)


def published_chart(ctx: Context, pub: pd.DataFrame, group: str) -> dict:
    """A small-multiples trend chart of published indicators (one panel each), for :func:`analysis.report.charts.show`."""
    indicators = PUBLISHED_CHARTS[group]
    la = ctx.la.la_name
    fig = make_subplots(
        rows=len(indicators),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.09,
        subplot_titles=[INDICATORS[i].label for i in indicators],
    )
    series = [
        ("la", la, charts.COLOURS["la"], "solid", 4),
        ("england", "England", charts.COLOURS["england"], "dash", 2),
        ("region", ctx.la.region_name, charts.COLOURS["region"], "dot", 2),
        ("neighbours", "Neighbours' average", charts.COLOURS["neighbours"], "dashdot", 2),
    ]
    for i, ind in enumerate(indicators, 1):
        frame = pub.loc[ind]
        for col, label, colour, dash, width in series:
            fig.add_trace(
                go.Scatter(
                    x=list(frame.index),
                    y=frame[col],
                    name=label,
                    mode="lines+markers",
                    legendgroup=label,
                    showlegend=i == 1,
                    line={"color": colour, "dash": dash, "width": width},
                    hovertemplate=f"{label}<br>%{{x}}: %{{y:.1f}}%<extra></extra>",
                ),
                row=i,
                col=1,
            )
    charts.base_layout(fig, y_title="", x_title="")
    fig.update_layout(
        height=250 * len(indicators) + 130, margin={"l": 60, "r": 20, "t": 40, "b": 60}, legend={"y": -0.08}
    )
    fig.update_yaxes(title_text="%", rangemode="tozero")
    fig.update_xaxes(dtick=1)
    fig.add_vline(x=ctx.year, line={"color": "#7F7F7F", "dash": "dot", "width": 1})
    years = pub.loc[indicators[0]].index
    first, last = int(min(years)), int(max(years))
    missing = [
        f"{INDICATORS[ind].label.lower()} in {_years_text(ys)}"
        for ind in indicators
        if (ys := [int(y) for y, v in pub.loc[ind, "la"].items() if pd.isna(v)])
    ]
    gaps = (
        f" {la} has no published figure (not published, suppressed or not collected) for "
        f"{'; '.join(missing)}, so its line has gaps."
        if missing
        else ""
    )
    return {
        "fig": fig,
        "name": f"published-{group}",
        "title": _published_title(ctx, pub, group),
        "caption": (
            f"Percentage of children looked after at 31 March, {first} to {last}; the dotted vertical line marks the "
            f"paper's year ({ctx.year}), and later years were published after the paper was written. Shares are "
            "computed from DfE's published counts over the children looked after in the same release; the "
            "stability figures are DfE's own percentages from 2018 and computed from its counts before (the "
            "long-term measure needs a cohort DfE first published for 2018). Neighbours' average is the simple mean "
            f"of the {ctx.neighbour_label}' shares.{gaps} Source: DfE, Children looked after in England including "
            "adoptions (real, published figures)."
        ),
        "alt": (
            f"{len(indicators)} line charts, {first} to {last}, of {', '.join(INDICATORS[i].label.lower() for i in indicators)}"
            f" for {la}, England, {ctx.la.region_name} and the neighbours' average. {_published_title(ctx, pub, group)}."
        ),
        "table": published_table(pub, indicators),
        "table_formats": dict.fromkeys(
            ("Authority (%)", "England (%)", "Region (%)", "Neighbours' average (%)"), ".1f"
        ),
    }


# --------------------------------------------------------------------------- child-level charts


def _suppressed_note(any_hidden: bool) -> str:
    return (
        " Where a count is suppressed (c) its value is left out of the chart rather than shown." if any_hidden else ""
    )


def _share_of(sup, rows, cols, den_row=None, den_col=None) -> pd.DataFrame:
    """Shares for many cells: each (row, col) over (den_row or row, den_col or col)."""
    return pd.DataFrame(
        {c: [share(sup, (r, c), (den_row or r, den_col or c)) for r in rows] for c in cols}, index=list(rows)
    )


def mix_chart(h: Histories, sup: disclosure.Suppressed) -> dict:
    """Placement mix at 31 March by year, as 100% stacked bars (suppressed segments left out)."""
    y = h.year
    shares = _share_of(sup, CATEGORIES, h.years, den_row=ALL_CHILDREN)
    fig = go.Figure()
    for cat in CATEGORIES:
        fig.add_trace(
            go.Bar(
                x=[str(v) for v in h.years],
                y=[_plot(v) for v in shares.loc[cat]],
                name=_label(cat),
                marker_color=COLOURS[cat],
                hovertemplate=f"{_label(cat)}<br>%{{x}}: %{{y:.0f}}%<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="% of children looked after at 31 March", x_title="31 March")
    fig.update_layout(barmode="stack", height=520, legend={"y": -0.15})
    foster = share(sup, (ALL_FOSTER, y), (ALL_CHILDREN, y))
    ifa = share(sup, ("IFA fostering", y), (ALL_CHILDREN, y))
    title = (
        f"At 31 March {y}, {_pct(foster)} of children looked after were in foster placements, and "
        f"{_pct(ifa)} of all children were with independent fostering agency carers"
    )
    hidden = bool(sup.mask.loc[list(CATEGORIES), list(h.years)].to_numpy().any())
    return {
        "fig": fig,
        "name": "placement-mix",
        "title": title,
        "caption": (
            f"Children looked after at 31 March by type of placement, {h.years[0]} to {y}, as a percentage "
            f"of all children looked after that day.{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": (
            f"Stacked bar chart, one bar per year from {h.years[0]} to {y}, of the share of children looked after "
            f"in each type of placement. {title}."
        ),
        "table": mix_display(h, sup),
    }


def fostering_chart(h: Histories, sup: disclosure.Suppressed) -> dict:
    """Foster placements at 31 March by provider, as shares of all foster placements by year."""
    y, y0 = h.year, h.years[0]
    shares = _share_of(sup, FOSTERING, h.years, den_row=ALL_FOSTER)
    fig = go.Figure()
    for cat in FOSTERING:
        fig.add_trace(
            go.Scatter(
                x=[str(v) for v in h.years],
                y=[_plot(v) for v in shares.loc[cat]],
                name=_label(cat),
                mode="lines+markers",
                line={"color": COLOURS[cat], "width": 3},
                hovertemplate=f"{_label(cat)}<br>%{{x}}: %{{y:.0f}}%<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="% of children in foster placements", x_title="31 March")
    ifa, inh = shares.loc["IFA fostering", y], shares.loc["in-house fostering", y]
    ifa0 = shares.loc["IFA fostering", y0]
    since = f" ({_pct(ifa0)} in {y0})" if len(h.years) > 1 else ""
    title = (
        f"At 31 March {y}, IFA carers looked after {_pct(ifa)} of children in foster placements{since}; the "
        f"council's own carers {_pct(inh)}"
    )
    hidden = bool(sup.mask.loc[[*FOSTERING, ALL_FOSTER], list(h.years)].to_numpy().any())
    return {
        "fig": fig,
        "name": "fostering-by-provider",
        "title": title,
        "caption": (
            "Children in foster placements at 31 March by who provides the carers: the council's own (PR1), "
            "another council (PR2), an independent fostering agency (private or voluntary, PR4/PR5), or family "
            f"and friends (kinship, U1-U3), as a percentage of all four.{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": f"Line chart of the shares of foster placements by provider, {y0} to {y}. {title}.",
        "table": mix_display(h, sup, fostering=True),
    }


def new_placements_chart(h: Histories, sup: disclosure.Suppressed) -> dict:
    """New foster placements each year by provider, as stacked bars of counts (suppressed counts left out)."""
    y = h.year
    fig = go.Figure()
    for cat in FOSTERING:
        fig.add_trace(
            go.Bar(
                x=[str(v) for v in h.years],
                y=[float(sup.values.loc[cat, v]) for v in h.years],
                name=_label(cat),
                marker_color=COLOURS[cat],
                hovertemplate=f"{_label(cat)}<br>%{{x}}: %{{y:,.0f}} placements<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="New foster placements in the year", x_title="Year ending 31 March")
    fig.update_layout(barmode="stack")
    total = sup.table().loc[ALL_FOSTER, y]
    ifa = share(sup, ("IFA fostering", y), (ALL_FOSTER, y))
    inh = share(sup, ("in-house fostering", y), (ALL_FOSTER, y))
    title = (
        f"Of the {total} new foster placements made in {_period(y)}, {_pct(ifa)} were with IFA carers and "
        f"{_pct(inh)} with the council's own"
    )
    if total == disclosure.MARKER:
        title = f"New foster placements in {_period(y)}: too few to publish"
    hidden = bool(sup.mask.loc[list(FOSTERING), list(h.years)].to_numpy().any())
    return {
        "fig": fig,
        "name": "new-foster-placements",
        "title": title,
        "caption": (
            "Foster placements starting during each year ending 31 March, by who provides the carers. Every "
            "placement that starts counts, so a child who moves twice counts twice; a move to a different "
            f"placement with the same carers (RNE T or U) counts too.{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": f"Stacked bar chart of new foster placements per year by provider, {h.years[0]} to {y}. {title}.",
        "table": new_placements_display(h, sup),
    }


def compare(a_label: str, a, b_label: str, b, predicate: str) -> str:
    """A generated comparison: "A are more often <predicate> than B (x% against y%)".

    Parameters
    ----------
    a_label, b_label : str
        Plural subjects ("IFA foster placements", "in-house ones").
    a, b : float or str
        Percentages, or :data:`SUPPRESSED` / :data:`NO_CHILDREN`.
    predicate : str
        What is compared, to follow "are" ("placed more than 20 miles from home").

    Returns
    -------
    str
        One sentence without a full stop. Where one figure is missing it gives
        the other and says why ("suppressed to protect small numbers", or that
        there are none); where both are, it says neither can be shown.
    """
    why = {SUPPRESSED: "suppressed to protect small numbers", NO_CHILDREN: "not available: there are none"}
    if _is_number(a) and _is_number(b):
        ra, rb = round(a), round(b)
        if ra == rb:
            return f"{a_label} are {predicate} as often as {b_label} ({a:.0f}% against {b:.0f}%)"
        word = "more often" if ra > rb else "less often"
        return f"{a_label} are {word} {predicate} than {b_label} ({a:.0f}% against {b:.0f}%)"
    if _is_number(a) or _is_number(b):
        (known_label, known), (other_label, other) = (
            ((a_label, a), (b_label, b)) if _is_number(a) else ((b_label, b), (a_label, a))
        )
        return f"{known:.0f}% of {known_label} are {predicate}; the figure for {other_label} is {why.get(other, other)}"
    return f"How often {a_label} and {b_label} are {predicate} cannot be shown ({why.get(a, a)})"


def _category_bars(h, sup, measures, rows) -> go.Figure:
    fig = go.Figure()
    for (col, den), name, colour in measures:
        vals = [_plot(share(sup, (r, col), (r, den))) for r in rows]
        fig.add_trace(
            go.Bar(
                y=[_label(r) for r in rows],
                x=vals,
                name=name,
                orientation="h",
                marker_color=colour,
                hovertemplate=f"{name}<br>%{{y}}: %{{x:.0f}}%<extra></extra>",
            )
        )
    charts.base_layout(fig, y_title="", x_title="% of children in that placement")
    fig.update_layout(barmode="group", height=120 + 55 * len(rows), margin={"l": 300, "r": 20, "t": 20, "b": 60})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    return fig


def _rows_note(h, sup, rows, cols) -> tuple[bool, list[str]]:
    hidden = bool(sup.mask.loc[rows, cols].to_numpy().any())
    empty = [_label(r) for r in rows if not sup.mask.loc[r, h.year] and sup.values.loc[r, h.year] == 0]
    return hidden, empty


def _empty_note(empty: list[str]) -> str:
    return f" No children in: {', '.join(empty)} (no bar)." if empty else ""


def distance_chart(h: Histories, sup: disclosure.Suppressed) -> dict:
    """Share placed over 20 miles from home and outside the authority, by placement, at 31 March of the last year."""
    y = h.year
    rows = [*CATEGORIES, ALL_CHILDREN]
    fig = _category_bars(
        h,
        sup,
        [
            ((DISTANCE[1], y), "More than 20 miles from home", "#D55E00"),
            ((LOCALITY[1], y), "Outside the authority", "#0060A8"),
        ],
        rows,
    )
    ifa = share(sup, ("IFA fostering", DISTANCE[1]), ("IFA fostering", y))
    inh = share(sup, ("in-house fostering", DISTANCE[1]), ("in-house fostering", y))
    title = f"At 31 March {y}, " + compare(
        "IFA foster placements", ifa, "in-house ones", inh, "over 20 miles from home"
    )
    hidden, empty = _rows_note(h, sup, rows, [y, DISTANCE[1], LOCALITY[1]])
    return {
        "fig": fig,
        "name": "distance-by-placement",
        "title": title,
        "caption": (
            f"Children looked after at 31 March {y} by type of placement: the percentage placed more than 20 "
            "miles from home and the percentage placed outside the authority's boundary. Distance is DfE's: "
            "the straight line between the home and placement postcodes (ONS postcode directory); where a "
            "postcode is missing or unknown the distance is 'not known' and counted in the total."
            f"{_empty_note(empty)}{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": (
            f"Horizontal bar chart of the share of children placed more than 20 miles from home and outside the "
            f"authority, for each type of placement, 31 March {y}. {title}."
        ),
        "table": distance_display(h, sup),
    }


def stability_chart(h: Histories, sup: disclosure.Suppressed) -> dict:
    """Placement stability by current placement at 31 March of the last year (two DfE measures)."""
    y = h.year
    rows = [*CATEGORIES, ALL_CHILDREN]
    fig = _category_bars(
        h,
        sup,
        [
            ((MOVES[0], y), "3 or more placements in the year", "#D55E00"),
            ((LONG_TERM[0], COHORT), "Long-term: same placement 2+ years", "#009E73"),
        ],
        rows,
    )
    ifa = share(sup, ("IFA fostering", MOVES[0]), ("IFA fostering", y))
    inh = share(sup, ("in-house fostering", MOVES[0]), ("in-house fostering", y))
    title = f"At 31 March {y}, " + compare(
        "children with IFA carers",
        ifa,
        "children with in-house carers",
        inh,
        f"on at least their third placement of {_period(y)}",
    )
    hidden, empty = _rows_note(h, sup, rows, [y, MOVES[0], COHORT, LONG_TERM[0]])
    return {
        "fig": fig,
        "name": "stability-by-placement",
        "title": title,
        "caption": (
            f"Children looked after at 31 March {y} by their placement that day: the percentage who had three "
            f"or more placements during {_period(y)} (DfE's short-term stability measure), and, of those under "
            "16 who had been in care for two and a half years or more, the percentage who had been in the same "
            "placement for at least two years (DfE's long-term measure). A child who moved into the placement "
            "during the year is counted under the placement they moved to."
            f"{_empty_note(empty)}{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": (f"Horizontal bar chart of two stability measures for each type of placement, 31 March {y}. {title}."),
        "table": stability_display(h, sup),
    }


# --------------------------------------------------------------------------- cost


def unit_costs(costs: Costs) -> pd.DataFrame:
    """The paper file's weekly unit costs, with the sensitivity range and sources (not child-level)."""
    s = costs.sensitivity
    rows = []
    for cat in CATEGORIES:
        c = getattr(costs, COST_FIELDS[cat])
        rows.append(
            {
                "Placement": _label(cat),
                "Weekly cost (£)": c.weekly,
                "Daily cost (£)": c.weekly / 7,
                f"Low, -{s:.0%} (£)": c.weekly * (1 - s),
                f"High, +{s:.0%} (£)": c.weekly * (1 + s),
                "Cost year": str(c.year),
                "Source": c.source,
            }
        )
    return pd.DataFrame(rows)


def unit_cost_table(costs: Costs) -> dict:
    """:func:`unit_costs` with caption and formats, for :func:`analysis.report.charts.show_table`."""
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


def placement_days(h: Histories, year: int | None = None) -> pd.DataFrame:
    """Placement days in the financial year (1 April to 31 March) by placement category.

    A placement spell from ``start`` to ``end`` (the day it ended; open spells
    run on) covers the days ``start <= d < end``, the episode model's rule for
    being looked after on a day; spells are clipped to the year. A child in
    several categories in the year counts in each.

    Returns
    -------
    pandas.DataFrame
        Indexed by :data:`CATEGORIES`: ``children`` (with at least one day) and ``days``.
    """
    year = h.year if year is None else int(year)
    lo = np.datetime64(f"{year - 1}-04-01", "ns")
    hi = np.datetime64(f"{year}-04-01", "ns")  # the day after 31 March
    sp = h.spells
    start = sp["start"].to_numpy("datetime64[ns]")
    end = sp["end"].to_numpy("datetime64[ns]")
    end = np.where(np.isnat(end), hi, end)
    days = ((np.minimum(end, hi) - np.maximum(start, lo)).astype("timedelta64[D]").astype(np.int64)).clip(min=0)
    frame = pd.DataFrame(
        {"CHILD": sp["CHILD"].to_numpy(), "category": sp["placement_category"].to_numpy(), "days": days}
    )
    frame = frame[frame["days"] > 0]
    out = (
        pd.DataFrame(
            {
                "children": frame.groupby("category")["CHILD"].nunique(),
                "days": frame.groupby("category")["days"].sum(),
            }
        )
        .reindex(list(CATEGORIES))
        .fillna(0)
        .astype(np.int64)
    )
    out.index.name = "category"
    return out


@dataclass(frozen=True)
class Spend:
    """Annual spend by placement category in one financial year."""

    year: int
    counts: disclosure.Suppressed  # children by category with a total row (suppressed)
    days: pd.Series  # placement days by category (not suppressed: for the arithmetic, never shown as is)
    weekly: pd.Series  # unit cost per week by category
    spend: pd.Series  # days x weekly / 7
    price_year: int

    @property
    def hidden(self) -> pd.Series:
        """True for categories whose children count, hence days and spend, are suppressed."""
        return self.counts.mask["children"].reindex(list(CATEGORIES))


ALL_PLACEMENTS = "all placements"


def annual_spend(h: Histories, costs: Costs, year: int | None = None) -> Spend:
    """Annual spend by placement category: placement days x weekly unit cost / 7.

    Children (a child counts in every category they were in during the year)
    are suppressed with a total row, and a category's days and spend are hidden
    wherever its children count is, so the totals cannot reveal a hidden one.
    """
    year = h.year if year is None else int(year)
    pd_days = placement_days(h, year)
    counts = pd_days[["children"]].astype(float)
    counts.loc[ALL_PLACEMENTS] = counts["children"].sum()
    sup = disclosure.suppress(counts, total_row=ALL_PLACEMENTS)
    weekly = pd.Series({cat: float(getattr(costs, COST_FIELDS[cat]).weekly) for cat in CATEGORIES})
    spend = pd_days["days"].astype(float) * weekly / 7.0
    return Spend(year=year, counts=sup, days=pd_days["days"], weekly=weekly, spend=spend, price_year=costs.price_year)


def spend_display(sp: Spend) -> pd.DataFrame:
    """Spend by category for the page: children, days and spend, hidden (c) with suppressed children."""
    shown = sp.counts.table()
    rows = []
    for cat in CATEGORIES:
        hidden = bool(sp.hidden[cat])
        none = not hidden and sp.counts.values.loc[cat, "children"] == 0
        rows.append(
            {
                "Placement": _label(cat),
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


@dataclass(frozen=True)
class Gap:
    """The annual cost of the IFA gap: what IFA foster placements cost above in-house ones at the same volumes."""

    year: int
    ifa_days: int
    value: float | str  # pounds, or SUPPRESSED / NO_CHILDREN
    low: float | str
    high: float | str
    price_year: int
    sensitivity: float


def ifa_gap(sp: Spend, costs: Costs) -> Gap:
    """The annual cost of the IFA gap: IFA days x (IFA daily cost - in-house daily cost).

    The range applies the paper's sensitivity share ``s`` against the gap:
    low = days x (IFA x (1 - s) - in-house x (1 + s)) / 7, high = days x
    (IFA x (1 + s) - in-house x (1 - s)) / 7. Suppressed (the text
    :data:`SUPPRESSED`) when the number of children in IFA placements is, and
    :data:`NO_CHILDREN` when there were none.
    """
    days = int(sp.days["IFA fostering"])
    s = costs.sensitivity
    ifa, inh = costs.ifa_fostering.weekly, costs.in_house_fostering.weekly
    if sp.hidden["IFA fostering"]:
        reason = SUPPRESSED
    elif days == 0:
        reason = NO_CHILDREN
    else:
        reason = None
    if reason:
        return Gap(sp.year, days, reason, reason, reason, costs.price_year, s)
    return Gap(
        year=sp.year,
        ifa_days=days,
        value=days * (ifa - inh) / 7.0,
        low=days * (ifa * (1 - s) - inh * (1 + s)) / 7.0,
        high=days * (ifa * (1 + s) - inh * (1 - s)) / 7.0,
        price_year=costs.price_year,
        sensitivity=s,
    )


def gap_sentence(h: Histories, gap: Gap, costs: Costs) -> str:
    """The IFA gap in plain English (generated from the numbers)."""
    inh, ifa = costs.in_house_fostering.weekly, costs.ifa_fostering.weekly
    at = (
        f"at the paper file's unit costs (£{inh:,.0f} a week with the council's own carers, £{ifa:,.0f} with an "
        f"agency; £ at {gap.price_year} prices)"
    )
    if not _is_number(gap.value):
        return f"The cost of the IFA gap in {_period(gap.year)} cannot be shown: IFA placements: {gap.value}"
    more = "more" if gap.value >= 0 else "less"
    rng = (
        f"{_money(gap.low)} to {_money(gap.high)}"
        if gap.low >= 0
        else f"from a saving of {_money(-gap.low)} to {_money(gap.high)}"
    )
    return (
        f"{at[0].upper()}{at[1:]}, the {gap.ifa_days:,} days children spent with IFA carers in {_period(gap.year)} cost "
        f"about {_money(abs(gap.value))} {more} than the same days with in-house carers would have "
        f"({rng} if unit costs are {gap.sensitivity:.0%} higher or lower)"
    )


def gap_title(gap: Gap) -> str:
    """The IFA gap in one short sentence (a chart title)."""
    if not _is_number(gap.value):
        return f"The cost of the IFA gap in {_period(gap.year)} cannot be shown: IFA placements: {gap.value}"
    more = "more" if gap.value >= 0 else "less"
    return (
        f"In {_period(gap.year)}, IFA foster placements cost about {_money(abs(gap.value))} {more} than the same "
        f"days with in-house carers would have (range {_money(gap.low)} to {_money(gap.high)})"
    )


def spend_chart(h: Histories, sp: Spend, gap: Gap, costs: Costs) -> dict:
    """Annual spend by placement category (suppressed categories left out), titled with the IFA gap."""
    vals = [np.nan if sp.hidden[c] else float(sp.spend[c]) for c in CATEGORIES]
    fig = go.Figure(
        go.Bar(
            y=[_label(c) for c in CATEGORIES],
            x=vals,
            orientation="h",
            marker_color=[COLOURS[c] for c in CATEGORIES],
            hovertemplate="%{y}<br>£%{x:,.0f}<extra></extra>",
        )
    )
    charts.base_layout(fig, y_title="", x_title=f"Annual spend, £ ({sp.price_year} prices)")
    fig.update_layout(height=520, margin={"l": 300, "r": 20, "t": 20, "b": 60}, showlegend=False)
    fig.update_xaxes(tickprefix="£", tickformat=",.0f")
    fig.update_yaxes(autorange="reversed")
    hidden = bool(sp.hidden.any())
    title = gap_title(gap)
    return {
        "fig": fig,
        "name": "annual-spend",
        "title": title,
        "caption": (
            f"Estimated spend on placements in the financial year {_period(sp.year)} (1 April to 31 March) by "
            "type of placement: the days children spent in each type of placement that year times the paper "
            f"file's weekly unit cost divided by 7, in £ at {sp.price_year} prices (unit costs as listed, not "
            "adjusted between their own year and the price year). Placements with no unit cost (with parents, "
            f"with adopters) show £0. See the assumptions page.{_suppressed_note(hidden)} {h.source}"
        ),
        "alt": (f"Horizontal bar chart of estimated annual spend by type of placement in {_period(sp.year)}. {title}."),
        "table": spend_display(sp),
    }


# --------------------------------------------------------------------------- key figures and findings


def key_figures(
    ctx: Context, h: Histories, pub: pd.DataFrame, stock: disclosure.Suppressed, gap: Gap, costs: Costs
) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`.

    ``foster_share`` and ``placed_over_20_miles_share`` are DfE's published
    (real) figures for the paper's year; the shares of fostering by provider,
    the distances by provider and the cost of the IFA gap come from the
    child-level data (SYNTHETIC by default; the label says which). A
    suppressed value is glued as the text "suppressed", a share of nobody as
    "no children", a missing published figure as "not published".
    """
    la, y, cy = ctx.la.la_name, ctx.year, h.year
    child = f"child-level data, {h.tag}"
    pounds = f"£ at {costs.price_year} prices"
    fs = lambda ind: key_value(published_value(pub, ind, y))  # noqa: E731
    sh = lambda num, den: key_value(share(stock, num, den))  # noqa: E731
    money = lambda v: round(v) if _is_number(v) else v  # noqa: E731
    return [
        {
            "name": "foster_share",
            "value": fs("foster"),
            "unit": "percent",
            "label": f"Share of {la}'s children looked after at 31 March {y} who were in foster placements (DfE published, real)",
        },
        {
            "name": "placed_over_20_miles_share",
            "value": fs("over_20_miles"),
            "unit": "percent",
            "label": f"Share of {la}'s children looked after at 31 March {y} placed more than 20 miles from home (DfE published, real)",
        },
        {
            "name": "private_voluntary_share",
            "value": fs("private_voluntary"),
            "unit": "percent",
            "label": f"Share of {la}'s children looked after at 31 March {y} placed with private or voluntary providers (DfE published, real)",
        },
        {
            "name": "england_private_voluntary_share",
            "value": key_value(published_value(pub, "private_voluntary", y, "england")),
            "unit": "percent",
            "label": f"Share of England's children looked after at 31 March {y} placed with private or voluntary providers (DfE published, real)",
        },
        {
            "name": "inhouse_share_of_fostering",
            "value": sh(("in-house fostering", cy), (ALL_FOSTER, cy)),
            "unit": "percent",
            "label": f"Share of foster placements at 31 March {cy} with the council's own carers ({child})",
        },
        {
            "name": "ifa_share_of_fostering",
            "value": sh(("IFA fostering", cy), (ALL_FOSTER, cy)),
            "unit": "percent",
            "label": f"Share of foster placements at 31 March {cy} with independent fostering agency carers ({child})",
        },
        {
            "name": "ifa_over_20_miles_share",
            "value": sh(("IFA fostering", DISTANCE[1]), ("IFA fostering", cy)),
            "unit": "percent",
            "label": f"Share of children with IFA foster carers at 31 March {cy} placed more than 20 miles from home ({child})",
        },
        {
            "name": "inhouse_over_20_miles_share",
            "value": sh(("in-house fostering", DISTANCE[1]), ("in-house fostering", cy)),
            "unit": "percent",
            "label": f"Share of children with in-house foster carers at 31 March {cy} placed more than 20 miles from home ({child})",
        },
        {
            "name": "inhouse_weekly_cost",
            "value": costs.in_house_fostering.weekly,
            "unit": "pounds",
            "label": f"Weekly unit cost of an in-house foster placement (paper file; {costs.in_house_fostering.year} figure)",
        },
        {
            "name": "ifa_weekly_cost",
            "value": costs.ifa_fostering.weekly,
            "unit": "pounds",
            "label": f"Weekly unit cost of an IFA foster placement (paper file; {costs.ifa_fostering.year} figure)",
        },
        {
            "name": "cost_price_year",
            "value": costs.price_year,
            "unit": "year",
            "label": "Price year money is stated in (paper file)",
        },
        {
            "name": "cost_sensitivity_pct",
            "value": round(costs.sensitivity * 100, 1),
            "unit": "percent",
            "label": "Sensitivity range applied to unit costs, plus or minus (paper file)",
        },
        {
            "name": "annual_cost_of_ifa_gap",
            "value": money(gap.value),
            "unit": "pounds",
            "label": f"Extra cost in {_period(gap.year)} of IFA foster placement days over the same days with in-house "
            f"carers ({pounds}; {child})",
        },
        {
            "name": "annual_cost_of_ifa_gap_low",
            "value": money(gap.low),
            "unit": "pounds",
            "label": f"Low end of the IFA gap: IFA cost {gap.sensitivity:.0%} lower, in-house {gap.sensitivity:.0%} higher "
            f"({pounds}; {child})",
        },
        {
            "name": "annual_cost_of_ifa_gap_high",
            "value": money(gap.high),
            "unit": "pounds",
            "label": f"High end of the IFA gap: IFA cost {gap.sensitivity:.0%} higher, in-house {gap.sensitivity:.0%} lower "
            f"({pounds}; {child})",
        },
    ]


def findings(
    ctx: Context,
    h: Histories,
    pub: pd.DataFrame,
    stock: disclosure.Suppressed,
    new: disclosure.Suppressed,
    gap: Gap,
    costs: Costs,
) -> list[str]:
    """The chapter's findings, one sentence each, generated from the numbers.

    Published (real) findings come first, then child-level ones, each marked
    with where it comes from.
    """
    la, y, cy = ctx.la.la_name, ctx.year, h.year
    pv = lambda ind, area="la": published_value(pub, ind, y, area)  # noqa: E731
    mark = f" ({CHILD_LEVEL}, {h.tag})"
    out = [
        f"At 31 March {y}, {_pct(pv('foster'))} of {la}'s children in care were in foster placements, against "
        f"{_pct(pv('foster', 'england'))} in England and {_pct(pv('foster', 'neighbours'))} on average among its "
        "statistical neighbours (DfE, published).",
        f"{_pct(pv('private_voluntary'))} were placed with private or voluntary providers (agencies and private "
        f"children's homes), against {_pct(pv('private_voluntary', 'england'))} in England and "
        f"{_pct(pv('private_voluntary', 'neighbours'))} among its neighbours; {_pct(pv('own_provision'))} were in the "
        f"council's own provision, against {_pct(pv('own_provision', 'england'))} in England (DfE, published).",
        f"{_pct(pv('over_20_miles'))} were placed more than 20 miles from home, against "
        f"{_pct(pv('over_20_miles', 'england'))} in England, and {_pct(pv('outside_la'))} outside the authority's "
        f"boundary, against {_pct(pv('outside_la', 'england'))} in England (DfE, published).",
    ]
    ifa_f = share(stock, ("IFA fostering", cy), (ALL_FOSTER, cy))
    inh_f = share(stock, ("in-house fostering", cy), (ALL_FOSTER, cy))
    out.append(
        f"Of children in foster placements at 31 March {cy}, {_pct(ifa_f)} were with independent fostering "
        f"agency carers and {_pct(inh_f)} with the council's own{mark}."
    )
    n_new = new.table().loc[ALL_FOSTER, cy]
    ifa_n = share(new, ("IFA fostering", cy), (ALL_FOSTER, cy))
    inh_n = share(new, ("in-house fostering", cy), (ALL_FOSTER, cy))
    how_many = "the new foster placements" if n_new == disclosure.MARKER else f"the {n_new} new foster placements"
    out.append(
        f"Of {how_many} made in {_period(cy)}, {_pct(ifa_n)} went to IFA carers and "
        f"{_pct(inh_n)} to the council's own{mark}."
    )
    d = {c: share(stock, (c, DISTANCE[1]), (c, cy)) for c in ("IFA fostering", "in-house fostering")}
    out.append(
        _sentence(
            compare(
                "IFA foster placements",
                d["IFA fostering"],
                "in-house ones",
                d["in-house fostering"],
                "over 20 miles from home",
            ),
            mark,
        )
    )
    m = {c: share(stock, (c, MOVES[0]), (c, cy)) for c in ("IFA fostering", "in-house fostering")}
    out.append(
        _sentence(
            compare(
                "children with IFA carers",
                m["IFA fostering"],
                "children with in-house carers",
                m["in-house fostering"],
                f"on at least their third placement of {_period(cy)}",
            ),
            mark,
        )
    )
    lt = {c: share(stock, (c, LONG_TERM[0]), (c, COHORT)) for c in ("IFA fostering", "in-house fostering")}
    out.append(
        _sentence(
            compare(
                "long-term under-16s with IFA carers",
                lt["IFA fostering"],
                "those with in-house carers",
                lt["in-house fostering"],
                "in the same placement for two years or more",
            ),
            mark,
        )
    )
    out.append(gap_sentence(h, gap, costs) + mark + ".")
    out.append(
        "Whether IFA carers are 'less well known' to the council than its own carers is not recorded in "
        "either data source, so this report cannot test that part of the claim."
    )
    return out


def _sentence(text: str, mark: str = "") -> str:
    """Capitalise the first letter and end with the source mark and a full stop."""
    return f"{text[0].upper()}{text[1:]}{mark}."


def findings_markdown(*args) -> str:
    """:func:`findings` as a Markdown bullet list (glued into the chapter's opening)."""
    return "\n".join(f"- {s}" for s in findings(*args))


def years_note(ctx: Context, h: Histories) -> str:
    """Which years the child-level figures cover, and whether that reaches the paper's year."""
    span = f"{h.years[0]} to {h.year}" if len(h.years) > 1 else str(h.year)
    note = f"The child-level figures cover 31 March {span} ({h.tag} data)."
    if h.year != ctx.year:
        note += f" The returns do not reach the paper's year, {ctx.year}."
    return note


# --------------------------------------------------------------------------- checking pages for disclosure


class _Tables(HTMLParser):
    """Collects every table with its caption, headers, rows and the caption of the figure it sits in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._figure: list[str] = []  # figcaption text of each open <figure>
        self._in: str | None = None  # "caption", "figcaption", "th", "td"
        self._text: list[str] = []
        self._table: dict | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "figure":
            self._figure.append("")
        elif tag == "table":
            self._table = {"caption": "", "figure": self._figure[-1] if self._figure else "", "header": [], "rows": []}
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("caption", "figcaption", "th", "td"):
            self._in, self._text = tag, []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            text = " ".join("".join(self._text).split())
            if tag == "figcaption" and self._figure:
                self._figure[-1] = text
            elif tag == "caption" and self._table is not None:
                self._table["caption"] = text
            elif tag in ("th", "td") and self._row is not None:
                self._row.append(text)
            self._in = None
        elif tag == "tr" and self._table is not None and self._row is not None:
            if self._row:
                is_header = not self._table["header"] and not self._table["rows"]
                (self._table["header"].extend if is_header else self._table["rows"].append)(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "figure" and self._figure:
            self._figure.pop()


_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")


def child_level_tables(html: str) -> list[dict]:
    """The tables of an HTML page built from child-level data.

    A table is child-level if its caption, or the caption of the chart figure
    it belongs to, contains :data:`CHILD_LEVEL`.

    Returns
    -------
    list of dict
        Each with ``caption``, ``figure`` (figure caption), ``header`` and ``rows``.
    """
    parser = _Tables()
    parser.feed(html)
    return [t for t in parser.tables if CHILD_LEVEL in t["caption"] or CHILD_LEVEL in t["figure"]]


def disclosure_problems(html: str) -> list[str]:
    """Counts from 1 to 5 shown in child-level tables of an HTML page (what must never be published).

    Every column except the first (row labels) and those whose header ends with
    one of :data:`NOT_COUNT_SUFFIXES` holds counts; a cell there reading as a
    number from 1 to 5 is a problem.

    Returns
    -------
    list of str
        One line per offending cell, naming the table, row and column; empty if none.
    """
    problems = []
    for table in child_level_tables(html):
        name = table["caption"] or table["figure"]
        for row in table["rows"]:
            for header, cell in list(zip(table["header"], row))[1:]:
                if header.endswith(NOT_COUNT_SUFFIXES):
                    continue
                text = html_lib.unescape(cell).strip()
                if _NUMBER.match(text) and disclosure.is_small([float(text.replace(",", ""))])[0]:
                    problems.append(f"{name[:60]!r}: row {row[0]!r}, column {header!r}: {text}")
    return problems
