"""What the synthetic authority is calibrated to: constants, code mixes and the published targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.paper import REPO_ROOT
from analysis.sources import published

#: Bumped whenever the generator's output changes for the same inputs.
GENERATOR_VERSION = "2"

DEFAULT_OUT = REPO_ROOT / "data" / "ssda903" / "cambridgeshire-synthetic"

AGE_BANDS = ("under_1", "1_4", "5_9", "10_15", "16_over")
_BAND_RANGES = {"under_1": (0, 1), "1_4": (1, 5), "5_9": (5, 10), "10_15": (10, 16), "16_over": (16, 18)}

REASON_GROUPS = (
    "adoption",
    "special guardianship",
    "child arrangements order",
    "return home",
    "independent living",
    "other",
)
_REASON_MEASURES = {
    "adoption": "ceased_adopted",
    "special guardianship": "ceased_sgo",
    "child arrangements order": "ceased_cao",
    "return home": "ceased_returned_home",
    "independent living": "ceased_independent_living",
    "other": "ceased_other",
}
#: England-like defaults where an authority's figures are missing or suppressed.
_DEFAULT_REASONS = {
    "adoption": 0.12,
    "special guardianship": 0.12,
    "child arrangements order": 0.04,
    "return home": 0.30,
    "independent living": 0.12,
    "other": 0.30,
}
_DEFAULT_START_AGES = {"under_1": 0.19, "1_4": 0.15, "5_9": 0.17, "10_15": 0.31, "16_over": 0.18}
_DEFAULT_STOCK_AGES = {"under_1": 0.05, "1_4": 0.13, "5_9": 0.19, "10_15": 0.39, "16_over": 0.24}

#: Internal placement categories (see analysis.sources.ssda903.spec.PLACEMENT_CATEGORIES).
CATS = ("inhouse", "otherla", "ifa", "kinship", "residential", "independent", "parents", "adoption")
_PUBLISHED_GROUP = {
    "inhouse": "foster",
    "otherla": "foster",
    "ifa": "foster",
    "kinship": "foster",
    "residential": "residential",
    "independent": "residential",
    "parents": "parents",
    "adoption": "adoption",
}
#: Age-conditional base weights for a new placement (before calibration).
_BASE_WEIGHTS = {
    #            inhouse otherla ifa kinship resid indep parents adoption
    "under_1": (45, 4, 20, 16, 0.2, 0, 10, 0),
    "1_4": (45, 4, 25, 15, 0.5, 0, 8, 0),
    "5_9": (42, 4, 30, 14, 2, 0, 7, 0),
    "10_15": (33, 4, 32, 10, 14, 0, 5, 0),
    "16_over": (22, 2, 22, 6, 12, 33, 3, 0),
}
_MOVE_RATE = {"under_1": 1.0, "1_4": 0.8, "5_9": 0.7, "10_15": 1.1, "16_over": 1.2}  # moves per year

_REASON_PLACE_CHANGE = (
    ("CARPL", 45),
    ("CREQB", 12),
    ("CREQO", 10),
    ("LAREQ", 8),
    ("CHILD", 6),
    ("STAND", 3),
    ("ALLEG", 2),
    ("CLOSE", 3),
    ("APPRR", 1),
    ("OTHER", 10),
)
_CIN = (("N1", 60), ("N2", 3), ("N3", 4), ("N4", 8), ("N5", 15), ("N6", 2), ("N7", 1), ("N8", 7))
_ETHNIC = (
    ("WBRI", 74),
    ("WOTH", 6),
    ("MWBC", 3),
    ("MWBA", 1),
    ("MWAS", 2),
    ("MOTH", 3),
    ("AIND", 1),
    ("APKN", 1),
    ("AOTH", 2),
    ("BAFR", 2),
    ("BCRB", 1),
    ("BOTH", 1),
    ("WROM", 1),
    ("WIRT", 1),
    ("OOTH", 1),
)

#: Where placements are (inside the authority, near, far) is a stated parameter: params.PLACE_REACH.


# --------------------------------------------------------------------------- targets


@dataclass
class Targets:
    """What the synthetic authority is calibrated to, by year (year ending 31 March)."""

    la: published.LocalAuthority
    years: list[int]
    cla: dict[int, float]
    started: dict[int, float]
    ceased: dict[int, float]
    reasons: dict[int, dict[str, float]]
    start_ages: dict[int, dict[str, float]]
    stock_ages: dict[str, float]
    placement_shares: dict[int, dict[str, float]] = field(default_factory=dict)  # foster/parents/adoption/residential
    provider_shares: dict[int, dict[str, float]] = field(default_factory=dict)  # own/other_la/private_voluntary/parents
    uasc_share: float = 0.05
    uasc: dict[int, float] = field(default_factory=dict)  # UASC looked after at 31 March, where published
    # each year's ages at 31 March (the nearest year's where not published; stock_ages where none is)
    stock_ages_by_year: dict[int, dict[str, float]] = field(default_factory=dict)

    def stock_ages_in(self, y: int) -> dict[str, float]:
        """The ages at 31 March ``y`` calibrated to: that year's published shares, else all years pooled."""
        return self.stock_ages_by_year.get(y, self.stock_ages)


