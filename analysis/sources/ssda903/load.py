"""Load an SSDA903 return (children looked after) from its CSV files.

:func:`load_return` reads a folder of 903 tables into a :class:`Return903`:
one DataFrame per table (canonical names from :data:`spec.TABLES`) with the
spec's columns, a ``YEAR`` column (collection year, named by the year ending
31 March) and ``_file``/``_row`` pointing back to the line of the input file.
Problems with the files are not raised: they become *findings* (a DataFrame
with :data:`FINDING_COLUMNS`), which :mod:`analysis.sources.ssda903.validate` extends
with its checks of the content. Only a folder that cannot be read at all, or a
collection year that cannot be worked out, raises :class:`InputError`.

Folder layouts (tables are recognised by file name, never by position):

* one sub-folder per collection year, named ``2017``, ``2016-17``,
  ``2016_17``, ``2016/17`` or ``201617`` (all mean 2016-17 = 2017), each
  holding that year's table CSVs;
* multi-year files carrying a ``YEAR`` column (``2017``, ``2016/17`` or
  ``2016-17``);
* single-year files with no ``YEAR`` column: the year is the ``year``
  argument or, failing that, the year ending 31 March after the latest
  DECOM/DEC in Episodes (reported as an info finding).

:func:`stack` turns several returns into one history of episodes.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
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


# --------------------------------------------------------------------------- reading one file

_FILE_TABLE = {name: table for table, names in spec.FILE_NAMES.items() for name in names}
_EXPECTED_NAMES = {t: " or ".join(f"{n}.csv" for n in names) for t, names in spec.FILE_NAMES.items()}
_SPREADSHEET_SUFFIXES = {".xlsx", ".xls", ".xlsm", ".ods"}
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM = b"\xef\xbb\xbf"
_COLUMN_NAME = re.compile(r"[A-Z_][A-Z0-9_ ]{0,39}")
_SKIPPED = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


@dataclass
class _Raw:
    """One file read: the table's frame (spec columns + YEAR text + _row) or None."""

    table: str
    rel: str
    frame: pd.DataFrame | None
    has_year: bool = False
    dates_parsed: bool = False


def _is_column_name(name: str) -> bool:
    """Whether a header cell looks like a column name (safe to quote) rather than data (an ID, UPN, postcode, date)."""
    return (
        bool(_COLUMN_NAME.fullmatch(name)) and sum(ch.isdigit() for ch in name) <= 2 and not _POSTCODE.fullmatch(name)
    )


