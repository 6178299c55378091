"""Findings (problems with an SSDA903 return, as rows), the loader's rules, collection years and :class:`Return903`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.sources.ssda903 import spec

# --------------------------------------------------------------------------- findings

#: Columns of a findings table (shared with :mod:`analysis.sources.ssda903.validate`).
FINDING_COLUMNS = ("file", "row", "child", "column", "rule", "message", "severity")
#: Severities, most serious first.
SEVERITIES = ("error", "warning", "info")

#: Display names of the tables, as DfE and the validator write them.
TABLE_LABELS = {
    "header": "Header",
    "episodes": "Episodes",
    "uasc": "UASC",
    "ad1": "AD1",
    "placed_adoption": "PlacedAdoption",
    "prev_perm": "PrevPerm",
    "missing": "Missing",
    "reviews": "Reviews",
    "oc2": "OC2",
    "oc3": "OC3",
    "sw_episodes": "SWEpisodes",
    "dolo": "DoLo",
}

#: Columns a table cannot be used without. Other spec columns are optional:
#: when absent they are added as all-missing (info finding).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"),
    "uasc": ("CHILD", "DUC"),
    "ad1": ("CHILD", "DATE_INT", "DATE_MATCH"),
    "placed_adoption": ("CHILD", "DATE_PLACED", "DATE_PLACED_CEASED"),
}

#: Date columns whose values are never quoted in a message (personal data).
PERSONAL_DATES = frozenset({"DOB", "MC_DOB"})

#: Dates a datetime64[ns] column can hold (pandas' limits, to the day).
_MIN_DATE = pd.Timestamp("1678-01-01")
_MAX_DATE = pd.Timestamp("2261-12-31")


@dataclass(frozen=True)
class Rule:
    """One check: a stable id, its severity and what it means."""

    id: str
    severity: str
    description: str
    table: str = ""


def _rules(*rows: tuple[str, str, str, str]) -> dict[str, Rule]:
    return {r[0]: Rule(*r) for r in rows}


#: Problems the loader reports (see :data:`analysis.sources.ssda903.validate.RULES` for all).
LOAD_RULES: dict[str, Rule] = _rules(
    ("missing-table", "error", "A required table (Header, Episodes) has no file.", "any"),
    (
        "missing-optional-table",
        "info",
        "A table the analysis uses when present (UASC, AD1, PlacedAdoption) has no file.",
        "any",
    ),
    ("duplicate-table", "error", "Two files in one folder hold the same table; the second is ignored.", "any"),
    ("duplicate-year-folder", "error", "Two sub-folders name the same collection year; the second is ignored.", "any"),
    ("unknown-file", "warning", "A CSV or spreadsheet whose name is not a 903 table name is ignored.", "any"),
    ("ignored-file", "warning", "Table files beside per-year sub-folders are ignored.", "any"),
    ("unreadable-file", "error", "The file could not be opened.", "any"),
    ("excel", "error", "An Excel workbook instead of a CSV file.", "any"),
    ("encoding", "error", "The file is not UTF-8 text (e.g. saved as cp1252/latin-1 or UTF-16).", "any"),
    ("empty-file", "error", "A required table's file is empty (not even a header line).", "any"),
    ("empty-optional-file", "warning", "An optional table's file is empty (not even a header line).", "any"),
    ("no-rows", "error", "A required table's file has a header line but no rows.", "any"),
    ("delimiter", "error", "The file is separated by semicolons, tabs or bars, not commas.", "any"),
    ("csv-format", "error", "A line has more fields than the header; the line is skipped.", "any"),
    ("duplicate-column", "error", "Two columns have the same name; the second is ignored.", "any"),
    ("missing-column", "error", "A required column is absent.", "any"),
    ("missing-optional-column", "info", "An optional column is absent; it is treated as blank.", "any"),
    ("unknown-column", "warning", "A column that is not part of the table is ignored.", "any"),
    ("date-format", "error", "A date is not dd/mm/YYYY or YYYY-MM-DD; it is treated as missing.", "any"),
    (
        "year-format",
        "error",
        "A YEAR value is not a collection year (2017, 2016/17, 2016-17); the row is dropped.",
        "any",
    ),
    ("year-mismatch", "error", "A YEAR value differs from the year of the sub-folder holding the file.", "any"),
    (
        "year-missing",
        "error",
        "In multi-year files, a file has no YEAR column; its rows get the latest year in the other files.",
        "any",
    ),
    (
        "year-inferred",
        "info",
        "No YEAR column or year given: the year is the one ending 31 March after the latest DECOM/DEC "
        "(or after the latest DECOM when a few later DECs would put most episodes outside the year).",
        "any",
    ),
    ("year-argument-ignored", "info", "A year was given but the files carry their own years.", "any"),
    (
        "closed-across-years",
        "info",
        "stack(): an open episode followed by a later one was closed on the next DECOM with REC X1.",
        "episodes",
    ),
    (
        "open-episode-before-new-period",
        "error",
        "stack(): an open episode is followed by a new period (RNE S): its end is unknown.",
        "episodes",
    ),
)


_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", re.I)
_CODE_LIKE = re.compile(r"[A-Za-z0-9_.+-]{1,10}")


def quote_value(value: object) -> str | None:
    """``'value'`` for a message, or None when it might be personal data (a postcode, UPN, date or free text)."""
    text = str(value).strip()
    if not _CODE_LIKE.fullmatch(text) or _POSTCODE.fullmatch(text):
        return None
    return f"'{text}'"


def empty_findings() -> pd.DataFrame:
    """A findings table with no rows and the right column types."""
    return pd.DataFrame(
        {
            "file": pd.Series([], dtype="str"),
            "row": pd.Series([], dtype="Int64"),
            "child": pd.Series([], dtype="str"),
            "column": pd.Series([], dtype="str"),
            "rule": pd.Series([], dtype="str"),
            "message": pd.Series([], dtype="str"),
            "severity": pd.Series([], dtype="str"),
        }
    )


def make_findings(rule: Rule, *, file, message, row=None, child=None, column=None) -> pd.DataFrame:
    """Findings for one rule. Each argument is a scalar or an array-like; all array-likes have one length."""
    values = {"file": file, "row": row, "child": child, "column": column, "message": message}
    n = 1
    for v in values.values():
        if isinstance(v, (pd.Series, pd.Index, np.ndarray, list, tuple)):
            n = len(v)
            break
    if n == 0:
        return empty_findings()

    def col(v):
        if isinstance(v, (pd.Series, pd.Index)):
            return v.to_numpy(dtype=object, na_value=None)
        if isinstance(v, (np.ndarray, list, tuple)):
            return np.asarray(v, dtype=object)
        return [v] * n

    frame = pd.DataFrame({k: col(v) for k, v in values.items()})
    frame["rule"] = rule.id
    frame["severity"] = rule.severity
    frame = frame[list(FINDING_COLUMNS)]
    return frame.astype(
        {
            "file": "str",
            "row": "Int64",
            "child": "str",
            "column": "str",
            "rule": "str",
            "message": "str",
            "severity": "str",
        }
    )


def concat_findings(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack findings tables (an empty list gives an empty table)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_findings()
    return pd.concat(parts, ignore_index=True)


class _Findings:
    """Collects findings while loading."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, rule: str | Rule, **kwargs) -> None:
        self.parts.append(make_findings(LOAD_RULES[rule] if isinstance(rule, str) else rule, **kwargs))

    def frame(self) -> pd.DataFrame:
        return concat_findings(self.parts)


