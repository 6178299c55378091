"""Derive the committed public-data layer from DfE, ONS and Ofsted downloads.

:func:`refresh` reads a source folder laid out like ``shared/data`` (DfE
"Children looked after in England including adoptions" LA-level files, ONS
mid-year population estimates, DfE statistical-neighbour groupings, Ofsted
"Fostering in England" LA data) and writes to ``data/published``:

``cla_published.csv``
    One tidy table, one row per (year, area, measure), latest release only.
``revisions.csv``
    Every value a later release changed (old and new value and release).
``statistical_neighbours.csv``
    Both statistical-neighbour models in long form.
``manifest.json``
    Publishers, publications, releases, licence and a sha256 of every source.

Extraction is a small registry (:data:`EXTRACTORS`): each :class:`Extractor`
names a glob under the source folder and a parser that turns one file into
candidate rows plus the :class:`Release` they come from. To add a measure, add
an extractor. Candidates for the same (measure, year, area) from several
releases are resolved by :func:`Release.sort_key`: the latest release wins and
the others are recorded as revisions when they differ.

Breakdowns (placement type and provider, age, locality and distance, legal
status, UASC, starters by age, reasons for ceasing, stability, new placements,
adoption timeliness, Ofsted fostering) are harmonised to one measure name each
across releases (see ``data/README.md``). Each value is a published cell; a few
measures are sums of published cells (blank, with the marker of a suppressed
part, when any part is suppressed), and nothing is imputed. The ``source``
columns hold short ids (:func:`source_id`) that the manifest maps to paths.

Outputs are deterministic (sorted rows, fixed number formatting, no time
stamps), so re-running on the same downloads gives identical bytes.
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import json
import math
import os
import re
import shutil
import tempfile
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
    MANIFEST_FILE,
    MEASURES,
    NATIONAL,
    NEIGHBOUR_COLUMNS,
    NEIGHBOURS_FILE,
    REGIONAL,
    REVISION_COLUMNS,
    REVISIONS_FILE,
    TABLE_FILE,
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


# --------------------------------------------------------------------------- extractors


def _sfr_release(year: int, prefix: str) -> Release:
    return Release(
        year=year,
        kind=1,
        name=f"{year} {prefix}",
        publisher=DFE,
        publication=(
            f"Children looked after in England (including adoption), year ending 31 March {year} "
            f"({prefix}/{year}), underlying data"
        ),
    )


def _ud_release(year: int) -> Release:
    return Release(
        year=year,
        kind=2,
        name=f"{year} underlying data",
        publisher=DFE,
        publication=(
            f"Children looked after in England including adoptions, year ending 31 March {year}, "
            "LA-level underlying data"
        ),
    )


def _ees_release(year: int, rel: str) -> Release:
    """The EES release a tidy file belongs to (its latest reporting year; "dashboard" copies apart)."""
    dashboard = "dashboard" in rel.lower()
    return Release(
        year=year,
        kind=3,
        name=f"{year} EES" + (" dashboard" if dashboard else ""),
        publisher=DFE,
        publication=(
            f"Children looked after in England including adoptions, reporting year {year} "
            "(Explore Education Statistics)"
            + (", as copied in DfE's CSC outcomes and enablers dashboard" if dashboard else "")
        ),
    )


def _sfr_single(measure: str, kind: str) -> Callable[[Path, str], Extracted]:
    """Parser for one-year SFR files (2013-2017): SFRnn_CLAyyyy / ADMyyyy / CEAyyyy."""

    def parse(path: Path, rel: str) -> Extracted:
        m = re.search(r"(SFR\d+)_" + kind + r"(\d{4})\.csv$", path.name, re.IGNORECASE)
        if not m:
            raise InputError(f"{rel}: file name should look like SFRnn_{kind}YYYY.csv.")
        prefix, year = m.group(1).upper(), int(m.group(2))
        frame = _read(path, rel)
        notes = []
        if kind == "CLA":
            wanted = [f"CLA_Mar{year}"]
        elif kind == "ADM":
            wanted = [f"CLA_started{year}"]
        else:
            wanted = [f"CLA_cease{year}", "CLA_cease"]
        column = next((c for c in wanted if c in frame.columns), None)
        if column is None and kind == "ADM":
            # SFR34_ADM2015.csv labels its 2015 count "CLA_started2014": accept a
            # single CLA_startedYYYY column and trust the file name's year.
            others = list(_year_columns(frame, r"CLA_started(\d{4})").values())
            if len(others) == 1:
                column = others[0]
                notes.append(f"{rel}: column {column} read as the {year} count (year from the file name)")
        if column is None:
            raise InputError(
                f"{rel}: missing column {wanted[0]}; expected the {year} count of {measure.replace('_', ' ')} "
                f"in column {' or '.join(wanted)}."
            )
        geo = _sfr_geography(frame, rel)
        return Extracted(_rows(geo, year, measure, frame[column]), _sfr_release(year, prefix), notes)

    return parse


def _check_pop_mapping(frame, rel, counts, pops, rates) -> None:
    """Check that positional CLA_Pop -> CLA_Rate matching reproduces the rates."""
    close = total = 0
    for year, rate_col in rates.items():
        c = frame[counts[year]].map(lambda v: parse_cell(v)[0])
        p = frame[pops[year]].map(lambda v: parse_cell(v)[0])
        r = frame[rate_col].map(lambda v: parse_cell(v)[0])
        ok = c.notna() & p.notna() & r.notna() & (p > 0)
        total += int(ok.sum())
        close += int(((c[ok] / p[ok] * 10000 - r[ok]).abs() <= 1).sum())
    if total and close / total < 0.9:
        raise InputError(
            f"{rel}: the CLA_PopYYYY columns, matched to the CLA_RateYYYY columns by position, "
            f"reproduce only {close}/{total} published rates within 1; expected the population "
            "columns in the same order as the rate columns."
        )


def _ud_cla(path: Path, rel: str) -> Extracted:
    """CLA2018.csv / CLA2019.csv: 5-year series of counts, populations and rates."""
    frame = _read(path, rel)
    counts = _year_columns(frame, r"CLA_Mar(\d{4})")
    if not counts:
        raise InputError(
            f"{rel}: missing column CLA_MarYYYY; expected counts of children looked after at "
            "31 March (CLA_Mar2015 ... CLA_Mar2019) with CLA_PopYYYY and CLA_RateYYYY."
        )
    rates = _year_columns(frame, r"CLA_Rate(\d{4})")
    missing = [f"CLA_Rate{y}" for y in counts if y not in rates]
    pop_cols = list(_year_columns(frame, r"CLA_Pop(\d{4})").values())
    if missing or len(pop_cols) != len(rates):
        raise InputError(
            f"{rel}: missing column(s) {', '.join(missing) or 'CLA_PopYYYY'}; expected one CLA_RateYYYY "
            f"and one CLA_PopYYYY column for each CLA_MarYYYY year ({', '.join(map(str, counts))})."
        )
    # CLA2019.csv labels its populations 2014..2018 although they belong to the
    # rate years 2015..2019: match population columns to rate years by position.
    pops = dict(zip(rates, pop_cols))
    _check_pop_mapping(frame, rel, counts, pops, rates)
    notes = []
    if any(col != f"CLA_Pop{year}" for year, col in pops.items()):
        notes.append(
            f"{rel}: population columns {pop_cols[0]}..{pop_cols[-1]} matched by position to rate years "
            f"{min(rates)}..{max(rates)}"
        )
    geo = _sfr_geography(frame, rel)
    parts = []
    for year, col in counts.items():
        parts.append(_rows(geo, year, "cla_31_march", frame[col]))
        parts.append(_rows(geo, year, "cla_31_march_rate", frame[rates[year]]))
        parts.append(_rows(geo, year, "population_0_17_dfe", frame[pops[year]]))
    return Extracted(pd.concat(parts, ignore_index=True), _ud_release(max(counts)), notes)


def _ud_flow(measure: str, count_pattern: str, rate_pattern: str, label: str) -> Callable[[Path, str], Extracted]:
    """ADM20yy / CEA20yy: 5-year series of started / ceased counts (rates from 2019)."""

    def parse(path: Path, rel: str) -> Extracted:
        frame = _read(path, rel)
        counts = _year_columns(frame, count_pattern)
        if not counts:
            example = count_pattern.replace(r"(\d{4})", "YYYY")
            raise InputError(f"{rel}: missing column {example}; expected counts of children {label} by year.")
        rates = _year_columns(frame, rate_pattern)
        geo = _sfr_geography(frame, rel)
        parts = [_rows(geo, y, measure, frame[c]) for y, c in counts.items()]
        parts += [_rows(geo, y, measure + "_rate", frame[c]) for y, c in rates.items()]
        return Extracted(pd.concat(parts, ignore_index=True), _ud_release(max(counts)))

    return parse


_EES_TYPES = (
    (re.compile(r"looked after (at|on) 31 march", re.I), "cla_31_march"),
    (re.compile(r"start\w* to be looked after", re.I), "cla_started"),
    (re.compile(r"ceas\w* to be looked after", re.I), "cla_ceased"),
)


def _is_label_column(series: pd.Series) -> bool:
    values = series[series != ""]
    return bool(len(values)) and not values.map(lambda v: not math.isnan(parse_cell(v)[0])).all()


def _ees_number_rate(path: Path, rel: str) -> Extracted:
    """EES cla_number_and_rate_per_10k_children.csv (any release)."""
    frame = _read(path, rel)
    base = [
        "time_period",
        "geographic_level",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        "rate_per_10000",
    ]
    _require(frame, base, rel, "the EES file of numbers and rates per 10,000 children")
    # The 2022 and 2024 files head the population-type label "population_count";
    # the 2025 file calls it "population_type" and the count "children_count".
    label_col = next(
        (c for c in ("population_type", "population_count") if c in frame.columns and _is_label_column(frame[c])), None
    )
    count_col = next((c for c in ("children_count", "number") if c in frame.columns), None)
    pop_col = next(
        (c for c in ("population_estimate", "population_count") if c in frame.columns and c != label_col), None
    )
    if label_col is None or count_col is None or pop_col is None:
        lacking = [
            n
            for n, c in (
                ("population_type", label_col),
                ("children_count or number", count_col),
                ("population_estimate", pop_col),
            )
            if c is None
        ]
        raise InputError(
            f"{rel}: missing column(s) {', '.join(lacking)}; expected the population type label "
            "(population_type, or population_count holding labels), the count (children_count or number), "
            "the population (population_estimate) and rate_per_10000."
        )
    bad_years = sorted(set(v for v in frame["time_period"] if not re.fullmatch(r"\d{4}", v)))
    if bad_years:
        raise InputError(
            f"{rel}: column time_period should hold 4-digit reporting years; found {', '.join(bad_years[:5])}."
        )
    frame["_year"] = frame["time_period"].astype(int)
    geo = _tidy_geography(frame, rel)
    notes, parts = [], []
    unknown = set()
    for label, rows in frame.loc[geo.index].groupby(label_col, sort=True):
        measure = next((m for rx, m in _EES_TYPES if rx.search(label)), None)
        if measure is None:
            unknown.add(label)
            continue
        for year, yrows in rows.groupby("_year", sort=True):
            g = geo.loc[yrows.index]
            parts.append(_rows(g, year, measure, yrows[count_col]))
            parts.append(_rows(g, year, measure + "_rate", yrows["rate_per_10000"]))
            if measure == "cla_31_march":
                parts.append(_rows(g, year, "population_0_17_dfe", yrows[pop_col]))
    if unknown:
        notes.append(f"{rel}: ignored population types {', '.join(sorted(unknown))}")
    if not parts:
        raise InputError(
            f"{rel}: no rows for children looked after at 31 March, starting or ceasing in column {label_col}."
        )
    return Extracted(pd.concat(parts, ignore_index=True), _ees_release(int(frame["_year"].max()), rel), notes)


def _ons_population(path: Path, rel: str) -> Extracted:
    """ONS mid-year 0-17 estimates; mid-(YYYY-1) becomes reporting year YYYY."""
    frame = _read(path, rel)
    _require(
        frame, ["time_period", "population_estimate"], rel, "ONS mid-year population estimates of children aged 0-17"
    )
    if "age_group" in frame.columns:
        frame = frame[frame["age_group"].str.contains(r"0 to 17", case=False)]
        if frame.empty:
            raise InputError(f"{rel}: no rows with age_group 'Children aged 0 to 17 years'.")
    bad = sorted(set(v for v in frame["time_period"] if not re.fullmatch(r"\d{4}", v)))
    if bad:
        raise InputError(f"{rel}: column time_period should hold 4-digit mid-years; found {', '.join(bad[:5])}.")
    geo = _tidy_geography(frame, rel)
    parts = []
    for mid_year, rows in frame.loc[geo.index].groupby("time_period", sort=True):
        parts.append(_rows(geo.loc[rows.index], int(mid_year) + 1, "population_0_17_ons", rows["population_estimate"]))
    first, last = int(frame["time_period"].min()), int(frame["time_period"].max())
    release = Release(
        year=last + 1,
        kind=0,
        name=f"ONS mid-{last}",
        publisher=ONS,
        publication=(
            f"Mid-year population estimates, children aged 0 to 17, mid-{first} to mid-{last} "
            "(as used by DfE for rates per 10,000)"
        ),
    )
    return Extracted(pd.concat(parts, ignore_index=True), release)


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


# --------------------------------------------------------------------------- breakdowns: wide SFR / underlying-data files

# (measure, alternatives, required). An alternative is a tuple of columns: one
# column is taken as published, several are summed (see _combine). The first
# alternative whose columns all exist is used; column names match ignoring case
# and "-"/"_". A count taken from one column also gets its "<column>_pc"
# percentage as the "_pct" measure where the file has it.
WideSpec = tuple[tuple[str, tuple[tuple[str, ...], ...], bool], ...]

_SFR_CLA_SPEC: WideSpec = (
    ("cla_placement_foster", (("CLA_Fost",),), True),
    ("cla_placement_adoption", (("CLA_Adopt",),), True),
    ("cla_placement_parents", (("CLA_Parent",),), True),
    ("cla_placement_community", (("CLA_Ocom",),), True),
    ("cla_placement_secure_homes_semi_independent", (("CLA_Secure",),), True),
    ("cla_placement_other_residential", (("CLA_Ores",),), True),
    ("cla_placement_residential_schools", (("CLA_RSch",),), True),
    ("cla_placement_other", (("CLA_OthPl",),), True),
    ("cla_placement_missing", (("CLA_Miss",),), False),
    ("cla_provider_own", (("CLA_OwnP",),), True),
    ("cla_provider_other_la", (("CLA_OthLA",),), True),
    ("cla_provider_other_public", (("CLA_OthPP",),), True),
    ("cla_provider_private", (("CLA_Priv",),), True),
    ("cla_provider_voluntary", (("CLA_Vol",),), True),
    ("cla_provider_parents", (("CLA_Par",),), True),
    ("cla_provider_not_recorded", (("CLA_Nrep",),), True),
    ("cla_age_under_1", (("CLA_U1",),), True),
    ("cla_age_1_4", (("CLA_1to4",),), True),
    ("cla_age_5_9", (("CLA_5to9",),), True),
    ("cla_age_10_15", (("CLA_10to15",),), True),
    ("cla_age_16_over", (("CLA_16over",),), True),
    ("cla_inside_la", (("CLA_InLA",), ("CLA_InBound",)), True),
    ("cla_outside_la", (("CLA_OutLA",), ("CLA_OutBound",)), True),
    ("cla_20_miles_or_less", (("CLA_LTE20",), ("CLA_InLA_LTE20", "CLA_OutLA_LTE20")), False),
    ("cla_over_20_miles", (("CLA_GT20",), ("CLA_InLA_GT20", "CLA_OutLA_GT20")), False),
    ("cla_distance_not_known", (("CLA_NoInfo",), ("CLA_InLA_NoInfo", "CLA_OutLA_NoInfo")), False),
    ("cla_inside_la_20_miles_or_less", (("CLA_InLA_LTE20",),), False),
    ("cla_outside_la_20_miles_or_less", (("CLA_OutLA_LTE20",),), False),
    ("cla_inside_la_over_20_miles", (("CLA_InLA_GT20",),), False),
    ("cla_outside_la_over_20_miles", (("CLA_OutLA_GT20",),), False),
    ("cla_inside_la_distance_not_known", (("CLA_InLA_NoInfo",),), False),
    ("cla_outside_la_distance_not_known", (("CLA_OutLA_NoInfo",),), False),
    ("cla_legal_interim_care_order", (("CLA_ICO",),), True),
    ("cla_legal_full_care_order", (("CLA_FCO",),), True),
    ("cla_legal_placement_order", (("CLA_PlaceO",),), True),
    ("cla_legal_freed_for_adoption", (("CLA_FrAd",),), False),
    ("cla_legal_section_20", (("CLA_S20",),), True),
    ("cla_legal_youth_justice", (("CLA_YJLS",),), True),
    ("cla_legal_other", (("CLA_CPG",),), True),
    ("cla_uasc", (("CLA_UASC",),), False),  # the 5-year files have CLA_UASCyyyy instead
    ("stability_3plus_placements", (("CLA_3_Pl",), ("CLA_3Pla",)), False),
    ("stability_long_term_same_placement", (("CLA_SamePl_2years",), ("CLA_P2yrs",)), False),
    ("stability_long_term_cohort", (("CLA_2andhalfyears",),), False),
    ("new_placements_total", (("CLA_NewPl_All_Place",),), False),
    ("new_placements_over_20_miles", (("CLA_NewPl_InLA_GT20", "CLA_NewPl_OutLA_GT20"),), False),
    ("new_placements_outside_la", (("CLA_NewPl_OutLA_LTE20", "CLA_NewPl_OutLA_GT20"),), False),
    ("new_placements_inside_la_20_miles_or_less", (("CLA_NewPl_InLA_LTE20",),), False),
    ("new_placements_outside_la_20_miles_or_less", (("CLA_NewPl_OutLA_LTE20",),), False),
    ("new_placements_inside_la_over_20_miles", (("CLA_NewPl_InLA_GT20",),), False),
    ("new_placements_outside_la_over_20_miles", (("CLA_NewPl_OutLA_GT20",),), False),
    ("new_placements_distance_not_known", (("CLA_NewPl_NoInfo",),), False),
)

_SFR_ADM_SPEC: WideSpec = (
    ("started_age_under_1", (("SCLA_U1",),), True),
    ("started_age_1_4", (("SCLA_1to4",),), True),
    ("started_age_5_9", (("SCLA_5to9",),), True),
    ("started_age_10_15", (("SCLA_10to15",),), True),
    ("started_age_16_over", (("SCLA_16over",),), True),
)

_SFR_CEA_SPEC: WideSpec = (
    (
        "ceased_adopted",
        (("CEA_Adop1", "CEA_Adop2"), ("CLA_ceaAdop1", "CLA_ceaAdop2"), ("CLA_ceaAdop", "CLA_ceaAdop2")),
        True,
    ),
    (
        "ceased_sgo",
        (
            ("CEA_SGO_FFC_Rel", "CEA_SGO_FFC_Oth", "CEA_SGO_Car_Rel", "CEA_SGO_Car_Oth"),
            ("CEA_SGO1", "CEA_SGO2"),
            ("CLA_ceaSpecG1", "CLA_ceaSpecG2"),
            ("CLA_ceaSpecG", "CLA_ceaSpecG2"),
        ),
        True,
    ),
    ("ceased_cao", (("CEA_CAO",), ("CLA_ceaROG",)), True),
    (
        "ceased_returned_home",
        (("CEA_ParPlan", "CEA_ParNPlan"), ("CLA_ceaParPlan", "CLA_ceaParNPlan"), ("CLA_ceaPar",)),
        True,
    ),
    (
        "ceased_independent_living",
        (("CEA_IndLiv1", "CEA_IndLiv2"), ("CLA_ceaIndLiv1", "CLA_ceaIndLiv2"), ("CLA_ceaIndLiv", "CLA_ceaIndLiv2")),
        True,
    ),
)

# Every other reason for ceasing, in the order summed into ceased_other (the
# columns a file has are used; any reason column not listed anywhere stops the
# refresh, so a new reason cannot silently fall out of the sum).
_SFR_CEA_OTHER = (
    "CEA_Died", "CLA_ceaDied",
    "CEA_Taken", "CLA_ceataken",
    "CEA_NoPar", "CLA_ceaNoPar",
    "CEA_Residential", "CLA_cea_tran_res",
    "CEA_Custody", "CLA_cea_sen_cust",
    "CEA_RemEnd", "CLA_ceaRemEnd",
    "CEA_AgeAssmt", "CLA_ceaAgeAssmt",
    "CEA_Abroad", "CLA_ceaAbroad",
    "CEA_Other", "CLA_cea_OthRea",
)  # fmt: skip
_CEA_NOT_REASON = re.compile(
    r"la_order|new_geog_code|geog_[lcn]|cla_cease\d*|cla_cea(mal|fe|1|14|59|1015|16|17|18)"
    r"|cea_(male|female|u1|1to4|5to9|10to15|16|17|16over|18over)|.*_pc|ceased_cla_rate\d{4}"
)


def _key(column: str) -> str:
    return column.strip().lower().replace("-", "_")


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    return {_key(c): c for c in frame.columns}


def _pct_column(cols: dict[str, str], column: str) -> str | None:
    key = _key(column)
    for cand in (key + "_pc", key.replace("othpl", "oth_pl") + "_pc"):
        if cand in cols:
            return cols[cand]
    return None


def _pct_fits(frame: pd.DataFrame, rows: pd.Index, count: str, pct: str, total: str | None) -> bool:
    """Whether a published percentage column matches its count over the total (within 1.5 points)
    for at least half of the rows where all three are numbers (True when it cannot be checked)."""
    if total is None or total not in frame.columns:
        return True
    c, p, t = (
        np.array([parse_cell(v)[0] for v in frame.loc[rows, col].to_numpy(dtype=object)]) for col in (count, pct, total)
    )
    ok = ~np.isnan(c) & ~np.isnan(p) & ~np.isnan(t) & (t > 0)
    if ok.sum() < 20:
        return True
    return bool((np.abs(c[ok] / t[ok] * 100 - p[ok]) <= 1.5).mean() >= 0.5)


def _wide(
    frame: pd.DataFrame,
    cells: _Cells,
    spec: WideSpec,
    rel: str,
    what: str,
    rows: pd.Index,
    denominator: Callable[[str], str | None] = lambda measure: None,
    notes: list[str] | None = None,
) -> set[str] | None:
    """Add every measure of ``spec`` found in a wide file to ``cells``; return the columns used.

    Returns None, adding nothing, when the file has none of the columns (e.g. a
    file holding totals only); raises :class:`InputError` when it has some but
    lacks a required one.

    ``denominator(measure)`` names the column a measure's percentage is of; a
    percentage column that does not fit its count (e.g. CLA2019.csv's
    CLA_InLA_pc, 0 for most authorities) is left out and reported in ``notes``.
    """
    cols = _columns(frame)
    used, missing = set(), []
    choices = [
        next((alt for alt in alternatives if all(_key(c) in cols for c in alt)), None) for _, alternatives, _ in spec
    ]
    if all(c is None for c in choices):
        return None
    for (measure, alternatives, required), chosen in zip(spec, choices):
        if chosen is None:
            if required:
                missing.append(" or ".join("+".join(alt) for alt in alternatives))
            continue
        names = [cols[_key(c)] for c in chosen]
        used.update(_key(c) for c in chosen)
        cells.add(measure, [frame.loc[rows, c].to_numpy(dtype=object) for c in names])
        pct = _pct_column(cols, names[0]) if len(names) == 1 and _has_pct(measure) else None
        if pct and not _pct_fits(frame, rows, names[0], pct, denominator(measure)):
            if notes is not None:
                notes.append(
                    f"{rel}: column {pct} left out: it does not match {names[0]} as a percentage of "
                    f"{denominator(measure)} for most areas (a publication error)"
                )
            pct = None
        if pct:
            cells.add(measure + "_pct", [frame.loc[rows, pct].to_numpy(dtype=object)])
    if missing:
        raise InputError(
            f"{rel}: missing column(s) {', '.join(missing)}; expected {what} for {cells.years[0] if len(cells.years) else ''}."
        )
    return used


def _wide_file(path: Path, rel: str, kind: str) -> tuple[pd.DataFrame, pd.DataFrame, int, Release]:
    """Read a wide SFR (SFRnn_KINDyyyy.csv) or underlying-data (KINDyyyy*.csv) file."""
    m = re.search(r"(?:(SFR\d+)_)?" + kind + r"(\d{4})", path.name, re.IGNORECASE)
    if not m:
        raise InputError(f"{rel}: file name should contain {kind}YYYY (the reporting year).")
    year = int(m.group(2))
    release = _sfr_release(year, m.group(1).upper()) if m.group(1) else _ud_release(year)
    frame = _read(path, rel)
    return frame, _sfr_geography(frame, rel), year, release


def _no_breakdown(rel: str, release: Release, what: str) -> Extracted:
    note = f"{rel}: no breakdown columns of {what} (totals only)"
    return Extracted(pd.DataFrame(columns=_CANDIDATE_COLUMNS), release, [note])


def _sfr_cla_breakdown(path: Path, rel: str) -> Extracted:
    """Children looked after at 31 March by placement, provider, age, locality, legal status, UASC,
    stability and new placements, from SFRnn_CLAyyyy.csv (2013-2017) and CLAyyyy.csv (2018-2019)."""
    frame, geo, year, release = _wide_file(path, rel, "CLA")
    cols = _columns(frame)
    notes = []
    if "cla_othpl" not in cols and "cla_miss" in cols:
        # SFR41_CLA2016.csv heads "other placements" CLA_Miss; its metadata calls it CLA_OthPl.
        frame = frame.rename(columns={cols["cla_miss"]: "CLA_OthPl"})
        notes.append(f"{rel}: column CLA_Miss read as CLA_OthPl (other placements), as in the release's metadata")
    cells = _Cells(geo, year)
    what = "counts of children looked after at 31 March by placement, provider, age, locality and legal status"

    def denominator(measure: str) -> str | None:
        if measure.startswith("new_placements"):
            return _columns(frame).get("cla_newpl_all_place")
        if measure == "stability_long_term_same_placement":
            return _columns(frame).get("cla_2andhalfyears")
        return _columns(frame).get(f"cla_mar{year}")

    if _wide(frame, cells, _SFR_CLA_SPEC, rel, what, geo.index, denominator, notes) is None:
        return _no_breakdown(rel, release, "children looked after at 31 March")
    # The 5-year files carry UASC counts for each year (CLA_UASC2015 ... CLA_UASC2019).
    cols = _columns(frame)
    for uyear, col in _year_columns(frame, r"CLA_UASC(\d{4})").items():
        cells.add("cla_uasc", [frame.loc[geo.index, col].to_numpy(dtype=object)], year=uyear)
        pct = cols.get(_key(col) + "_pc")
        if pct:
            cells.add("cla_uasc_pct", [frame.loc[geo.index, pct].to_numpy(dtype=object)], year=uyear)
    return Extracted(cells.frame(), release, notes)


def _sfr_adm_breakdown(path: Path, rel: str) -> Extracted:
    """Children who started to be looked after by age (SCLA_*), SFR and underlying-data ADM files."""
    frame, geo, year, release = _wide_file(path, rel, "ADM")
    cells = _Cells(geo, year)
    what = "counts of children starting to be looked after by age (SCLA_U1 ... SCLA_16over)"
    if _wide(frame, cells, _SFR_ADM_SPEC, rel, what, geo.index) is None:
        return _no_breakdown(rel, release, "children starting to be looked after")
    return Extracted(cells.frame(), release)


def _sfr_cea_breakdown(path: Path, rel: str) -> Extracted:
    """Children who ceased to be looked after by reason, SFR and underlying-data CEA files."""
    frame, geo, year, release = _wide_file(path, rel, "CEA")
    cells = _Cells(geo, year)
    used = _wide(frame, cells, _SFR_CEA_SPEC, rel, "counts of children ceasing to be looked after by reason", geo.index)
    if used is None:
        return _no_breakdown(rel, release, "children ceasing to be looked after")
    cols = _columns(frame)
    other = [cols[_key(c)] for c in _SFR_CEA_OTHER if _key(c) in cols]
    used.update(_key(c) for c in other)
    unknown = [c for k, c in cols.items() if k not in used and not _CEA_NOT_REASON.fullmatch(k)]
    if unknown:
        raise InputError(
            f"{rel}: unrecognised reason column(s) {', '.join(unknown)}; every reason for ceasing must be "
            "mapped (analysis.sources.refresh._SFR_CEA_SPEC / _SFR_CEA_OTHER) so that the six reasons add up to the total."
        )
    if not other:
        raise InputError(
            f"{rel}: no columns for the other reasons for ceasing (e.g. {_SFR_CEA_OTHER[0]}, {_SFR_CEA_OTHER[1]})."
        )
    cells.add("ceased_other", [frame.loc[geo.index, c].to_numpy(dtype=object) for c in other])
    return Extracted(cells.frame(), release)


# --------------------------------------------------------------------------- breakdowns: tidy EES files


@functools.lru_cache(maxsize=4096)
def _label(text: str) -> str:
    """Normalise an EES group or characteristic label for matching."""
    text = str(text).replace("\u2019", "'").replace("\u2018", "'").strip().lower()
    text = re.sub(r"^\d+[a-z]?\.\s+", "", text)  # "1. Placed inside ..." -> "placed inside ..."
    return " ".join(text.split())


@dataclass(frozen=True)
class _Group:
    """One EES cla_group: characteristic labels -> component keys (labels in ``ignore`` are skipped)."""

    pattern: str
    labels: dict[str, str]
    ignore: tuple[str, ...] = ("total",)


# (measure, component keys): one key is taken as published (with the
# "percentage" column as the "_pct" measure), several are summed.
TidyMeasures = tuple[tuple[str, tuple[str, ...]], ...]

_AGE_LABELS = {
    "under 1 year": "age_under_1",
    "1 to 4 years": "age_1_4",
    "5 to 9 years": "age_5_9",
    "10 to 15 years": "age_10_15",
    "16 years and over": "age_16_over",
}

_EES_CLA_GROUPS = (
    _Group(
        "placement",
        {
            "foster placements": "foster",
            "placed for adoption": "adoption",
            "placed with parents or other person with parental responsibility": "parents",
            "other placements in the community": "community",
            "secure units, children's homes and semi-independent living accommodation": "secure_semi",
            "secure homes and children's homes": "secure_ch",
            "independent and semi-independent living arrangements/supported accommodation": "independent",
            "other residential settings": "other_residential",
            "residential schools": "residential_schools",
            "other placements": "other",
        },
    ),
    _Group(
        "place providers",
        {
            "own provision (by the la)": "own",
            "other la provision": "other_la",
            "other public provision (e.g. by a pct etc)": "other_public",
            "private provision": "private",
            "voluntary/third sector provision": "voluntary",
            "parents or other person with parental responsibility": "provider_parents",
            "placement provider not reported": "not_recorded",
        },
    ),
    _Group("age group", _AGE_LABELS),
    _Group(
        "locality of placement",
        {
            "placed inside the local authority boundary": "inside",
            "placed outside the local authority boundary": "outside",
        },
    ),
    _Group(
        "distance between home and placement",
        {
            "placed 20 miles or less from home": "lte20",
            "placed more than 20 miles from home": "gt20",
            "distance not known or not recorded": "noinfo",
        },
    ),
    _Group(
        "distance between home and placement and locality of placement",
        {
            "placed inside the la boundary, 20 miles or less from home": "in_lte20",
            "placed outside the la boundary, 20 miles or less from home": "out_lte20",
            "placed inside the la boundary, more than 20 miles from home": "in_gt20",
            "placed outside the la boundary, more than 20 miles from home": "out_gt20",
            "placed inside the la boundary, distance not known or not recorded": "in_noinfo",
            "placed outside the la boundary, distance not known or not recorded": "out_noinfo",
        },
    ),
    _Group(
        "legal status",
        {
            "interim care order": "ico",
            "full care order": "fco",
            "placement order granted": "po",
            "voluntary agreements under s20 ca 1989": "s20",
            "youth justice legal statuses": "yj",
            "detained for child protection": "cpg",
        },
    ),
    _Group("unaccompanied asylum-seeking children", {"uasc": "uasc"}, ignore=("total", "non-uasc")),
)

_EES_CLA_MEASURES: TidyMeasures = (
    ("cla_placement_foster", ("foster",)),
    ("cla_placement_adoption", ("adoption",)),
    ("cla_placement_parents", ("parents",)),
    ("cla_placement_community", ("community",)),
    ("cla_placement_secure_homes_semi_independent", ("secure_semi",)),
    ("cla_placement_secure_childrens_homes", ("secure_ch",)),
    ("cla_placement_independent_supported", ("independent",)),
    ("cla_placement_other_residential", ("other_residential",)),
    ("cla_placement_residential_schools", ("residential_schools",)),
    ("cla_placement_other", ("other",)),
    ("cla_provider_own", ("own",)),
    ("cla_provider_other_la", ("other_la",)),
    ("cla_provider_other_public", ("other_public",)),
    ("cla_provider_private", ("private",)),
    ("cla_provider_voluntary", ("voluntary",)),
    ("cla_provider_parents", ("provider_parents",)),
    ("cla_provider_not_recorded", ("not_recorded",)),
    ("cla_age_under_1", ("age_under_1",)),
    ("cla_age_1_4", ("age_1_4",)),
    ("cla_age_5_9", ("age_5_9",)),
    ("cla_age_10_15", ("age_10_15",)),
    ("cla_age_16_over", ("age_16_over",)),
    ("cla_inside_la", ("inside",)),
    ("cla_outside_la", ("outside",)),
    ("cla_20_miles_or_less", ("lte20",)),
    ("cla_over_20_miles", ("gt20",)),
    ("cla_distance_not_known", ("noinfo",)),
    ("cla_inside_la_20_miles_or_less", ("in_lte20",)),
    ("cla_outside_la_20_miles_or_less", ("out_lte20",)),
    ("cla_inside_la_over_20_miles", ("in_gt20",)),
    ("cla_outside_la_over_20_miles", ("out_gt20",)),
    ("cla_inside_la_distance_not_known", ("in_noinfo",)),
    ("cla_outside_la_distance_not_known", ("out_noinfo",)),
    ("cla_legal_interim_care_order", ("ico",)),
    ("cla_legal_full_care_order", ("fco",)),
    ("cla_legal_placement_order", ("po",)),
    ("cla_legal_section_20", ("s20",)),
    ("cla_legal_youth_justice", ("yj",)),
    ("cla_legal_other", ("cpg",)),
    ("cla_uasc", ("uasc",)),
)

_EES_STARTED_GROUPS = (_Group("age group", _AGE_LABELS),)
_EES_STARTED_MEASURES: TidyMeasures = tuple((f"started_{key}", (key,)) for key in _AGE_LABELS.values())

_CEASED_OTHER_LABELS = {
    "died": "died",
    "care taken by another local authority": "taken",
    "left care to live with parents, relatives or other person with no parental responsibility": "no_pr",
    "transferred to residential care funded by adult social services": "adult_care",
    "sentenced to custody": "custody",
    "accommodation on remand ended": "remand_ended",
    "age assessment determined child aged 18 or over": "age_assessment",
    "child moved abroad": "abroad",
    "aged 18 (or over) and remained with current carers": "remained_with_carers",
    "care ceased for any other reason": "any_other",
}
_EES_CEASED_GROUPS = (
    _Group(
        "reason episode ceased",
        {
            "adopted": "adopted",
            "special guardianship orders": "sgo",
            "residence order or child arrangement order granted": "cao",
            "returned home to live with parents or other person with parental responsibility which was part of the care planning process": "home_planned",
            "returned home to live with parents or other person with parental responsibility which was not part of the care planning process": "home_unplanned",
            "moved into independent living (with supportive accommodation)": "independent_supported",
            "moved into independent living (with no formalised support)": "independent_unsupported",
            **_CEASED_OTHER_LABELS,
        },
    ),
)
_EES_CEASED_MEASURES: TidyMeasures = (
    ("ceased_adopted", ("adopted",)),
    ("ceased_sgo", ("sgo",)),
    ("ceased_cao", ("cao",)),
    ("ceased_returned_home", ("home_planned", "home_unplanned")),
    ("ceased_independent_living", ("independent_supported", "independent_unsupported")),
    ("ceased_other", tuple(_CEASED_OTHER_LABELS.values())),
)

_LONG_TERM_LABELS = (
    "living in the same placement for at least 2 years, or are placed for adoption and their adoption and their "
    "adoptive placement together with their previous placement, last for at least 2 years"
)
_EES_STABILITY_GROUPS = (
    _Group(
        r"(children looked after|cla) (at|on) 31 march",
        {"with 3 or more placements during the year": "three_plus"},
        ignore=("total children",),
    ),
    _Group(
        r"children looked after continuously for at least 2\.5 years (at|on) 31 march aged under 16 years",
        {
            _LONG_TERM_LABELS: "long_term",
            "living with the same carer for at least 2 years": "long_term",
            "total children": "long_term_cohort",
        },
        ignore=(),
    ),
    _Group(
        r"cla 2 years (at|on) 31 march",
        {"with 3 or more placements during the previous 2 years": "three_plus_2y", "total children": "cohort_2y"},
        ignore=(),
    ),
)
_EES_STABILITY_MEASURES: TidyMeasures = (
    ("stability_3plus_placements", ("three_plus",)),
    ("stability_long_term_same_placement", ("long_term",)),
    ("stability_long_term_cohort", ("long_term_cohort",)),
    ("stability_3plus_placements_2_years", ("three_plus_2y",)),
    ("stability_2_years_cohort", ("cohort_2y",)),
)

_EES_NEW_PLACEMENT_GROUPS = (
    _Group(
        "location of new placements during the year",
        {
            "total new placements": "total",
            "placed inside la boundary less than 20 miles from home": "in_lte20",
            "placed outside la boundary less than 20 miles from home": "out_lte20",
            "placed inside la boundary more than 20 miles from home": "in_gt20",
            "placed outside la boundary more than 20 miles from home": "out_gt20",
            "distance not known or not recorded": "noinfo",
        },
        ignore=(),
    ),
)
_EES_NEW_PLACEMENT_MEASURES: TidyMeasures = (
    ("new_placements_total", ("total",)),
    ("new_placements_over_20_miles", ("in_gt20", "out_gt20")),
    ("new_placements_outside_la", ("out_lte20", "out_gt20")),
    ("new_placements_inside_la_20_miles_or_less", ("in_lte20",)),
    ("new_placements_outside_la_20_miles_or_less", ("out_lte20",)),
    ("new_placements_inside_la_over_20_miles", ("in_gt20",)),
    ("new_placements_outside_la_over_20_miles", ("out_gt20",)),
    ("new_placements_distance_not_known", ("noinfo",)),
)


def _map_unique(series: pd.Series, fn: Callable[[str], str]) -> pd.Series:
    """``series.map(fn)``, calling ``fn`` once per distinct value."""
    return series.map({v: fn(v) for v in series.unique()})


def _tidy_years(frame: pd.DataFrame, rel: str) -> pd.Series:
    _require(frame, ["time_period"], rel, "a tidy EES file")
    bad = sorted(set(v for v in frame["time_period"].unique() if not re.fullmatch(r"\d{4}", v)))
    if bad:
        raise InputError(f"{rel}: column time_period should hold 4-digit reporting years; found {', '.join(bad[:5])}.")
    return frame["time_period"].astype(int)


def _ees_breakdown(groups: tuple[_Group, ...], measures: TidyMeasures, what: str) -> Callable[[Path, str], Extracted]:
    """Parser for a tidy EES file of cla_group / characteristic / number / percentage."""

    def parse(path: Path, rel: str) -> Extracted:
        frame = _read(path, rel)
        char_col = next((c for c in ("characteristic", "placement_stability") if c in frame.columns), "characteristic")
        _require(frame, ["cla_group", char_col, "number"], rel, what)
        years = _tidy_years(frame, rel)
        group = _map_unique(frame["cla_group"], _label)
        label = _map_unique(frame[char_col], _label)
        keys = pd.Series("", index=frame.index, dtype=str)
        found = set()
        for g in groups:
            rows = group.str.fullmatch(g.pattern)
            if not rows.any():
                continue
            found.add(g.pattern)
            unknown = set(label[rows]) - set(g.labels) - set(g.ignore)
            if unknown:
                unknown = sorted(set(frame.loc[rows & label.isin(unknown), char_col]))
                raise InputError(
                    f"{rel}: unrecognised {char_col} {', '.join(repr(u) for u in unknown)} in cla_group "
                    f"{frame.loc[rows, 'cla_group'].iloc[0]!r}; map it in analysis.sources.refresh before refreshing."
                )
            keys[rows] = label[rows].map(g.labels).fillna("")
        if not found:
            raise InputError(
                f"{rel}: no cla_group matches {', '.join(repr(g.pattern) for g in groups)}; expected {what}."
            )
        used = keys != ""
        sel = frame.loc[used]
        geo = _tidy_geography(sel, rel)
        sel, skeys, syears = sel.loc[geo.index], keys[geo.index].to_numpy(dtype=object), years[geo.index].to_numpy()
        # One row per area and year; one array of raw cells per component key.
        area = pd.Series(
            list(zip(syears, geo["geographic_level"], geo["region_code"], geo["old_la_code"])), index=geo.index
        )
        codes, uniques = pd.factorize(area)
        first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
        clash = pd.DataFrame({"a": codes, "k": skeys, "v": sel["number"].to_numpy(dtype=object)})
        if clash.duplicated(["a", "k"]).any():
            dupes = clash[clash.duplicated(["a", "k"], keep=False)].drop_duplicates()
            if dupes.duplicated(["a", "k"]).any():
                y, level, rcode, old = uniques[dupes.loc[dupes.duplicated(["a", "k"]), "a"].iloc[0]]
                raise InputError(
                    f"{rel}: conflicting values for {level} {old or rcode or 'England'!r} in {y}; expected one row per area, year and characteristic."
                )
        cells = _Cells(geo.iloc[first], syears[first])
        present = set(skeys)

        def wide(k: str, column: str) -> np.ndarray:
            out = np.full(len(uniques), "", dtype=object)
            hit = skeys == k
            out[codes[hit]] = sel[column].to_numpy(dtype=object)[hit]
            return out

        for measure, components in measures:
            use = [k for k in components if k in present]
            if not use:
                continue
            cells.add(measure, [wide(k, "number") for k in use])
            if len(use) == 1 and _has_pct(measure) and "percentage" in sel.columns:
                cells.add(measure + "_pct", [wide(use[0], "percentage")])
        notes = []
        if (label == "living with the same carer for at least 2 years").any():
            notes.append(
                f"{rel}: 'Living with the same carer for at least 2 years' read as stability_long_term_same_placement "
                "(the 2022 release words it 'living in the same placement for at least 2 years, or placed for adoption ...')"
            )
        if "secure_ch" in present or "independent" in present:
            notes.append(
                f"{rel}: placement groups as regrouped by DfE in the 2024 release (semi-independent living moved from "
                "'secure units, children's homes and semi-independent living' to 'independent and semi-independent living "
                "arrangements/supported accommodation'): kept as cla_placement_secure_childrens_homes and "
                "cla_placement_independent_supported, not merged with the pre-2024 groups"
            )
        return Extracted(cells.frame(), _ees_release(int(years.max()), rel), notes)

    return parse


# --------------------------------------------------------------------------- national adoption timeliness

_ADOPTION_STAGES = (
    (r"entry into care and decision", "adoption_months_care_to_decision"),
    (r"decision that child should be placed for adoption and matching", "adoption_months_decision_to_match"),
    (r"date of matching and date placed", "adoption_months_match_to_placement"),
    (r"entry into care and date placed", "adoption_months_care_to_placement"),
    (r"date placed for adoption and the date child adopted", "adoption_months_placement_to_adoption"),
    (r"entry into care and adoption", "adoption_months_care_to_adoption"),
    (r"placed for adoption within 12 months", "adoption_placed_within_12_months_of_decision"),
)


def parse_years_months(raw: object) -> tuple[float, str]:
    """Parse a published duration ``years:months`` (e.g. ``1:11``, ``02:03``) into months.

    Returns
    -------
    tuple of (float, str)
        ``(12 * years + months, "")``, or ``(nan, marker)`` for a marker such as
        ``c``/``z``; ``(nan, "")`` for an empty cell.

    Raises
    ------
    ValueError
        For a bare number, which would be ambiguous.
    """
    text = "" if raw is None else str(raw).strip()
    m = re.fullmatch(r"(\d+)\s*:\s*(\d{1,2})", text)
    if m:
        return float(12 * int(m.group(1)) + int(m.group(2))), ""
    value, marker = parse_cell(text)
    if not math.isnan(value):
        raise ValueError(text)
    return value, marker


def _adoption_timeliness(path: Path, rel: str) -> Extracted:
    """national_cla_adopted_average_time_between_adoption_process_stages.csv: all ages, England."""
    frame = _read(path, rel)
    cols = ["time_period", "geographic_level", "stage_of_adoption_process", "age_start_poc", "number"]
    _require(frame, cols, rel, "DfE's national average time between adoption process stages")
    years = _tidy_years(frame, rel)
    frame = frame[(frame["geographic_level"] == NATIONAL) & (frame["age_start_poc"].map(_label) == "total")]
    if frame.empty:
        raise InputError(f"{rel}: no National rows with age_start_poc 'Total'.")
    records = []
    for idx, stage, raw in frame[["stage_of_adoption_process", "number"]].itertuples():
        measure = next((m for rx, m in _ADOPTION_STAGES if re.search(rx, stage, re.IGNORECASE)), None)
        if measure is None:
            raise InputError(
                f"{rel}: unrecognised stage_of_adoption_process {stage!r}; map it in analysis.sources.refresh."
            )
        if measure.startswith("adoption_months_"):
            try:
                value, marker = parse_years_months(raw)
            except ValueError:
                raise InputError(
                    f"{rel}: {stage!r} {years[idx]}: {raw!r} is not a duration; expected years:months (e.g. 1:11)."
                ) from None
        else:
            value, marker = parse_cell(raw)
        if math.isnan(value) and not marker:
            continue
        records.append(
            dict(_empty_geo(), geographic_level=NATIONAL, new_la_code=ENGLAND_CODE, la_name="England",
                 year=int(years[idx]), measure=measure, value=value, marker=marker)
        )  # fmt: skip
    out = pd.DataFrame.from_records(records, columns=_CANDIDATE_COLUMNS)
    notes = [
        "adoption_months_*: DfE publishes the national average time between adoption stages as years:months "
        "(rounded to the month); stored as months (12 x years + months), all ages"
    ]
    return Extracted(out, _ees_release(int(years.max()), rel), notes)


# --------------------------------------------------------------------------- Ofsted fostering

OFSTED = "Ofsted"

_OFSTED_ROWS = (
    ("fostering_children_placed", "number of children/young people in placements (at 31 march)"),
    ("fostering_filled_places", "number of filled places"),
    ("fostering_vacant_places", "number of vacant places"),
    ("fostering_places_not_available", "number of places not available"),
    ("fostering_places", "number of approved foster places"),
    ("fostering_households", "total approved households"),
    ("fostering_initial_enquiries", "number of initial enquiries from new prospective fostering households"),
    (
        "fostering_applications",
        "total number of applications received from prospective fostering households between 1 april and 31 march",
    ),
    ("fostering_applications_concluded_or_in_progress", "total applications concluded or in progress at 31 march"),
    ("fostering_applications_approved", "number of applications approved"),
    ("fostering_approvals", "total number of households approved in year"),
    ("fostering_approvals_family_friends", "number of family and friends households approved in year"),
    ("fostering_approvals_family_friends", "of which, number of family and friends households approved in year"),
    ("fostering_deregistrations", "total households deregistered between 1 april and 31 march"),
)
_OFSTED_REQUIRED = (
    "fostering_children_placed",
    "fostering_places",
    "fostering_households",
    "fostering_initial_enquiries",
    "fostering_applications_approved",
    "fostering_approvals_family_friends",
    "fostering_deregistrations",
)


def _ofsted_label(text: str) -> str:
    text = re.sub(r"[\^~*\"\u00b0?+\u2020\u2021]", "", str(text)).lower().replace("de-registered", "deregistered")
    return " ".join(text.split())


def _ofsted_fostering(path: Path, rel: str) -> Extracted:
    """Ofsted "Fostering in England" LA fostering-services data: rows are measures, columns areas.

    LA and region columns are identified by name only; they are given DfE's
    codes by :func:`_resolve_names` once the DfE files have been read.
    """
    m = re.search(r"(20\d\d)\s*(?:-|_to_|to)\s*(20)?(\d\d)", path.name)
    if not m:
        raise InputError(f"{rel}: the file name should give the year, e.g. 2017-18 or 2018_to_2019.")
    year = 2000 + int(m.group(3))
    if year != int(m.group(1)) + 1:
        raise InputError(f"{rel}: the file name should give one financial year (e.g. 2017-18).")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig")
    except UnicodeDecodeError:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="cp1252")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise InputError(f"{rel}: could not be read as a CSV file ({exc}).") from exc
    frame = frame.apply(lambda s: s.str.strip())
    header = list(frame.iloc[0])
    if "England" not in header:
        raise InputError(f"{rel}: the first row should name the areas (England, regions, local authorities).")
    first = header.index("England")
    label_col = first - 1
    if label_col < 0:
        raise InputError(f"{rel}: expected the measure labels in the column before England.")
    labels = frame[label_col].map(_ofsted_label)
    areas = [(i, name) for i, name in enumerate(header) if i >= first and name]
    records, found = [], {}
    for measure, text in _OFSTED_ROWS:
        hits = frame.index[labels == text]
        if len(hits) > 1:
            raise InputError(f"{rel}: the row {text!r} appears {len(hits)} times; expected once.")
        if len(hits):
            found[measure] = hits[0]
    missing = [m for m in _OFSTED_REQUIRED if m not in found]
    if missing or not ({"fostering_applications", "fostering_applications_concluded_or_in_progress"} & set(found)):
        raise InputError(
            f"{rel}: missing row(s) for {', '.join(missing) or 'applications'}; expected Ofsted's LA fostering "
            "data with rows such as 'Total approved households' and 'Number of approved foster places'."
        )
    notes = []
    for measure, row in found.items():
        for col, name in areas:
            value, marker = parse_cell(frame.iat[row, col])
            if math.isnan(value) and not marker:
                continue
            records.append((measure, name, value, marker))
    out = pd.DataFrame(records, columns=["measure", "name", "value", "marker"])
    if "fostering_approvals" not in found:
        # 2017-18 publishes mainstream approvals ("Number of applications approved") and family and
        # friends households approved in year separately; their sum is the households approved in year.
        approved = out[out["measure"] == "fostering_applications_approved"]
        friends = out[out["measure"] == "fostering_approvals_family_friends"]
        merged = approved.merge(friends, on="name", how="outer", suffixes=("_a", "_f"))
        for name, va, ma, vf, mf in merged[["name", "value_a", "marker_a", "value_f", "marker_f"]].itertuples(
            index=False
        ):
            ma = ma if isinstance(ma, str) else ""
            mf = mf if isinstance(mf, str) else ""
            if ma or mf:
                records.append(("fostering_approvals", name, math.nan, ma or mf))
            elif not (pd.isna(va) or pd.isna(vf)):
                records.append(("fostering_approvals", name, float(va) + float(vf), ""))
        out = pd.DataFrame(records, columns=["measure", "name", "value", "marker"])
        notes.append(
            f"{rel}: fostering_approvals {year} is the sum of 'Number of applications approved' (mainstream) and "
            "'Number of family and friends households approved in year'; from 2018-19 Ofsted publishes the total"
        )
    if "fostering_applications" not in found:
        notes.append(
            f"{rel}: no count of applications received in the year (fostering_applications); the published "
            "'Total applications concluded or in progress at 31 March' is kept as fostering_applications_concluded_or_in_progress"
        )
    geo = []
    for name in out["name"]:
        g = _empty_geo()
        if name == "England":
            g.update(geographic_level=NATIONAL, new_la_code=ENGLAND_CODE, la_name="England")
        else:
            g.update(geographic_level="?", la_name=name)  # resolved against DfE's names later
        geo.append(g)
    out = pd.concat([pd.DataFrame(geo, index=out.index), out.drop(columns="name")], axis=1)
    out["year"] = year
    release = Release(
        year=year,
        kind=0,
        name=f"Ofsted {year - 1}-{year % 100:02d}",
        publisher=OFSTED,
        publication=(
            f"Ofsted, Fostering in England 1 April {year - 1} to 31 March {year}: data on local authority "
            "fostering services"
        ),
    )
    return Extracted(out.loc[:, _CANDIDATE_COLUMNS], release, notes, resolve_names=True)


def _resolve_names(got: Extracted, rel: str, dfe: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Give rows identified by an area name only (geographic_level "?") DfE's codes.

    A name is matched to a region (E12/E13) by DfE's spelling, else to a local
    authority as :func:`analysis.sources.published.resolve_la` would (ignoring case,
    punctuation, word order and "City", "County", "of", "Borough"...), among
    authorities that have DfE figures for the same year (so "Dorset" in 2019 is
    the old county, 835). Unmatched names are dropped and reported.
    """
    from analysis.sources.published import _name_keys, _normalise

    frame = got.frame
    todo = frame["geographic_level"] == "?"
    if not todo.any():
        return frame, []
    regions = dfe[dfe["geographic_level"] == REGIONAL].drop_duplicates("region_code")
    region_of = {_normalise(n): (c, n) for c, n in zip(regions["region_code"], regions["region_name"])}
    # Authorities that existed that year: a count or a suppression marker, not "z" (not applicable).
    las = dfe[
        (dfe["geographic_level"] == LOCAL_AUTHORITY) & (dfe["measure"] == "cla_31_march") & (dfe["marker"] != "z")
    ]
    las = las.sort_values(["_order", "year"], kind="mergesort").drop_duplicates(
        ["old_la_code", "year", "la_name"], keep="last"
    )
    names = las[["old_la_code", "la_name"]].drop_duplicates()
    new_code = las.drop_duplicates(["old_la_code", "year"], keep="last").set_index(["old_la_code", "year"])[
        "new_la_code"
    ]
    codes_in_year = set(zip(las["old_la_code"], las["year"]))
    name_keys = [(c, _name_keys(n)) for c, n in names.itertuples(index=False)]
    out = frame.copy()
    unmatched = []
    resolved: dict[tuple[str, int], tuple[str, str, str, str, str, str]] = {}
    for name, year in sorted(set(zip(out.loc[todo, "la_name"], out.loc[todo, "year"]))):
        region = region_of.get(_normalise(name))
        if region:
            resolved[(name, year)] = (REGIONAL, "", "", "", region[0], region[1])
            continue
        keys = _name_keys(name)
        codes: list[str] = []
        for level in range(3):
            codes = sorted({c for c, k in name_keys if k[level] == keys[level] and (c, year) in codes_in_year})
            if codes:
                break
        if len(codes) != 1:
            unmatched.append(name)
            continue
        resolved[(name, year)] = (LOCAL_AUTHORITY, new_code[(codes[0], year)], codes[0], name, "", "")
    cols = ["geographic_level", "new_la_code", "old_la_code", "la_name", "region_code", "region_name"]
    pairs = list(zip(out["la_name"], out["year"]))
    hit = [todo_i and (pair in resolved) for todo_i, pair in zip(todo, pairs)]
    keep = [not t or h for t, h in zip(todo, hit)]
    for j, col in enumerate(cols):
        out[col] = [resolved[pair][j] if h else v for h, pair, v in zip(hit, pairs, out[col])]
    out = out[keep]
    notes = []
    if unmatched:
        notes.append(
            f"{rel}: area(s) not matched to a DfE local authority or region and left out: {', '.join(sorted(set(unmatched)))}"
        )
    return out, notes


