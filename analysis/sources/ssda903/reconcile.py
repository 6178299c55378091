"""The child-level returns set beside DfE's published figures for the same authority.

Every build counts, from the returns, the children looked after at 31 March,
the children who started to be looked after and those who ceased in each
year, the way DfE does (:func:`analysis.sources.ssda903.episodes.counts_by_year`,
the project's one way of counting), and sets them beside the figures DfE
published for the paper's authority, for every year both have.

Two uses:

* the Data quality page shows the table, and the opening page carries a
  caution when any year differs by more than :data:`CAUTION_PCT` per cent *and*
  more than :data:`CAUTION_CHILDREN` children (:func:`cautions`);
* the authority check: returns whose count at 31 March differs from the
  published count by more than :data:`AUTHORITY_PCT` per cent in *every* year
  both have are not this authority's (:func:`looks_like_another_authority`),
  and a SYNTHETIC folder's manifest names the authority it was made for
  (:func:`manifest_authority`).

Everything here is a pure function of tables; the loading and the errors are
in :mod:`analysis.sources.ssda903.context`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.sources import published
from analysis.sources.ssda903 import episodes as E

#: The measures compared, with how the page names them.
MEASURES: dict[str, str] = {
    "cla_31_march": "Looked after at 31 March",
    "cla_started": "Started to be looked after",
    "cla_ceased": "Ceased to be looked after",
}

#: A year differing by more than this many per cent ...
CAUTION_PCT = 5.0
#: ... and by more than this many children gets a caution on the opening page.
CAUTION_CHILDREN = 5

#: Returns whose 31 March count is further than this (per cent) from the published count in every year
#: both have are not the authority's.
AUTHORITY_PCT = 20.0

#: Columns of :func:`reconcile`'s table.
COLUMNS = ("year", "measure", "returns", "published", "difference", "difference_pct")


def returns_counts(prepared: pd.DataFrame, years) -> pd.DataFrame:
    """The returns' counts of :data:`MEASURES` for each year, counted as DfE counts them.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`analysis.sources.ssda903.episodes.prepare`.
    years : iterable of int
        Collection years (those the returns cover).

    Returns
    -------
    pandas.DataFrame
        ``year`` and one int64 column per measure, one row per year.
    """
    counts = E.counts_by_year(prepared, [int(y) for y in years])
    return counts[["year", *MEASURES]].reset_index(drop=True)


def published_counts(table: pd.DataFrame, old_la_code: str) -> pd.DataFrame:
    """DfE's published :data:`MEASURES` for one authority, by year.

    Parameters
    ----------
    table : pandas.DataFrame
        The published table (:func:`analysis.sources.published.load_published`).
    old_la_code : str
        The authority's DfE 3-digit code.

    Returns
    -------
    pandas.DataFrame
        ``year`` and one float column per measure (NaN where DfE published no
        figure), one row per year with any of them.
    """
    series = {m: published.series(table, m, old_la_code=old_la_code) for m in MEASURES}
    frame = pd.DataFrame(series)
    frame.index.name = "year"
    return frame.sort_index().reset_index()


def reconcile(returns: pd.DataFrame, published_figures: pd.DataFrame) -> pd.DataFrame:
    """The returns' counts beside the published ones, for every year and measure both have.

    Parameters
    ----------
    returns : pandas.DataFrame
        :func:`returns_counts`: ``year`` and the measures' counts.
    published_figures : pandas.DataFrame
        :func:`published_counts`: ``year`` and the measures (NaN: not published).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, sorted by measure (in :data:`MEASURES` order)
        then year: ``returns`` and ``published`` (int64), ``difference``
        (returns minus published, int64) and ``difference_pct`` (the
        difference as a percentage of the published figure, rounded to one
        decimal; NaN where the published figure is 0). A year and measure
        appear only where the returns have the year and DfE published a figure.
    """
    rows = []
    pub = published_figures.set_index("year")
    for order, measure in enumerate(MEASURES):
        if measure not in returns or measure not in pub:
            continue
        for year, count in zip(returns["year"], returns[measure]):
            value = pub[measure].get(int(year), np.nan)
            if pd.isna(value):
                continue
            diff = int(count) - int(round(float(value)))
            pct = round(100.0 * diff / float(value), 1) if value else np.nan
            rows.append((order, int(year), measure, int(count), int(round(float(value))), diff, pct))
    frame = pd.DataFrame(rows, columns=["order", *COLUMNS]).sort_values(["order", "year"], kind="stable")
    frame = frame.drop(columns="order").reset_index(drop=True)
    return frame.astype(
        {"year": "int64", "returns": "int64", "published": "int64", "difference": "int64", "difference_pct": "float64"}
    )


def compare(prepared: pd.DataFrame, years, table: pd.DataFrame, old_la_code: str) -> pd.DataFrame:
    """:func:`reconcile` of the returns (``prepared``, ``years``) with the authority's published figures."""
    return reconcile(returns_counts(prepared, years), published_counts(table, old_la_code))


