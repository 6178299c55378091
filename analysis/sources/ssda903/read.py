"""Reading one SSDA903 table file: encodings, spreadsheets saved as CSV, column names, ragged rows, dates."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.findings import (
    _MAX_DATE,
    _MIN_DATE,
    _POSTCODE,
    PERSONAL_DATES,
    REQUIRED_COLUMNS,
    TABLE_LABELS,
    _empty_column,
    _Findings,
)

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


def _read_text(path: Path, rel: str, table: str, out: _Findings) -> tuple[bytes, int] | None:
    """The file's bytes (without a UTF-8 BOM) and the BOM's length; None, reported, if not UTF-8 text."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        out.add("unreadable-file", file=rel, message=f"could not be opened ({exc.strerror or exc}).")
        return None

    if raw[:4] == b"PK\x03\x04" or raw[:8] == _OLE_SIGNATURE:
        out.add("excel", file=rel, message="is an Excel file, not CSV: save it as CSV UTF-8.")
        return None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        out.add("encoding", file=rel, message="is UTF-16 text, not UTF-8: save it as CSV UTF-8.")
        return None
    bom = len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0
    if bom:
        raw = raw[bom:]
    if not raw or raw.isspace():
        rule = "empty-file" if table in spec.REQUIRED_TABLES else "empty-optional-file"
        out.add(
            rule,
            file=rel,
            message=f"is empty: expected a header line ({', '.join(spec.TABLES[table])}) and a row per record.",
        )
        return None
    if b"\x00" in raw[:4096]:
        out.add("encoding", file=rel, message="is not a text file (it holds NUL bytes): save it as CSV UTF-8.")
        return None
    if not raw.isascii() and not _check_utf8(raw, bom, rel, out):
        return None
    return raw, bom


def _check_utf8(raw: bytes, bom: int, rel: str, out: _Findings) -> bool:
    """Whether ``raw`` decodes as UTF-8; if not, the first bad byte is reported."""
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
        return False
    return True


def _comma_separated(raw: bytes, rel: str, out: _Findings) -> bool:
    """False, reported, when the first line has no comma but semicolons, tabs or vertical bars."""
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
                return False
    return True


def _read_grid(raw: bytes, rel: str, out: _Findings) -> tuple[pd.DataFrame, list[int]] | None:
    """The CSV as a grid of text (header line included) and the skipped line numbers; None if unreadable."""
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
            return None
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
    return grid, skipped


def _line_numbers(n: int, skipped: list[int]) -> np.ndarray:
    """The file line number of each of the ``n`` data rows, given the lines the parser skipped."""
    if skipped:
        return np.setdiff1d(np.arange(1, n + 2 + len(skipped)), np.asarray(skipped))[1 : n + 1]
    return np.arange(2, n + 2)


def _pick_columns(grid: pd.DataFrame, table: str, rel: str, out: _Findings) -> dict[str, pd.Series]:
    """The table's columns (and YEAR) by header name; duplicate, unnamed and unknown columns are reported."""
    label = TABLE_LABELS[table]
    names = [
        str(c).replace("\ufeff", "").strip().strip('"').strip().upper() if pd.notna(c) else "" for c in grid.iloc[0]
    ]
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
    return columns


def _check_missing_columns(columns: dict[str, pd.Series], table: str, rel: str, out: _Findings) -> None:
    """Report the table's columns absent from the file (required ones as errors)."""
    label = TABLE_LABELS[table]
    wanted = spec.TABLES[table]
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


def _build_frame(columns: dict[str, pd.Series], lines: np.ndarray, n: int, needs_strip: bool) -> pd.DataFrame:
    """The columns with ``_row``, values stripped when ``needs_strip``, and wholly blank rows dropped."""
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
    return frame


def _read_file(path: Path, rel: str, table: str, out: _Findings) -> _Raw:
    """Read one table file into a :class:`_Raw` (frame None when it cannot be read); problems go to ``out``."""
    text = _read_text(path, rel, table, out)
    if text is None:
        return _Raw(table, rel, None)
    raw = text[0]
    del text
    if not _comma_separated(raw, rel, out):
        return _Raw(table, rel, None)
    needs_strip = _has_edge_space(raw)
    parsed = _read_grid(raw, rel, out)
    del raw
    if parsed is None:
        return _Raw(table, rel, None)
    grid, skipped = parsed
    del parsed
    n = len(grid) - 1
    lines = _line_numbers(n, skipped)
    columns = _pick_columns(grid, table, rel, out)
    del grid
    _check_missing_columns(columns, table, rel, out)
    frame = _build_frame(columns, lines, n, needs_strip)
    if len(frame) == 0 and table in spec.REQUIRED_TABLES:
        out.add("no-rows", file=rel, message=f"has a header line but no rows: {TABLE_LABELS[table]} cannot be empty.")
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


_PARTIAL_DATE = re.compile(r"(\d{1,2}|ZZ)/(\d{1,2}|ZZ)/(\d{4}|ZZZZ)", re.I)


def _partial_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """DfE's partial dates (:data:`spec.PARTIAL_DATE_COLUMNS`) in ``text``: (dates, which were partial dates).

    ``ZZ/05/2012`` is 31 May 2012 and ``ZZ/ZZ/2012`` 31 December 2012, the latest day each can be; a year
    given as ``ZZZZ`` is not known at all (NaT). Text that is no partial date is left NaT and not marked.
    """
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    ok = pd.Series(False, index=text.index)
    for i, value in text.items():
        m = _PARTIAL_DATE.fullmatch(str(value).strip())
        if m is None:
            continue
        day, month, year = (g.upper() for g in m.groups())
        if "Z" not in day + month + year or (month != "ZZ" and not 1 <= int(month) <= 12):
            continue  # a whole date that did not parse (31/02/2012), or no month: not a partial date
        ok[i] = True
        if year == "ZZZZ":
            continue
        if month == "ZZ":
            dates[i] = pd.Timestamp(int(year), 12, 31)
        else:
            dates[i] = pd.Timestamp(int(year), int(month), 1) + pd.offsets.MonthEnd(0)
    return dates, ok


def _parse_dates(frame: pd.DataFrame, table: str, rel: str, out: _Findings) -> None:
    """Replace the text of date columns by datetime64[ns]; report values that are not dates (DfE's partial
    dates, ``ZZ/ZZ/2012``, are dates in :data:`spec.PARTIAL_DATE_COLUMNS`)."""
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
        if c in spec.PARTIAL_DATE_COLUMNS and bad.any():
            partial, ok = _partial_dates(text[bad])
            parsed[partial.index[ok.to_numpy()]] = partial[ok]
            bad[ok.index[ok.to_numpy()]] = False
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
                child=rows.get("CHILD"),
                column=c,
                message=message,
            )
        frame[c] = parsed.astype("datetime64[ns]")
