"""Ofsted "Fostering in England" LA fostering-services data (``ofsted-fostering-la/``).

Ofsted's files name areas only; :func:`_resolve_names` gives them DfE's codes
once the DfE files have been read.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.sources.published import (
    ENGLAND_CODE,
    LOCAL_AUTHORITY,
    NATIONAL,
    REGIONAL,
)
from analysis.sources.refresh.base import (
    _CANDIDATE_COLUMNS,
    Extracted,
    Release,
    _empty_geo,
    parse_cell,
)

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


def _ofsted_year(path: Path, rel: str) -> int:
    """The financial year's end (e.g. 2018 for 2017-18) named in an Ofsted file's name."""
    m = re.search(r"(20\d\d)\s*(?:-|_to_|to)\s*(20)?(\d\d)", path.name)
    if not m:
        raise InputError(f"{rel}: the file name should give the year, e.g. 2017-18 or 2018_to_2019.")
    year = 2000 + int(m.group(3))
    if year != int(m.group(1)) + 1:
        raise InputError(f"{rel}: the file name should give one financial year (e.g. 2017-18).")
    return year


def _ofsted_read(path: Path, rel: str) -> pd.DataFrame:
    """The file as a headerless frame of stripped strings (UTF-8, else cp1252)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig")
    except UnicodeDecodeError:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="cp1252")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise InputError(f"{rel}: could not be read as a CSV file ({exc}).") from exc
    return frame.apply(lambda s: s.str.strip())


def _ofsted_layout(frame: pd.DataFrame, rel: str) -> tuple[pd.Series, list[tuple[int, str]]]:
    """The normalised measure labels and the (column, area name) pairs from England rightwards."""
    header = list(frame.iloc[0])
    if "England" not in header:
        raise InputError(f"{rel}: the first row should name the areas (England, regions, local authorities).")
    first = header.index("England")
    label_col = first - 1
    if label_col < 0:
        raise InputError(f"{rel}: expected the measure labels in the column before England.")
    labels = frame[label_col].map(_ofsted_label)
    areas = [(i, name) for i, name in enumerate(header) if i >= first and name]
    return labels, areas


def _ofsted_find_rows(frame: pd.DataFrame, labels: pd.Series, rel: str) -> dict[str, int]:
    """The row of each known measure; raises if a row repeats or a required one is missing."""
    found = {}
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
    return found


def _ofsted_records(frame: pd.DataFrame, found: dict[str, int], areas: list[tuple[int, str]]) -> list[tuple]:
    """(measure, name, value, marker) for every non-blank cell of the found rows."""
    records = []
    for measure, row in found.items():
        for col, name in areas:
            value, marker = parse_cell(frame.iat[row, col])
            if math.isnan(value) and not marker:
                continue
            records.append((measure, name, value, marker))
    return records


def _ofsted_approvals(out: pd.DataFrame) -> list[tuple]:
    """Households approved in year as mainstream approvals plus family and friends approvals (2017-18)."""
    # 2017-18 publishes mainstream approvals ("Number of applications approved") and family and
    # friends households approved in year separately; their sum is the households approved in year.
    records = []
    approved = out[out["measure"] == "fostering_applications_approved"]
    friends = out[out["measure"] == "fostering_approvals_family_friends"]
    merged = approved.merge(friends, on="name", how="outer", suffixes=("_a", "_f"))
    for name, va, ma, vf, mf in merged[["name", "value_a", "marker_a", "value_f", "marker_f"]].itertuples(index=False):
        ma = ma if isinstance(ma, str) else ""
        mf = mf if isinstance(mf, str) else ""
        if ma or mf:
            records.append(("fostering_approvals", name, math.nan, ma or mf))
        elif not (pd.isna(va) or pd.isna(vf)):
            records.append(("fostering_approvals", name, float(va) + float(vf), ""))
    return records


def _ofsted_geo(out: pd.DataFrame, year: int) -> pd.DataFrame:
    """Replace the area name by the geography columns (England coded; other areas resolved later)."""
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
    return out


def _ofsted_release(year: int) -> Release:
    """The release record for one year of Ofsted's fostering data."""
    return Release(
        year=year,
        kind=0,
        name=f"Ofsted {year - 1}-{year % 100:02d}",
        publisher=OFSTED,
        publication=(
            f"Ofsted, Fostering in England 1 April {year - 1} to 31 March {year}: data on local authority "
            "fostering services"
        ),
    )


def _ofsted_fostering(path: Path, rel: str) -> Extracted:
    """Ofsted "Fostering in England" LA fostering-services data: rows are measures, columns areas.

    LA and region columns are identified by name only; they are given DfE's
    codes by :func:`_resolve_names` once the DfE files have been read.
    """
    year = _ofsted_year(path, rel)
    frame = _ofsted_read(path, rel)
    labels, areas = _ofsted_layout(frame, rel)
    found = _ofsted_find_rows(frame, labels, rel)
    notes = []
    records = _ofsted_records(frame, found, areas)
    out = pd.DataFrame(records, columns=["measure", "name", "value", "marker"])
    if "fostering_approvals" not in found:
        records += _ofsted_approvals(out)
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
    out = _ofsted_geo(out, year)
    return Extracted(out.loc[:, _CANDIDATE_COLUMNS], _ofsted_release(year), notes, resolve_names=True)


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
