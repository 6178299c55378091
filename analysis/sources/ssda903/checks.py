"""The validator's checks: one function per family of rules, vectorised over every table of a return."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.findings import (
    TABLE_LABELS,
    Return903,
    make_findings,
    quote_value,
    year_label,
)
from analysis.sources.ssda903.load import episode_order
from analysis.sources.ssda903.rules import (
    _ADOPTED,
    _FIXED_CODES,
    _HINT_YEARS,
    _NOT_FUTURE,
    _YEAR_CODES,
    REQUIRED_VALUES,
    RULES,
)


def _dates_text(values) -> np.ndarray:
    """dd/mm/YYYY text of datetime-like values (object array; NaT -> '')."""
    idx = pd.DatetimeIndex(np.asarray(values, dtype="datetime64[ns]"))
    return np.asarray(idx.strftime("%d/%m/%Y").fillna(""), dtype=object)


def _year_dates(years, month_day: str, offset: int = 0) -> np.ndarray:
    """datetime64[ns] of ``YEAR+offset-month_day`` for each year (computed once per distinct year)."""
    years = np.asarray(years, dtype="int64")
    if years.size == 0:
        return np.asarray([], dtype="datetime64[ns]")
    uniques, inverse = np.unique(years, return_inverse=True)
    table = np.asarray([np.datetime64(f"{int(y) + offset:04d}-{month_day}", "ns") for y in uniques])
    return table[inverse]


def _text(values) -> np.ndarray:
    return np.asarray(pd.Series(values).astype(str).to_numpy(dtype=object), dtype=object)


def _valid_years(attr: str, value: str) -> list[int]:
    return [y for y in _HINT_YEARS if value in getattr(spec.code_lists(y), attr)]


def _code_message(column: str, value: str, year: int, attr: str) -> str:
    valid = sorted(getattr(spec.code_lists(year), attr))
    shown = quote_value(value)
    head = f"{column} {shown}" if shown else column
    hint = ""
    if shown:
        years = _valid_years(attr, value)
        if years:
            lo, hi = years[0], years[-1]
            if hi == _HINT_YEARS[-1]:
                hint = f" (it is valid from {year_label(lo)})"
            elif lo == _HINT_YEARS[0]:
                hint = f" (it is valid up to {year_label(hi)})"
            else:
                hint = f" (it is valid from {year_label(lo)} to {year_label(hi)})"
    return f"{head} is not a valid code in {year_label(year)}{hint}; expected one of {', '.join(valid)}."


class _Check:
    """State shared by the checks of one validation run."""

    def __init__(self, ret: Return903, today: date):
        self.ret = ret
        self.today = pd.Timestamp(today)
        self.parts: list[pd.DataFrame] = []
        f = ret.findings
        absent = f[f["rule"].isin(["missing-column", "missing-optional-column"])]
        self.absent: dict[str, set[str]] = {}
        for file, column in zip(absent["file"], absent["column"]):
            self.absent.setdefault(column, set()).add(file)
        # one integer per child across the tables, and keys (YEAR, CHILD) -- or CHILD once stacked -- as int64
        linked = ("header", "episodes", "uasc", "ad1", "placed_adoption")
        codes, _ = pd.factorize(pd.concat([ret.tables[t]["CHILD"] for t in linked], ignore_index=True))
        self.key: dict[str, pd.Series] = {}
        self.child_code: dict[str, np.ndarray] = {}
        start = 0
        for t in linked:
            frame = ret.tables[t]
            code = codes[start : start + len(frame)].astype("int64")
            start += len(frame)
            key = code if ret.stacked else (frame["YEAR"].to_numpy().astype("int64") << 32) | code
            self.key[t] = pd.Series(np.where(code < 0, -1, key), index=frame.index)
            self.child_code[t] = code
        self._header: tuple[pd.Series, np.ndarray] | None = None
        bad = f[f["rule"] == "date-format"]
        self.bad_dates: dict[str, pd.MultiIndex] = {
            c: pd.MultiIndex.from_arrays([g["file"].astype(str), g["row"].astype("int64")])
            for c, g in bad.groupby("column")
        }

    def emit(self, rule: str, rows: pd.DataFrame, column: str | None, message) -> None:
        if len(rows) == 0:
            return
        if isinstance(message, pd.Series):
            message = message.to_numpy(dtype=object)
        self.parts.append(
            make_findings(
                RULES[rule],
                file=rows["_file"].astype(str),
                row=rows["_row"],
                child=rows.get("CHILD"),
                column=column,
                message=message,
            )
        )

    def present(self, frame: pd.DataFrame, column: str) -> np.ndarray:
        """Rows whose file has ``column``."""
        files = self.absent.get(column)
        if not files:
            return np.ones(len(frame), dtype=bool)
        return ~frame["_file"].astype(str).isin(files).to_numpy()

    def unparsed(self, frame: pd.DataFrame, column: str) -> np.ndarray:
        """Rows whose ``column`` held text that is not a date (already reported)."""
        keys = self.bad_dates.get(column)
        if keys is None or len(frame) == 0:
            return np.zeros(len(frame), dtype=bool)
        return pd.MultiIndex.from_arrays([frame["_file"].astype(str), frame["_row"]]).isin(keys)


def _keys(c: _Check, table: str, rows: pd.DataFrame) -> np.ndarray:
    """The int64 key ((YEAR, CHILD), or CHILD once stacked) of ``rows`` of ``table``; -1 when CHILD is blank."""
    return c.key[table].loc[rows.index].to_numpy()


def _where(stacked: bool, years, word: str = " for") -> np.ndarray | str:
    """' for 2016-17' for each year (nothing once stacked)."""
    if stacked:
        return ""
    years = np.asarray(years, dtype="int64")
    uniques, inverse = np.unique(years, return_inverse=True)
    labels = np.asarray([f"{word} {year_label(int(y))}" for y in uniques], dtype=object)
    return labels[inverse] if years.size else np.asarray([], dtype=object)


# --------------------------------------------------------------------------- checks


def _check_blank(c: _Check) -> None:
    for table, frame in c.ret.tables.items():
        label = TABLE_LABELS[table]
        for column in REQUIRED_VALUES.get(table, ("CHILD",)):
            if len(frame) == 0:
                continue
            mask = frame[column].isna().to_numpy() & c.present(frame, column) & ~c.unparsed(frame, column)
            c.emit("blank-value", frame.loc[mask], column, f"{column} is blank; {label} requires it.")


def _not_in(values: pd.Series, valid) -> np.ndarray:
    """Rows whose value is given (not blank) and not in ``valid``."""
    mask = ~values.isin(valid).to_numpy()
    if mask.any():
        candidates = np.flatnonzero(mask)
        mask[candidates] = values.iloc[candidates].notna().to_numpy()
    return mask


def _check_codes(c: _Check) -> None:
    t = c.ret.tables
    for table, column, attr, rule in _YEAR_CODES:
        frame = t[table]
        if len(frame) == 0:
            continue
        values = frame[column]
        years = pd.unique(frame["YEAR"])
        for year in years:
            valid = getattr(spec.code_lists(int(year)), attr)
            mask = _not_in(values, valid)
            if len(years) > 1:
                mask &= (frame["YEAR"] == year).to_numpy()
            if mask.any():
                bad = values[mask]
                messages = {v: _code_message(column, v, int(year), attr) for v in pd.unique(bad)}
                c.emit(rule, frame.loc[mask], column, bad.map(messages))
    for table, column, codes, rule in _FIXED_CODES:
        frame = t[table]
        if len(frame) == 0:
            continue
        values = frame[column]
        mask = _not_in(values, codes)
        if mask.any():
            bad = values[mask]
            messages = {}
            for v in pd.unique(bad):
                shown = quote_value(v)
                messages[v] = (
                    f"{column} {shown or ''} is not a valid code; expected one of {', '.join(codes)}.".replace(
                        "  ", " "
                    )
                )
            c.emit(rule, frame.loc[mask], column, bad.map(messages))


def _check_provider_and_rec(c: _Check) -> None:
    ep = c.ret.tables["episodes"]
    if len(ep) == 0:
        return
    place, provider = ep["PLACE"], ep["PLACE_PROVIDER"]
    has_provider_col = c.present(ep, "PLACE_PROVIDER")
    for year in pd.unique(ep["YEAR"]):
        cl = spec.code_lists(int(year))
        in_year = (ep["YEAR"] == year).to_numpy()
        none = place.isin(cl.no_provider_place).to_numpy()
        needs = place.isin(cl.place).to_numpy() & ~none
        mask = in_year & none & provider.notna().to_numpy()
        if mask.any():
            c.emit(
                "provider-not-blank",
                ep.loc[mask],
                "PLACE_PROVIDER",
                "PLACE_PROVIDER must be blank when PLACE is "
                + place[mask]
                + " (a placement recorded with no provider).",
            )
        mask = in_year & needs & provider.isna().to_numpy() & has_provider_col
        if mask.any():
            c.emit(
                "provider-missing",
                ep.loc[mask],
                "PLACE_PROVIDER",
                "PLACE_PROVIDER is blank; PLACE "
                + place[mask]
                + f" needs a provider ({', '.join(sorted(cl.place_provider))}).",
            )
        mask = in_year & ~none & _not_in(provider, cl.place_provider)
        if mask.any():
            bad = provider[mask]
            messages = {v: _code_message("PLACE_PROVIDER", v, int(year), "place_provider") for v in pd.unique(bad)}
            c.emit("invalid-place-provider", ep.loc[mask], "PLACE_PROVIDER", bad.map(messages))

    dec_blank = ep["DEC"].isna().to_numpy() & ~c.unparsed(ep, "DEC")
    rec = ep["REC"]
    mask = ep["DEC"].notna().to_numpy() & rec.isna().to_numpy() & c.present(ep, "REC")
    c.emit("rec-missing", ep.loc[mask], "REC", "DEC is recorded but REC (reason the episode ceased) is blank.")
    mask = dec_blank & rec.notna().to_numpy() & c.present(ep, "DEC")
    shown = rec[mask].map(quote_value).astype("str")
    c.emit(
        "rec-without-dec",
        ep.loc[mask],
        "REC",
        ("REC " + shown + " is recorded but DEC is blank: an open episode has no reason for ending.").fillna(
            "REC is recorded but DEC is blank: an open episode has no reason for ending."
        ),
    )


def _check_future_dates(c: _Check) -> None:
    """Report dates after today in the columns of :data:`_NOT_FUTURE`."""
    t = c.ret.tables
    today = c.today.normalize()
    for table, columns in _NOT_FUTURE.items():
        frame = t[table]
        for column in columns:
            if len(frame) == 0:
                continue
            mask = (frame[column] > today).to_numpy()
            if not mask.any():
                continue
            if column in ("DOB", "MC_DOB"):
                message = f"{column} is in the future (today is {today:%d/%m/%Y})."
            else:
                message = (
                    f"{column} "
                    + _dates_text(frame.loc[mask, column])
                    + f" is in the future (today is {today:%d/%m/%Y})."
                )
            c.emit("future-date", frame.loc[mask], column, message)


def _check_episode_year(c: _Check, ep: pd.DataFrame) -> None:
    """Report episode dates after the collection year's end, and episodes that ended before it began."""
    year = ep["YEAR"].to_numpy()
    year_end = _year_dates(year, "03-31")
    year_start = _year_dates(year, "04-01", -1)
    for column in ("DECOM", "DEC"):
        values = ep[column].to_numpy()
        mask = ep[column].notna().to_numpy() & (values > year_end)
        if mask.any():
            c.emit(
                "date-after-year-end",
                ep.loc[mask],
                column,
                f"{column} "
                + _dates_text(values[mask])
                + " is after 31/03/"
                + _text(year[mask])
                + ", the end of the "
                + _text([year_label(int(y)) for y in year[mask]])
                + " collection year.",
            )
    dec = ep["DEC"]
    values = dec.to_numpy()
    mask = dec.notna().to_numpy() & (values < year_start)
    if mask.any():
        c.emit(
            "episode-outside-year",
            ep.loc[mask],
            "DEC",
            "episode ended on "
            + _dates_text(values[mask])
            + ", before the "
            + _text([year_label(int(y)) for y in year[mask]])
            + " collection year began on 01/04/"
            + _text(year[mask] - 1)
            + ": it does not belong in this return.",
        )