EXTRACTORS: tuple[Extractor, ...] = (
    Extractor(
        "sfr_cla_31_march",
        "dfe-cla-la-level/sfr_*/SFR*_CLA[0-9][0-9][0-9][0-9].csv",
        "DfE SFR underlying data, children looked after at 31 March (SFRnn_CLAyyyy.csv, 2013-2017)",
        _sfr_single("cla_31_march", "CLA"),
    ),
    Extractor(
        "sfr_cla_started",
        "dfe-cla-la-level/sfr_*/SFR*_ADM[0-9][0-9][0-9][0-9].csv",
        "DfE SFR underlying data, children starting to be looked after (SFRnn_ADMyyyy.csv)",
        _sfr_single("cla_started", "ADM"),
    ),
    Extractor(
        "sfr_cla_ceased",
        "dfe-cla-la-level/sfr_*/SFR*_CEA[0-9][0-9][0-9][0-9].csv",
        "DfE SFR underlying data, children ceasing to be looked after (SFRnn_CEAyyyy.csv)",
        _sfr_single("cla_ceased", "CEA"),
    ),
    Extractor(
        "ud_cla_31_march",
        "dfe-cla-la-level/sfr_*/CLA[0-9][0-9][0-9][0-9].csv",
        "DfE underlying data with 5-year CLA_Mar/CLA_Pop/CLA_Rate series (CLA2018.csv, CLA2019.csv)",
        _ud_cla,
    ),
    Extractor(
        "ud_cla_started",
        "dfe-cla-la-level/sfr_*/ADM[0-9][0-9][0-9][0-9]*.csv",
        "DfE underlying data with 5-year CLA_startedYYYY series (ADM2018*.csv, ADM2019.csv)",
        _ud_flow("cla_started", r"CLA_started(\d{4})", r"Started_CLA_Rate(\d{4})", "starting to be looked after"),
    ),
    Extractor(
        "ud_cla_ceased",
        "dfe-cla-la-level/sfr_*/CEA[0-9][0-9][0-9][0-9]*.csv",
        "DfE underlying data with 5-year CLA_ceaseYYYY series (CEA2018.csv, CEA2019.csv)",
        _ud_flow("cla_ceased", r"CLA_cease(\d{4})", r"Ceased_CLA_Rate(\d{4})", "ceasing to be looked after"),
    ),
    Extractor(
        "ees_number_and_rate",
        "dfe-cla-la-level/ees_*/cla_number_and_rate_per_10k_children.csv",
        "DfE Explore Education Statistics cla_number_and_rate_per_10k_children.csv",
        _ees_number_rate,
    ),
    Extractor(
        "ons_population_0_17",
        "ons-population-0-17/ons_mid-year_population_estimates_*.csv",
        "ONS mid-year population estimates of children aged 0 to 17 by LA",
        _ons_population,
    ),
    # Breakdowns (placement, provider, age, locality, legal status, UASC, flows,
    # stability, new placements, adoption timeliness, Ofsted fostering).
    Extractor(
        "sfr_cla_breakdowns",
        "dfe-cla-la-level/sfr_*/SFR*_CLA[0-9][0-9][0-9][0-9].csv",
        "DfE SFR underlying data, children looked after at 31 March by characteristics (SFRnn_CLAyyyy.csv)",
        _sfr_cla_breakdown,
        required=False,
    ),
    Extractor(
        "ud_cla_breakdowns",
        "dfe-cla-la-level/sfr_*/CLA[0-9][0-9][0-9][0-9].csv",
        "DfE underlying data, children looked after at 31 March by characteristics (CLA2018.csv, CLA2019.csv)",
        _sfr_cla_breakdown,
        required=False,
    ),
    Extractor(
        "sfr_started_by_age",
        "dfe-cla-la-level/sfr_*/*ADM[0-9][0-9][0-9][0-9]*.csv",
        "DfE SFR/underlying data, children starting to be looked after by age (SCLA_U1 ... SCLA_16over)",
        _sfr_adm_breakdown,
        required=False,
    ),
    Extractor(
        "sfr_ceased_by_reason",
        "dfe-cla-la-level/sfr_*/*CEA[0-9][0-9][0-9][0-9]*.csv",
        "DfE SFR/underlying data, children ceasing to be looked after by reason (CEA_*/CLA_cea*)",
        _sfr_cea_breakdown,
        required=False,
    ),
    Extractor(
        "ees_cla_31_march_by_characteristics",
        "dfe-cla-la-level/ees_*/la_cla_on_31_march_by_characteristics*.csv",
        "DfE EES children looked after on 31 March by characteristics, LA level (placement, provider, age, ...)",
        _ees_breakdown(_EES_CLA_GROUPS, _EES_CLA_MEASURES, "children looked after on 31 March by characteristics"),
        required=False,
    ),
    Extractor(
        "ees_started_by_age",
        "dfe-cla-la-level/ees_*/la_cla_who_started_to_be_looked_after.csv",
        "DfE EES children who started to be looked after, LA level",
        _ees_breakdown(_EES_STARTED_GROUPS, _EES_STARTED_MEASURES, "children starting to be looked after by age group"),
        required=False,
    ),
    Extractor(
        "ees_ceased_by_reason",
        "dfe-cla-la-level/ees_*/la_children_who_ceased_during_*year.csv",
        "DfE EES children who ceased to be looked after during the year, LA level",
        _ees_breakdown(
            _EES_CEASED_GROUPS, _EES_CEASED_MEASURES, "children ceasing to be looked after by reason episode ceased"
        ),
        required=False,
    ),
    Extractor(
        "ees_placement_stability",
        "dfe-cla-la-level/ees_*/la_cla_*placement_stability*.csv",
        "DfE EES placement stability, LA level",
        _ees_breakdown(_EES_STABILITY_GROUPS, _EES_STABILITY_MEASURES, "placement stability indicators"),
        required=False,
    ),
    Extractor(
        "ees_new_placements",
        "dfe-cla-la-level/ees_*/la_cla_during_year_new_placements.csv",
        "DfE EES new placements during the year, LA level",
        _ees_breakdown(
            _EES_NEW_PLACEMENT_GROUPS, _EES_NEW_PLACEMENT_MEASURES, "location of new placements during the year"
        ),
        required=False,
    ),
    Extractor(
        "ees_adoption_timeliness",
        "dfe-cla-la-level/ees_*/national_cla_adopted_average_time_between_adoption_process_stages.csv",
        "DfE EES national average time between adoption process stages",
        _adoption_timeliness,
        required=False,
    ),
    Extractor(
        "ofsted_fostering",
        "ofsted-fostering-la/*.csv",
        "Ofsted Fostering in England, local-authority fostering services data (one file per year)",
        _ofsted_fostering,
        required=False,
    ),
)
"""The registry of table extractors, applied in order."""

