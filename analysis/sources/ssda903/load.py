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

:func:`stack` turns several returns into one history of episodes. Real returns
are resubmitted and corrected: an episode a later year's return gives again
(same CHILD and DECOM) with other details keeps the later return's row, and a
child first recorded in a later return although the child's care began in an
earlier year (a late entry) is taken from that return, so the stacked history
has what the authority last recorded. Each year's return on its own keeps
what was submitted that year (its counts can then differ from the stacked
history's by the late entries).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.ssda903 import spec
from analysis.sources.ssda903.findings import (
    FINDING_COLUMNS,
    LOAD_RULES,
    PERSONAL_DATES,
    REQUIRED_COLUMNS,
    SEVERITIES,
    TABLE_LABELS,
    Return903,
    Rule,
    _empty_column,
    _Findings,
    collection_year_of,
    concat_findings,
    empty_findings,
    empty_table,
    make_findings,
    parse_year,
    quote_value,
    year_label,
)
from analysis.sources.ssda903.read import (
    _EXPECTED_NAMES,
    _FILE_TABLE,
    _SPREADSHEET_SUFFIXES,
    _parse_dates,
    _Raw,
    _read_file,
)

# The findings and years live in findings.py; they are part of this module's API too.
__all__ = [
    "FINDING_COLUMNS",
    "LOAD_RULES",
    "PERSONAL_DATES",
    "REQUIRED_COLUMNS",
    "SEVERITIES",
    "TABLE_LABELS",
    "Return903",
    "Rule",
    "collection_year_of",
    "concat_findings",
    "empty_findings",
    "empty_table",
    "episode_order",
    "load_return",
    "make_findings",
    "parse_year",
    "quote_value",
    "stack",
    "year_label",
]


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
            child=rows.get("CHILD"),
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


def _check_source(source: Path, year: int | None) -> None:
    """Raise :class:`InputError` for an implausible ``year`` or a ``source`` that is not a folder."""
    if year is not None and not 1990 <= int(year) <= 2100:
        raise InputError(f"year {year}: give the collection year as the year ending 31 March, e.g. 2017 for 2016-17.")
    if not source.exists():
        raise InputError(f"{source}: folder not found.")
    if not source.is_dir():
        raise InputError(
            f"{source}: not a folder; give the folder holding the 903 CSV files (header.csv, episodes.csv ...)."
        )


def _load_year_folders(source: Path, per_year: dict[int, Path], year: int | None, out: _Findings) -> list[_Raw]:
    """Read one sub-folder per collection year; every row takes its folder's year."""
    raws: list[_Raw] = []
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
            _check_folder_year(r, y, out)
        r.frame["YEAR"] = y
    return raws


def _check_folder_year(r: _Raw, y: int, out: _Findings) -> None:
    """Report rows whose YEAR is not ``y``, the year of the folder holding the file."""
    given = _year_values(r.frame, r.rel, out)
    wrong = given.notna() & (given != y)
    if wrong.any():
        rows = r.frame.loc[wrong.fillna(False)]
        out.add(
            "year-mismatch",
            file=r.rel,
            row=rows["_row"],
            child=rows.get("CHILD"),
            column="YEAR",
            message=f"YEAR is not {y}, the year of the folder {r.rel.split('/')[0]}; the folder's year is used.",
        )


def _load_flat(source: Path, year: int | None, out: _Findings) -> tuple[list[_Raw], int | None]:
    """Read the table files directly in ``source``: the raws and the year (inferred if single-year)."""
    found, spreadsheets = _scan(source, source, out)
    _check_tables(found, spreadsheets, "", out)
    raws = [_read_file(f, f.relative_to(source).as_posix(), table, out) for table, f in found.items()]
    multi = any(r.has_year for r in raws if r.frame is not None)
    if multi:
        _set_multi_year(raws, year, out)
    else:
        year = _set_single_year(raws, source, year, out)
    return raws, year


def _set_multi_year(raws: list[_Raw], year: int | None, out: _Findings) -> None:
    """Years from the YEAR columns; files without one take the latest year; rows with no year are dropped."""
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


def _set_single_year(raws: list[_Raw], source: Path, year: int | None, out: _Findings) -> int:
    """Give every row ``year``, inferring it from Episodes when not given; returns the year."""
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
    return year


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
    _check_source(source, year)
    out = _Findings()
    per_year = _year_folders(source, out)
    if per_year:
        raws = _load_year_folders(source, per_year, year, out)
    else:
        raws, year = _load_flat(source, year, out)

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


def _open_followed(ep: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions of open episodes followed by the same child's next episode: (to close, to keep open).

    An open episode is kept open when the next episode starts a new period (RNE S).
    """
    ok = (ep["CHILD"].notna() & ep["DECOM"].notna()).to_numpy()
    child = pd.factorize(ep["CHILD"])[0]
    has_next = np.zeros(len(ep), dtype=bool)
    if len(ep) > 1:
        has_next[:-1] = ok[:-1] & ok[1:] & (child[:-1] == child[1:])
    open_then_more = np.flatnonzero(has_next & ep["DEC"].isna().to_numpy())
    next_of_open = open_then_more + 1
    new_period = ep["RNE"].to_numpy(dtype=object, na_value="")[next_of_open] == "S"
    return open_then_more[~new_period], open_then_more[new_period]


def _close_across_years(ep: pd.DataFrame, close: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Close the episodes at ``close`` on the next episode's DECOM with REC X1; the episodes and findings."""
    rows, later = ep.iloc[close], ep.iloc[close + 1]
    found = make_findings(
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
    dec = ep["DEC"].to_numpy(copy=True)
    dec[close] = ep["DECOM"].to_numpy()[close + 1]
    rec = ep["REC"].to_numpy(dtype=object, copy=True)
    rec[close] = "X1"
    return ep.assign(DEC=dec, REC=pd.array(rec, dtype=ep["REC"].dtype)), found


def _open_before_new_period(ep: pd.DataFrame, keep_open: np.ndarray) -> pd.DataFrame:
    """Findings for the open episodes at ``keep_open``, followed by a new period (RNE S)."""
    rows, later = ep.iloc[keep_open], ep.iloc[keep_open + 1]
    return make_findings(
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


def stack(ret: Return903) -> Return903:
    """Merge the years of a multi-year return into one history.

    * The same episode (CHILD, DECOM) in successive returns keeps the latest
      YEAR's row; Header and UASC keep each child's latest row; AD1 and
      PlacedAdoption are de-duplicated on (CHILD, DATE_INT) and
      (CHILD, DATE_PLACED), keeping the latest; a Previous Permanence row
      repeated in a later return (same CHILD, PREV_PERM and DATE_PERM) too.
      A child's Previous Permanence rows for different periods (one each
      time the child starts to be looked after) are all kept.
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
    tables["prev_perm"] = _drop_older(tables["prev_perm"], ["CHILD", "PREV_PERM", "DATE_PERM"])
    ep = _drop_older(tables["episodes"], ["CHILD", "DECOM"])
    ep = ep.take(episode_order(ep)).reset_index(drop=True)
    close, keep_open = _open_followed(ep)

    found: list[pd.DataFrame] = []
    if close.size:
        ep, closed = _close_across_years(ep, close)
        found.append(closed)
    if keep_open.size:
        found.append(_open_before_new_period(ep, keep_open))
    tables["episodes"] = ep
    return replace(ret, tables=tables, findings=concat_findings([ret.findings, *found]), stacked=True)