def _check_episode_ages(c: _Check, ep: pd.DataFrame) -> None:
    """Report episodes starting before the child's DOB in Header, or when the child was 18 or over."""
    decom = ep["DECOM"]
    dob, _ = _header_lookup(c, "episodes")
    mask = (dob > decom).to_numpy()
    c.emit(
        "dob-after-decom",
        ep.loc[mask],
        "DECOM",
        "DECOM " + _dates_text(decom[mask]) + " is before the child's date of birth in Header.",
    )
    ok = dob.notna() & decom.notna() & ~(dob > decom)
    if ok.any():
        d, b = decom[ok], dob[ok]
        age = d.dt.year - b.dt.year - ((d.dt.month * 100 + d.dt.day) < (b.dt.month * 100 + b.dt.day)).astype("int64")
        old = ok.copy()
        old[ok] = (age >= 18).to_numpy()
        c.emit(
            "age-18-plus",
            ep.loc[old.to_numpy()],
            "DECOM",
            "child was 18 or over when this episode started (DECOM "
            + _dates_text(decom[old])
            + "); check DOB in Header.",
        )


def _check_dates(c: _Check) -> None:
    """Date checks: future dates, DEC before DECOM, dates outside the collection year, ages at DECOM."""
    _check_future_dates(c)
    ep = c.ret.tables["episodes"]
    if len(ep) == 0:
        return
    decom, dec = ep["DECOM"], ep["DEC"]
    mask = (dec < decom).to_numpy()
    c.emit(
        "dec-before-decom",
        ep.loc[mask],
        "DEC",
        "DEC " + _dates_text(dec[mask]) + " is before DECOM " + _dates_text(decom[mask]) + ".",
    )
    _check_episode_year(c, ep)
    _check_episode_ages(c, ep)