def _read_file(path: Path, rel: str, table: str, out: _Findings) -> _Raw:
    label = TABLE_LABELS[table]
    required = table in spec.REQUIRED_TABLES
    try:
        raw = path.read_bytes()
    except OSError as exc:
        out.add("unreadable-file", file=rel, message=f"could not be opened ({exc.strerror or exc}).")
        return _Raw(table, rel, None)

    if raw[:4] == b"PK\x03\x04" or raw[:8] == _OLE_SIGNATURE:
        out.add("excel", file=rel, message="is an Excel file, not CSV: save it as CSV UTF-8.")
        return _Raw(table, rel, None)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        out.add("encoding", file=rel, message="is UTF-16 text, not UTF-8: save it as CSV UTF-8.")
        return _Raw(table, rel, None)
    bom = len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0
    if bom:
        raw = raw[bom:]
    if not raw or raw.isspace():
        rule = "empty-file" if required else "empty-optional-file"
        out.add(
            rule,
            file=rel,
            message=f"is empty: expected a header line ({', '.join(spec.TABLES[table])}) and a row per record.",
        )
        return _Raw(table, rel, None)
    if b"\x00" in raw[:4096]:
        out.add("encoding", file=rel, message="is not a text file (it holds NUL bytes): save it as CSV UTF-8.")
        return _Raw(table, rel, None)
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            pos = exc.start
            line = raw.count(b"\n", 0, pos) + 1
            out.add(
                "encoding",
                file=rel,
                row=line,
                message=(
                    f"is not UTF-8 text: byte 0x{raw[pos]:02X} at byte position {pos + bom} (line {line}) "
                    "looks like Windows-1252/latin-1; save it as CSV UTF-8."
                ),
            )
            return _Raw(table, rel, None)

    first = raw[: raw.find(b"\n")] if b"\n" in raw[:65536] else raw[:65536]
    if b"," not in first:
        for sep, name in ((b";", "semicolons"), (b"\t", "tabs"), (b"|", "vertical bars")):
            if sep in first:
                out.add(
                    "delimiter",
                    file=rel,
                    row=1,
                    message=f"is separated by {name}, not commas: save it as CSV (comma-separated) UTF-8.",
                )
                return _Raw(table, rel, None)

    needs_strip = _has_edge_space(raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            grid = pd.read_csv(
                io.BytesIO(raw),
                header=None,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=False,
                on_bad_lines="warn",
                encoding="utf-8",
            )
        except (pd.errors.ParserError, ValueError) as exc:
            out.add("csv-format", file=rel, message=f"could not be read as CSV ({str(exc).strip()}).")
            return _Raw(table, rel, None)
    del raw
    skipped: list[int] = []
    for w in caught:
        for m in _SKIPPED.finditer(str(w.message)):
            skipped.append(int(m.group(1)))
            out.add(
                "csv-format",
                file=rel,
                row=int(m.group(1)),
                message=f"line has {m.group(3)} fields but the header has {m.group(2)}; the line is skipped.",
            )

    names = [
        str(c).replace("\ufeff", "").strip().strip('"').strip().upper() if pd.notna(c) else "" for c in grid.iloc[0]
    ]
    n = len(grid) - 1
    if skipped:
        lines = np.setdiff1d(np.arange(1, n + 2 + len(skipped)), np.asarray(skipped))[1 : n + 1]
    else:
        lines = np.arange(2, n + 2)

    wanted = spec.TABLES[table]
    columns: dict[str, pd.Series] = {}
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name and name in seen:
            out.add(
                "duplicate-column",
                file=rel,
                row=1,
                column=name,
                message=f"column {name} appears twice; the second is ignored.",
            )
            continue
        seen.add(name)
        if name in wanted or name == "YEAR":
            columns[name] = grid.iloc[1:, i].reset_index(drop=True)
        elif name == "":
            if grid.iloc[1:, i].notna().any():
                out.add(
                    "unknown-column",
                    file=rel,
                    row=1,
                    column=f"(column {i + 1})",
                    message=f"column {i + 1} has no name and is ignored.",
                )
        elif _is_column_name(name):
            out.add(
                "unknown-column",
                file=rel,
                row=1,
                column=name,
                message=f"column {name} is not part of the {label} table and is ignored.",
            )
        else:  # not a name (a header line missing?): do not echo it, it may be personal data
            out.add(
                "unknown-column",
                file=rel,
                row=1,
                column=f"(column {i + 1})",
                message=f"column {i + 1} is not named like a {label} column and is ignored.",
            )
    del grid

    needed = REQUIRED_COLUMNS.get(table, ("CHILD",))
    for c in wanted:
        if c in columns:
            continue
        if c in needed:
            out.add(
                "missing-column",
                file=rel,
                row=1,
                column=c,
                message=f"has no {c} column, which {label} requires (expected columns: {', '.join(wanted)}).",
            )
        else:
            out.add(
                "missing-optional-column",
                file=rel,
                row=1,
                column=c,
                message=f"has no {c} column; it is treated as blank.",
            )

    frame = pd.DataFrame(columns, copy=False) if columns else pd.DataFrame(index=range(n))
    frame["_row"] = lines.astype("int64")
    if n and needs_strip:
        # only when some value starts or ends with a space or tab
        for c in columns:
            stripped = frame[c].str.strip()
            frame[c] = stripped.mask(stripped == "")
    # Drop rows with nothing in them (blank lines, ",,,," lines from spreadsheets).
    if n and columns:
        first = next(iter(columns))
        candidates = frame[first].isna().to_numpy()
        if candidates.any():
            blank = candidates.copy()
            for c in columns:
                blank[candidates] &= frame.loc[candidates, c].isna().to_numpy()
            if blank.any():
                frame = frame.loc[~blank].reset_index(drop=True)
    if len(frame) == 0 and required:
        out.add("no-rows", file=rel, message=f"has a header line but no rows: {label} cannot be empty.")
    return _Raw(table, rel, frame, "YEAR" in columns)


def _has_edge_space(raw: bytes) -> bool:
    """Whether some value may start or end with a space or tab (a vectorised scan of the bytes)."""
    a = np.frombuffer(raw, dtype=np.uint8)
    ws = np.flatnonzero((a == 32) | (a == 9))
    if ws.size == 0:
        return False
    if ws[0] == 0 or ws[-1] == a.size - 1:
        return True
    return bool(np.isin(a[ws - 1], (44, 10, 34)).any() or np.isin(a[ws + 1], (44, 10, 13, 34)).any())


_DATE_LIKE = re.compile(r"[0-9A-Za-z/.: -]{1,20}")


def _quote_date(text: str) -> str | None:
    text = str(text).strip()
    return f"'{text}'" if _DATE_LIKE.fullmatch(text) and not _POSTCODE.fullmatch(text) else None


def _to_dates(text: pd.Series) -> pd.Series:
    """dd/mm/YYYY or YYYY-MM-DD text to datetime64[us] (NaT where neither).

    Each distinct text is parsed once: a million episode dates hold only a few
    thousand distinct days, and parsing is the slow part of loading.
    """
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    uniq = pd.Series(uniques, dtype="object")
    parsed = pd.to_datetime(uniq, format="%d/%m/%Y", errors="coerce")
    retry = parsed.isna() & uniq.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(uniq[retry], format="%Y-%m-%d", errors="coerce")
    values = parsed.astype("datetime64[us]").to_numpy()
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    known = codes >= 0
    out[known] = values[codes[known]]
    return pd.Series(out, index=text.index)


def _parse_dates(frame: pd.DataFrame, table: str, rel: str, out: _Findings) -> None:
    """Replace the text of date columns by datetime64[ns]; report values that are not dates."""
    for c in spec.TABLES[table]:
        if c not in spec.DATE_COLUMNS:
            continue
        if c not in frame:
            frame[c] = _empty_column(c, len(frame))
            continue
        text = frame[c]
        parsed = _to_dates(text)
        out_of_range = (parsed < _MIN_DATE) | (parsed > _MAX_DATE)
        if out_of_range.any():
            parsed[out_of_range] = pd.NaT
        bad = parsed.isna() & text.notna()
        if bad.any():
            rows = frame.loc[bad]
            plain = f"{c} is not a valid date (expected dd/mm/YYYY or YYYY-MM-DD)."
            if c in PERSONAL_DATES:
                message = plain
            else:
                shown = text[bad].map(_quote_date).astype("str")
                message = (f"{c} " + shown + " is not a valid date (expected dd/mm/YYYY or YYYY-MM-DD).").fillna(plain)
            out.add(
                "date-format",
                file=rel,
                row=rows["_row"],
                child=rows["CHILD"] if "CHILD" in rows else None,
                column=c,
                message=message,
            )
        frame[c] = parsed.astype("datetime64[ns]")


# --------------------------------------------------------------------------- folders


def _scan(folder: Path, root: Path, out: _Findings) -> tuple[dict[str, Path], set[str]]:
    """The table files in ``folder`` (not recursive): table -> path, and the tables found only as spreadsheets."""
    found: dict[str, Path] = {}
    spreadsheets: set[str] = set()
    for f in sorted(p for p in folder.iterdir() if p.is_file()):
        rel = f.relative_to(root).as_posix()
        stem, suffix = f.stem.strip().lower(), f.suffix.lower()
        table = _FILE_TABLE.get(stem)
        if suffix in _SPREADSHEET_SUFFIXES:
            if table:
                spreadsheets.add(table)
                out.add("excel", file=rel, message=f"is a spreadsheet, not CSV: save it as {f.stem}.csv (CSV UTF-8).")
            else:
                out.add("unknown-file", file=rel, message="is a spreadsheet and not a 903 table name; ignored.")
            continue
        if suffix != ".csv":
            continue
        if table is None:
            out.add(
                "unknown-file",
                file=rel,
                message="is not a 903 table name and is ignored (expected e.g. header.csv, episodes.csv, uasc.csv, ad1.csv, placed_for_adoption.csv).",
            )
            continue
        if table in found:
            first = found[table].relative_to(root).as_posix()
            out.add(
                "duplicate-table",
                file=rel,
                message=f"holds the {TABLE_LABELS[table]} table, as does {first}; this file is ignored.",
            )
            continue
        found[table] = f
    return found, spreadsheets - set(found)


def _check_tables(found: dict[str, Path], spreadsheets: set[str], folder_rel: str, out: _Findings) -> None:
    for table in spec.USED_TABLES:
        if table in found or table in spreadsheets:
            continue
        if table in spec.REQUIRED_TABLES:
            out.add(
                "missing-table",
                file=folder_rel or ".",
                message=f"no {TABLE_LABELS[table]} file (expected {_EXPECTED_NAMES[table]}).",
            )
        else:
            out.add(
                "missing-optional-table",
                file=folder_rel or ".",
                message=f"no {TABLE_LABELS[table]} file (expected {_EXPECTED_NAMES[table]}); treated as empty.",
            )


def _year_folders(path: Path, out: _Findings) -> dict[int, Path]:
    years: dict[int, Path] = {}
    for d in sorted(p for p in path.iterdir() if p.is_dir()):
        y = parse_year(d.name)
        if y is None:
            continue
        if y in years:
            out.add(
                "duplicate-year-folder",
                file=d.name,
                message=f"names collection year {year_label(y)}, as does {years[y].name}; this folder is ignored.",
            )
            continue
        years[y] = d
    return years


def _year_values(frame: pd.DataFrame, rel: str, out: _Findings) -> pd.Series:
    """Parse the YEAR column of one file (Int64, NA where not a year; those are reported)."""
    text = frame["YEAR"]
    mapping = {u: parse_year(u) for u in pd.unique(text.dropna())}
    years = text.map(mapping).astype("Int64")
    bad = years.isna().to_numpy()
    if bad.any():
        rows = frame.loc[bad]
        shown = text[bad].map(lambda v: quote_value(v) if isinstance(v, str) else None).astype("str")
        blank = text[bad].isna()
        message = (
            "YEAR " + shown + " is not a collection year (expected e.g. 2017 or 2016/17); the row is dropped."
        ).fillna("YEAR is not a collection year (expected e.g. 2017 or 2016/17); the row is dropped.")
        message[blank] = "YEAR is blank (expected e.g. 2017 or 2016/17); the row is dropped."
        out.add(
            "year-format",
            file=rel,
            row=rows["_row"],
            child=rows["CHILD"] if "CHILD" in rows else None,
            column="YEAR",
            message=message,
        )
    return years


def _infer_year(raws: list[_Raw], source: Path, out: _Findings) -> int:
    """The year ending 31 March after the latest DECOM/DEC in Episodes (reported as an info finding).

    When the latest DEC points to a later year than the latest DECOM (e.g. a few
    DECs typed after the year end), the year is the one of these that leaves
    fewer episodes outside it, so that one stray date does not put a whole
    return in the wrong year.
    """
    episodes = [r for r in raws if r.table == "episodes" and r.frame is not None]
    decom = pd.concat(
        [r.frame["DECOM"] for r in episodes if "DECOM" in r.frame] or [pd.Series([], dtype="datetime64[ns]")]
    )
    dec = pd.concat([r.frame["DEC"] for r in episodes if "DEC" in r.frame] or [pd.Series([], dtype="datetime64[ns]")])
    latest = max((d for d in (decom.max(), dec.max()) if pd.notna(d)), default=pd.NaT)
    if pd.isna(latest):
        problems = [f"{p.file}: {p.message}" for p in out.frame().itertuples() if p.severity == "error"][:3]
        detail = ("\n" + "\n".join(problems)) if problems else ""
        raise InputError(
            f"{source}: cannot tell the collection year: the files have no YEAR column, Episodes has no dates "
            f"and no year was given (put the files in a sub-folder named by year, e.g. 2017/, or pass --year 2017).{detail}"
        )

    def year_of(d: pd.Timestamp) -> int:
        return int(d.year + (1 if d.month >= 4 else 0))

    def outside(y: int) -> int:
        end, start = pd.Timestamp(f"{y}-03-31"), pd.Timestamp(f"{y - 1}-04-01")
        return int(((decom > end) | (dec > end) | (dec < start)).sum())

    year = year_of(latest)
    ep = episodes[0].rel
    reason = f"the year ending 31 March after the latest episode date {latest:%d/%m/%Y}"
    if pd.notna(decom.max()) and year_of(decom.max()) < year:
        candidates = sorted({year_of(decom.max()), year_of(decom.max()) + 1, year})
        misfits = {y: outside(y) for y in candidates}
        best = min(candidates, key=lambda y: (misfits[y], -y))
        if best != year:
            late = int((dec > pd.Timestamp(f"{best}-03-31")).sum())
            reason = (
                f"the year of the latest DECOM {decom.max():%d/%m/%Y}; {late} DEC dates are later, but taking "
                f"{year_label(year)} would leave {misfits[year]} episodes outside the year"
            )
            year = best
    out.add(
        "year-inferred",
        file=ep,
        message=f"no YEAR column and no year given: taken as {year} ({year_label(year)}), {reason}; pass --year to set it.",
    )
    return year


# --------------------------------------------------------------------------- load_return


def load_return(path: Path, year: int | None = None) -> Return903:
    """Read an SSDA903 return from a folder of CSV files.

    Parameters
    ----------
    path:
        A folder holding one sub-folder per collection year (``2017``,
        ``2016-17`` ...), or the table CSVs themselves (multi-year files with a
        ``YEAR`` column, or one year's files).
    year:
        The collection year (ending 31 March) of single-year files with no
        ``YEAR`` column. Inferred from Episodes when not given.

    Raises
    ------
    InputError
        The folder does not exist or is not a folder, or the year of
        single-year files cannot be worked out. Every other problem is a
        finding in :attr:`Return903.findings`.
    """
    source = Path(path)
    if year is not None and not 1990 <= int(year) <= 2100:
        raise InputError(f"year {year}: give the collection year as the year ending 31 March, e.g. 2017 for 2016-17.")
    if not source.exists():
        raise InputError(f"{source}: folder not found.")
    if not source.is_dir():
        raise InputError(
            f"{source}: not a folder; give the folder holding the 903 CSV files (header.csv, episodes.csv ...)."
        )
    out = _Findings()
    raws: list[_Raw] = []
    per_year = _year_folders(source, out)

    if per_year:
        for f in _scan(source, source, _Findings())[0].values():
            out.add(
                "ignored-file",
                file=f.name,
                message="is beside the per-year sub-folders and is ignored; move it into a year's folder.",
            )
        if year is not None:
            out.add(
                "year-argument-ignored",
                file=".",
                message=f"the year {year} was ignored: the sub-folders name the years.",
            )
        file_years: dict[str, int] = {}
        for y, folder in sorted(per_year.items()):
            found, spreadsheets = _scan(folder, source, out)
            _check_tables(found, spreadsheets, folder.relative_to(source).as_posix(), out)
            for table, f in found.items():
                r = _read_file(f, f.relative_to(source).as_posix(), table, out)
                raws.append(r)
                file_years[r.rel] = y
        for r in raws:
            if r.frame is None:
                continue
            y = file_years[r.rel]
            if r.has_year:
                given = _year_values(r.frame, r.rel, out)
                wrong = given.notna() & (given != y)
                if wrong.any():
                    rows = r.frame.loc[wrong.fillna(False)]
                    out.add(
                        "year-mismatch",
                        file=r.rel,
                        row=rows["_row"],
                        child=rows["CHILD"] if "CHILD" in rows else None,
                        column="YEAR",
                        message=f"YEAR is not {y}, the year of the folder {r.rel.split('/')[0]}; the folder's year is used.",
                    )
            r.frame["YEAR"] = y
    else:
        found, spreadsheets = _scan(source, source, out)
        _check_tables(found, spreadsheets, "", out)
        raws = [_read_file(f, f.relative_to(source).as_posix(), table, out) for table, f in found.items()]
        multi = any(r.has_year for r in raws if r.frame is not None)
        if multi:
            if year is not None:
                out.add(
                    "year-argument-ignored",
                    file=".",
                    message=f"the year {year} was ignored: the files have a YEAR column.",
                )
            latest = None
            for r in raws:
                if r.frame is not None and r.has_year:
                    ys = _year_values(r.frame, r.rel, out)
                    r.frame["YEAR"] = ys
                    if ys.notna().any():
                        latest = max(latest or 0, int(ys.max()))
            for r in raws:
                if r.frame is None:
                    continue
                if not r.has_year:
                    if latest is None:
                        out.add(
                            "year-missing",
                            file=r.rel,
                            column="YEAR",
                            message="has no YEAR column and no other file has a valid YEAR; its rows are dropped.",
                        )
                        r.frame["YEAR"] = pd.array([pd.NA] * len(r.frame), dtype="Int64")
                    else:
                        out.add(
                            "year-missing",
                            file=r.rel,
                            column="YEAR",
                            message=f"has no YEAR column while other files do; its rows are taken as {latest} ({year_label(latest)}).",
                        )
                        r.frame["YEAR"] = latest
                r.frame = r.frame[r.frame["YEAR"].notna()].reset_index(drop=True)
                r.frame["YEAR"] = r.frame["YEAR"].astype("int64")
        else:
            if year is None:
                # dates are needed to infer the year: parse Episodes first
                for r in raws:
                    if r.table == "episodes" and r.frame is not None:
                        _parse_dates(r.frame, r.table, r.rel, out)
                        r.dates_parsed = True
                year = _infer_year(raws, source, out)
            for r in raws:
                if r.frame is not None:
                    r.frame["YEAR"] = int(year)

    tables = _assemble(raws, out)
    years = {int(y) for t in tables.values() for y in pd.unique(t["YEAR"])}
    if per_year:
        years |= set(per_year)
    elif not years and year is not None:
        years = {int(year)}
    years = sorted(years)
    return Return903(tables=tables, source=source, years=tuple(years), findings=out.frame())


def _assemble(raws: list[_Raw], out: _Findings) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for table, columns in spec.TABLES.items():
        parts, rels = [], []
        for r in raws:
            if r.table != table or r.frame is None:
                continue
            f = r.frame
            if not r.dates_parsed:
                _parse_dates(f, table, r.rel, out)
                r.dates_parsed = True
            for c in columns:
                if c not in f:
                    f[c] = _empty_column(c, len(f))
            parts.append(f[[*columns, "YEAR", "_row"]])
            rels.append(r.rel)
        if not parts:
            tables[table] = empty_table(table)
            continue
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
        codes = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
        frame.insert(len(columns) + 1, "_file", pd.Categorical.from_codes(codes, categories=rels))
        frame["YEAR"] = frame["YEAR"].astype("int64")
        frame["_row"] = frame["_row"].astype("int64")
        tables[table] = frame
    return tables


# --------------------------------------------------------------------------- stack


def _drop_older(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Keep the latest YEAR's row for each key (rows with a blank key are all kept)."""
    if frame.empty:
        return frame
    ordered = frame.sort_values("YEAR", kind="stable")
    dup = ordered.duplicated(keys, keep="last") & ordered[keys].notna().all(axis=1)
    return frame.drop(index=ordered.index[dup]).reset_index(drop=True)


def episode_order(ep: pd.DataFrame, by_year: bool = False, child_codes: np.ndarray | None = None) -> np.ndarray:
    """Positions that sort episodes by (YEAR if ``by_year``), CHILD, DECOM, then YEAR and line; blank CHILD/DECOM last.

    ``child_codes`` (integers, -1 for blank) may replace CHILD: children then follow the codes' order.
    """
    if child_codes is None:
        child_codes = pd.factorize(ep["CHILD"], sort=True)[0]
    child = np.asarray(child_codes, dtype="int64").copy()
    child[child < 0] = np.iinfo("int64").max
    decom = ep["DECOM"].to_numpy().view("int64").copy()
    decom[ep["DECOM"].isna().to_numpy()] = np.iinfo("int64").max
    year = ep["YEAR"].to_numpy()
    keys = [ep["_row"].to_numpy(), year, decom, child]
    if by_year:
        keys.append(year)
    return np.lexsort(keys)


def stack(ret: Return903) -> Return903:
    """Merge the years of a multi-year return into one history.

    * The same episode (CHILD, DECOM) in successive returns keeps the latest
      YEAR's row; Header and UASC keep each child's latest row; AD1 and
      PlacedAdoption are de-duplicated on (CHILD, DATE_INT) and
      (CHILD, DATE_PLACED), keeping the latest.
    * Each child's episodes are sorted by DECOM. An open episode (blank DEC)
      followed by a later episode is closed on that episode's DECOM with REC
      X1 (info finding ``closed-across-years``), unless the later episode
      starts a new period (RNE S): then it is left open and reported as an
      error (``open-episode-before-new-period``).

    Returns a new :class:`Return903`; ``ret`` is not changed.
    """
    tables = dict(ret.tables)
    tables["header"] = _drop_older(tables["header"], ["CHILD"])
    tables["uasc"] = _drop_older(tables["uasc"], ["CHILD"])
    tables["ad1"] = _drop_older(tables["ad1"], ["CHILD", "DATE_INT"])
    tables["placed_adoption"] = _drop_older(tables["placed_adoption"], ["CHILD", "DATE_PLACED"])
    ep = _drop_older(tables["episodes"], ["CHILD", "DECOM"])
    ep = ep.take(episode_order(ep)).reset_index(drop=True)

    ok = (ep["CHILD"].notna() & ep["DECOM"].notna()).to_numpy()
    child = pd.factorize(ep["CHILD"])[0]
    has_next = np.zeros(len(ep), dtype=bool)
    if len(ep) > 1:
        has_next[:-1] = ok[:-1] & ok[1:] & (child[:-1] == child[1:])
    open_then_more = np.flatnonzero(has_next & ep["DEC"].isna().to_numpy())
    next_of_open = open_then_more + 1
    new_period = ep["RNE"].to_numpy(dtype=object, na_value="")[next_of_open] == "S"
    close, keep_open = open_then_more[~new_period], open_then_more[new_period]

    found: list[pd.DataFrame] = []
    if close.size:
        rows, later = ep.iloc[close], ep.iloc[close + 1]
        found.append(
            make_findings(
                LOAD_RULES["closed-across-years"],
                file=rows["_file"].astype(str),
                row=rows["_row"],
                child=rows["CHILD"],
                column="DEC",
                message=(
                    "open episode closed on "
                    + later["DECOM"].dt.strftime("%d/%m/%Y").to_numpy(dtype=object)
                    + " with REC X1, when the child's next episode ("
                    + later["_file"].astype(str).to_numpy(dtype=object)
                    + " row "
                    + later["_row"].astype(str).to_numpy(dtype=object)
                    + ") starts."
                ),
            )
        )
        dec = ep["DEC"].to_numpy(copy=True)
        dec[close] = ep["DECOM"].to_numpy()[close + 1]
        rec = ep["REC"].to_numpy(dtype=object, copy=True)
        rec[close] = "X1"
        ep = ep.assign(DEC=dec, REC=pd.array(rec, dtype=ep["REC"].dtype))
    if keep_open.size:
        rows, later = ep.iloc[keep_open], ep.iloc[keep_open + 1]
        found.append(
            make_findings(
                LOAD_RULES["open-episode-before-new-period"],
                file=rows["_file"].astype(str),
                row=rows["_row"],
                child=rows["CHILD"],
                column="DEC",
                message=(
                    "episode has no DEC but the child starts a new period (RNE S) on "
                    + later["DECOM"].dt.strftime("%d/%m/%Y").to_numpy(dtype=object)
                    + " ("
                    + later["_file"].astype(str).to_numpy(dtype=object)
                    + " row "
                    + later["_row"].astype(str).to_numpy(dtype=object)
                    + "): when this episode ended is unknown."
                ),
            )
        )
    tables["episodes"] = ep
    return replace(ret, tables=tables, findings=concat_findings([ret.findings, *found]), stacked=True)
