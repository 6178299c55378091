"""The episode model: constants, vectorised helpers, placement categories, :func:`prepare` and :func:`periods`."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.sources.ssda903 import spec

# --------------------------------------------------------------------------- constants

#: Label of the reason group of a period still open (no DEC).
IN_CARE = "in care"
#: Label of the reason group of a closed period whose REC is blank, X1 or not a known code.
UNKNOWN = "unknown"

#: RNE codes that begin a new placement (and carer, or same carer for T/U).
NEW_PLACEMENT_RNE = frozenset({"S", "P", "B", "T", "U"})
#: RNE codes that begin a new legal status.
NEW_LEGAL_STATUS_RNE = frozenset({"S", "L", "B", "U"})
#: RNE codes that begin a new carer (T and U change placement but keep the carer).
NEW_CARER_RNE = frozenset({"S", "P", "B"})

#: DfE's age bands at 31 March: label -> (lowest age, highest age or None), whole years.
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "under 1": (0, 0),
    "1 to 4": (1, 4),
    "5 to 9": (5, 9),
    "10 to 15": (10, 15),
    "16 and over": (16, None),
}
AGE_UNKNOWN = "unknown"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


#: counts_by_year column for each reason group of ceasing (plus :data:`UNKNOWN`).
CEASED_COLUMNS: dict[str, str] = {g: f"ceased_{_slug(g)}" for g in (*spec.REASON_GROUPS, UNKNOWN)}
#: counts_by_year column for each placement category at 31 March.
PLACEMENT_COLUMNS: dict[str, str] = {c: f"placement_{_slug(c)}" for c in spec.PLACEMENT_CATEGORIES}
#: counts_by_year column for each age band at 31 March (plus :data:`AGE_UNKNOWN`).
AGE_BAND_COLUMNS: dict[str, str] = {b: f"age_{_slug(b)}" for b in (*AGE_BANDS, AGE_UNKNOWN)}

_EPISODE_CODE_COLUMNS = ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE")
_EPISODE_TEXT_COLUMNS = ("HOME_POST", "PL_POST", "URN")

#: Columns of :func:`prepare`'s output, in order.
PREPARED_COLUMNS = (
    "CHILD",
    "DECOM",
    "DEC",
    *_EPISODE_CODE_COLUMNS,
    *_EPISODE_TEXT_COLUMNS,
    "YEAR",
    "DOB",
    "SEX",
    "placement_category",
    "period_id",
    "period_number",
    "period_start",
    "period_end",
    "period_reason",
    "reason_group",
    "age_at_period_start",
    "episode_in_period",
    "new_placement",
    "new_legal_status",
)
#: Columns of :func:`periods`' output, in order.
PERIOD_COLUMNS = (
    "CHILD",
    "period_id",
    "period_number",
    "start",
    "end",
    "reason",
    "reason_group",
    "age_at_start",
    "DOB",
    "SEX",
    "first_rne",
    "first_ls",
    "cin",
    "first_placement_category",
    "n_placements",
    "n_episodes",
    "days",
    "entry_year",
    "exit_year",
)
#: Columns of :func:`looked_after_on`'s output, in order.
ON_DATE_COLUMNS = (
    "CHILD",
    "period_id",
    "period_start",
    "DECOM",
    "DEC",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "placement_category",
    "HOME_POST",
    "PL_POST",
    "URN",
    "DOB",
    "SEX",
    "age",
)
#: Columns of :func:`placement_spells`' output, in order.
PLACEMENT_SPELL_COLUMNS = (
    "CHILD",
    "period_id",
    "start",
    "end",
    "PLACE",
    "PLACE_PROVIDER",
    "placement_category",
    "HOME_POST",
    "PL_POST",
    "URN",
    "n_episodes",
)
#: Columns of :func:`legal_status_spells`' output, in order.
LEGAL_STATUS_SPELL_COLUMNS = ("CHILD", "period_id", "start", "end", "LS", "n_episodes")
#: Columns of :func:`long_term_stability`'s output, in order.
STABILITY_COLUMNS = ("CHILD", "age", "period_start", "placement_start", "stable")

_REC_TO_GROUP = {code: group for group, codes in spec.REASON_GROUPS.items() for code in codes}
_NS = "datetime64[ns]"


# --------------------------------------------------------------------------- small vectorised helpers


class _Coded:
    """A text column as integer codes into its normalised distinct values.

    Values are stripped (and upper-cased if asked); NA and blanks become "".
    Work is done once per distinct value, then spread with the codes, which
    is what keeps a million-row table fast.
    """

    __slots__ = ("codes", "uniques")

    def __init__(self, values, n: int, *, upper: bool):
        if values is None:
            self.codes = np.full(n, -1, dtype=np.intp)
            self.uniques = np.array([""], dtype=object)
            return
        s = _integral_floats(values if isinstance(values, pd.Series) else pd.Series(values))
        if pd.api.types.is_string_dtype(s.dtype):  # hashing the plain object array is about twice as fast
            s = s.to_numpy(dtype=object)
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        u = pd.Series(np.asarray(uniques, dtype=object), dtype=object).map(str).str.strip()
        if upper:
            u = u.str.upper()
        self.codes = np.asarray(codes, dtype=np.intp)
        self.uniques = np.append(u.to_numpy(dtype=object), "")  # code -1 (NA) picks the trailing ""

    def values(self, sel: np.ndarray | None = None) -> np.ndarray:
        """Object array of the normalised values (of the rows ``sel``)."""
        return self.uniques[self.codes if sel is None else self.codes[sel]]

    def isin(self, allowed, sel: np.ndarray | None = None) -> np.ndarray:
        """Boolean array: is each (selected) row's value in ``allowed``."""
        hit = pd.Series(self.uniques, dtype=object).isin(list(allowed)).to_numpy()
        return hit[self.codes if sel is None else self.codes[sel]]


