"""DfE Explore Education Statistics (EES) files: tidy long-format CSVs, 2018 onwards.

Parsers for ``dfe-cla-la-level/ees_*/``: numbers and rates per 10,000, the
LA-level breakdowns (characteristics on 31 March, starters, ceased, stability,
new placements) and the national adoption timeliness by stage.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.published import (
    ENGLAND_CODE,
    NATIONAL,
)
from analysis.sources.refresh.base import (
    _CANDIDATE_COLUMNS,
    DFE,
    Extracted,
    Release,
    _Cells,
    _empty_geo,
    _has_pct,
    _read,
    _require,
    _rows,
    _tidy_geography,
    parse_cell,
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
    bad_years = sorted({v for v in frame["time_period"] if not re.fullmatch(r"\d{4}", v)})
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
    bad = sorted({v for v in frame["time_period"].unique() if not re.fullmatch(r"\d{4}", v)})
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
                    f"{frame.loc[rows, 'cla_group'].iloc[0]!r}; map it in analysis.sources.refresh.dfe_ees before refreshing."
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
                f"{rel}: unrecognised stage_of_adoption_process {stage!r}; map it in analysis.sources.refresh.dfe_ees."
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
