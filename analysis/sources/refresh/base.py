"""Shared pieces of the refresh: releases, extracted rows, cell parsing, reading, geography.

Every source-family module (:mod:`.dfe_sfr`, :mod:`.dfe_ees`, :mod:`.ons`,
:mod:`.ofsted`, :mod:`.neighbours`) builds on these.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.published import (
    COLUMNS,
    ENGLAND_CODE,
    LOCAL_AUTHORITY,
    MEASURES,
    NATIONAL,
    REGIONAL,
)

DFE = "Department for Education"
ONS = "Office for National Statistics"
LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LONDON_CODE, LONDON_NAME = "E12000007", "London"
INNER_OUTER_LONDON = {"inner london": ("E13000001", "Inner London"), "outer london": ("E13000002", "Outer London")}

KEY = ["measure", "year", "geographic_level", "area"]
_CANDIDATE_COLUMNS = [c for c in COLUMNS if c not in ("release", "source")]
_LEVEL_ORDER = {NATIONAL: 0, REGIONAL: 1, LOCAL_AUTHORITY: 2}


# --------------------------------------------------------------------------- releases


@dataclass(frozen=True)
class Release:
    """One publication vintage that a source file belongs to.

    Attributes
    ----------
    year : int
        The latest reporting year the release contains (its "release year").
    kind : int
        Tie-break between releases of the same year: 0 ONS or Ofsted, 1 SFR
        tables, 2 SFR underlying data, 3 Explore Education Statistics (EES).
    name : str
        Short id written to the ``release`` column, e.g. ``"2019 underlying data"``.
    publisher : str
        Who published the statistics.
    publication : str
        Human name of the publication.
    """

    year: int
    kind: int
    name: str
    publisher: str = field(compare=False)
    publication: str = field(compare=False)

    def sort_key(self) -> tuple[int, int, str]:
        """Order of precedence: a later key supersedes an earlier one."""
        return (self.year, self.kind, self.name)


@dataclass
class Extracted:
    """Candidate rows from one source file.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``year, geographic_level, new_la_code, old_la_code, la_name,
        region_code, region_name, measure, value, marker``.
    release : Release
        The release the file belongs to.
    notes : list of str
        Anything worth telling the user (e.g. a relabelled column).
    resolve_names : bool
        Some rows identify their area by name only (``geographic_level``
        ``"?"``, e.g. Ofsted's files); :func:`_resolve_names` gives them DfE's
        codes once every DfE file has been read.
    """

    frame: pd.DataFrame
    release: Release
    notes: list[str] = field(default_factory=list)
    resolve_names: bool = False


@dataclass(frozen=True)
class Extractor:
    """A registry entry: which files to read and how.

    Attributes
    ----------
    name : str
        Short name used in the manifest.
    pattern : str
        Glob relative to the source folder.
    expected : str
        What the files are, for the error raised when none match.
    parse : callable
        ``parse(path, relative_path) -> Extracted``.
    required : bool
        Raise :class:`InputError` if no file matches.
    """

    name: str
    pattern: str
    expected: str
    parse: Callable[[Path, str], Extracted]
    required: bool = True


# --------------------------------------------------------------------------- parsing helpers

_SEPARATORS = re.compile(r"[,\s\u00a0\u202f']")


@functools.lru_cache(maxsize=1 << 16)
def parse_cell(raw: object) -> tuple[float, str]:
    """Parse one published cell into (value, marker).

    Parameters
    ----------
    raw : object
        The cell as read (a string).

    Returns
    -------
    tuple of (float, str)
        ``(value, "")`` for a number (thousands separators and spaces are
        ignored); ``(nan, marker)`` for anything else, e.g. ``x``, ``c``, ``z``,
        ``..``, ``low``, ``:``, ``-``; ``(nan, "")`` for an empty cell.
    """
    text = "" if raw is None else str(raw).strip()
    if not text:
        return math.nan, ""
    cleaned = _SEPARATORS.sub("", text)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cleaned):
        return float(cleaned), ""
    return math.nan, text


_READ_CACHE: dict[tuple[str, int, int], pd.DataFrame] = {}
"""Files already read during the current refresh (several extractors read the same file)."""


def _read(path: Path, rel: str) -> pd.DataFrame:
    """Read a CSV as strings (BOM tolerated, headers and cells stripped)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"{rel}: could not be read ({exc}).") from exc
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _READ_CACHE:
        _READ_CACHE[key] = _read_uncached(path, rel)
    return _READ_CACHE[key].copy()


