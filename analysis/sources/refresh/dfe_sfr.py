"""DfE statistical first release (SFR) files, 2013-2019: one-year SFR tables and 5-year underlying data.

Parsers for ``dfe-cla-la-level/sfr_*/``: totals (children looked after at 31
March, starting, ceasing, with rates and populations) and the wide breakdowns
(placement, provider, age, locality, legal status, UASC, started by age,
ceased by reason).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.refresh.base import (
    _CANDIDATE_COLUMNS,
    DFE,
    Extracted,
    Release,
    _Cells,
    _has_pct,
    _read,
    _rows,
    _sfr_geography,
    _year_columns,
    parse_cell,
)


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
            "mapped (analysis.sources.refresh.dfe_sfr._SFR_CEA_SPEC / _SFR_CEA_OTHER) so that the six reasons add up to the total."
        )
    if not other:
        raise InputError(
            f"{rel}: no columns for the other reasons for ceasing (e.g. {_SFR_CEA_OTHER[0]}, {_SFR_CEA_OTHER[1]})."
        )
    cells.add("ceased_other", [frame.loc[geo.index, c].to_numpy(dtype=object) for c in other])
    return Extracted(cells.frame(), release)