def _la_values(table: pd.DataFrame, code: str, measure: str) -> dict[int, float]:
    rows = table[(table["old_la_code"] == code) & (table["measure"] == measure)].dropna(subset=["value"])
    return {int(y): float(v) for y, v in zip(rows["year"], rows["value"])}


def _fill(series: dict[int, float], years: list[int], what: str, la: str) -> dict[int, float]:
    known = sorted(series)
    if not known:
        raise InputError(f"--la {la}: no published {what} in data/published; cannot calibrate a synthetic authority")
    return {y: series.get(y, series[min(known, key=lambda k: abs(k - y))]) for y in years}


def _shares(values: dict[str, float], default: dict[str, float]) -> dict[str, float]:
    if any(v is None or np.isnan(v) for v in values.values()) or sum(values.values()) <= 0:
        return dict(default)
    total = sum(values.values())
    return {k: v / total for k, v in values.items()}


def _reason_shares(counts: dict[str, float | None], total: float) -> dict[str, float]:
    """Shares of leavers by reason from published counts, some suppressed.

    The suppressed reasons share what the published ones leave of the total,
    in proportion to England-like weights. Marks the result ``_default`` when
    fewer than three reasons are published.
    """
    known = {g: v for g, v in counts.items() if v is not None and not np.isnan(v)}
    if len(known) < 3 or total <= 0:
        return {**_DEFAULT_REASONS, "_default": True}
    rest = max(total - sum(known.values()), 0.0)
    missing = [g for g in REASON_GROUPS if g not in known]
    weight = sum(_DEFAULT_REASONS[g] for g in missing) or 1.0
    filled = {g: known.get(g, rest * _DEFAULT_REASONS[g] / weight) for g in REASON_GROUPS}
    return _shares(filled, _DEFAULT_REASONS)


_PLACEMENT_MEASURES = {
    "foster": ["cla_placement_foster"],
    "parents": ["cla_placement_parents"],
    "adoption": ["cla_placement_adoption"],
    # everything else DfE publishes: residential settings, semi-independent/supported and community
    # placements (DfE regrouped these in 2024: both groupings are listed; a year has one or the other)
    "residential": [
        "cla_placement_secure_homes_semi_independent",
        "cla_placement_other_residential",
        "cla_placement_residential_schools",
        "cla_placement_community",
        "cla_placement_secure_childrens_homes",
        "cla_placement_independent_supported",
        "cla_placement_other",
        "cla_placement_missing",
    ],
}
_PROVIDER_MEASURES = {
    "own": ["cla_provider_own"],
    "other_la": ["cla_provider_other_la"],
    "private_voluntary": ["cla_provider_private", "cla_provider_voluntary"],
    "parents": ["cla_provider_parents"],
}


def _nearest(known: list[int], y: int) -> int:
    """The year of ``known`` nearest ``y`` (the earlier on a tie)."""
    return min(known, key=lambda k: abs(k - y))


def _reasons_by_year(
    table: pd.DataFrame, code: str, years: list[int], ceased: dict[int, float]
) -> dict[int, dict[str, float]]:
    """Each year's shares of leavers by reason; years with too much suppressed borrow the nearest known year's."""
    reasons: dict[int, dict[str, float]] = {}
    by_measure = {g: _la_values(table, code, m) for g, m in _REASON_MEASURES.items()}
    for y in years:
        reasons[y] = _reason_shares({g: by_measure[g].get(y) for g in REASON_GROUPS}, ceased[y])
    known_years = [y for y in years if not reasons[y].pop("_default", False)]
    for y in years:  # years where too much is suppressed borrow the nearest year with published reasons
        if y not in known_years and known_years:
            reasons[y] = reasons[_nearest(known_years, y)]
    return reasons