def _header_lookup(c: _Check, table: str) -> tuple[pd.Series, np.ndarray]:
    """DOB from Header for each row of ``table`` (matched on YEAR and CHILD), and whether the child is in Header."""
    if table == "episodes" and c._header is not None:
        return c._header
    frame = c.ret.tables[table]
    hkey = c.key["header"].to_numpy()
    first = (hkey >= 0) & ~pd.Series(hkey).duplicated().to_numpy()
    index = pd.Index(hkey[first])
    pos = index.get_indexer(c.key[table].to_numpy()) if first.any() else np.full(len(frame), -1)
    found = (pos >= 0) & (c.key[table].to_numpy() >= 0)
    dob = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if found.any():
        dob[found] = c.ret.tables["header"]["DOB"].to_numpy()[first][pos[found]]
    if table == "episodes":
        c._header = (dob, found)
    return dob, found


def _check_links(c: _Check) -> None:
    t, stacked = c.ret.tables, c.ret.stacked
    hd = t["header"]
    header_years = set(pd.unique(hd["YEAR"]).tolist())

    # duplicate children in Header
    hkey = c.key["header"]
    dup = (hkey >= 0).to_numpy() & hkey.duplicated().to_numpy()
    if dup.any():
        first = hd["_row"].groupby(hkey.to_numpy()).transform("first")
        rows = hd.loc[dup]
        c.emit(
            "duplicate-child",
            rows,
            "CHILD",
            "child appears more than once in Header"
            + _where(stacked, rows["YEAR"])
            + " (first at row "
            + _text(first[dup])
            + ").",
        )

    # children missing from Header
    for table, rule in (("episodes", "child-not-in-header"), ("uasc", "uasc-not-in-header")):
        frame = t[table]
        if len(frame) == 0 or len(hd) == 0:
            continue
        _, found = _header_lookup(c, table)
        key = c.key[table]
        checkable = (key >= 0).to_numpy().copy()
        if not stacked:
            checkable &= frame["YEAR"].isin(header_years).to_numpy()
        first = checkable & ~found & ~key.duplicated().to_numpy()
        if first.any():
            rows = frame.loc[first]
            c.emit(
                rule,
                rows,
                "CHILD",
                f"child is in {TABLE_LABELS[table]} but not in Header" + _where(stacked, rows["YEAR"]) + ".",
            )