def _integral_floats(s: pd.Series) -> pd.Series:
    """Numbers read as floats because of blanks (123.0) back to integers, so they print as "123"."""
    if pd.api.types.is_float_dtype(s.dtype):
        whole = s.dropna()
        if len(whole) and bool((whole == np.floor(whole)).all()):
            return s.astype("Int64")
    return s


def _text(values, n: int) -> np.ndarray:
    """Object array of a free-text column as given (postcodes, URN), NA as "" (no per-value work for text)."""
    if values is None:
        return np.full(n, "", dtype=object)
    s = _integral_floats(values if isinstance(values, pd.Series) else pd.Series(values))
    all_text = isinstance(s.dtype, pd.StringDtype) or (
        pd.api.types.is_object_dtype(s.dtype) and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")
    )
    if not all_text:  # numbers, or text mixed with numbers
        s = s.map(str, na_action="ignore")
    na = s.isna().to_numpy()
    arr = np.array(s.to_numpy(dtype=object), dtype=object, copy=True)
    arr[na] = ""
    return arr


_PANDAS3 = int(pd.__version__.split(".")[0]) >= 3
_STR_DTYPE = pd.StringDtype(na_value=np.nan) if _PANDAS3 else object


def _str_series(values: np.ndarray, index=None) -> pd.Series:
    """A Series of pandas' default string dtype from an object array of str."""
    return pd.Series(values, index=index, dtype=_STR_DTYPE)


