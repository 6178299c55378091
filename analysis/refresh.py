"""Derive the committed public-data layer from DfE and ONS downloads.

:func:`refresh` reads a source folder laid out like ``shared/data`` (DfE
"Children looked after in England including adoptions" LA-level files, ONS
mid-year population estimates, DfE statistical-neighbour groupings) and writes
to ``data/published``:

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

Outputs are deterministic (sorted rows, fixed number formatting, no time
stamps), so re-running on the same downloads gives identical bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from analysis.errors import InputError
from analysis.published import (
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
        Tie-break between releases of the same year: 0 ONS, 1 SFR tables,
        2 SFR underlying data, 3 Explore Education Statistics (EES).
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
    """

    frame: pd.DataFrame
    release: Release
    notes: list[str] = field(default_factory=list)


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


def _read(path: Path, rel: str) -> pd.DataFrame:
    """Read a CSV as strings (BOM tolerated, headers and cells stripped)."""
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
    return frame.apply(lambda s: s.str.strip())


def _require(frame: pd.DataFrame, columns: list[str], rel: str, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{rel}: missing column(s) {', '.join(missing)}; expected {what} "
            f"with columns {', '.join(columns)}."
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
    parsed = [parse_cell(v) for v in cells.loc[geo.index]]
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
    records = {}
    for idx, level, rcode, rname, old, new, name in frame[cols].itertuples():
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
            continue
        records[idx] = g
    return pd.DataFrame.from_dict(records, orient="index", columns=list(_empty_geo()))


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
    base = ["time_period", "geographic_level", "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "rate_per_10000"]
    _require(frame, base, rel, "the EES file of numbers and rates per 10,000 children")
    # The 2022 and 2024 files head the population-type label "population_count";
    # the 2025 file calls it "population_type" and the count "children_count".
    label_col = next((c for c in ("population_type", "population_count") if c in frame.columns and _is_label_column(frame[c])), None)
    count_col = next((c for c in ("children_count", "number") if c in frame.columns), None)
    pop_col = next((c for c in ("population_estimate", "population_count") if c in frame.columns and c != label_col), None)
    if label_col is None or count_col is None or pop_col is None:
        lacking = [n for n, c in (("population_type", label_col), ("children_count or number", count_col), ("population_estimate", pop_col)) if c is None]
        raise InputError(
            f"{rel}: missing column(s) {', '.join(lacking)}; expected the population type label "
            "(population_type, or population_count holding labels), the count (children_count or number), "
            "the population (population_estimate) and rate_per_10000."
        )
    bad_years = sorted(set(v for v in frame["time_period"] if not re.fullmatch(r"\d{4}", v)))
    if bad_years:
        raise InputError(f"{rel}: column time_period should hold 4-digit reporting years; found {', '.join(bad_years[:5])}.")
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
        raise InputError(f"{rel}: no rows for children looked after at 31 March, starting or ceasing in column {label_col}.")
    year = int(frame["_year"].max())
    dashboard = "dashboard" in rel.lower()
    release = Release(
        year=year,
        kind=3,
        name=f"{year} EES" + (" dashboard" if dashboard else ""),
        publisher=DFE,
        publication=(
            f"Children looked after in England including adoptions, reporting year {year} "
            "(Explore Education Statistics)" + (", as copied in DfE's CSC outcomes and enablers dashboard" if dashboard else "")
        ),
    )
    return Extracted(pd.concat(parts, ignore_index=True), release, notes)


def _ons_population(path: Path, rel: str) -> Extracted:
    """ONS mid-year 0-17 estimates; mid-(YYYY-1) becomes reporting year YYYY."""
    frame = _read(path, rel)
    _require(frame, ["time_period", "population_estimate"], rel, "ONS mid-year population estimates of children aged 0-17")
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
    sn_cols = {int(re.fullmatch(r"SN_?(\d+)", c).group(1)): i for i, c in enumerate(cols) if re.fullmatch(r"SN_?(\d+)", c)}
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
    out = pd.DataFrame(records, columns=["model", "old_la_code", "la_name", "rank", "neighbour_old_la_code", "closeness"])
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
            "  measures (rows with a value): " + ", ".join(f"{m} {n}" for m, n in self.measures.items()),
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
    writer.writerows(frame.loc[:, list(columns)].itertuples(index=False, name=None))
    return buf.getvalue().encode("utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _build(source_dir: Path) -> tuple[dict[str, bytes], RefreshSummary]:
    if not source_dir.is_dir():
        raise InputError(
            f"{source_dir}: source folder not found; expected a folder laid out like shared/data with "
            "dfe-cla-la-level/, ons-population-0-17/ and statistical-neighbours/."
        )
    extracts: list[tuple[str, str, Extracted]] = []
    for ex in EXTRACTORS:
        paths = sorted(source_dir.glob(ex.pattern))
        if not paths and ex.required:
            folder = ex.pattern.split("/")[0]
            where = "" if (source_dir / folder).is_dir() else f" (folder {folder}/ is missing)"
            raise InputError(f"{source_dir}: no file matches {ex.pattern}{where}; expected {ex.expected}.")
        for path in paths:
            rel = path.relative_to(source_dir).as_posix()
            got = ex.parse(path, rel)
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
            extracts.append((ex.name, rel, got))

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
    ).sort_values(["_level", "region_code", "old_la_code", "_measure", "year", "_order", "old_source"], kind="mergesort")

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
        raise InputError(f"{source_dir}/statistical-neighbours: two files give the same model year; keep one per model.")
    sn["neighbour_la_name"] = sn["neighbour_la_name"].fillna(sn["neighbour_old_la_code"].map(la_names)).fillna("")
    sn = sn.sort_values(["model", "old_la_code", "rank"], kind="mergesort")
    sn_out = sn.assign(model=sn["model"].astype(str), rank=sn["rank"].astype(str))

    files = {
        TABLE_FILE: _to_csv(table_out, COLUMNS),
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
    ext_of = {rel: name for name, rel, _ in extracts}
    sources = []
    for rel in sorted(rel_of):
        p = source_dir / rel
        sources.append(
            {
                "path": rel,
                "sha256": _sha256(p),
                "bytes": p.stat().st_size,
                "publisher": rel_of[rel].publisher,
                "release": rel_of[rel].name,
                "extractor": ext_of[rel],
                "output": TABLE_FILE,
            }
        )
    for rel, p, model in sn_sources:
        sources.append(
            {
                "path": rel,
                "sha256": _sha256(p),
                "bytes": p.stat().st_size,
                "publisher": DFE,
                "release": f"statistical neighbours {model} model",
                "extractor": "statistical_neighbours",
                "output": NEIGHBOURS_FILE,
            }
        )
    notes = tuple(n for _, _, got in extracts for n in got.notes)
    manifest = {
        "title": "Children looked after in England: published LA-level figures (derived)",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": (
            "Contains public sector information licensed under the Open Government Licence v3.0: "
            "Department for Education, 'Children looked after in England including adoptions' "
            "(SFR underlying data 2013-2019 and Explore Education Statistics releases) and DfE "
            "statistical-neighbour groupings; Office for National Statistics mid-year population estimates."
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
        "outputs": {
            name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "rows": data.count(b"\n") - 1}
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
        measures={m: int((with_value["measure"] == m).sum()) for m in MEASURES},
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