def _sequence(c: _Check) -> dict[str, np.ndarray] | None:
    """Episodes in order within each child (and year), with the neighbours' values, as numpy arrays.

    Later duplicates (same child and DECOM) are reported here and left out of the sequence.
    """
    ep = c.ret.tables["episodes"]
    ok = (c.key["episodes"] >= 0).to_numpy() & ep["DECOM"].notna().to_numpy()
    if not ok.any():
        return None
    stacked = c.ret.stacked
    order = episode_order(ep, by_year=not stacked, child_codes=c.child_code["episodes"])
    order = order[ok[order]]
    key = c.key["episodes"].to_numpy()[order]
    decom = ep["DECOM"].to_numpy()[order]
    dup = np.zeros(len(order), dtype=bool)
    dup[1:] = (key[1:] == key[:-1]) & (decom[1:] == decom[:-1])
    if dup.any():
        # the first of each run of duplicates
        first = np.maximum.accumulate(np.where(~dup, np.arange(len(order)), 0))
        rows = ep.iloc[order[dup]]
        c.emit(
            "duplicate-episode",
            rows,
            "DECOM",
            "the child has another episode starting on DECOM "
            + _dates_text(rows["DECOM"])
            + " ("
            + "row "
            + _text(ep["_row"].to_numpy()[order[first[dup]]])
            + "): duplicate episode.",
        )
    order, key = order[~dup], key[~dup]
    e = ep.take(order)
    n = len(e)
    has_next = np.zeros(n, dtype=bool)
    has_next[:-1] = key[:-1] == key[1:]
    has_prev = np.zeros(n, dtype=bool)
    has_prev[1:] = has_next[:-1]
    nxt = np.minimum(np.arange(n) + 1, n - 1)
    dec = e["DEC"].to_numpy()
    return {
        "pos": order,
        "has_next": has_next,
        "has_prev": has_prev,
        "nxt": nxt,
        "group": np.cumsum(~has_prev) - 1,
        "year": e["YEAR"].to_numpy(),
        "decom": e["DECOM"].to_numpy(),
        "dec": dec,
        "dec_na": np.isnat(dec),
        "dec_bad": c.unparsed(e, "DEC"),
        "rne": e["RNE"].to_numpy(dtype=object, na_value=""),
        "rec": e["REC"].to_numpy(dtype=object, na_value=""),
        "file": e["_file"].astype(str).to_numpy(dtype=object),
        "row": e["_row"].to_numpy(),
    }