def _dates(values) -> pd.Series:
    """datetime64[ns] to the day; text is read as ISO or dd/mm/YYYY; unparseable or out-of-range dates are NaT.

    datetime64[ns] covers 1677 to 2262; a date outside that (a typed year 3020,
    say) becomes NaT rather than an error.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):  # text: ISO YYYY-MM-DD, else dd/mm/YYYY
        text = s.astype(object).where(s.notna(), None).map(lambda v: v if v is None else str(v).strip())
        iso = pd.to_datetime(text, errors="coerce", format="ISO8601")
        s = iso.fillna(pd.to_datetime(text.str.slice(0, 10), errors="coerce", format="%d/%m/%Y"))
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    if s.dtype != np.dtype(_NS):
        s = s.where((s >= pd.Timestamp.min) & (s <= pd.Timestamp.max))
    return s.astype(_NS).dt.normalize()


def _ymd(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of a datetime64 array (meaningless where NaT; mask separately)."""
    days = d.astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    return (
        years.astype(np.int64) + 1970,
        (months - years.astype("datetime64[M]")).astype(np.int64) + 1,
        (days - months.astype("datetime64[D]")).astype(np.int64) + 1,
    )


def _age(d: np.ndarray, o: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole years from datetime64[ns] ``d`` to ``o`` (same length); NA if either is NaT or o < d."""
    dy, dm, dd = _ymd(d)
    oy, om, od = _ymd(o)
    before_birthday = (om < dm) | ((om == dm) & (od < dd))
    age = oy - dy - before_birthday.astype(np.int64)
    mask = np.isnat(d) | np.isnat(o) | (o < d)
    return pd.arrays.IntegerArray(np.where(mask, 0, age).astype(np.int64), mask)


def age_in_years(dob, on) -> pd.Series | pd.arrays.IntegerArray:
    """Age in whole years on a date (or on each of an array of dates).

    A child is a year older on the anniversary of birth, so a child born on
    31 March 2023 is 1 on 31 March 2024. A child born on 29 February becomes a
    year older on 1 March in years that are not leap years.

    Parameters
    ----------
    dob : array-like of datetime64
        Dates of birth.
    on : date-like, or array-like of datetime64 the same length as ``dob``
        The date (or one date per child) at which to measure age.

    Returns
    -------
    pandas.Series or pandas.arrays.IntegerArray
        Nullable integers (``Int64``): NA where DOB or the date is missing, or
        DOB falls after the date. A Series with ``dob``'s index if ``dob`` is
        a Series.
    """
    d = _dates(dob if isinstance(dob, pd.Series) else pd.Series(np.asarray(dob))).to_numpy(_NS)
    if np.ndim(on) == 0:
        day = np.datetime64("NaT", "ns") if pd.isna(on) else _as_day(on)
        o = np.full(len(d), day, dtype=_NS)
    else:
        o = _dates(pd.Series(np.asarray(on))).to_numpy(_NS)
    out = _age(d, o)
    return pd.Series(out, index=dob.index) if isinstance(dob, pd.Series) else out


def collection_year(dates) -> pd.arrays.IntegerArray:
    """The collection year (the year ending 31 March) in which each date falls.

    Parameters
    ----------
    dates : array-like of datetime64

    Returns
    -------
    pandas.arrays.IntegerArray
        ``year + 1`` for dates from 1 April, ``year`` for January to March; NA for NaT.
    """
    d = _dates(pd.Series(np.asarray(dates))).to_numpy(_NS)
    y, m, _ = _ymd(d)
    return pd.arrays.IntegerArray((y + (m >= 4)).astype(np.int64), np.isnat(d))


def _as_day(when) -> np.datetime64:
    """A date-like as a datetime64[ns] midnight."""
    ts = pd.Timestamp(when)
    if ts is pd.NaT:
        raise ValueError("a date is needed, not NaT")
    return ts.normalize().to_datetime64().astype(_NS)


def _year_bounds(year: int) -> tuple[np.datetime64, np.datetime64]:
    """First and last day of the collection year ending 31 March ``year``."""
    return np.datetime64(f"{int(year) - 1:04d}-04-01", "ns"), np.datetime64(f"{int(year):04d}-03-31", "ns")


def _group_bounds(breaks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From a boolean 'a new group starts here' array: first rows, last rows, group number of each row."""
    n = len(breaks)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    breaks = breaks.copy()
    breaks[0] = True
    first = np.flatnonzero(breaks)
    last = np.append(first[1:] - 1, n - 1)
    group = np.cumsum(breaks) - 1
    return first, last, group


def _reason_groups(reason: np.ndarray, is_open: np.ndarray) -> np.ndarray:
    """Reason group of each period from its last REC (object array) and whether it is open."""
    group = pd.Series(reason, dtype=object).map(_REC_TO_GROUP).to_numpy(dtype=object)
    return np.where(is_open, IN_CARE, np.where(pd.isna(group), UNKNOWN, group)).astype(object)


# --------------------------------------------------------------------------- placement category


def placement_category(place, provider) -> pd.Series | str:
    """The report's placement category of each (PLACE, PLACE_PROVIDER) pair.

    ========================  ====================================================
    category                  codes
    ========================  ====================================================
    in-house fostering        PLACE U4-U6 with PLACE_PROVIDER PR1 (own provision)
    other LA fostering        U4-U6 with PR2 (another council's carers)
    IFA fostering             U4-U6 with PR4 or PR5 (private or voluntary agency)
    kinship fostering         U1-U3, any provider
    residential               ``spec.RESIDENTIAL`` (K1 K2 R1 R2 R3 S1 P3)
    independent living        ``spec.INDEPENDENT_LIVING`` (H5 P2 K3)
    placed with parents       P1
    adoption placement        A3-A6
    other                     everything else: U4-U6 with PR0, PR3 or no
                              provider, T0-T4, R5, Z1/Z11-Z14, blank, unknown
    ========================  ====================================================

    Codes are compared after stripping spaces and upper-casing.

    Parameters
    ----------
    place, provider : array-like of str, or str
        PLACE and PLACE_PROVIDER codes, the same length (blank may be "" or NA).

    Returns
    -------
    pandas.Series or str
        One of ``spec.PLACEMENT_CATEGORIES`` per row, with ``place``'s index if
        it is a Series; a plain string if both arguments are scalars.
    """
    if np.ndim(place) == 0 and np.ndim(provider) == 0:
        return str(placement_category(pd.Series([place], dtype=object), pd.Series([provider], dtype=object)).iloc[0])
    index = place.index if isinstance(place, pd.Series) else None
    place = place if isinstance(place, pd.Series) else pd.Series(np.asarray(place, dtype=object), dtype=object)
    provider = (
        provider if isinstance(provider, pd.Series) else pd.Series(np.asarray(provider, dtype=object), dtype=object)
    )
    if len(place) != len(provider):
        raise ValueError(f"place and provider differ in length ({len(place)} and {len(provider)})")
    pl = _Coded(place.reset_index(drop=True), len(place), upper=True)
    pr = _Coded(provider.reset_index(drop=True), len(provider), upper=True)
    return _str_series(_categories(pl, pr), index=index)


def _categories(pl: _Coded, pr: _Coded, sel: np.ndarray | None = None) -> np.ndarray:
    """Vectorised core of :func:`placement_category`: worked out once per distinct (PLACE, provider) pair."""
    pc = pl.codes if sel is None else pl.codes[sel]
    rc = pr.codes if sel is None else pr.codes[sel]
    # -1 (NA) -> the trailing "" in uniques; shift so every code is >= 0 before combining
    pc = np.where(pc < 0, len(pl.uniques) - 1, pc)
    rc = np.where(rc < 0, len(pr.uniques) - 1, rc)
    pair_of_row, pair = pd.factorize(pc.astype(np.int64) * len(pr.uniques) + rc)
    place = pd.Series(pl.uniques[pair // len(pr.uniques)], dtype=object)
    provider = pd.Series(pr.uniques[pair % len(pr.uniques)], dtype=object)
    mainstream = place.isin(spec.FOSTER_MAINSTREAM).to_numpy()
    conditions = [
        mainstream & (provider == "PR1").to_numpy(),
        mainstream & (provider == "PR2").to_numpy(),
        mainstream & provider.isin(("PR4", "PR5")).to_numpy(),
        place.isin(spec.FOSTER_KINSHIP).to_numpy(),
        place.isin(spec.RESIDENTIAL).to_numpy(),
        place.isin(spec.INDEPENDENT_LIVING).to_numpy(),
        (place == "P1").to_numpy(),
        place.isin(spec.ADOPTION_PLACEMENTS).to_numpy(),
    ]
    labels = np.array(spec.PLACEMENT_CATEGORIES, dtype=object)
    which = np.select(conditions, np.arange(len(conditions)), default=len(labels) - 1)
    return labels[which][pair_of_row]


# --------------------------------------------------------------------------- prepare


def _header_lookup(header: pd.DataFrame | None) -> pd.DataFrame:
    """One header row per CHILD (the latest YEAR's), indexed by normalised CHILD, with DOB and SEX."""
    if header is None or "CHILD" not in header.columns or len(header) == 0:
        return pd.DataFrame(
            {"DOB": pd.Series(dtype=_NS), "SEX": pd.Series(dtype=object)},
            index=pd.Index([], dtype=object, name="CHILD"),
        )
    n = len(header)
    h = pd.DataFrame(
        {
            "CHILD": _Coded(header["CHILD"].reset_index(drop=True), n, upper=False).values(),
            "DOB": _dates(header["DOB"]).to_numpy(_NS)
            if "DOB" in header.columns
            else np.full(n, np.datetime64("NaT"), dtype=_NS),
            "SEX": _Coded(
                header["SEX"].reset_index(drop=True) if "SEX" in header.columns else None, n, upper=True
            ).values(),
        }
    )
    if "YEAR" in header.columns:
        h["_y"] = pd.to_numeric(header["YEAR"], errors="coerce").to_numpy(dtype=float)
        h = h.sort_values("_y", kind="stable", na_position="first")
    h = h[h["CHILD"] != ""].drop_duplicates("CHILD", keep="last")
    return h.set_index("CHILD")[["DOB", "SEX"]]


def _read_episodes(
    ep: pd.DataFrame,
) -> tuple[_Coded, np.ndarray, np.ndarray, dict[str, _Coded], pd.arrays.IntegerArray]:
    """The episodes' CHILD, DECOM, DEC (NaT where blank), code columns and YEAR (Int64), normalised."""
    n_in = len(ep)
    child = _Coded(ep["CHILD"], n_in, upper=False)
    decom = _dates(ep["DECOM"]).to_numpy(_NS)
    dec = _dates(ep["DEC"]).to_numpy(_NS) if "DEC" in ep.columns else np.full(n_in, np.datetime64("NaT"), dtype=_NS)
    codes = {c: _Coded(ep[c] if c in ep.columns else None, n_in, upper=True) for c in _EPISODE_CODE_COLUMNS}
    year = (
        pd.to_numeric(ep["YEAR"], errors="coerce").astype("Int64").array
        if "YEAR" in ep.columns
        else pd.array([pd.NA] * n_in, dtype="Int64")
    )
    return child, decom, dec, codes, year


def _keep_and_order(
    child: _Coded, decom: np.ndarray, dec: np.ndarray, codes: dict[str, _Coded]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which episodes to keep, and in what order.

    Returns the sorted distinct CHILDs, each row's rank among them, the short-break and
    no CHILD/DECOM masks, and the kept rows' positions in (child, DECOM, DEC (open last), input) order.
    """
    # one sortable rank per distinct normalised CHILD (" 12" and "12" are the same child)
    child_rank_of_code, child_values = pd.factorize(pd.Series(child.uniques, dtype=object), sort=True)
    child_values = np.asarray(child_values, dtype=object)
    rank = child_rank_of_code[child.codes]  # code -1 picks the last unique, ""

    short_break = codes["LS"].isin(spec.SHORT_BREAKS)
    unplaceable = (child_values[rank] == "") | np.isnat(decom)
    keep = np.flatnonzero(~short_break & ~unplaceable)

    # order: child, DECOM, then DEC (open last), then input order
    dec_key = np.where(np.isnat(dec), np.iinfo(np.int64).max, dec.view(np.int64))
    order = np.lexsort((keep, dec_key[keep], decom.view(np.int64)[keep], rank[keep]))
    return child_values, rank, short_break, unplaceable, keep[order]


def _episode_frame(
    ep: pd.DataFrame,
    child: np.ndarray,
    d0: np.ndarray,
    d1: np.ndarray,
    codes: dict[str, _Coded],
    year: pd.arrays.IntegerArray,
    sel: np.ndarray,
) -> pd.DataFrame:
    """The kept episodes' own columns: CHILD, DECOM, DEC, the codes, the text columns and YEAR."""
    n_in = len(ep)
    out = pd.DataFrame({"CHILD": _str_series(child), "DECOM": d0, "DEC": d1})
    for c in _EPISODE_CODE_COLUMNS:
        out[c] = _str_series(codes[c].values(sel))
    for c in _EPISODE_TEXT_COLUMNS:
        out[c] = _str_series(_text(ep[c] if c in ep.columns else None, n_in)[sel])
    out["YEAR"] = year[sel]
    return out


def _add_header(out: pd.DataFrame, header: pd.DataFrame | None, child_values: np.ndarray, cc: np.ndarray) -> np.ndarray:
    """Add DOB and SEX from the header to ``out`` (NaT and "" where the child is not in it); returns DOB."""
    hdr = _header_lookup(header)
    pos = hdr.index.get_indexer(pd.Index(child_values, dtype=object))[cc]  # -1 where not in the header
    dob = np.append(hdr["DOB"].to_numpy(_NS), np.datetime64("NaT", "ns"))[pos]
    sex = np.append(hdr["SEX"].to_numpy(dtype=object), "")[pos]
    out["DOB"] = dob
    out["SEX"] = _str_series(sex)
    return dob


def _add_periods(
    out: pd.DataFrame,
    cc: np.ndarray,
    d0: np.ndarray,
    d1: np.ndarray,
    codes: dict[str, _Coded],
    sel: np.ndarray,
    dob: np.ndarray,
) -> None:
    """Add the period columns (period_id ... new_legal_status) to the ordered kept episodes ``out``."""
    n = len(sel)
    new_child = np.ones(n, dtype=bool)
    new_child[1:] = cc[1:] != cc[:-1]
    gap = np.ones(n, dtype=bool)
    gap[1:] = d0[1:] != d1[:-1]  # a NaT previous DEC (an episode left open) also counts as a gap
    new_period = new_child | gap | codes["RNE"].isin({"S"}, sel)
    first, last, grp = _group_bounds(new_period)
    child_first, _, child_grp = _group_bounds(new_child)
    p_start, p_end = d0[first][grp], d1[last][grp]
    rec_last = codes["REC"].codes[sel][last]
    reason_of_period = np.where(np.isnat(d1[last]), "", codes["REC"].uniques[rec_last]).astype(object)
    group_of_period = _reason_groups(reason_of_period, np.isnat(d1[last]))
    p_reason = reason_of_period[grp]
    out["period_id"] = grp + 1
    out["period_number"] = grp - grp[child_first][child_grp] + 1
    out["period_start"] = p_start
    out["period_end"] = p_end
    out["period_reason"] = _str_series(p_reason)
    out["reason_group"] = _str_series(group_of_period[grp])
    out["age_at_period_start"] = _age(dob[first], d0[first])[grp]
    out["episode_in_period"] = np.arange(n) - first[grp] + 1
    out["new_placement"] = codes["RNE"].isin(NEW_PLACEMENT_RNE, sel) | new_period
    out["new_legal_status"] = codes["RNE"].isin(NEW_LEGAL_STATUS_RNE, sel) | new_period


def prepare(episodes: pd.DataFrame, header: pd.DataFrame | None) -> pd.DataFrame:
    """Clean, order and enrich the episodes, and group them into periods of care.

    Short-break episodes (LS V3 or V4) are dropped first, as DfE leaves them out
    of its figures. Periods are then formed from the remaining episodes only:
    per child, in DECOM order, a new period starts at the child's first
    remaining episode, at any episode with RNE = S, and at any episode that
    does not start on the day the previous remaining episode ended (a gap;
    this includes the gap a dropped short break leaves, and an episode after
    one still open). So a child who moves from short breaks into full-time
    care starts a period at that move, whatever its RNE, and a short break
    between two ordinary episodes splits them into two periods.

    Parameters
    ----------
    episodes : pandas.DataFrame
        The loader's episodes (see the module docstring for the contract).
    header : pandas.DataFrame or None
        The loader's header; supplies DOB and SEX.

    Returns
    -------
    pandas.DataFrame
        One row per kept episode, sorted by CHILD then DECOM, with a fresh
        RangeIndex and columns :data:`PREPARED_COLUMNS`:

        * the episode columns (codes stripped and upper-cased, blanks ""),
          YEAR (Int64), and DOB, SEX from the header;
        * ``placement_category``: :func:`placement_category` of PLACE and PLACE_PROVIDER;
        * ``period_id``: integer from 1, unique across the table, increasing
          down it; ``period_number``: 1 for a child's first period, 2 for the second...;
        * ``period_start``: DECOM of the period's first episode;
          ``period_end``: DEC of its last (NaT while open);
        * ``period_reason``: REC of the last episode ("" while open);
          ``reason_group``: its ``spec.REASON_GROUPS`` key, :data:`IN_CARE`
          while open, :data:`UNKNOWN` if the REC is blank, X1 or unknown;
        * ``age_at_period_start``: whole years (Int64, NA if DOB unknown);
        * ``episode_in_period``: 1, 2, ... within the period;
        * ``new_placement``: RNE in S, P, B, T, U; ``new_legal_status``: RNE in
          S, L, B, U. Both are also True on the first episode of every period
          whatever its RNE (a period always begins a placement and a status).

        ``attrs["dropped"]`` holds the numbers of episodes dropped as short
        breaks and as having no CHILD or DECOM.

    Raises
    ------
    ValueError
        If ``episodes`` has no CHILD or no DECOM column.
    """
    ep = episodes.reset_index(drop=True)
    for col in ("CHILD", "DECOM"):
        if col not in ep.columns:
            raise ValueError(f"the episodes table has no {col} column, which is required (columns: {list(ep.columns)})")

    child, decom, dec, codes, year = _read_episodes(ep)
    child_values, rank, short_break, unplaceable, sel = _keep_and_order(child, decom, dec, codes)
    cc, d0, d1 = rank[sel], decom[sel], dec[sel]
    out = _episode_frame(ep, child_values[cc], d0, d1, codes, year, sel)
    dob = _add_header(out, header, child_values, cc)
    out["placement_category"] = _str_series(_categories(codes["PLACE"], codes["PLACE_PROVIDER"], sel))
    _add_periods(out, cc, d0, d1, codes, sel, dob)

    out = out[list(PREPARED_COLUMNS)]
    out.attrs["dropped"] = {
        "short_breaks": int(short_break.sum()),
        "no_child_or_decom": int((unplaceable & ~short_break).sum()),
    }
    return out


# --------------------------------------------------------------------------- periods


def _ordered(prepared: pd.DataFrame) -> pd.DataFrame:
    """``prepared`` in (period_id, DECOM) order, as :func:`prepare` leaves it; re-sorts only if needed."""
    if prepared["period_id"].is_monotonic_increasing:
        return prepared.reset_index(drop=True)
    return prepared.sort_values(["period_id", "DECOM"], kind="stable").reset_index(drop=True)


def _breaks(p: pd.DataFrame, flag: np.ndarray | None = None) -> np.ndarray:
    """Rows where a period (or, with ``flag``, a spell) begins: a change of period_id, or the flag."""
    pid = p["period_id"].to_numpy()
    b = np.ones(len(p), dtype=bool)
    b[1:] = pid[1:] != pid[:-1]
    return b | flag if flag is not None else b


def periods(prepared: pd.DataFrame) -> pd.DataFrame:
    """One row per period of care.

    Parameters
    ----------
    prepared : pandas.DataFrame
        Output of :func:`prepare`. A row subset of it also works: each period
        is then described from the rows given.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PERIOD_COLUMNS`, in CHILD then start order:
        CHILD, period_id, period_number; ``start`` and ``end`` (NaT while
        open); ``reason`` (REC of the last episode, "" while open) and
        ``reason_group``; ``age_at_start`` (whole years); DOB, SEX;
        ``first_rne`` (RNE of the first episode: "S" for a recorded start;
        anything else means the period began before the data or after a gap);
        ``first_ls`` (legal status at entry); ``cin`` (category of need at
        entry); ``first_placement_category``; ``n_placements`` (episodes with
        ``new_placement``, so at least 1); ``n_episodes``; ``days`` (end minus
        start, NA while open); ``entry_year`` and ``exit_year`` (collection
        years, ending 31 March, of start and end; exit_year NA while open).
    """
    p = _ordered(prepared)
    first, last, _ = _group_bounds(_breaks(p))
    f, lst = p.iloc[first], p.iloc[last]
    end = lst["DEC"].to_numpy(_NS)
    start = f["DECOM"].to_numpy(_NS)
    is_open = np.isnat(end)
    reason = np.where(is_open, "", lst["REC"].to_numpy(dtype=object)).astype(object)
    group = _reason_groups(reason, is_open)
    new_pl = p["new_placement"].to_numpy(dtype=bool).astype(np.int64)
    n_pl = np.add.reduceat(new_pl, first) if len(first) else np.zeros(0, dtype=np.int64)
    n_pl = np.maximum(n_pl, 1)  # a period always has a placement, even if a subset lost its first row
    days = (end - start).astype("timedelta64[D]").astype(np.int64)
    out = pd.DataFrame(
        {
            "CHILD": f["CHILD"].to_numpy(dtype=object),
            "period_id": f["period_id"].to_numpy(),
            "period_number": f["period_number"].to_numpy(),
            "start": start,
            "end": end,
            "reason": reason,
            "reason_group": group,
            "age_at_start": _age(f["DOB"].to_numpy(_NS), start),
            "DOB": f["DOB"].to_numpy(_NS),
            "SEX": f["SEX"].to_numpy(dtype=object),
            "first_rne": f["RNE"].to_numpy(dtype=object),
            "first_ls": f["LS"].to_numpy(dtype=object),
            "cin": f["CIN"].to_numpy(dtype=object),
            "first_placement_category": f["placement_category"].to_numpy(dtype=object),
            "n_placements": n_pl.astype(np.int64),
            "n_episodes": (last - first + 1).astype(np.int64),
            "days": pd.arrays.IntegerArray(np.where(is_open, 0, days), is_open.copy()),
            "entry_year": collection_year(start),
            "exit_year": collection_year(end),
        }
    )
    for c in ("CHILD", "reason", "reason_group", "SEX", "first_rne", "first_ls", "cin", "first_placement_category"):
        out[c] = _str_series(out[c].to_numpy(dtype=object))
    return out[list(PERIOD_COLUMNS)]


# --------------------------------------------------------------------------- counts