def cautions(rec: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`reconcile`'s table that differ by more than 5% and more than 5 children.

    A row whose published figure is 0 (no percentage) counts when it differs by more than 5 children.
    """
    pct = rec["difference_pct"].abs()
    far = pct.isna() | (pct > CAUTION_PCT)
    return rec[far & (rec["difference"].abs() > CAUTION_CHILDREN)].reset_index(drop=True)


def max_diff_pct(rec: pd.DataFrame) -> float | None:
    """The largest difference, as a percentage of the published figure (ignoring sign), or None with no rows."""
    pct = rec["difference_pct"].abs().dropna()
    return None if pct.empty else float(pct.max())


def years_text(years) -> str:
    """Years as the page reads them: ``2013-2017``, ``2013, 2015-2017``; ``none`` when there are none."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return "none"
    runs: list[list[int]] = [[ys[0], ys[0]]]
    for y in ys[1:]:
        if y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def caution_text(rec: pd.DataFrame, la_name: str) -> str:
    """One plain-English sentence for the opening page when a year differs (:func:`cautions`), else ``""``.

    It names the measures and years, not the counts (the table on the Data quality page has them).
    """
    far = cautions(rec)
    if far.empty:
        return ""
    parts = [
        f"{MEASURES[m].lower()} in {years_text(far.loc[far['measure'] == m, 'year'])}"
        for m in MEASURES
        if (far["measure"] == m).any()
    ]
    return (
        f"Caution: the child-level returns differ from {la_name}'s published figures by more than "
        f"{CAUTION_PCT:g}% and more than {CAUTION_CHILDREN} children for {'; '.join(parts)}, so the figures "
        "drawn from them may not match the national statistics (see the Data quality page)."
    )


def looks_like_another_authority(rec: pd.DataFrame) -> bool:
    """True when the 31 March count differs from the published one by more than 20% in every year both have.

    False when the two have no year in common (nothing to judge by). A year whose published count is 0
    counts as far apart unless the returns count 0 too.
    """
    stock = rec[rec["measure"] == "cla_31_march"]
    if stock.empty:
        return False
    pct = stock["difference_pct"].abs()
    far = (pct > AUTHORITY_PCT) | (pct.isna() & (stock["difference"] != 0))
    return bool(far.all())


def mismatch_text(rec: pd.DataFrame) -> str:
    """The years and counts behind :func:`looks_like_another_authority`: ``2013: 463 in the returns, 247 published; ...``."""
    stock = rec[rec["measure"] == "cla_31_march"]
    return "; ".join(
        f"{y}: {r:,} in the returns, {p:,} published"
        for y, r, p in zip(stock["year"], stock["returns"], stock["published"])
    )


def manifest_authority(manifest: dict) -> str | None:
    """The authority a folder's ``manifest.json`` says it was made for (a code or name), or None.

    The synthetic generator writes ``parameters`` with ``old_la_code``, ``new_la_code`` and ``la``; the
    first of them present is returned (the DfE code is the most exact).
    """
    params = manifest.get("parameters") if isinstance(manifest, dict) else None
    sources = [params] if isinstance(params, dict) else []
    sources.append(manifest if isinstance(manifest, dict) else {})
    for source in sources:
        for key in ("old_la_code", "new_la_code", "la", "local_authority"):
            value = source.get(key)
            if value is not None and str(value).strip():
                return str(value).strip()
    return None


def percent_text(value: float | None) -> str:
    """A signed percentage for the page (``+1.2%``, ``\u22123.8%`` with a minus sign, ``0.0%``), or ``–`` if none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2013"
    return f"{value:+.1f}%".replace("-", "\u2212") if value else "0.0%"
