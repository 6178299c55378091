"""Validate an SSDA903 return before it is analysed.

:func:`validate` checks a loaded :class:`~analysis.sources.ssda903.load.Return903`
(schema, code lists by collection year, dates, the sequence of each child's
episodes, adoption consistency) and returns the loader's findings plus its
own, one row per problem (columns ``file,row,child,column,rule,message,severity``).
Errors are problems that would make the analysis wrong; warnings deserve a
look; info notes what the loader assumed. Every rule has a stable id in
:data:`RULES` (see :func:`rules_table`).

All checks are vectorised: a million episodes validate in seconds.
Messages quote codes and episode dates but never a date of birth, UPN or
postcode; the report CSV names children by their ID and is for the analyst,
not for publication.

``python -m analysis validate DIR`` runs :func:`run_cli`.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.load import (
    FINDING_COLUMNS,
    LOAD_RULES,
    SEVERITIES,
    TABLE_LABELS,
    Return903,
    Rule,
    concat_findings,
    episode_order,
    load_return,
    make_findings,
    quote_value,
    year_label,
)

__all__ = ["RULES", "rules_table", "run_cli", "sort_findings", "summarise", "validate", "write_report"]

REPORT_NAME = "validation_report.csv"


def _rules(*rows: tuple[str, str, str, str]) -> dict[str, Rule]:
    return {r[0]: Rule(r[0], r[1], r[3], r[2]) for r in rows}


#: Checks of the content (id, severity, table, description).
VALIDATE_RULES: dict[str, Rule] = _rules(
    # schema
    (
        "blank-value",
        "error",
        "any",
        "A required value is blank: CHILD in every table; DECOM, RNE, LS, PLACE in Episodes; SEX, DOB in Header.",
    ),
    # code lists by collection year
    (
        "invalid-sex",
        "error",
        "header, uasc",
        "SEX is not valid for the collection year (1/2 to 2023-24, M/F/U from 2024-25).",
    ),
    ("invalid-ethnic", "error", "header", "ETHNIC is not a valid ethnicity code."),
    ("invalid-rne", "error", "episodes", "RNE (reason for new episode) is not S, L, P, T, B or U."),
    ("invalid-ls", "error", "episodes", "LS (legal status) is not a valid code."),
    ("invalid-cin", "error", "episodes", "CIN (category of need) is not N1-N8."),
    ("invalid-place", "error", "episodes", "PLACE is not a valid placement code for the collection year."),
    ("invalid-place-provider", "error", "episodes", "PLACE_PROVIDER is not PR0-PR5."),
    (
        "provider-not-blank",
        "error",
        "episodes",
        "PLACE_PROVIDER is recorded for a placement that has none (T0-T4, Z1; T0-T3, Z11-Z14 from 2025-26).",
    ),
    ("provider-missing", "error", "episodes", "PLACE_PROVIDER is blank for a placement that needs one."),
    ("invalid-rec", "error", "episodes", "REC (reason episode ceased) is not valid for the collection year."),
    ("rec-missing", "error", "episodes", "DEC is recorded but REC is blank."),
    ("rec-without-dec", "error", "episodes", "REC is recorded but DEC is blank."),
    ("invalid-reason-place-change", "warning", "episodes", "REASON_PLACE_CHANGE, when given, is not a valid code."),
    (
        "invalid-ad1-code",
        "warning",
        "ad1",
        "FOSTER_CARE (0/1), NB_ADOPTR (1/2), SEX_ADOPTR or LS_ADOPTR is not a valid code.",
    ),
    ("invalid-reason-placed-ceased", "warning", "placed_adoption", "REASON_PLACED_CEASED is not RD1-RD4."),
    # dates
    ("future-date", "error", "header, episodes, uasc, ad1, placed_adoption", "A date (other than DUC) is after today."),
    ("dob-after-decom", "error", "episodes", "An episode starts before the child's date of birth."),
    ("dec-before-decom", "error", "episodes", "DEC is before DECOM."),
    ("date-after-year-end", "error", "episodes", "DECOM or DEC is after 31 March of the collection year."),
    (
        "episode-outside-year",
        "error",
        "episodes",
        "An episode ended before the collection year began (1 April of the year before).",
    ),
    ("age-18-plus", "warning", "episodes", "The child was 18 or over when the episode started."),
    # logic
    (
        "child-not-in-header",
        "error",
        "episodes",
        "A child in Episodes is not in Header (for the same collection year).",
    ),
    ("uasc-not-in-header", "error", "uasc", "A child in UASC is not in Header (for the same collection year)."),
    ("duplicate-child", "error", "header", "A child appears more than once in Header in one collection year."),
    ("duplicate-episode", "error", "episodes", "Two episodes of a child have the same DECOM in one collection year."),
    ("overlapping-episodes", "error", "episodes", "An episode ends after the child's next episode starts."),
    (
        "same-day-rec-not-x1",
        "error",
        "episodes",
        "An episode ends with a care exit (REC not X1) but the child's next episode starts the same day.",
    ),
    (
        "x1-then-s",
        "error",
        "episodes",
        "An episode ends with X1 and the next starts the same day with RNE S (a continuing period restarted).",
    ),
    ("x1-not-followed", "error", "episodes", "An episode ends with X1 but no episode of the child starts on its DEC."),
    (
        "period-start-not-s",
        "error",
        "episodes",
        "After a gap, the child's next episode starts a new period and must have RNE S.",
    ),
    ("first-episode-not-s", "error", "episodes", "A child's first episode does not have RNE S."),
    (
        "first-episode-not-s-truncated",
        "warning",
        "episodes",
        "A child's first episode is not RNE S but began before the data do "
        "(before the earliest collection year): the earlier history is missing.",
    ),
    (
        "open-episode-not-last",
        "error",
        "episodes",
        "An open episode (no DEC) is followed by another episode of the child.",
    ),
    ("multiple-open-episodes", "error", "episodes", "A child has more than one open episode."),
    # adoption
    (
        "ad1-without-adoption",
        "error",
        "ad1",
        "An AD1 row for a child whose last episode in the year did not end in adoption (E11/E12).",
    ),
    ("adoption-without-ad1", "warning", "episodes", "A child adopted in the year (E11/E12) has no AD1 row."),
    ("date-match-before-date-int", "error", "ad1", "DATE_MATCH is before DATE_INT."),
    (
        "placed-before-first-episode",
        "warning",
        "placed_adoption",
        "DATE_PLACED is before the child's first episode in the data, which starts a period (RNE S).",
    ),
    ("placed-ceased-before-placed", "error", "placed_adoption", "DATE_PLACED_CEASED is before DATE_PLACED."),
)

#: Every rule the loader and the validator report, by id.
RULES: dict[str, Rule] = {**LOAD_RULES, **VALIDATE_RULES}

#: Values that must not be blank, by table (CHILD is required in every table).
REQUIRED_VALUES: dict[str, tuple[str, ...]] = {
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE"),
    "header": ("CHILD", "SEX", "DOB"),
}

#: (table, column, attribute of spec.CodeLists, rule id) checked against the year's code list.
_YEAR_CODES = (
    ("header", "SEX", "sex", "invalid-sex"),
    ("header", "ETHNIC", "ethnic", "invalid-ethnic"),
    ("uasc", "SEX", "sex", "invalid-sex"),
    ("episodes", "RNE", "rne", "invalid-rne"),
    ("episodes", "LS", "ls", "invalid-ls"),
    ("episodes", "CIN", "cin", "invalid-cin"),
    ("episodes", "PLACE", "place", "invalid-place"),
    ("episodes", "REC", "rec", "invalid-rec"),
    ("episodes", "REASON_PLACE_CHANGE", "reason_place_change", "invalid-reason-place-change"),
)

#: Code lists not in spec (the same every year). Source: ssda903-and-measures.md section 1.2.
_FIXED_CODES = (
    ("ad1", "FOSTER_CARE", ("0", "1"), "invalid-ad1-code"),
    ("ad1", "NB_ADOPTR", ("1", "2"), "invalid-ad1-code"),
    ("ad1", "SEX_ADOPTR", ("M1", "F1", "MM", "FF", "MF"), "invalid-ad1-code"),
    ("ad1", "LS_ADOPTR", ("L0", "L11", "L12", "L2", "L3", "L4"), "invalid-ad1-code"),
    ("placed_adoption", "REASON_PLACED_CEASED", ("RD1", "RD2", "RD3", "RD4"), "invalid-reason-placed-ceased"),
)

#: Dates that cannot be in the future (DUC, when UASC status ceases, usually is).
_NOT_FUTURE = {
    "header": ("DOB", "MC_DOB"),
    "episodes": ("DECOM", "DEC"),
    "uasc": ("DOB",),
    "ad1": ("DOB", "DATE_INT", "DATE_MATCH"),
    "placed_adoption": ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
}

_ADOPTED = ("E11", "E12")
#: Years over which a code's validity is described ("valid from 2024-25").
_HINT_YEARS = range(2010, 2031)


def rules_table() -> pd.DataFrame:
    """Every rule (loader and validator): id, severity, table, description; for the book."""
    return pd.DataFrame(
        [(r.id, r.severity, r.table, r.description) for r in RULES.values()],
        columns=["rule", "severity", "table", "description"],
    )


# --------------------------------------------------------------------------- helpers


def _fmt(values) -> np.ndarray:
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
                child=rows["CHILD"] if "CHILD" in rows else None,
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


def _check_dates(c: _Check) -> None:
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
                    f"{column} " + _fmt(frame.loc[mask, column]) + f" is in the future (today is {today:%d/%m/%Y})."
                )
            c.emit("future-date", frame.loc[mask], column, message)

    ep = t["episodes"]
    if len(ep) == 0:
        return
    decom, dec = ep["DECOM"], ep["DEC"]
    mask = (dec < decom).to_numpy()
    c.emit(
        "dec-before-decom",
        ep.loc[mask],
        "DEC",
        "DEC " + _fmt(dec[mask]) + " is before DECOM " + _fmt(decom[mask]) + ".",
    )

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
                + _fmt(values[mask])
                + " is after 31/03/"
                + _text(year[mask])
                + ", the end of the "
                + _text([year_label(int(y)) for y in year[mask]])
                + " collection year.",
            )
    values = dec.to_numpy()
    mask = dec.notna().to_numpy() & (values < year_start)
    if mask.any():
        c.emit(
            "episode-outside-year",
            ep.loc[mask],
            "DEC",
            "episode ended on "
            + _fmt(values[mask])
            + ", before the "
            + _text([year_label(int(y)) for y in year[mask]])
            + " collection year began on 01/04/"
            + _text(year[mask] - 1)
            + ": it does not belong in this return.",
        )

    dob, _ = _header_lookup(c, "episodes")
    mask = (dob > decom).to_numpy()
    c.emit(
        "dob-after-decom",
        ep.loc[mask],
        "DECOM",
        "DECOM " + _fmt(decom[mask]) + " is before the child's date of birth in Header.",
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
            "child was 18 or over when this episode started (DECOM " + _fmt(decom[old]) + "); check DOB in Header.",
        )


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
            + _fmt(rows["DECOM"])
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


def _check_sequence(c: _Check) -> None:
    s = _sequence(c)
    if s is None:
        return
    ep = c.ret.tables["episodes"]
    stacked = c.ret.stacked
    pos, nxt, has_next = s["pos"], s["nxt"], s["has_next"]
    decom, dec, dec_na = s["decom"], s["dec"], s["dec_na"]
    rne, rec = s["rne"], s["rec"]
    next_decom = decom[nxt]
    closed = ~dec_na
    idx = np.arange(len(pos))

    def rows(mask):
        return ep.iloc[pos[mask]]

    overlap = has_next & closed & (dec > next_decom)
    i = idx[overlap]
    c.emit(
        "overlapping-episodes",
        rows(overlap),
        "DEC",
        "DEC "
        + _fmt(dec[i])
        + " is after DECOM "
        + _fmt(next_decom[i])
        + " of the child's next episode ("
        + _ref(s, i, i + 1)
        + "): the episodes overlap.",
    )

    joined = has_next & closed & (dec == next_decom)
    exit_then_more = joined & (rec != "") & (rec != "X1")
    i = idx[exit_then_more]
    c.emit(
        "same-day-rec-not-x1",
        rows(exit_then_more),
        "REC",
        "REC "
        + _safe(rec[i])
        + " ends the period of care but the child's next episode ("
        + _ref(s, i, i + 1)
        + ") starts the same day, "
        + _fmt(dec[i])
        + ": use X1 for a change within the period, or correct the dates.",
    )

    restart = joined & (rec == "X1") & (rne[nxt] == "S")
    i = idx[restart] + 1
    c.emit(
        "x1-then-s",
        ep.iloc[pos[i]],
        "RNE",
        "RNE is S (a new period) but the child's previous episode ("
        + _ref(s, i, i - 1)
        + ") ended the same day with X1: the period continues, so RNE should not be S.",
    )

    gap = has_next & closed & (dec < next_decom)
    x1_alone = (rec == "X1") & closed & ~s["dec_bad"] & (~has_next | gap)
    i = idx[x1_alone]
    c.emit(
        "x1-not-followed",
        rows(x1_alone),
        "REC",
        "REC is X1 but no episode of this child starts on the DEC date "
        + _fmt(dec[i])
        + ": X1 means a new episode starts the same day.",
    )

    new_period = gap & (rne[nxt] != "") & (rne[nxt] != "S")
    i = idx[new_period] + 1
    c.emit(
        "period-start-not-s",
        ep.iloc[pos[i]],
        "RNE",
        "RNE is "
        + _safe(rne[i])
        + " but the child's previous episode ("
        + _ref(s, i, i - 1)
        + ") ended on "
        + _fmt(dec[i - 1])
        + ", before this one began: a new period of care must start with RNE S.",
    )

    first = ~s["has_prev"] & (rne != "") & (rne != "S")
    if stacked:
        data_start = np.full(len(pos), np.datetime64(f"{min(c.ret.years) - 1}-04-01", "ns"))
    else:
        data_start = _year_dates(s["year"], "04-01", -1)
    early = decom < data_start
    i = idx[first & ~early]
    c.emit(
        "first-episode-not-s",
        rows(first & ~early),
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
        rows(truncated),
        "RNE",
        "RNE is "
        + _safe(rne[i])
        + " on the child's first episode, which began on "
        + _fmt(decom[i])
        + ", before the data start ("
        + _fmt(data_start[i])
        + "): the start of the period is not in the data.",
    )

    is_open = dec_na & ~s["dec_bad"]
    not_last = is_open & has_next
    i = idx[not_last]
    c.emit(
        "open-episode-not-last",
        rows(not_last),
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
    where = "" if stacked else _where(False, s["year"][i])
    c.emit(
        "multiple-open-episodes",
        rows(more),
        "DEC",
        "the child has " + _text(n_open[group[i]]) + " open episodes (no DEC)" + where + "; at most one may be open.",
    )

    # adoption: the child's last episode ends with E11/E12 within its collection year
    last = ~has_next
    year = s["year"]
    start = _year_dates(year, "04-01", -1)
    end = _year_dates(year, "03-31")
    adopted = last & np.isin(rec, _ADOPTED) & closed & (dec >= start) & (dec <= end)
    _check_adoption(c, ep.iloc[pos[adopted]], s, idx[adopted])


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
            + _fmt(dm[mask])
            + " is before DATE_INT "
            + _fmt(di[mask])
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
            "DATE_PLACED_CEASED " + _fmt(dpc[mask]) + " is before DATE_PLACED " + _fmt(dp[mask]) + ".",
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
            + _fmt(dp[mask])
            + " is before the child's first episode in the data began ("
            + _fmt(start[mask])
            + ").",
        )


# --------------------------------------------------------------------------- public API


def validate(ret: Return903, *, today: date | None = None) -> pd.DataFrame:
    """Check a loaded return; the loader's findings plus the validator's, sorted (severity, file, row).

    Parameters
    ----------
    ret:
        From :func:`~analysis.sources.ssda903.load.load_return` (each year checked on
        its own) or :func:`~analysis.sources.ssda903.load.stack` (children's histories
        checked across years).
    today:
        Dates after this day are in the future (default: today).
    """
    c = _Check(ret, today or date.today())
    _check_blank(c)
    _check_codes(c)
    _check_provider_and_rec(c)
    _check_dates(c)
    _check_links(c)
    _check_sequence(c)
    return sort_findings(concat_findings([ret.findings, *c.parts]))


def sort_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings sorted by severity (errors first), file, row, then rule."""
    if findings.empty:
        return findings.reset_index(drop=True)
    rank = findings["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES))
    key = pd.DataFrame(
        {"rank": rank, "file": findings["file"].fillna(""), "row": findings["row"].fillna(0).astype("int64")}
    )
    order = key.sort_values(["rank", "file", "row"], kind="stable").index
    return findings.loc[order].reset_index(drop=True)


def _line(f) -> str:
    where = f.file if pd.isna(f.row) else f"{f.file}:{int(f.row)}"
    parts = [where]
    if isinstance(f.child, str):
        parts.append(f"child {f.child}")
    head = " ".join(parts)
    if isinstance(f.column, str):
        head += f" {f.column}"
    return f"{head}: {f.message} [{f.rule}]"


def summarise(findings: pd.DataFrame, limit: int = 10) -> str:
    """The first ``limit`` errors, one per line (``file:row child CHILD column: message [rule]``), and counts by severity."""
    findings = sort_findings(findings)
    errors = findings[findings["severity"] == "error"]
    lines = [_line(f) for f in errors.head(limit).itertuples(index=False)]
    if len(errors) > limit:
        lines.append(f"... and {len(errors) - limit} more errors")
    counts = findings["severity"].value_counts()

    def n(sev: str, word: str) -> str:
        k = int(counts.get(sev, 0))
        return f"{k} {word}{'' if k == 1 else 's'}"

    lines.append(f"{n('error', 'error')}, {n('warning', 'warning')}, {int(counts.get('info', 0))} info.")
    return "\n".join(lines)


def write_report(findings: pd.DataFrame, out_dir: Path) -> Path:
    """Write ``out_dir/validation_report.csv`` (sorted: severity, file, row) and return its path.

    The report names children by ID: it is for the analyst, not for publication.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_NAME
    sort_findings(findings)[list(FINDING_COLUMNS)].to_csv(path, index=False)
    return path


def _default_out(directory: Path) -> Path:
    from analysis.paper import REPO_ROOT

    name = Path(directory).resolve().name or "input"
    return REPO_ROOT / "build" / "validation" / name


def _write(findings: pd.DataFrame, out_dir: Path) -> Path:
    try:
        return write_report(findings, out_dir)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write the report ({exc.strerror or exc}).") from exc


def _run_dfe_rules(directory: Path, out_dir: Path) -> pd.DataFrame | None:
    """DfE's rules (analysis.sources.ssda903.dfe_rules, maintained separately) as findings; None when not available."""
    import importlib

    try:
        dfe = importlib.import_module("analysis.sources.ssda903.dfe_rules")
    except ImportError:
        print("DfE validation rules: not available yet.")
        return None
    print("Running DfE's validation rules ...", flush=True)
    result = dfe.run(directory, out_dir)
    if not isinstance(result, pd.DataFrame):
        return None
    frame = result.reindex(columns=list(FINDING_COLUMNS))
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    for column in ("file", "child", "column", "rule", "message", "severity"):
        frame[column] = frame[column].astype("str").replace("", pd.NA)
    return frame


def run_cli(directory: Path, *, out: Path | None = None, year: int | None = None, dfe_rules: bool = False) -> int:
    """``python -m analysis validate DIR``: load, validate, write the report, print a summary.

    ``out`` is the folder for ``validation_report.csv`` (default
    ``build/validation/<folder name>/`` in the repository, since the input
    folder may be read-only). With ``dfe_rules``, DfE's rules
    (:mod:`analysis.sources.ssda903.dfe_rules`, when present) are run too and their
    findings added to the report. Returns 2 when there is any error (or the
    folder cannot be read), else 0; problems are printed, never a traceback.
    """
    directory = Path(directory)
    try:
        print(f"Reading {directory} ...", flush=True)
        ret = load_return(directory, year=year)
        years = ", ".join(year_label(y) for y in ret.years) or "none"
        ep, hd = ret.tables["episodes"], ret.tables["header"]
        print(f"Read {len(ep):,} episodes and {len(hd):,} Header rows; collection years: {years}.", flush=True)
        print("Validating ...", flush=True)
        findings = validate(ret)
        out_dir = Path(out) if out is not None else _default_out(directory)
        report = _write(findings, out_dir)
        if dfe_rules:
            extra = _run_dfe_rules(directory, out_dir)
            if extra is not None and len(extra):
                findings = sort_findings(concat_findings([findings, extra]))
                report = _write(findings, out_dir)
        print(summarise(findings))
        print(f"Report: {report}")
        return 2 if (findings["severity"] == "error").any() else 0
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return InputError.exit_code