def _read_uncached(path: Path, rel: str) -> pd.DataFrame:
    try:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise InputError(f"{rel}: could not be read as a CSV file ({exc}).") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    unnamed = [c for c in frame.columns if c.startswith("Unnamed:") and (frame[c].str.strip() == "").all()]
    frame = frame.drop(columns=unnamed)
    # Strip every cell (a plain loop over object arrays is much faster than .str.strip()).
    return pd.DataFrame(
        {c: [v.strip() for v in frame[c].to_numpy(dtype=object)] for c in frame.columns},
        index=frame.index,
        columns=frame.columns,
        dtype="str",
    )


def _require(frame: pd.DataFrame, columns: list[str], rel: str, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{rel}: missing column(s) {', '.join(missing)}; expected {what} with columns {', '.join(columns)}."
        )


def _year_columns(frame: pd.DataFrame, pattern: str) -> dict[int, str]:
    """Columns whose name matches ``pattern`` (one group: a 4-digit year)."""
    out = {}
    for col in frame.columns:
        m = re.fullmatch(pattern, col)
        if m:
            out[int(m.group(1))] = col
    return dict(sorted(out.items()))


def _rows(geo: pd.DataFrame, year: int, measure: str, cells: pd.Series) -> pd.DataFrame:
    """Candidate rows for one measure and year from a geography frame and cells."""
    parsed = [parse_cell(v) for v in cells.loc[geo.index].to_numpy(dtype=object)]
    out = geo.copy()
    out["year"] = int(year)
    out["measure"] = measure
    out["value"] = [p[0] for p in parsed]
    out["marker"] = [p[1] for p in parsed]
    keep = out["value"].notna() | (out["marker"] != "")
    return out.loc[keep, _CANDIDATE_COLUMNS]


def _empty_geo() -> dict[str, str]:
    return dict(geographic_level="", new_la_code="", old_la_code="", la_name="", region_code="", region_name="")


# --------------------------------------------------------------------------- geography


def _sfr_geography(frame: pd.DataFrame, rel: str) -> pd.DataFrame:
    """Geography of an old wide SFR file (geog_l / geog_c / geog_n / New_geog_code)."""
    _require(frame, ["New_geog_code", "geog_l", "geog_c", "geog_n"], rel, "a DfE SFR/underlying-data table")
    records = {}
    for idx, level, old, name, new in frame[["geog_l", "geog_c", "geog_n", "New_geog_code"]].itertuples():
        g = _empty_geo()
        level = level.upper()
        if level == "NATIONAL":
            g.update(geographic_level=NATIONAL, new_la_code=ENGLAND_CODE, la_name="England")
        elif level == "REGION":
            london = INNER_OUTER_LONDON.get(name.lower())
            code, rname = london if london else (new, name.title())
            if not code:
                continue
            g.update(geographic_level=REGIONAL, region_code=code, region_name=rname)
        elif level in ("LA", "") and re.fullmatch(r"\d{3}", old):
            # The 2017 file lists the Isles of Scilly with a blank geog_l.
            g.update(geographic_level=LOCAL_AUTHORITY, new_la_code=new, old_la_code=old, la_name=name)
        else:
            continue
        records[idx] = g
    return pd.DataFrame.from_dict(records, orient="index", columns=list(_empty_geo()))


def _tidy_geography(frame: pd.DataFrame, rel: str) -> pd.DataFrame:
    """Geography of a tidy EES/ONS file."""
    cols = ["geographic_level", "region_code", "region_name", "old_la_code", "new_la_code", "la_name"]
    _require(frame, cols, rel, "a tidy EES/ONS file")
    names = list(_empty_geo())

    def one(level: str, rcode: str, rname: str, old: str, new: str, name: str) -> tuple[str, ...] | None:
        g = _empty_geo()
        if level == NATIONAL:
            g.update(geographic_level=NATIONAL, new_la_code=ENGLAND_CODE, la_name="England")
        elif level == REGIONAL:
            g.update(geographic_level=REGIONAL, region_code=rcode, region_name=rname)
        elif level == LOCAL_AUTHORITY:
            if rcode.startswith("E13"):  # Inner/Outer London: the LA's region is London
                rcode, rname = LONDON_CODE, LONDON_NAME
            g.update(
                geographic_level=LOCAL_AUTHORITY,
                new_la_code=new,
                old_la_code=old.zfill(3) if old.isdigit() else old,
                la_name=name,
                region_code=rcode,
                region_name=rname,
            )
        else:
            return None
        return tuple(g[n] for n in names)

    cache: dict[tuple[str, ...], tuple[str, ...] | None] = {}
    index, records = [], []
    arrays = [frame[c].to_numpy(dtype=object) for c in cols]
    for idx, key in zip(frame.index, zip(*arrays)):
        if key not in cache:
            cache[key] = one(*key)
        if cache[key] is not None:
            index.append(idx)
            records.append(cache[key])
    return pd.DataFrame(records, index=index, columns=names)