def _ref(s: dict[str, np.ndarray], at: np.ndarray, other: np.ndarray) -> np.ndarray:
    """'row N' of episode ``other`` as seen from ``at`` (with its file when the file differs)."""
    same = s["file"][at] == s["file"][other]
    rows = _text(s["row"][other])
    return np.where(same, "row " + rows, s["file"][other] + " row " + rows).astype(object)


def _seq_rows(ep: pd.DataFrame, s: dict[str, np.ndarray], mask: np.ndarray) -> pd.DataFrame:
    """The episodes rows at the sequence positions selected by ``mask``."""
    return ep.iloc[s["pos"][mask]]


def _check_joins(c: _Check, ep: pd.DataFrame, s: dict[str, np.ndarray]) -> None:
    """Episodes that overlap the next one, or end the day it starts with REC not X1, or X1 then RNE S."""
    nxt, has_next = s["nxt"], s["has_next"]
    decom, dec, rne, rec = s["decom"], s["dec"], s["rne"], s["rec"]
    next_decom = decom[nxt]
    closed = ~s["dec_na"]
    idx = np.arange(len(s["pos"]))

    overlap = has_next & closed & (dec > next_decom)
    i = idx[overlap]
    c.emit(
        "overlapping-episodes",
        _seq_rows(ep, s, overlap),
        "DEC",
        "DEC "
        + _dates_text(dec[i])
        + " is after DECOM "
        + _dates_text(next_decom[i])
        + " of the child's next episode ("
        + _ref(s, i, i + 1)
        + "): the episodes overlap.",
    )

    joined = has_next & closed & (dec == next_decom)
    exit_then_more = joined & (rec != "") & (rec != "X1")
    i = idx[exit_then_more]
    c.emit(
        "same-day-rec-not-x1",
        _seq_rows(ep, s, exit_then_more),
        "REC",
        "REC "
        + _safe(rec[i])
        + " ends the period of care but the child's next episode ("
        + _ref(s, i, i + 1)
        + ") starts the same day, "
        + _dates_text(dec[i])
        + ": use X1 for a change within the period, or correct the dates.",
    )

    restart = joined & (rec == "X1") & (rne[nxt] == "S")
    i = idx[restart] + 1
    c.emit(
        "x1-then-s",
        ep.iloc[s["pos"][i]],
        "RNE",
        "RNE is S (a new period) but the child's previous episode ("
        + _ref(s, i, i - 1)
        + ") ended the same day with X1: the period continues, so RNE should not be S.",
    )