# --------------------------------------------------------------------------- years


def year_label(year: int) -> str:
    """``2017`` -> ``"2016-17"`` (the return for the year ending 31 March 2017)."""
    return f"{year - 1}-{year % 100:02d}"


_YEAR_SPLIT = re.compile(r"(\d{4})\s*[-_/ ]?\s*(\d{2}|\d{4})")


def parse_year(text: str) -> int | None:
    """The collection year named by ``text``: ``2017``, ``2016-17``, ``2016_17``, ``2016/17``, ``201617`` or ``2016-2017``.

    Returns ``None`` when ``text`` names no collection year.
    """
    t = str(text).strip()
    if re.fullmatch(r"\d{4}", t):
        y = int(t)
        return y if 1990 <= y <= 2100 else None
    m = _YEAR_SPLIT.fullmatch(t)
    if not m:
        return None
    start, end = int(m.group(1)), m.group(2)
    if not 1990 <= start <= 2100:
        return None
    if len(end) == 2:
        return start + 1 if (start + 1) % 100 == int(end) else None
    return start + 1 if int(end) == start + 1 else None


def collection_year_of(dates: pd.Series) -> pd.Series:
    """The collection year (ending 31 March) each date falls in."""
    return (dates.dt.year + (dates.dt.month >= 4).astype("int64")).astype("Int64")


# --------------------------------------------------------------------------- the return


@dataclass(frozen=True, eq=False)
class Return903:
    """An SSDA903 return, possibly covering several collection years.

    Attributes
    ----------
    tables:
        Canonical table name (:data:`spec.TABLES`) -> DataFrame with exactly the
        spec columns, then ``YEAR`` (int64), ``_file`` (category: path relative to
        :attr:`source`) and ``_row`` (int64: line number in that file, header = 1).
        Codes and IDs are stripped strings (blank = missing); date columns are
        datetime64[ns] (NaT when blank or unparseable). Every table is present,
        empty when it had no file.
    source:
        The folder read.
    years:
        The collection years in the data, ascending.
    findings:
        Problems found while loading (columns :data:`FINDING_COLUMNS`).
    stacked:
        True once :func:`stack` has merged the years into one history.
    """

    tables: dict[str, pd.DataFrame]
    source: Path
    years: tuple[int, ...]
    findings: pd.DataFrame
    stacked: bool = False

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items() if len(v))
        return f"Return903(source={str(self.source)!r}, years={self.years}, {sizes}, findings={len(self.findings)})"


def empty_table(table: str) -> pd.DataFrame:
    """A table with the spec columns and no rows."""
    frame = pd.DataFrame({c: _empty_column(c, 0) for c in spec.TABLES[table]})
    frame["YEAR"] = pd.Series([], dtype="int64")
    frame["_file"] = pd.Categorical([])
    frame["_row"] = pd.Series([], dtype="int64")
    return frame


def _empty_column(column: str, n: int) -> pd.Series:
    if column in spec.DATE_COLUMNS:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    return pd.Series(pd.NA, index=range(n), dtype="str")
