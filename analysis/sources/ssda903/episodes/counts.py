"""DfE-style counts from prepared episodes: children on a date and by year, placement and legal-status spells, stability."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.sources.ssda903.episodes.model import (
    _NS,
    AGE_BAND_COLUMNS,
    AGE_BANDS,
    AGE_UNKNOWN,
    CEASED_COLUMNS,
    LEGAL_STATUS_SPELL_COLUMNS,
    NEW_CARER_RNE,
    ON_DATE_COLUMNS,
    PLACEMENT_COLUMNS,
    PLACEMENT_SPELL_COLUMNS,
    STABILITY_COLUMNS,
    _as_day,
    _breaks,
    _group_bounds,
    _ordered,
    _str_series,
    _year_bounds,
    age_in_years,
    periods,
)


def _open_mask(p: pd.DataFrame, when: np.datetime64) -> np.ndarray:
    decom = p["DECOM"].to_numpy(_NS)
    dec = p["DEC"].to_numpy(_NS)
    return (decom <= when) & (np.isnat(dec) | (dec > when))


def looked_after_on(prepared: pd.DataFrame, when) -> pd.DataFrame:
    """The children looked after on a date, one row each, with the episode current that day.

    An episode is open on ``when`` if DECOM <= ``when`` and DEC is NaT or after
    ``when``: a child who ceased on the day is not counted, one who started
    on the day is. Short breaks are already gone (see :func:`prepare`). With
    (invalid) overlapping episodes, the one that started last is kept.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`prepare`.
    when : date-like
        The day, for example ``datetime.date(2024, 3, 31)`` or ``"2024-03-31"``
        (give text as ISO: ``pandas.Timestamp`` reads "01/02/2024" month first).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ON_DATE_COLUMNS`: CHILD, period_id, period_start, the
        current episode's DECOM, DEC, LS, CIN, PLACE, PLACE_PROVIDER,
        placement_category, HOME_POST, PL_POST, URN, the child's DOB and SEX,
        and ``age`` (whole years on ``when``, Int64). Sorted by CHILD.
    """
    day = _as_day(when)
    cur = prepared.loc[_open_mask(prepared, day)]
    if not cur["CHILD"].is_unique:
        cur = cur.sort_values(["CHILD", "DECOM"], kind="stable").drop_duplicates("CHILD", keep="last")
    cur = cur.sort_values("CHILD", kind="stable")
    out = cur[[c for c in ON_DATE_COLUMNS if c != "age"]].reset_index(drop=True)
    out["age"] = age_in_years(out["DOB"], day)
    return out


def count_at_31_march(prepared: pd.DataFrame, year: int) -> int:
    """Number of children looked after on 31 March ``year`` (DfE's "CLA at 31 March").

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`prepare`.
    year : int
        Collection year; the count is taken on 31 March of it.

    Returns
    -------
    int
        Children (not episodes) with an episode open on the day.
    """
    day = _year_bounds(year)[1]
    return int(prepared.loc[_open_mask(prepared, day), "CHILD"].nunique())


def _age_band_counts(age: pd.Series) -> dict[str, int]:
    a = age.to_numpy(dtype="float64", na_value=np.nan)
    counts = {}
    for band, (lo, hi) in AGE_BANDS.items():
        in_band = (a >= lo) if hi is None else ((a >= lo) & (a <= hi))
        counts[AGE_BAND_COLUMNS[band]] = int(in_band.sum())
    counts[AGE_BAND_COLUMNS[AGE_UNKNOWN]] = int(np.isnan(a).sum())
    return counts


def counts_by_year(prepared: pd.DataFrame, years) -> pd.DataFrame:
    """DfE's headline counts for each collection year, children counted once.

    For the year ending 31 March Y (1 April Y-1 to 31 March Y):

    * ``cla_31_march``: children looked after on 31 March Y (:func:`count_at_31_march`).
    * ``cla_started``: children with at least one period starting in the year
      (a child who starts twice is counted once). Periods are as
      :func:`prepare` forms them, so a move from short breaks into care counts.
    * ``cla_ceased``: children with at least one period ending in the year
      whose last REC is not X1 (a blank or unknown REC with a DEC counts).
    * ``ceased_<group>`` (:data:`CEASED_COLUMNS`): the ceased children split
      by the reason group of their *last* period to cease in the year, so the
      columns add up to ``cla_ceased``; ``ceased_unknown`` holds blank or
      unrecognised reasons.
    * ``placement_<category>`` (:data:`PLACEMENT_COLUMNS`): children looked
      after on 31 March by the placement category of their current episode;
      they add up to ``cla_31_march``.
    * ``age_<band>`` (:data:`AGE_BAND_COLUMNS`): the same children by age on
      31 March in DfE's bands (under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over)
      plus ``age_unknown``; they add up to ``cla_31_march``.

    Only years the returns fully cover are complete (see the module notes on
    the edges of the data).

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`prepare`.
    years : iterable of int
        Collection years.

    Returns
    -------
    pandas.DataFrame
        One row per year, in the order given: ``year``, ``cla_31_march``,
        ``cla_started``, ``cla_ceased``, the ``ceased_*`` columns, the
        ``placement_*`` columns and the ``age_*`` columns (all int64).
    """
    per = periods(prepared)
    start = per["start"].to_numpy(_NS)
    end = per["end"].to_numpy(_NS)
    ceased_ok = (per["reason"] != "X1").to_numpy()
    rows = []
    for year in years:
        lo, hi = _year_bounds(year)
        row: dict[str, int] = {"year": int(year)}
        stock = looked_after_on(prepared, hi)
        row["cla_31_march"] = len(stock)
        row["cla_started"] = int(per.loc[(start >= lo) & (start <= hi), "CHILD"].nunique())
        ceased = per.loc[(end >= lo) & (end <= hi) & ceased_ok, ["CHILD", "end", "period_id", "reason_group"]]
        last_ceased = ceased.sort_values(["CHILD", "end", "period_id"], kind="stable").drop_duplicates(
            "CHILD", keep="last"
        )
        row["cla_ceased"] = len(last_ceased)
        by_group = last_ceased["reason_group"].value_counts()
        row.update({col: int(by_group.get(g, 0)) for g, col in CEASED_COLUMNS.items()})
        by_cat = stock["placement_category"].value_counts()
        row.update({col: int(by_cat.get(c, 0)) for c, col in PLACEMENT_COLUMNS.items()})
        row.update(_age_band_counts(stock["age"]))
        rows.append(row)
    columns = [
        "year",
        "cla_31_march",
        "cla_started",
        "cla_ceased",
        *CEASED_COLUMNS.values(),
        *PLACEMENT_COLUMNS.values(),
        *AGE_BAND_COLUMNS.values(),
    ]
    return pd.DataFrame(rows, columns=columns).astype("int64")


# --------------------------------------------------------------------------- spells


def _spell_frame(
    prepared: pd.DataFrame, flag_col: str, value_cols: tuple[str, ...], columns: tuple[str, ...]
) -> pd.DataFrame:
    p = _ordered(prepared)
    first, last, _ = _group_bounds(_breaks(p, p[flag_col].to_numpy(dtype=bool)))
    f = p.iloc[first]
    out = pd.DataFrame(
        {
            "CHILD": f["CHILD"].to_numpy(dtype=object),
            "period_id": f["period_id"].to_numpy(),
            "start": f["DECOM"].to_numpy(_NS),
            "end": p["DEC"].to_numpy(_NS)[last],
            **{c: f[c].to_numpy(dtype=object) for c in value_cols},
            "n_episodes": (last - first + 1).astype(np.int64),
        }
    )
    for c in ("CHILD", *value_cols):
        out[c] = _str_series(out[c].to_numpy(dtype=object))
    return out[list(columns)]


def placement_spells(prepared: pd.DataFrame) -> pd.DataFrame:
    """Placements: runs of a child's consecutive episodes in one placement.

    A new placement starts at every episode flagged ``new_placement`` (RNE S,
    P, B, T or U, or the first episode of a period); an RNE L episode (legal
    status change only) continues the placement. The placement's attributes
    are those of its first episode.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`prepare`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PLACEMENT_SPELL_COLUMNS`: CHILD, period_id, ``start``
        (first DECOM), ``end`` (last DEC, NaT while open), PLACE,
        PLACE_PROVIDER, placement_category, HOME_POST, PL_POST, URN, n_episodes.
    """
    return _spell_frame(
        prepared,
        "new_placement",
        ("PLACE", "PLACE_PROVIDER", "placement_category", "HOME_POST", "PL_POST", "URN"),
        PLACEMENT_SPELL_COLUMNS,
    )


def legal_status_spells(prepared: pd.DataFrame) -> pd.DataFrame:
    """Legal statuses: runs of a child's consecutive episodes under one legal status.

    A new spell starts at every episode flagged ``new_legal_status`` (RNE S, L,
    B or U, or the first episode of a period); RNE P and T episodes continue it.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`prepare`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LEGAL_STATUS_SPELL_COLUMNS`: CHILD, period_id, start,
        end (NaT while open), LS (of the first episode), n_episodes.
    """
    return _spell_frame(prepared, "new_legal_status", ("LS",), LEGAL_STATUS_SPELL_COLUMNS)


# --------------------------------------------------------------------------- stability


def placements_in_year(prepared: pd.DataFrame, year: int) -> pd.Series:
    """Number of placements in the year of each child looked after on 31 March ``year``.

    DfE's stability measure ("3 or more placements during the year") counts,
    for children looked after at 31 March, the placements they had during the
    year ending that day, including the one they were in on 1 April. Here a
    placement (see :func:`placement_spells`) counts if it started in the year,
    or started before and was still going on 1 April (ended after 1 April or
    is open). Placements in an earlier period in the same year count too.
    Every placement change (RNE P, B, T, U) counts, temporary ones (T0-T4)
    included.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`prepare`.
    year : int
        Collection year.

    Returns
    -------
    pandas.Series
        Named ``placements``, indexed by CHILD (sorted), one entry (>= 1) per
        child looked after on 31 March ``year``. ``(s >= 3).sum()`` is DfE's
        numerator and ``len(s)`` its denominator.
    """
    lo, hi = _year_bounds(year)
    children = looked_after_on(prepared, hi)["CHILD"]
    sp = placement_spells(prepared)
    start = sp["start"].to_numpy(_NS)
    end = sp["end"].to_numpy(_NS)
    in_year = (start <= hi) & ((start >= lo) | np.isnat(end) | (end > lo))
    counts = sp.loc[in_year, "CHILD"].value_counts()
    s = counts.reindex(children, fill_value=0).astype(np.int64)
    s.index.name = "CHILD"
    s.name = "placements"
    return s


def long_term_stability(prepared: pd.DataFrame, year: int, *, same_carer: bool = False) -> pd.DataFrame:
    """DfE's long-term stability cohort on 31 March ``year`` and who in it is stable.

    The cohort: children looked after on 31 March ``year``, aged under 16
    that day, whose current period started at least 2.5 years earlier (on or
    before 31 March minus 2 years 6 months, e.g. 30 September 2021 for 2024).
    A child is ``stable`` if the current placement started at least 2 years
    earlier (on or before 31 March ``year - 2``).

    Not implemented: the old NI 063 rule that a child *placed for adoption*
    also counts if the adoptive placement and the placement before it together
    last 2 years. (Placements for adoption with the current foster carer, A3
    and A5, are recorded with RNE T or U, so ``same_carer=True`` covers those;
    A4 and A6, with new carers, are not covered.)

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`prepare`.
    year : int
        Collection year.
    same_carer : bool, default False
        False: any placement change (RNE P, B, T, U) restarts the 2-year clock
        (NI 063's "same placement"). True: only a change of carer (RNE P or B)
        does, as in DfE's current wording "living with the same carer".

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STABILITY_COLUMNS`: CHILD, age (on 31 March),
        period_start, placement_start (start of the current placement, or of
        the current carer with ``same_carer``), stable (bool). One row per
        child in the cohort: ``stable.sum()`` is the numerator, ``len`` the
        denominator.
    """
    day = _year_bounds(year)[1]
    p = _ordered(prepared)
    rne = p["RNE"]
    if same_carer:
        flag = rne.isin(NEW_CARER_RNE).to_numpy() | _breaks(p)
    else:
        flag = p["new_placement"].to_numpy(dtype=bool) | _breaks(p)
    pos = np.maximum.accumulate(np.where(flag, np.arange(len(p)), 0)) if len(p) else np.zeros(0, dtype=np.int64)
    p = p.assign(placement_start=p["DECOM"].to_numpy(_NS)[pos])
    cur = p.loc[_open_mask(p, day)]
    if not cur["CHILD"].is_unique:
        cur = cur.sort_values(["CHILD", "DECOM"], kind="stable").drop_duplicates("CHILD", keep="last")
    cur = cur.sort_values("CHILD", kind="stable").reset_index(drop=True)
    age = age_in_years(cur["DOB"], day)
    period_cut = (pd.Timestamp(day) - pd.DateOffset(years=2, months=6)).to_datetime64().astype(_NS)
    placement_cut = (pd.Timestamp(day) - pd.DateOffset(years=2)).to_datetime64().astype(_NS)
    in_cohort = (age < 16).fillna(False).to_numpy(dtype=bool) & (cur["period_start"].to_numpy(_NS) <= period_cut)
    cohort = cur.loc[in_cohort]
    out = pd.DataFrame(
        {
            "CHILD": cohort["CHILD"].to_numpy(dtype=object),
            "age": age[in_cohort].to_numpy(),
            "period_start": cohort["period_start"].to_numpy(_NS),
            "placement_start": cohort["placement_start"].to_numpy(_NS),
        }
    )
    out["CHILD"] = _str_series(out["CHILD"].to_numpy(dtype=object))
    out["age"] = out["age"].astype("Int64")
    out["stable"] = out["placement_start"].to_numpy(_NS) <= placement_cut
    return out[list(STABILITY_COLUMNS)]