def _check_gaps(c: _Check, ep: pd.DataFrame, s: dict[str, np.ndarray]) -> None:
    """X1 with no episode starting on DEC, and a new period after a gap that does not start with RNE S."""
    nxt, has_next = s["nxt"], s["has_next"]
    decom, dec, rne, rec = s["decom"], s["dec"], s["rne"], s["rec"]
    closed = ~s["dec_na"]
    idx = np.arange(len(s["pos"]))

    gap = has_next & closed & (dec < decom[nxt])
    x1_alone = (rec == "X1") & closed & ~s["dec_bad"] & (~has_next | gap)
    i = idx[x1_alone]
    c.emit(
        "x1-not-followed",
        _seq_rows(ep, s, x1_alone),
        "REC",
        "REC is X1 but no episode of this child starts on the DEC date "
        + _dates_text(dec[i])
        + ": X1 means a new episode starts the same day.",
    )

    new_period = gap & (rne[nxt] != "") & (rne[nxt] != "S")
    i = idx[new_period] + 1
    c.emit(
        "period-start-not-s",
        ep.iloc[s["pos"][i]],
        "RNE",
        "RNE is "
        + _safe(rne[i])
        + " but the child's previous episode ("
        + _ref(s, i, i - 1)
        + ") ended on "
        + _dates_text(dec[i - 1])
        + ", before this one began: a new period of care must start with RNE S.",
    )


def _check_first_episodes(c: _Check, ep: pd.DataFrame, s: dict[str, np.ndarray]) -> None:
    """A child's first episode not starting with RNE S (separately when it began before the data start)."""
    stacked = c.ret.stacked
    decom, rne = s["decom"], s["rne"]
    idx = np.arange(len(s["pos"]))
    first = ~s["has_prev"] & (rne != "") & (rne != "S")
    if stacked:
        data_start = np.full(len(s["pos"]), np.datetime64(f"{min(c.ret.years) - 1}-04-01", "ns"))
    else:
        data_start = _year_dates(s["year"], "04-01", -1)
    early = decom < data_start
    i = idx[first & ~early]
    c.emit(
        "first-episode-not-s",
        _seq_rows(ep, s, first & ~early),
        "RNE",
        "RNE is " + _safe(rne[i]) + " but this is the child's first episode: a period of care starts with RNE S.",
    )
    truncated = first & early
    if not stacked:
        # in a later year's return the earlier episodes are in the earlier returns: only the first year is truncated
        truncated &= s["year"] == min(c.ret.years)
    i = idx[truncated]
    c.emit(
        "first-episode-not-s-truncated",
        _seq_rows(ep, s, truncated),
        "RNE",
        "RNE is "
        + _safe(rne[i])
        + " on the child's first episode, which began on "
        + _dates_text(decom[i])
        + ", before the data start ("
        + _dates_text(data_start[i])
        + "): the start of the period is not in the data.",
    )


def _check_open_episodes(c: _Check, ep: pd.DataFrame, s: dict[str, np.ndarray]) -> None:
    """Open episodes (no DEC) that are not the child's last, and children with more than one open."""
    idx = np.arange(len(s["pos"]))
    is_open = s["dec_na"] & ~s["dec_bad"]
    not_last = is_open & s["has_next"]
    i = idx[not_last]
    c.emit(
        "open-episode-not-last",
        _seq_rows(ep, s, not_last),
        "DEC",
        "episode has no DEC (open) but the child has a later episode ("
        + _ref(s, i, i + 1)
        + "): only the last episode can be open.",
    )
    group = s["group"]
    n_open = np.bincount(group, weights=is_open.astype(float)).astype(int)
    rank = np.cumsum(is_open) - np.concatenate([[0], np.cumsum(is_open)])[np.searchsorted(group, group)]
    more = is_open & (rank > 1)
    i = idx[more]
    where = "" if c.ret.stacked else _where(False, s["year"][i])
    c.emit(
        "multiple-open-episodes",
        _seq_rows(ep, s, more),
        "DEC",
        "the child has " + _text(n_open[group[i]]) + " open episodes (no DEC)" + where + "; at most one may be open.",
    )