NEIGHBOUR_PATTERN = "statistical-neighbours/*.csv"


# --------------------------------------------------------------------------- statistical neighbours


def _neighbours(path: Path, rel: str) -> tuple[int, pd.DataFrame]:
    m = re.search(r"(20\d\d)", path.name)
    if not m:
        raise InputError(f"{rel}: the file name should contain the model year (e.g. ..._2021.csv).")
    model = int(m.group(1))
    frame = _read(path, rel)
    code_col = next((c for c in ("old_la_code", "LA number", "LA num") if c in frame.columns), None)
    name_col = next((c for c in ("la_name", "LA Name") if c in frame.columns), None)
    cols = list(frame.columns)
    sn_cols = {
        int(re.fullmatch(r"SN_?(\d+)", c).group(1)): i for i, c in enumerate(cols) if re.fullmatch(r"SN_?(\d+)", c)
    }
    if code_col is None or name_col is None or not sn_cols:
        lacking = [n for n, c in (("old_la_code", code_col), ("la_name", name_col), ("SN1..SN10", sn_cols)) if not c]
        raise InputError(
            f"{rel}: missing column(s) {', '.join(lacking)}; expected a statistical-neighbour table with the "
            "LA's old code, its name and SN1, SNP, SN2, SNP, ... (neighbour code then closeness)."
        )
    records = []
    for _, row in frame.iterrows():
        code = row[code_col]
        if not re.fullmatch(r"\d{1,3}", code):
            continue
        for rank, i in sorted(sn_cols.items()):
            neighbour = row.iloc[i]
            if not re.fullmatch(r"\d{1,3}", neighbour):
                continue
            closeness = row.iloc[i + 1].strip() if i + 1 < len(cols) else ""
            records.append((model, code.zfill(3), row[name_col], rank, neighbour.zfill(3), closeness))
    out = pd.DataFrame(
        records, columns=["model", "old_la_code", "la_name", "rank", "neighbour_old_la_code", "closeness"]
    )
    names = dict(zip(out["old_la_code"], out["la_name"]))
    out["neighbour_la_name"] = out["neighbour_old_la_code"].map(names)
    return model, out


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class RefreshSummary:
    """What :func:`refresh` wrote.

    Attributes
    ----------
    out_dir : Path
        Where the files were written.
    rows : int
        Rows in ``cla_published.csv``.
    measures : dict
        Rows with a value, per measure.
    years : tuple of int
        Reporting years covered.
    areas : dict
        Distinct areas per geographic level.
    sources : int
        Source files read.
    releases : tuple of str
        Releases that supplied at least one kept value, oldest first.
    revisions : int
        Superseded values that differ from the kept one (``revisions.csv``).
    neighbour_rows : int
        Rows in ``statistical_neighbours.csv``.
    notes : tuple of str
        Adjustments made while reading (e.g. relabelled columns).
    """

    out_dir: Path
    rows: int
    measures: dict[str, int]
    years: tuple[int, ...]
    areas: dict[str, int]
    sources: int
    releases: tuple[str, ...]
    revisions: int
    neighbour_rows: int
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [
            f"Wrote {self.out_dir}:",
            f"  {TABLE_FILE}: {self.rows} rows, years {self.years[0]}-{self.years[-1]}, "
            + ", ".join(f"{n} {level.lower()}" for level, n in self.areas.items())
            + " areas",
            f"  {len(self.measures)} measures, {sum(self.measures.values()):,} values "
            f"(children looked after at 31 March: {self.measures.get('cla_31_march', 0):,})",
            f"  releases kept: {', '.join(self.releases)}",
            f"  {REVISIONS_FILE}: {self.revisions} superseded values that a later release changed",
            f"  {NEIGHBOURS_FILE}: {self.neighbour_rows} rows",
            f"  {MANIFEST_FILE}: {self.sources} source files with sha256",
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


# --------------------------------------------------------------------------- assembly


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    if v.is_integer():
        return str(int(v))
    return repr(v)


def _area(frame: pd.DataFrame) -> pd.Series:
    level = frame["geographic_level"]
    return frame["old_la_code"].where(level == LOCAL_AUTHORITY, frame["region_code"].where(level == REGIONAL, ""))


def _latest_lookup(cands: pd.DataFrame, key: str, cols: list[str], level: str) -> pd.DataFrame:
    """Per ``key``, the ``cols`` of the latest (release, year) row where they are set."""
    rows = cands[(cands["geographic_level"] == level) & (cands[cols[0]] != "")]
    rows = rows.sort_values(["_order", "year", "source", "measure"])
    return rows.drop_duplicates(key, keep="last").set_index(key)[cols]


def _same(a_val, a_mark, b_val, b_mark) -> bool:
    if a_mark != b_mark:
        return False
    if math.isnan(a_val) and math.isnan(b_val):
        return True
    return not (math.isnan(a_val) or math.isnan(b_val)) and abs(a_val - b_val) < 1e-9


def _to_csv(frame: pd.DataFrame, columns: tuple[str, ...]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(frame.loc[:, list(columns)].to_numpy(dtype=object).tolist())
    return buf.getvalue().encode("utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _build(source_dir: Path) -> tuple[dict[str, bytes], RefreshSummary]:
    _READ_CACHE.clear()
    try:
        return _build_uncached(source_dir)
    finally:
        _READ_CACHE.clear()


def _build_uncached(source_dir: Path) -> tuple[dict[str, bytes], RefreshSummary]:
    if not source_dir.is_dir():
        raise InputError(
            f"{source_dir}: source folder not found; expected a folder laid out like shared/data with "
            "dfe-cla-la-level/, ons-population-0-17/ and statistical-neighbours/."
        )
    parsed: list[tuple[str, str, Extracted]] = []
    for ex in EXTRACTORS:
        paths = sorted(source_dir.glob(ex.pattern))
        if not paths and ex.required:
            folder = ex.pattern.split("/")[0]
            where = "" if (source_dir / folder).is_dir() else f" (folder {folder}/ is missing)"
            raise InputError(f"{source_dir}: no file matches {ex.pattern}{where}; expected {ex.expected}.")
        for path in paths:
            rel = path.relative_to(source_dir).as_posix()
            parsed.append((ex.name, rel, ex.parse(path, rel)))

    # Rows that name their area only (Ofsted) get DfE's codes, for the same year.
    if any(got.resolve_names for _, _, got in parsed):
        order_of = {r: i for i, r in enumerate(sorted({g.release for _, _, g in parsed}, key=Release.sort_key))}
        dfe = pd.concat(
            [
                g.frame[(g.frame["measure"] == "cla_31_march") & (g.frame["geographic_level"] != NATIONAL)].assign(
                    _order=order_of[g.release]
                )
                for _, _, g in parsed
                if not g.resolve_names
            ],
            ignore_index=True,
        )
        for _, rel, got in parsed:
            if got.resolve_names:
                got.frame, more = _resolve_names(got, rel, dfe)
                got.notes.extend(more)

    extracts: list[tuple[str, str, Extracted]] = []
    for name, rel, got in parsed:
        unknown = sorted(set(got.frame["measure"]) - set(MEASURES))
        if unknown:
            raise InputError(f"{rel}: extractor {name} produced unknown measure(s) {', '.join(unknown)}.")
        dup = got.frame.assign(area=_area(got.frame)).duplicated(KEY, keep=False)
        if dup.any():
            clash = got.frame[dup].assign(area=_area(got.frame[dup]))
            distinct = clash.drop_duplicates(KEY + ["value", "marker"]).duplicated(KEY, keep=False)
            if distinct.any():
                first = clash[distinct].iloc[0]
                raise InputError(
                    f"{rel}: conflicting values for {first['measure']} {first['year']} "
                    f"{first['geographic_level']} {first['area']!r}; expected one row per area and year."
                )
            got.frame = got.frame[~got.frame.assign(area=_area(got.frame)).duplicated(KEY)]
        extracts.append((name, rel, got))

    # Precedence of releases: a file's release year (latest reporting year in it),
    # then kind (SFR table < underlying data < EES), then name; then file path.
    releases = sorted({e.release for _, _, e in extracts}, key=Release.sort_key)
    order = {r.name: i for i, r in enumerate(releases)}
    if len(order) != len(releases):
        raise InputError("Two different releases share a name; rename one of the source folders.")
    frames = []
    for _, rel, got in extracts:
        f = got.frame.copy()
        f["release"] = got.release.name
        f["source"] = rel
        f["_order"] = order[got.release.name]
        frames.append(f)
    cands = pd.concat(frames, ignore_index=True)
    cands["year"] = cands["year"].astype(int)
    cands["value"] = cands["value"].astype(float)
    cands["area"] = _area(cands)
    cands = cands.sort_values(["_order", "source"] + KEY, kind="mergesort").reset_index(drop=True)

    # One name and region per LA (latest), one name per region.
    la_names = _latest_lookup(cands, "old_la_code", ["la_name"], LOCAL_AUTHORITY)["la_name"]
    la_regions = _latest_lookup(cands, "old_la_code", ["region_code", "region_name"], LOCAL_AUTHORITY)
    region_names = _latest_lookup(
        cands[cands["release"].str.contains("EES|ONS")], "region_code", ["region_name"], REGIONAL
    )["region_name"]
    is_la = cands["geographic_level"] == LOCAL_AUTHORITY
    cands.loc[is_la, "la_name"] = cands.loc[is_la, "old_la_code"].map(la_names)
    cands.loc[is_la, "region_code"] = cands.loc[is_la, "old_la_code"].map(la_regions["region_code"]).fillna("")
    cands.loc[is_la, "region_name"] = cands.loc[is_la, "old_la_code"].map(la_regions["region_name"]).fillna("")
    has_region = cands["region_code"] != ""
    cands.loc[has_region, "region_name"] = (
        cands.loc[has_region, "region_code"].map(region_names).fillna(cands.loc[has_region, "region_name"])
    )

    # Latest release wins; superseded values that differ are revisions.
    winner_mask = ~cands.duplicated(KEY, keep="last")
    winners = cands[winner_mask]
    losers = cands[~winner_mask]
    merged = losers.merge(winners, on=KEY, suffixes=("_old", "_new"))
    changed = [
        not _same(a, b, c, d)
        for a, b, c, d in zip(merged["value_old"], merged["marker_old"], merged["value_new"], merged["marker_new"])
    ]
    revisions = merged[changed].copy()

    table = winners.copy()
    table["_level"] = table["geographic_level"].map(_LEVEL_ORDER)
    table["_measure"] = table["measure"].map({m: i for i, m in enumerate(MEASURES)})
    table = table.sort_values(["_level", "region_code", "old_la_code", "_measure", "year"], kind="mergesort")
    table_out = table.assign(value=table["value"].map(_fmt), year=table["year"].astype(str))

    rev = pd.DataFrame(
        {
            "year": revisions["year"].astype(str),
            "geographic_level": revisions["geographic_level"],
            "old_la_code": revisions["old_la_code_new"],
            "region_code": revisions["region_code_new"],
            "area_name": revisions["la_name_new"].where(revisions["la_name_new"] != "", revisions["region_name_new"]),
            "measure": revisions["measure"],
            "old_value": revisions["value_old"].map(_fmt),
            "old_marker": revisions["marker_old"],
            "old_release": revisions["release_old"],
            "old_source": revisions["source_old"],
            "new_value": revisions["value_new"].map(_fmt),
            "new_marker": revisions["marker_new"],
            "new_release": revisions["release_new"],
            "new_source": revisions["source_new"],
            "_level": revisions["geographic_level"].map(_LEVEL_ORDER),
            "_measure": revisions["measure"].map({m: i for i, m in enumerate(MEASURES)}),
            "_order": revisions["_order_old"],
        }
    ).sort_values(
        ["_level", "region_code", "old_la_code", "_measure", "year", "_order", "old_source"], kind="mergesort"
    )

    # Statistical neighbours.
    sn_paths = sorted(source_dir.glob(NEIGHBOUR_PATTERN))
    if not sn_paths:
        raise InputError(
            f"{source_dir}: no file matches {NEIGHBOUR_PATTERN}; expected DfE statistical-neighbour groupings "
            "(New_Statistical_Neighbour_Groupings_April_2021.csv, sn_model_2025_wide.csv)."
        )
    sn_frames, sn_sources = [], []
    for path in sn_paths:
        rel = path.relative_to(source_dir).as_posix()
        model, frame = _neighbours(path, rel)
        sn_frames.append(frame)
        sn_sources.append((rel, path, model))
    sn = pd.concat(sn_frames, ignore_index=True)
    if sn.duplicated(["model", "old_la_code", "rank"]).any():
        raise InputError(
            f"{source_dir}/statistical-neighbours: two files give the same model year; keep one per model."
        )
    sn["neighbour_la_name"] = sn["neighbour_la_name"].fillna(sn["neighbour_old_la_code"].map(la_names)).fillna("")
    sn = sn.sort_values(["model", "old_la_code", "rank"], kind="mergesort")
    sn_out = sn.assign(model=sn["model"].astype(str), rank=sn["rank"].astype(str))

    # The source columns hold short ids (defined in the manifest) to keep the table compact.
    ids = {rel: source_id(rel) for rel in sorted({rel for _, rel, _ in extracts} | {rel for rel, _, _ in sn_sources})}
    if len(set(ids.values())) != len(ids):
        raise InputError("Two source files have the same short id; rename one of them.")
    table_out = table_out.assign(source=table_out["source"].map(ids))
    rev = rev.assign(old_source=rev["old_source"].map(ids), new_source=rev["new_source"].map(ids))

    table_csv = _to_csv(table_out, COLUMNS)
    files = {
        TABLE_FILE: gzip.compress(table_csv, compresslevel=9, mtime=0),
        REVISIONS_FILE: _to_csv(rev, REVISION_COLUMNS),
        NEIGHBOURS_FILE: _to_csv(sn_out, NEIGHBOUR_COLUMNS),
    }

    # Manifest.
    used = set(table["release"])
    release_rows = [
        {
            "name": r.name,
            "release_year": r.year,
            "precedence": order[r.name],
            "publisher": r.publisher,
            "publication": r.publication,
            "values_kept": int((table["release"] == r.name).sum()),
        }
        for r in releases
    ]
    rel_of = {rel: got.release for _, rel, got in extracts}
    ext_of: dict[str, list[str]] = {}
    for name, rel, _ in extracts:
        ext_of.setdefault(rel, []).append(name)
    sources = []
    for rel in sorted(rel_of):
        p = source_dir / rel
        sources.append(
            {
                "id": ids[rel],
                "path": rel,
                "sha256": _sha256(p),
                "bytes": p.stat().st_size,
                "publisher": rel_of[rel].publisher,
                "release": rel_of[rel].name,
                "extractor": ", ".join(ext_of[rel]),
                "output": TABLE_FILE,
            }
        )
    for rel, p, model in sn_sources:
        sources.append(
            {
                "id": ids[rel],
                "path": rel,
                "sha256": _sha256(p),
                "bytes": p.stat().st_size,
                "publisher": DFE,
                "release": f"statistical neighbours {model} model",
                "extractor": "statistical_neighbours",
                "output": NEIGHBOURS_FILE,
            }
        )
    notes = tuple(dict.fromkeys(n for _, _, got in extracts for n in got.notes))
    manifest = {
        "title": "Children looked after in England: published LA-level figures (derived)",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": (
            "Contains public sector information licensed under the Open Government Licence v3.0: "
            "Department for Education, 'Children looked after in England including adoptions' "
            "(SFR underlying data 2013-2019 and Explore Education Statistics releases) and DfE "
            "statistical-neighbour groupings; Office for National Statistics mid-year population estimates"
            + (
                "; Ofsted, 'Fostering in England' (local-authority fostering services data)"
                if OFSTED in {r.publisher for r in releases}
                else ""
            )
            + "."
        ),
        "publishers": sorted({r.publisher for r in releases} | {DFE}),
        "publications": sorted({r.publication for r in releases if r.name in used}),
        "releases": release_rows,
        "release_rule": (
            "A value for the same (measure, year, area) can appear in several releases; only the one from "
            "the latest release is kept (release year = latest reporting year in the file, then SFR table < "
            "underlying data < EES, then release name). Superseded values that differ are in revisions.csv."
        ),
        "measures": list(MEASURES),
        "source_ids": (
            "The source, old_source and new_source columns of cla_published.csv and revisions.csv hold the id "
            "of a file listed under sources: 's' followed by the first 6 hex digits of the SHA-256 of its path."
        ),
        "outputs": {
            name: {
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": (table_csv if name == TABLE_FILE else data).count(b"\n") - 1,
            }
            for name, data in sorted(files.items())
        },
        "sources": sources,
        "notes": list(notes),
    }
    files[MANIFEST_FILE] = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

    with_value = table[table["value"].notna()]
    summary = RefreshSummary(
        out_dir=Path(),
        rows=len(table),
        measures={
            m: int(n) for m, n in with_value["measure"].value_counts().reindex(list(MEASURES), fill_value=0).items()
        },
        years=tuple(sorted(int(y) for y in table["year"].unique())),
        areas={
            level: int(table.loc[table["geographic_level"] == level, "area"].nunique())
            for level in (NATIONAL, REGIONAL, LOCAL_AUTHORITY)
        },
        sources=len(sources),
        releases=tuple(r.name for r in releases if r.name in used),
        revisions=len(rev),
        neighbour_rows=len(sn),
        notes=notes,
    )
    return files, summary


def source_id(path: str) -> str:
    """Short id of a source file, written to the ``source`` columns (``"s"`` + 6 hex digits).

    It depends only on the file's path relative to the source folder, so it is
    stable when other files are added.
    """
    return "s" + hashlib.sha256(path.encode("utf-8")).hexdigest()[:6]


def refresh(source_dir: Path, out_dir: Path) -> RefreshSummary:
    """Re-derive ``data/published`` from DfE/ONS downloads.

    Parameters
    ----------
    source_dir : Path
        A folder laid out like ``shared/data`` (``dfe-cla-la-level/``,
        ``ons-population-0-17/``, ``statistical-neighbours/``). Newer DfE
        downloads in the same layout (e.g. ``ees_2022_2026/``) are picked up by
        the globs in :data:`EXTRACTORS` and win as the latest release.
    out_dir : Path
        Where to write ``cla_published.csv``, ``revisions.csv``,
        ``statistical_neighbours.csv`` and ``manifest.json``.

    Returns
    -------
    RefreshSummary
        Counts of what was written; ``str()`` of it is a short report.

    Raises
    ------
    InputError
        If a source folder or file is missing, or a file lacks an expected
        column; the message names the file. Nothing is written to ``out_dir``
        unless the whole refresh succeeds.
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    files, summary = _build(source_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".refresh-", dir=out_dir.parent))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        out_dir.mkdir(exist_ok=True)
        for name in files:
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return RefreshSummary(**{**summary.__dict__, "out_dir": out_dir})
