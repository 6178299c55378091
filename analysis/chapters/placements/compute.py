"""The placements chapter's numbers: the child-level histories, their suppressed tables, the published
shares and the cost, gathered in one result (:class:`Placements`, from :func:`compute`).

Nothing here formats or draws: :mod:`.tables`, :mod:`.charts` and :mod:`.text` turn the result into
the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.paper import Costs
from analysis.report import disclosure
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
    INSIDE_OR_UNKNOWN,
    LOCALITY,
    LONG_TERM,
    MOVES,
    NEAR_OR_UNKNOWN,
    PROVIDER_GROUPS,
    age_band,
    provider_group,
)
from analysis.report.context import Context, area_frame
from analysis.report.text import CHILD_LEVEL, NO_CHILDREN, NOT_PUBLISHED, SUPPRESSED, returns_text
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import geography

_LA_LEVEL, _REGIONAL, _NATIONAL = "Local authority", "Regional", "National"


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


def authority_shares(ctx: Context, indicator: str, year: int) -> pd.DataFrame:
    """Every authority's published share for ``indicator`` in ``year``, with the children it is a share of.

    The spread of these shares between authorities is what the claims' share
    tests allow for (:func:`analysis.methods.stats.share_overdispersion`).
    Columns: old_la_code, pct, children (looked after at 31 March, the latest
    release), successes (``pct`` of ``children``). Authorities without a
    published share or total are left out.
    """
    values = _indicator_values(ctx, INDICATORS[indicator], _release_totals(ctx))
    t = ctx.table
    la = t[(t["geographic_level"] == _LA_LEVEL) & (t["year"] == year) & (t["measure"] == "cla_31_march")]
    totals = la.set_index("old_la_code")["value"].astype(float)
    pct = values[values.index.get_level_values("year") == year].droplevel("year")
    out = pd.DataFrame({"pct": pct.reindex(totals.index), "children": totals}).dropna()
    out = out[out["children"] > 0]
    out["successes"] = (out["pct"] / 100.0 * out["children"]).round()
    return out.rename_axis("old_la_code").reset_index()


def published_value(pub: pd.DataFrame, indicator: str, year: int, area: str = "la"):
    """One published share: a float, or :data:`NOT_PUBLISHED`."""
    key = (indicator, year)
    if key not in pub.index or pd.isna(pub.loc[key, area]):
        return NOT_PUBLISHED
    return float(pub.loc[key, area])


def latest_with_data(pub: pd.DataFrame, indicator: str, year: int) -> tuple[int | None, bool]:
    """The latest year up to ``year`` with the authority's value, else the first after (and whether it is after)."""
    s = pub.loc[indicator, "la"].dropna()
    before = [int(y) for y in s.index if y <= year]
    if before:
        return max(before), False
    after = [int(y) for y in s.index if y > year]
    return (min(after), True) if after else (None, False)


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


# --------------------------------------------------------------------------- the chapter's one result


@dataclass(frozen=True)
class Placements:
    """Everything the placements page shows, worked out once (from :func:`compute`).

    Attributes
    ----------
    ctx : analysis.report.context.Context
        The run context (authority, paper's year, neighbours).
    costs : analysis.paper.Costs
        The paper file's unit costs.
    histories : Histories
        The child-level data the chapter uses.
    pub : pandas.DataFrame
        The published shares (:func:`published_shares`).
    stock : analysis.report.disclosure.Suppressed
        Children looked after at 31 March (:func:`stock_table`).
    new : analysis.report.disclosure.Suppressed
        New foster placements (:func:`new_placements_table`).
    spend : Spend
        Annual spend by placement category in the last year shown.
    gap : Gap
        The annual cost of the IFA gap.
    """

    ctx: Context
    costs: Costs
    histories: Histories
    pub: pd.DataFrame
    stock: disclosure.Suppressed
    new: disclosure.Suppressed
    spend: Spend
    gap: Gap


def from_histories(ctx: Context, h: Histories, costs: Costs, pub: pd.DataFrame | None = None) -> Placements:
    """The chapter's result from histories already worked out (``pub`` defaults to :func:`published_shares`)."""
    spend = annual_spend(h, costs)
    return Placements(
        ctx=ctx,
        costs=costs,
        histories=h,
        pub=published_shares(ctx) if pub is None else pub,
        stock=stock_table(h),
        new=new_placements_table(h),
        spend=spend,
        gap=ifa_gap(spend, costs),
    )


def compute(ctx: Context, data) -> Placements:
    """The placements chapter for a paper: the one call its notebook makes.

    Parameters
    ----------
    ctx : analysis.report.context.Context
    data : analysis.sources.ssda903.context.ChildData
        From :func:`analysis.sources.ssda903.context.load` (returns up to the paper's year).
    """
    return from_histories(ctx, histories(ctx, data), ctx.paper.costs)