def _check_sequence(c: _Check) -> None:
    """Checks of each child's sequence of episodes, then of adoptions (see :func:`_check_adoption`)."""
    s = _sequence(c)
    if s is None:
        return
    ep = c.ret.tables["episodes"]
    _check_joins(c, ep, s)
    _check_gaps(c, ep, s)
    _check_first_episodes(c, ep, s)
    _check_open_episodes(c, ep, s)

    # adoption: the child's last episode ends with E11/E12 within its collection year
    last = ~s["has_next"]
    dec, rec, year = s["dec"], s["rec"], s["year"]
    start = _year_dates(year, "04-01", -1)
    end = _year_dates(year, "03-31")
    adopted = last & np.isin(rec, _ADOPTED) & ~s["dec_na"] & (dec >= start) & (dec <= end)
    _check_adoption(c, ep.iloc[s["pos"][adopted]], s, np.arange(len(s["pos"]))[adopted])


def _safe(values: np.ndarray) -> np.ndarray:
    """Codes quoted for a message (unquotable values shown as 'a code that is not shown')."""
    uniques = {v: (quote_value(v) or "(value not shown)") for v in pd.unique(values)}
    return np.asarray([uniques[v] for v in values], dtype=object) if len(values) else np.asarray([], dtype=object)


def _check_adoption(c: _Check, adopted: pd.DataFrame, s: dict[str, np.ndarray], i: np.ndarray) -> None:
    t, stacked = c.ret.tables, c.ret.stacked
    ad1, pa = t["ad1"], t["placed_adoption"]

    adopted_keys = _keys(c, "episodes", adopted)
    ad1_keys = c.key["ad1"].to_numpy()
    if len(ad1):
        mask = (ad1_keys >= 0) & ~np.isin(ad1_keys, adopted_keys)
        rows = ad1.loc[mask]
        c.emit(
            "ad1-without-adoption",
            rows,
            "CHILD",
            "AD1 row, but the child's last episode"
            + _where(stacked, rows["YEAR"], " in")
            + " did not end in adoption (REC E11 or E12).",
        )
        dm, di = ad1["DATE_MATCH"], ad1["DATE_INT"]
        mask = (dm < di).to_numpy()
        c.emit(
            "date-match-before-date-int",
            ad1.loc[mask],
            "DATE_MATCH",
            "DATE_MATCH "
            + _dates_text(dm[mask])
            + " is before DATE_INT "
            + _dates_text(di[mask])
            + " (the decision that the child should be placed for adoption).",
        )
    if len(adopted):
        mask = ~np.isin(adopted_keys, ad1_keys)
        rows = adopted.loc[mask]
        c.emit(
            "adoption-without-ad1",
            rows,
            "REC",
            "child was adopted (REC "
            + _safe(s["rec"][i][mask])
            + ")"
            + _where(stacked, rows["YEAR"], " in")
            + " but has no AD1 row.",
        )

    if len(pa):
        dp, dpc = pa["DATE_PLACED"], pa["DATE_PLACED_CEASED"]
        mask = (dpc < dp).to_numpy()
        c.emit(
            "placed-ceased-before-placed",
            pa.loc[mask],
            "DATE_PLACED_CEASED",
            "DATE_PLACED_CEASED " + _dates_text(dpc[mask]) + " is before DATE_PLACED " + _dates_text(dp[mask]) + ".",
        )
        # each child's first episode (per year), when it starts a period (RNE S): when care began is known
        first = s["pos"][~s["has_prev"] & (s["rne"] == "S")]
        index = pd.Index(c.key["episodes"].to_numpy()[first])
        where = index.get_indexer(c.key["placed_adoption"].to_numpy())
        found = (where >= 0) & (c.key["placed_adoption"].to_numpy() >= 0)
        start = np.full(len(pa), np.datetime64("NaT"), dtype="datetime64[ns]")
        start[found] = t["episodes"]["DECOM"].to_numpy()[first][where[found]]
        mask = found & (dp.to_numpy() < start)
        c.emit(
            "placed-before-first-episode",
            pa.loc[mask],
            "DATE_PLACED",
            "DATE_PLACED "
            + _dates_text(dp[mask])
            + " is before the child's first episode in the data began ("
            + _dates_text(start[mask])
            + ").",
        )


# --------------------------------------------------------------------------- public API