# --------------------------------------------------------------------------- breakdowns: shared helpers


class _Cells:
    """Candidate rows of one file, collected as arrays and built into one frame at the end.

    ``geo`` holds one row per area (and year, for tidy files); every measure
    adds one array of raw published cells per part, aligned with ``geo``.
    """

    def __init__(self, geo: pd.DataFrame, years: int | np.ndarray):
        self.geo = geo.reset_index(drop=True)
        n = len(self.geo)
        self.years = np.full(n, int(years)) if isinstance(years, (int, np.integer)) else np.asarray(years, dtype=int)
        self.blocks: list[tuple[np.ndarray, np.ndarray, str, np.ndarray, np.ndarray]] = []

    def add(self, measure: str, parts: list[np.ndarray], year: int | None = None) -> None:
        """Add a measure: one part as published, several summed (see :func:`_combine`)."""
        values, markers = _combine(parts)
        keep = ~np.isnan(values) | (markers != "")
        rows = np.flatnonzero(keep)
        years = self.years[rows] if year is None else np.full(len(rows), int(year))
        self.blocks.append((rows, years, measure, values[rows], markers[rows]))

    def frame(self) -> pd.DataFrame:
        if not self.blocks:
            return pd.DataFrame(columns=_CANDIDATE_COLUMNS)
        rows = np.concatenate([b[0] for b in self.blocks])
        out = self.geo.iloc[rows].reset_index(drop=True)
        out["year"] = np.concatenate([b[1] for b in self.blocks]).astype(int)
        out["measure"] = np.concatenate([np.full(len(b[0]), b[2], dtype=object) for b in self.blocks])
        out["value"] = np.concatenate([b[3] for b in self.blocks]).astype(float)
        out["marker"] = np.concatenate([b[4] for b in self.blocks])
        return out.loc[:, _CANDIDATE_COLUMNS].astype(
            {c: "str" for c in _CANDIDATE_COLUMNS if c not in ("year", "value")}
        )


def _parse_array(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    parsed = [parse_cell(v) for v in cells]
    return (
        np.array([p[0] for p in parsed], dtype=float),
        np.array([p[1] for p in parsed], dtype=object),
    )


def _combine(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Value and marker of one measure from aligned arrays of raw cells.

    One part: the cell as published. Several parts: their sum where every part
    has a number; a blank value with the marker of the first suppressed part
    (in the order given) where any part is suppressed; nothing (NaN, "") where a
    part is empty and none is suppressed, so the row is dropped. A part marked
    ``z`` (not applicable, e.g. a reason for ceasing that did not exist that
    year) is left out of the sum; when every part is ``z`` the result is ``z``.
    Nothing is imputed.
    """
    parsed = [_parse_array(p) for p in parts]
    if len(parsed) == 1:
        return parsed[0]
    values = np.vstack([v for v, _ in parsed])
    markers = np.vstack([m for _, m in parsed])
    not_applicable = markers == "z"
    all_z = not_applicable.all(axis=0)
    values = np.where(not_applicable & ~all_z, 0.0, values)
    markers = np.where(not_applicable & ~all_z, "", markers)
    marked = markers != ""
    any_marker = marked.any(axis=0)
    first = markers[marked.argmax(axis=0), np.arange(markers.shape[1])]
    complete = ~np.isnan(values).any(axis=0)
    value = np.where(complete & ~any_marker, values.sum(axis=0), np.nan)
    marker = np.where(any_marker, first, "").astype(object)
    return value, marker


def _has_pct(measure: str) -> bool:
    return measure + "_pct" in MEASURES