def _age_shares(table: pd.DataFrame, code: str, prefix: str, default: dict[str, float]) -> dict[str, float]:
    """Shares by age band of the sums over all years of ``{prefix}_{band}`` (``default`` if a band has none)."""
    sums = {b: sum(_la_values(table, code, f"{prefix}_{b}").values()) for b in AGE_BANDS}
    return _shares(sums, default) if all(sums.values()) else dict(default)


def _ages_by_year(
    table: pd.DataFrame, code: str, years: list[int], prefix: str, default: dict[str, float]
) -> dict[int, dict[str, float]]:
    """Each year's published shares by age band of ``{prefix}_{band}``; the nearest year's where not
    published, else all years pooled (``default`` where no year is)."""
    by_band = {b: _la_values(table, code, f"{prefix}_{b}") for b in AGE_BANDS}
    out: dict[int, dict[str, float]] = {}
    with_ages = [y for y in years if all(y in by_band[b] for b in AGE_BANDS)]
    pooled = _age_shares(table, code, prefix, default)
    for y in years:
        near = _nearest(with_ages, y) if with_ages else None
        out[y] = _shares({b: by_band[b][near] for b in AGE_BANDS}, pooled) if near else pooled
    return out


def _start_ages(table: pd.DataFrame, code: str, years: list[int]) -> dict[int, dict[str, float]]:
    """Each year's published ages of starters; the nearest year's where not published, else all years pooled."""
    return _ages_by_year(table, code, years, "started_age", _DEFAULT_START_AGES)


def _mix_shares(
    table: pd.DataFrame, code: str, years: list[int], measures: dict[str, list[str]], anchor: str
) -> dict[int, dict[str, float]]:
    """Each year's shares of the groups of ``measures`` (where ``anchor`` is published); else the nearest year's."""
    values = {g: [_la_values(table, code, m) for m in ms] for g, ms in measures.items()}
    shares: dict[int, dict[str, float]] = {}
    for y in years:
        vals = {g: sum(d.get(y, 0.0) for d in ds) for g, ds in values.items()}
        if vals[anchor] > 0:
            shares[y] = _shares(vals, {})
    known = sorted(shares)  # years without published shares use the nearest year's
    for y in years:
        if known and y not in shares:
            shares[y] = shares[_nearest(known, y)]
    return shares


def targets(la_query: str, years: list[int], data_dir: Path | None = None) -> Targets:
    """Read the authority's published figures for ``years`` (nearest year where one is missing)."""
    table = published.load_published(data_dir)
    la = published.resolve_la(table, la_query)
    code = la.old_la_code
    cla = _fill(_la_values(table, code, "cla_31_march"), years, "children looked after at 31 March", la_query)
    started = _fill(_la_values(table, code, "cla_started"), years, "starters", la_query)
    ceased = _fill(_la_values(table, code, "cla_ceased"), years, "leavers", la_query)
    uasc = _la_values(table, code, "cla_uasc")
    ratios = [uasc[y] / cla[y] for y in years if y in uasc and cla[y] and not np.isnan(uasc[y])]
    uasc_share = float(np.mean(ratios)) if ratios else 0.05
    return Targets(
        la=la,
        years=years,
        cla=cla,
        started=started,
        ceased=ceased,
        reasons=_reasons_by_year(table, code, years, ceased),
        start_ages=_start_ages(table, code, years),
        stock_ages=_age_shares(table, code, "cla_age", _DEFAULT_STOCK_AGES),
        stock_ages_by_year=_ages_by_year(table, code, years, "cla_age", _DEFAULT_STOCK_AGES),
        placement_shares=_mix_shares(table, code, years, _PLACEMENT_MEASURES, "foster"),
        provider_shares=_mix_shares(table, code, years, _PROVIDER_MEASURES, "own"),
        uasc_share=min(max(uasc_share, 0.0), 0.3),
        uasc={y: v for y, v in uasc.items() if y in years and not np.isnan(v)},
    )
